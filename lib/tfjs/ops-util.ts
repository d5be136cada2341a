/**
 * Helpers the tfjs ops share: dtype upcast, axis checks, strides, and the one differentiable
 * gather (`byIndex`) that every selecting op goes through with an index map (output position ->
 * input position).
 */
import { record } from '../autograd/record.js';
import { argRangeError, argTypeError } from '../errors.js';
import { shapeSize } from '../shape.js';
import { Tensor as DnTensor } from '../tensor.js';
import { type DataType, Tensor, type TensorLike, toTensor } from './tensor.js';

export type Input = Tensor | TensorLike;

export const wrap = (value: DnTensor, dtype: DataType): Tensor => new Tensor(value, dtype);

/** tfjs's upcast: bool < int32 < float32. */
export function upcast(a: DataType, b: DataType): DataType {
  if (a === 'float32' || b === 'float32') return 'float32';
  if (a === 'int32' || b === 'int32') return 'int32';
  return 'bool';
}

export function normAxis(axis: unknown, rank: number, name = 'axis', extra = 0): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw argTypeError(name, 'integer', axis);
  const n = rank + extra;
  if (axis < -n || axis >= n)
    throw argRangeError(name, `integer in [${-n}, ${n - 1}] for a tensor of rank ${rank}`, axis);
  return axis < 0 ? axis + n : axis;
}

export function normAxes(axis: unknown, rank: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const out = list.map((a: unknown) => normAxis(a, rank));
  return [...new Set(out)].sort((a, b) => a - b);
}

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** out[i] = x[index[i]], shaped `shape`; the gradient adds back into x's positions. */
export function byIndex(x: DnTensor, shape: readonly number[], index: Uint32Array, name: string): DnTensor {
  const out = new Float32Array(index.length);
  const d = x.data;
  for (let i = 0; i < index.length; i++) out[i] = d[index[i]!]!;
  return record(new DnTensor(out, shape), name, [x], (g) => {
    const gx = new Float32Array(x.size);
    for (let i = 0; i < index.length; i++) gx[index[i]!]! += g[i]!;
    return [gx];
  });
}

/** For each position of `outShape`, the input position of a strided walk: in = sum(coord[k] * step[k]) + base. */
export function walk(outShape: readonly number[], step: readonly number[], base = 0): Uint32Array {
  const n = shapeSize(outShape);
  const index = new Uint32Array(n);
  const rank = outShape.length;
  const counter = new Array<number>(rank).fill(0);
  let at = base;
  for (let i = 0; i < n; i++) {
    index[i] = at;
    for (let k = rank - 1; k >= 0; k--) {
      counter[k]!++;
      at += step[k]!;
      if (counter[k]! < outShape[k]!) break;
      at -= step[k]! * counter[k]!;
      counter[k] = 0;
    }
  }
  return index;
}

/** Two operands as tensors (an integer number next to an int32 tensor stays int32) and their common dtype. */
export function pair(a: Input, b: Input): [Tensor, Tensor, DataType] {
  const ta = toTensor(a, 'a');
  const tb = toTensor(
    b,
    'b',
    a instanceof Tensor && typeof b === 'number' && Number.isInteger(b) && ta.dtype === 'int32' ? 'int32' : undefined,
  );
  return [ta, tb, upcast(ta.dtype, tb.dtype)];
}
