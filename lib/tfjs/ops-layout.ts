/**
 * tfjs's layout ops: reshape, expandDims, squeeze, transpose, slice, gather (tfjs's, not
 * PyTorch's), concat, stack, unstack, tile. Selections go through byIndex (differentiable).
 */
import * as ops from '../ops/index.js';
import { argTypeError, formatShape, ShapeError } from '../errors.js';
import { shapeSize } from '../shape.js';
import { byIndex, type Input, normAxes, normAxis, strides, upcast, walk, wrap } from './ops-util.js';
import { type Tensor, toTensor } from './tensor.js';

// -- layout -------------------------------------------------------------------------------------

export function reshape(x: Input, shape: readonly number[]): Tensor {
  const t = toTensor(x, 'x');
  if (!Array.isArray(shape)) throw argTypeError('shape', 'array of integers', shape);
  const known = shape.filter((d) => d !== -1);
  const size = shapeSize(known);
  const inferred = shape.map((d) => (d === -1 ? (size === 0 ? 0 : t.size / size) : d));
  if (shape.filter((d) => d === -1).length > 1)
    throw new RangeError('Shapes can only have 1 implicit size. Found -1 at dim 0 and dim 1');
  if (shapeSize(inferred) !== t.size || inferred.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`Size(${t.size}) must match the product of shape ${shape.join(',')}`);
  }
  return wrap(ops.reshape(t.value, inferred), t.dtype);
}

export function expandDims(x: Input, axis = 0): Tensor {
  const t = toTensor(x, 'x');
  const ax = normAxis(axis, t.rank, 'axis', 1);
  const s = t.shape;
  s.splice(ax, 0, 1);
  return reshape(t, s);
}

export function squeeze(x: Input, axis?: number[]): Tensor {
  const t = toTensor(x, 'x');
  const axes =
    axis === undefined ? t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normAxes(axis, t.rank);
  for (const a of axes)
    if (t.shape[a] !== 1) throw new ShapeError(`Can't squeeze axis ${a} since its dim '${t.shape[a]}' is not 1`);
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}

export const flatten = (x: Input): Tensor => reshape(x, [-1]);

/** Permutes the dimensions (default: reversed). */
export function transpose(x: Input, perm?: number[]): Tensor {
  const t = toTensor(x, 'x');
  const p = perm === undefined ? t.shape.map((_, i) => t.rank - 1 - i) : perm.map((a) => normAxis(a, t.rank, 'perm'));
  if (p.length !== t.rank || new Set(p).size !== t.rank)
    throw new ShapeError(`Error in transpose: rank of input ${t.rank} must match length of perm ${formatShape(p)}.`);
  const st = strides(t.value.shape);
  const shape = p.map((a) => t.value.shape[a]!);
  return wrap(
    byIndex(
      t.value,
      shape,
      walk(
        shape,
        p.map((a) => st[a]!),
      ),
      'transpose',
    ),
    t.dtype,
  );
}

/** x[begin : begin + size] per dimension; size -1 runs to the end (tfjs's slice). */
export function slice(x: Input, begin: number | number[], size?: number | number[]): Tensor {
  const t = toTensor(x, 'x');
  const shape = t.value.shape;
  const b = typeof begin === 'number' ? [begin, ...new Array<number>(t.rank - 1).fill(0)] : [...begin];
  while (b.length < t.rank) b.push(0);
  const s0 = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
  const sz = shape.map((d, i) => (s0[i] === undefined || s0[i] === -1 ? d - b[i]! : s0[i]!));
  shape.forEach((d, i) => {
    if (b[i]! < 0 || b[i]! + sz[i]! > d || sz[i]! < 0) {
      throw new ShapeError(
        `Error in slice${t.rank}D: begin[${i}] + size[${i}] (${b[i]! + sz[i]!}) would overflow input.shape[${i}] (${d})`,
      );
    }
  });
  const st = strides(shape);
  const base = b.reduce((acc, v, i) => acc + v * st[i]!, 0);
  return wrap(byIndex(t.value, sz, walk(sz, st, base), 'slice'), t.dtype);
}

