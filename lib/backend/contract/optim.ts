/**
 * Fused optimizer steps over whole parameter buffers (PyTorch's single-tensor formulas; the exact
 * order of operations is in native/kernels/optim/optim.h). Buffers are updated in place, come
 * first, and must not overlap each other or the gradient; `n` elements of each are used.
 */
export interface OptimKernels {
  /** SGD with optional momentum / dampening / Nesterov; momentumBuffer may be null when momentum is 0. */
  sgdStep(
    param: Float32Array,
    momentumBuffer: Float32Array | null,
    grad: Float32Array,
    lr: number,
    weightDecay: number,
    momentum: number,
    dampening: number,
    nesterov: boolean,
    maximize: boolean,
    init: boolean,
    n: number,
  ): void;
  /** Adam (coupled L2) or AdamW (decoupled); vmax non-null for AMSGrad. step counts from 1. */
  adamStep(
    param: Float32Array,
    m: Float32Array,
    v: Float32Array,
    vmax: Float32Array | null,
    grad: Float32Array,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    decoupled: boolean,
    step: number,
    maximize: boolean,
    n: number,
  ): void;
  /** RMSprop; gradAvg non-null when centered, momentumBuffer non-null when momentum > 0. */
  rmspropStep(
    param: Float32Array,
    squareAvg: Float32Array,
    gradAvg: Float32Array | null,
    momentumBuffer: Float32Array | null,
    grad: Float32Array,
    lr: number,
    alpha: number,
    eps: number,
    weightDecay: number,
    momentum: number,
    maximize: boolean,
    n: number,
  ): void;
  /** Adagrad. step counts from 1. */
  adagradStep(
    param: Float32Array,
    sum: Float32Array,
    grad: Float32Array,
    lr: number,
    lrDecay: number,
    weightDecay: number,
    eps: number,
    step: number,
    maximize: boolean,
    n: number,
  ): void;
  /** Sum of squares of x[0..n) in double, the same for any thread count (gradient clipping by norm). */
  sumSquares(x: Float32Array, n: number): number;
}
