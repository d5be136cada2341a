/**
 * The per-pass statistics of Monte Carlo dropout (mc-dropout.ts): class probabilities from a
 * pass's scores, per-row entropies, and Welford's running moments.
 */
import type { Tensor } from '../../tensor.js';

/** Without a task: whether the outputs are rows of scores, which get the classification fields too. */
export function scoreRows(y: Tensor): boolean {
  return y.rank >= 2 && y.shape[y.rank - 1]! >= 2;
}

/** Welford's update of mean and m2 with the s-th sample y. */
export function welford(mean: Float64Array, m2: Float64Array | null, y: ArrayLike<number>, s: number): void {
  for (let i = 0; i < y.length; i++) {
    const d = y[i]! - mean[i]!;
    mean[i]! += d / s;
    if (m2 !== null) m2[i]! += d * (y[i]! - mean[i]!);
  }
}

/** Softmax over the last dimension, in float64, rounded once. */
export function probabilities(y: Tensor, softmax: boolean): Float32Array {
  if (!softmax) return y.data;
  const classes = y.shape[y.rank - 1]!;
  const out = new Float32Array(y.size);
  for (let at = 0; at < y.size; at += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, y.data[at + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(y.data[at + c]! - max);
    for (let c = 0; c < classes; c++) out[at + c] = Math.exp(y.data[at + c]! - max) / sum;
  }
  return out;
}

/** −Σ p log p over each row of `classes` probabilities (0 log 0 = 0). */
export function rowEntropies(p: ArrayLike<number>, classes: number): Float64Array {
  const rows = p.length / classes;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let c = 0; c < classes; c++) {
      const v = p[r * classes + c]!;
      if (v > 0) h -= v * Math.log(v);
    }
    out[r] = h;
  }
  return out;
}
