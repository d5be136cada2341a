/**
 * Helpers of the Keras recurrent layers (recurrent-layers.ts): the orthogonal initializer of the
 * recurrent kernel, time reversal of sequences and masks, the last step of a mask, feature slices
 * and the Bidirectional merges.
 */
import type { MaskedOutputs } from '../nn/recurrent/rnn.js';
import { add, mul } from '../ops/arithmetic.js';
import { gather } from '../ops/indexing.js';
import { concat } from '../ops/layout.js';
import { defaultGenerator } from '../random.js';
import { Tensor } from '../tensor.js';

export const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'] as const;
export type MergeMode = (typeof MERGE_MODES)[number];

/** Reverses the time axis (1) of a (batch, steps, features) tensor, with its gradient. */
export function reverseTime(x: Tensor): Tensor {
  const [b, t, f] = x.shape as [number, number, number];
  const index = new Float32Array(b * t * f);
  for (let i = 0; i < b; i++) for (let s = 0; s < t; s++) index.fill(t - 1 - s, (i * t + s) * f, (i * t + s + 1) * f);
  return gather(x, 1, new Tensor(index, [b, t, f]));
}

/** A (batch, steps) mask with its steps reversed (masks carry no gradient). */
export function reverseSteps(mask: Tensor): Tensor {
  const [b, t] = mask.shape as [number, number];
  const out = new Float32Array(b * t);
  for (let i = 0; i < b; i++) for (let s = 0; s < t; s++) out[i * t + s] = mask.data[i * t + t - 1 - s]!;
  return new Tensor(out, [b, t]);
}

/** The last step (batch) of a (batch, steps) mask. */
export function lastStep(mask: Tensor): Tensor {
  const [b, t] = mask.shape as [number, number];
  return new Tensor(
    Float32Array.from({ length: b }, (_, i) => mask.data[i * t + t - 1]!),
    [b],
  );
}

/** forward's [output, state] as forwardMasked's { output, h, c }. */
export function resultOf([output, state]: [Tensor, Tensor | [Tensor, Tensor]]): MaskedOutputs {
  return Array.isArray(state) ? { output, h: state[0], c: state[1] } : { output, h: state, c: null };
}

/** Features [from, from + size) of the last axis of a rank-3 tensor. */
export function lastAxisSlice(x: Tensor, from: number, size: number): Tensor {
  const [b, t] = x.shape as [number, number, number];
  const index = new Float32Array(b * t * size);
  for (let i = 0; i < b * t; i++) for (let j = 0; j < size; j++) index[i * size + j] = from + j;
  return gather(x, 2, new Tensor(index, [b, t, size]));
}

export function merge(mode: MergeMode, a: Tensor, b: Tensor): Tensor {
  switch (mode) {
    case 'concat':
      return concat([a, b], -1);
    case 'sum':
      return add(a, b);
    case 'mul':
      return mul(a, b);
    case 'ave':
      return mul(add(a, b), 0.5);
  }
}

/** Fills `data` (rows x cols, row-major) with orthonormal columns (rows >= cols) or rows, from N(0, 1) draws. */
export function orthogonal(data: Float32Array, rows: number, cols: number): void {
  const tall = rows >= cols;
  const [n, k] = tall ? [rows, cols] : [cols, rows];
  const v = new Float64Array(n * k);
  const draws = new Float32Array(n * k);
  defaultGenerator.normal(draws, 0, 1);
  v.set(draws);
  // Gram-Schmidt over the k vectors of length n (vector j is v[j*n ...]), twice for stability.
  for (let j = 0; j < k; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[j * n + i]! * v[p * n + i]!;
        for (let i = 0; i < n; i++) v[j * n + i]! -= dot * v[p * n + i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[j * n + i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[j * n + i]! /= norm;
  }
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) data[r * cols + c] = tall ? v[c * n + r]! : v[r * n + c]!;
}