/** Slices of x along axis at int32 indices (tfjs's gather, not PyTorch's). */
export function gather(x: Input, indices: Input, axis = 0): Tensor {
  const t = toTensor(x, 'x');
  const idx = toTensor(indices, 'indices', 'int32');
  if (idx.dtype !== 'int32') throw new TypeError(`gather: indices must be int32 but received ${idx.dtype}`);
  const ax = normAxis(axis, t.rank);
  const shape = t.value.shape;
  const n = shape[ax]!;
  const outer = shapeSize(shape.slice(0, ax));
  const inner = shapeSize(shape.slice(ax + 1));
  const k = idx.size;
  const index = new Uint32Array(outer * k * inner);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const i = idx.value.data[j]!;
      if (i < 0 || i >= n) throw new RangeError(`gather: indices[${j}] = ${i} is not in [0, ${n - 1}]`);
      const base = (o * n + i) * inner;
      for (let r = 0; r < inner; r++) index[at++] = base + r;
    }
  }
  const outShape = [...shape.slice(0, ax), ...idx.value.shape, ...shape.slice(ax + 1)];
  return wrap(byIndex(t.value, outShape, index, 'gather'), t.dtype);
}

function tensorList(tensors: unknown, fn: string): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new TypeError(`${fn}: expected a non-empty array of tensors`);
  return tensors.map((t: unknown, i) => toTensor(t, `tensors[${i}]`));
}

export function concat(tensors: Input[], axis = 0): Tensor {
  const ts = tensorList(tensors, 'concat');
  const rank = ts[0]!.rank;
  const ax = normAxis(axis, rank);
  ts.forEach((t, i) => {
    if (t.rank !== rank || t.shape.some((d, j) => j !== ax && d !== ts[0]!.shape[j])) {
      throw new ShapeError(
        `Error in concat${rank}D: Shape of tensors[${i}] (${t.shape.join(',')}) does not match the shape of the rest (${ts[0]!.shape.join(',')}) along the non-concatenated axis ${i}.`,
      );
    }
  });
  const dt = ts.map((t) => t.dtype).reduce(upcast);
  return wrap(
    ts.length === 1
      ? ts[0]!.value
      : ops.concat(
          ts.map((t) => t.value),
          ax,
        ),
    dt,
  );
}

export function stack(tensors: Input[], axis = 0): Tensor {
  const ts = tensorList(tensors, 'stack');
  const shape = ts[0]!.shape;
  ts.forEach((t, i) => {
    if (t.shape.join() !== shape.join())
      throw new ShapeError(
        `All tensors passed to stack must have matching shapes; tensors[${i}] has shape ${formatShape(t.shape)}, tensors[0] ${formatShape(shape)}`,
      );
  });
  const ax = normAxis(axis, shape.length, 'axis', 1);
  return concat(
    ts.map((t) => expandDims(t, ax)),
    ax,
  );
}

export function unstack(x: Input, axis = 0): Tensor[] {
  const t = toTensor(x, 'x');
  const ax = normAxis(axis, t.rank);
  return Array.from({ length: t.shape[ax]! }, (_, i) => {
    const b = t.shape.map((_d, j) => (j === ax ? i : 0));
    const s = t.shape.map((d, j) => (j === ax ? 1 : d));
    return squeeze(slice(t, b, s), [ax]);
  });
}

export function tile(x: Input, reps: number[]): Tensor {
  const t = toTensor(x, 'x');
  if (!Array.isArray(reps) || reps.length !== t.rank)
    throw new ShapeError(
      `Error in tile: rank of reps ${Array.isArray(reps) ? reps.length : '?'} must match rank of x ${t.rank}.`,
    );
  const shape = t.value.shape;
  const outShape = shape.map((d, i) => d * reps[i]!);
  const st = strides(shape);
  const n = shapeSize(outShape);
  const index = new Uint32Array(n);
  const ost = strides(outShape);
  for (let i = 0; i < n; i++) {
    let at = 0;
    for (let k = 0; k < outShape.length; k++) at += ((Math.floor(i / ost[k]!) % outShape[k]!) % shape[k]!) * st[k]!;
    index[i] = at;
  }
  return wrap(byIndex(t.value, outShape, index, 'tile'), t.dtype);
}
