/**
 * Layout ops: reshape/view/flatten (the same data under another shape), transpose (a copy with
 * two dimensions swapped) and concat (tensors joined along a dimension). dropnet tensors are
 * always contiguous, so view and reshape are the same op and never copy.
 */
import { record } from '../autograd/record.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expectTensor, normDim, splitAt } from './check.js';

/** The same data under another shape (one dimension may be -1); the gradient is reshaped back. */
export function reshape<const T extends Shape>(x: Tensor, shape: T): Tensor<T> {
  return expectTensor(x, 'x').reshape(shape);
}

/** Another name for reshape (PyTorch's `view`): tensors here are always contiguous. */
export const view = reshape;

/** Merges dimensions startDim..endDim (inclusive) into one; a scalar becomes shape [1]. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  expectTensor(x, 'x');
  if (x.rank === 0) return x.reshape([1]);
  const s = normDim(startDim, x.rank, 'startDim');
  const e = normDim(endDim, x.rank, 'endDim');
  if (s > e) throw argRangeError('endDim', `dimension at or after startDim (${s})`, endDim);
  let merged = 1;
  for (let i = s; i <= e; i++) merged *= x.shape[i]!;
  return x.reshape([...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** For each element of the output of swapping dims a and b of `shape`, the source index. */
function swapIndex(shape: Shape, a: number, b: number): { out: number[]; index: Uint32Array } {
  const out = [...shape];
  out[a] = shape[b]!;
  out[b] = shape[a]!;
  const rank = shape.length;
  const strides = new Array<number>(rank);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  // Source strides in output order.
  const srcStrides = [...strides];
  srcStrides[a] = strides[b]!;
  srcStrides[b] = strides[a]!;
  const n = stride;
  const index = new Uint32Array(n);
  const counter = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    index[i] = src;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      src += srcStrides[d]!;
      if (counter[d]! < out[d]!) break;
      src -= srcStrides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return { out, index };
}

/** Swaps dimensions dim0 and dim1 (a copy). */
export function transpose<A extends number, B extends number>(
  x: Tensor<readonly [A, B]>,
  dim0?: number,
  dim1?: number,
): Tensor<readonly [B, A]>;
export function transpose(x: Tensor, dim0?: number, dim1?: number): Tensor;
export function transpose(x: Tensor, dim0 = 0, dim1 = 1): Tensor {
  expectTensor(x, 'x');
  if (x.rank < 2)
    throw new ShapeError(
      `transpose: expected a tensor of at least 2 dimensions but received shape ${formatShape(x.shape)}`,
    );
  const a = normDim(dim0, x.rank, 'dim0');
  const b = normDim(dim1, x.rank, 'dim1');
  if (a === b) return x.clone();
  const { out: shape, index } = swapIndex(x.shape, a, b);
  const xd = x.data;
  const out = new Float32Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = xd[index[i]!]!;
  return record(
    new Tensor(out, shape),
    'transpose',
    [x],
    (g) => {
      const gx = new Float32Array(g.length);
      for (let i = 0; i < index.length; i++) gx[index[i]!] = g[i]!;
      return [gx];
    },
    { dim0: a, dim1: b },
  );
}

/** Joins tensors along `dim` (default 0); all other dimensions must agree. */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors)) throw argTypeError('tensors', 'array of Tensors', tensors);
  if (tensors.length === 0) throw argRangeError('tensors', 'non-empty array of Tensors', tensors);
  tensors.forEach((t, i) => expectTensor(t, `tensors[${i}]`));
  const first = tensors[0]!;
  if (first.rank === 0) throw new ShapeError('concat: zero-dimensional tensors cannot be concatenated');
  const d = normDim(dim, first.rank);
  for (let i = 1; i < tensors.length; i++) {
    const t = tensors[i]!;
    const ok = t.rank === first.rank && t.shape.every((s: number, j: number) => j === d || s === first.shape[j]);
    if (!ok) {
      throw new ShapeError(
        `concat: tensors[${i}] has shape ${formatShape(t.shape)} but tensors[0] has ${formatShape(first.shape)}; they may differ only in dimension ${d}`,
      );
    }
  }
  const [outer, , inner] = splitAt(first.shape, d);
  const widths = tensors.map((t) => t.shape[d]! * inner);
  const row = widths.reduce((s, w) => s + w, 0);
  const out = new Float32Array(outer * row);
  let offset = 0;
  // An empty result copies nothing (its outer size may be 2**40 with rows of 0).
  if (out.length > 0)
    tensors.forEach((t, k) => {
      const w = widths[k]!;
      for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * w, (o + 1) * w), o * row + offset);
      offset += w;
    });
  const shape = [...first.shape];
  shape[d] = tensors.reduce((s, t) => s + t.shape[d]!, 0);
  return record(
    new Tensor(out, shape),
    'concat',
    tensors,
    (g, needs) => {
      let at = 0;
      return tensors.map((_, k) => {
        const w = widths[k]!;
        const start = at;
        at += w;
        if (!needs[k]) return null;
        const gk = new Float32Array(outer * w);
        if (gk.length > 0)
          for (let o = 0; o < outer; o++) gk.set(g.subarray(o * row + start, o * row + start + w), o * w);
        return gk;
      });
    },
    { dim: d },
  );
}
