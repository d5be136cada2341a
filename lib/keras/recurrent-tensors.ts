/**
 * Tensor helpers of the Keras recurrent layers (recurrent-layers.ts): time reversal of sequences
 * and masks, the last step of a mask, feature slices and the Bidirectional merges.
 */
import type { MaskedOutputs } from '../nn/recurrent/rnn.js';
import { add, mul } from '../ops/arithmetic.js';
import { gather } from '../ops/indexing.js';
import { concat } from '../ops/layout.js';
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
