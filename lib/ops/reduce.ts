/**
 * Reductions: sum and mean over all dimensions or the given ones, with `keepdim` as in PyTorch.
 * Sums accumulate in float64. The gradient of a reduced element is spread back over every
 * input element that was folded into it (divided by the count for mean).
 */
import { boolean, orDefault } from '../args.js';
import { record } from '../autograd/record.js';
import { traceOp } from '../autograd/trace.js';
import { activeBackend } from '../backend/index.js';
import { argRangeError, argTypeError } from '../errors.js';
import { shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { broadcastIndex, expandThrough } from './broadcast.js';
import { expectTensor, normDims, outputArray } from './check.js';

/** Dimensions to reduce: one index, several, or undefined/null for all of them. */
export type Dims = number | readonly number[] | null | undefined;

function reduce(x: Tensor, dim: Dims, keepdim: unknown, name: string, average: boolean): Tensor {
  expectTensor(x, 'x');
  const keep = boolean(orDefault(keepdim, false), 'keepdim');
  let dims: number[];
  if (dim === undefined || dim === null) dims = x.shape.map((_, i) => i);
  else {
    dims = normDims(dim, x.rank);
    if (dims.length === 0) throw argRangeError('dim', 'dimension or non-empty array of dimensions', dim);
  }
  const kept = x.shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const index = broadcastIndex(kept, x.shape);
  const size = shapeSize(kept);
  const count = size === 0 ? 0 : x.size / size;
  const sums = index === null ? x.data : sumsOf(x.data, index, size, name);
  const out = outputArray(size, name);
  for (let i = 0; i < size; i++) out[i] = average ? sums[i]! / count : sums[i]!;
  const shape = keep ? kept : x.shape.filter((_, i) => !dims.includes(i));
  return record(
    new Tensor(out, shape),
    name,
    [x],
    (g) => {
      if (size === 1) {
        // Reduced to one element: its gradient is the same everywhere.
        const gx = new Float32Array(x.size);
        activeBackend().fill(gx, average ? g[0]! / count : g[0]!, gx.length);
        return [gx];
      }
      let spread = g;
      if (average) {
        spread = new Float32Array(g.length);
        for (let i = 0; i < g.length; i++) spread[i] = g[i]! / count;
      }
      return [expandThrough(spread, index)];
    },
    { dims, keepdim: keep },
  );
}

/** Float64 sums (a mean divides them before rounding to float32). */
function sumsOf(data: Float32Array, index: Uint32Array, size: number, op: string): Float64Array {
  const acc = outputArray(size, op, Float64Array);
  for (let i = 0; i < index.length; i++) acc[index[i]!]! += data[i]!;
  return acc;
}

/** The sum of all elements (a scalar tensor), or over `dim` (dropped unless `keepdim`). */
export function sum(x: Tensor): Tensor<readonly []>;
export function sum(x: Tensor, dim: Dims, keepdim?: boolean): Tensor;
export function sum(x: Tensor, dim?: Dims, keepdim?: boolean): Tensor {
  return reduce(x, dim, keepdim, 'sum', false);
}

/** The mean of all elements (a scalar tensor), or over `dim` (dropped unless `keepdim`). */
export function mean(x: Tensor): Tensor<readonly []>;
export function mean(x: Tensor, dim: Dims, keepdim?: boolean): Tensor;
export function mean(x: Tensor, dim?: Dims, keepdim?: boolean): Tensor {
  return reduce(x, dim, keepdim, 'mean', true);
}

/** Values and their indices along a dimension, as PyTorch's `torch.max(x, dim)`: `const [values, indices] = max(x, 1)`. */
export type ValuesIndices = [values: Tensor, indices: Tensor] & { readonly values: Tensor; readonly indices: Tensor };

/**
 * The extreme element's value and index along `dim` (the first one on ties, as PyTorch on CPU; NaN
 * wins, as in PyTorch). Indices are whole numbers in a float32 tensor (exact below 2^24).
 */
function extreme(
  x: Tensor,
  dim: number,
  keepdim: unknown,
  name: string,
  larger: boolean,
): { values: Tensor; indices: Tensor } {
  expectTensor(x, 'x');
  const keep = boolean(orDefault(keepdim, false), 'keepdim');
  const [d] = normDims(dim, Math.max(x.rank, 1));
  const shape = x.rank === 0 ? [1] : x.shape;
  const n = shape[d!]!;
  if (n === 0) throw argRangeError('dim', `a dimension of non-zero size (${name} of an empty dimension)`, dim);
  const outer = shapeSize(shape.slice(0, d));
  const inner = shapeSize(shape.slice(d! + 1));
  const values = new Float32Array(outer * inner);
  const indices = new Float32Array(outer * inner);
  const at = new Uint32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = base;
      for (let k = 1; k < n; k++) {
        const j = base + k * inner;
        const v = x.data[j]!;
        const b = x.data[best]!;
        if (Number.isNaN(b)) break;
        if (Number.isNaN(v) || (larger ? v > b : v < b)) best = j;
      }
      values[o * inner + i] = x.data[best]!;
      indices[o * inner + i] = (best - base) / inner;
      at[o * inner + i] = best;
    }
  }
  const reduced = x.rank === 0 ? [] : keep ? shape.map((s, i) => (i === d ? 1 : s)) : shape.filter((_, i) => i !== d);
  const attrs = { dim: d, keepdim: keep };
  const v = record(
    new Tensor(values, reduced),
    larger ? 'max' : 'min',
    [x],
    (g) => {
      const gx = new Float32Array(x.size);
      for (let i = 0; i < at.length; i++) gx[at[i]!]! += g[i]!;
      return [gx];
    },
    attrs,
  );
  // The indices take no gradient; they are only reported to a trace (ONNX ArgMax / ArgMin).
  const idx = new Tensor(indices, reduced);
  traceOp(idx, larger ? 'argmax' : 'argmin', [x], attrs);
  return { values: v, indices: idx };
}

