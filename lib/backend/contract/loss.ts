/** Fused loss kernels (see native/kernels/loss/softmax_xent.h for the formulas). */
export interface LossKernels {
  /**
   * Softmax cross-entropy with class-index targets, per row: loss[r], its gradient with respect
   * to the logits dlogits[r, :], and wsum[r] (the target's class weight, 0 for ignored rows).
   */
  softmaxCrossEntropy(
    loss: Float32Array,
    dlogits: Float32Array,
    wsum: Float32Array,
    logits: Float32Array,
    targets: Int32Array,
    weight: Float32Array | null,
    rows: number,
    classes: number,
    labelSmoothing: number,
    ignoreIndex: number,
  ): void;
}
