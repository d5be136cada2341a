/**
 * Reductions: sum and mean over all dimensions or the given ones, with `keepdim` as in PyTorch.
 * Sums accumulate in float64. The gradient of a reduced element is spread back over every
 * input element that was folded into it (divided by the count for mean).
 */
import { record } from '../autograd/record.js';
import { activeBackend } from '../backend/index.js';
import { argRangeError } from '../errors.js';
import { shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { broadcastIndex, expandThrough } from './broadcast.js';
import { boolOption, expectTensor, normDims, outputArray } from './check.js';

/** Dimensions to reduce: one index, several, or undefined/null for all of them. */
export type Dims = number | readonly number[] | null | undefined;

function reduce(x: Tensor, dim: Dims, keepdim: unknown, name: string, average: boolean): Tensor {
  expectTensor(x, 'x');
  const keep = boolOption(keepdim, 'keepdim', false);
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
  return record(new Tensor(out, shape), name, [x], (g) => {
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
  });
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
