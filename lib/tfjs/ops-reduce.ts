/**
 * tfjs's reductions: sum, mean, max, min (differentiable, through byIndex), argMax, argMin.
 */
import * as ops from '../ops/index.js';
import { ShapeError } from '../errors.js';
import { Tensor as DnTensor } from '../tensor.js';
import { byIndex, type Input, normAxes, normAxis, strides, walk, wrap } from './ops-util.js';
import { type Tensor, toTensor } from './tensor.js';

// -- reductions ---------------------------------------------------------------------------------

function reduced(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

export function sum(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = toTensor(x, 'x');
  const axes = normAxes(axis, t.rank);
  const out = axes.length === 0 ? t.value : ops.sum(t.value, axes, keepDims);
  const dt = t.dtype === 'bool' ? 'int32' : t.dtype;
  return wrap(out, dt);
}

export function mean(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = toTensor(x, 'x');
  const axes = normAxes(axis, t.rank);
  return wrap(axes.length === 0 ? t.value : ops.mean(t.value, axes, keepDims), 'float32');
}

/** For each output position, the input position that `better` picks over `axes`; plus the output shape. */
function pick(
  t: DnTensor,
  axes: readonly number[],
  keepDims: boolean,
  better: (a: number, b: number) => boolean,
): { index: Uint32Array; shape: number[] } {
  const shape = t.shape;
  if (t.size === 0) throw new ShapeError('max/min of an empty tensor');
  const st = strides(shape);
  const outer = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const inner = shape.map((d, i) => (axes.includes(i) ? d : 1));
  const starts = walk(outer, st);
  const offsets = walk(inner, st);
  const index = new Uint32Array(starts.length);
  const d = t.data;
  for (let i = 0; i < starts.length; i++) {
    let best = starts[i]!;
    for (let j = 1; j < offsets.length; j++) {
      const at = starts[i]! + offsets[j]!;
      if (better(d[at]!, d[best]!) || (Number.isNaN(d[at]!) && !Number.isNaN(d[best]!))) best = at;
    }
    index[i] = best;
  }
  return { index, shape: reduced(shape, axes, keepDims) };
}

export function max(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = toTensor(x, 'x');
  const { index, shape } = pick(t.value, normAxes(axis, t.rank), keepDims, (a, b) => a > b);
  return wrap(byIndex(t.value, shape, index, 'max'), t.dtype);
}

export function min(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = toTensor(x, 'x');
  const { index, shape } = pick(t.value, normAxes(axis, t.rank), keepDims, (a, b) => a < b);
  return wrap(byIndex(t.value, shape, index, 'min'), t.dtype);
}

function argPick(x: Input, axis: number, better: (a: number, b: number) => boolean): Tensor {
  const t = toTensor(x, 'x');
  const ax = normAxis(axis, t.rank);
  const { index, shape } = pick(t.value, [ax], false, better);
  const stride = strides(t.value.shape)[ax]!;
  const n = t.value.shape[ax]!;
  const out = new Float32Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = Math.floor(index[i]! / stride) % n;
  return wrap(new DnTensor(out, shape), 'int32');
}

/** The index of the largest value along axis (default 0, as tfjs); the first one on ties. */
export const argMax = (x: Input, axis = 0): Tensor => argPick(x, axis, (a, b) => a > b);
export const argMin = (x: Input, axis = 0): Tensor => argPick(x, axis, (a, b) => a < b);

/** The maximum of a dropnet tensor over `axes` (differentiable), for layers. */
export function maxOver(x: DnTensor, axes: readonly number[], keepDims = false): DnTensor {
  const { index, shape } = pick(x, axes, keepDims, (a, b) => a > b);
  return byIndex(x, shape, index, 'max');
}
