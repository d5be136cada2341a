// Gives the same layers the same weights on both libraries, so that a program's losses can be
// compared step by step: every weight that is not a constant (kernels, embeddings, recurrent
// kernels) is replaced by a fixed pattern of its shape; constants (zero biases, batch
// normalization's gamma, beta and moving statistics) are the same in both already.
import type { Lib } from './compare.js';

type AnyTensor = ReturnType<Lib['tensor']>;

interface WeightedLayer {
  getWeights(): AnyTensor[];
  setWeights(w: AnyTensor[]): void;
}

export function fixWeights(tf: Lib, layers: readonly unknown[], scale = 0.3): void {
  layers.forEach((layer, l) => {
    const w = (layer as WeightedLayer).getWeights();
    const next = w.map((t, i) => {
      const v = Array.from(t.dataSync());
      if (v.every((x) => x === v[0])) return t;
      const pattern = v.map((_, j) => scale * Math.sin(1.3 * j + 0.7 * i + 2.1 * l));
      return tf.tensor(pattern, t.shape);
    });
    (layer as WeightedLayer).setWeights(next);
  });
}

/** Every element of two lists of numbers within atol + rtol·|b|. */
export function close(a: readonly number[], b: readonly number[], atol = 1e-4, rtol = 1e-3): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= atol + rtol * Math.abs(b[i]!));
}