function checkDim(dim: unknown): number {
  if (typeof dim !== 'number') throw argTypeError('dim', 'integer', dim);
  return dim;
}

function pairOf(r: { values: Tensor; indices: Tensor }): ValuesIndices {
  return Object.assign([r.values, r.indices] as [Tensor, Tensor], { values: r.values, indices: r.indices });
}

/** The largest element (a scalar tensor), or `[values, indices]` of the largest along `dim`. */
export function max(x: Tensor): Tensor<readonly []>;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim?: boolean): Tensor | ValuesIndices {
  if (dim === undefined) return extreme(expectTensor(x, 'x').reshape([-1]), 0, false, 'max', true).values;
  return pairOf(extreme(x, checkDim(dim), keepdim, 'max', true));
}

/** The smallest element (a scalar tensor), or `[values, indices]` of the smallest along `dim`. */
export function min(x: Tensor): Tensor<readonly []>;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim?: boolean): Tensor | ValuesIndices {
  if (dim === undefined) return extreme(expectTensor(x, 'x').reshape([-1]), 0, false, 'min', false).values;
  return pairOf(extreme(x, checkDim(dim), keepdim, 'min', false));
}

/** The index of the largest element of the flattened tensor, or the indices along `dim` (PyTorch's argmax). */
export function argmax(x: Tensor, dim?: number, keepdim?: boolean): Tensor {
  if (dim === undefined) return extreme(expectTensor(x, 'x').reshape([-1]), 0, false, 'argmax', true).indices;
  return extreme(x, checkDim(dim), keepdim, 'argmax', true).indices;
}

/** The index of the smallest element of the flattened tensor, or the indices along `dim`. */
export function argmin(x: Tensor, dim?: number, keepdim?: boolean): Tensor {
  if (dim === undefined) return extreme(expectTensor(x, 'x').reshape([-1]), 0, false, 'argmin', false).indices;
  return extreme(x, checkDim(dim), keepdim, 'argmin', false).indices;
}
