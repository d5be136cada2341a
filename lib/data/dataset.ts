/**
 * Datasets: indexable collections of (x, y) samples that hand out whole batches. A batch stacks
 * the chosen samples along a new first dimension: x [B, ...sample shape], y [B] class indices or
 * [B, ...target shape].
 */
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** Class indices (Int32Array), or a tensor whose first dimension indexes the samples. */
export type Targets = Int32Array | Tensor;

export interface Batch<Y extends Targets = Targets> {
  x: Tensor;
  y: Y;
}

export interface Dataset<Y extends Targets = Targets> {
  /** The number of samples. */
  readonly length: number;
  /** The samples at `indices` (each in [0, length)), stacked in that order. */
  batch(indices: ArrayLike<number>): Batch<Y>;
}

function checkIndices(indices: ArrayLike<number>, n: number): void {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw argRangeError(`indices[${k}]`, `integer in [0, ${n})`, i);
  }
}

/** Rows `indices` of `t` along its first dimension, copied into a new tensor. */
export function gatherRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  const n = t.shape[0]!;
  checkIndices(indices, n);
  const row = n === 0 ? 0 : t.size / n;
  const out = new Float32Array(indices.length * row);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    out.set(t.data.subarray(i * row, (i + 1) * row), k * row);
  }
  return new Tensor(out, [indices.length, ...t.shape.slice(1)]);
}

function gatherLabels(y: Int32Array, indices: ArrayLike<number>): Int32Array {
  checkIndices(indices, y.length);
  const out = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = y[indices[k]!]!;
  return out;
}

/** Samples held in memory: row i of `x` with element (or row) i of `y`. */
export class TensorDataset<Y extends Targets = Targets> implements Dataset<Y> {
  readonly x: Tensor;
  readonly y: Y;

  constructor(x: Tensor, y: Y) {
    if (!(x instanceof Tensor)) throw argTypeError('x', 'Tensor', x);
    if (x.rank < 1) throw new ShapeError(`TensorDataset: x must have a sample dimension but has shape ${formatShape(x.shape)}`);
    let count: number;
    if (y instanceof Int32Array) count = y.length;
    else if (y instanceof Tensor && y.rank >= 1) count = y.shape[0]!;
    else throw argTypeError('y', 'Int32Array of class indices or Tensor with a sample dimension', y);
    if (count !== x.shape[0]) {
      throw new ShapeError(`TensorDataset: x has ${x.shape[0]} samples (shape ${formatShape(x.shape)}) but y has ${count}`);
    }
    this.x = x;
    this.y = y;
  }

  get length(): number {
    return this.x.shape[0]!;
  }

  batch(indices: ArrayLike<number>): Batch<Y> {
    const x = gatherRows(this.x, indices);
    const y = (this.y instanceof Int32Array ? gatherLabels(this.y, indices) : gatherRows(this.y, indices)) as Y;
    return { x, y };
  }
}

/** A view of some samples of another dataset, in a given order (no copy). */
export class Subset<Y extends Targets = Targets> implements Dataset<Y> {
  readonly dataset: Dataset<Y>;
  readonly indices: Int32Array;

  constructor(dataset: Dataset<Y>, indices: ArrayLike<number>) {
    checkIndices(indices, dataset.length);
    this.dataset = dataset;
    this.indices = Int32Array.from(indices);
  }

  get length(): number {
    return this.indices.length;
  }

  batch(indices: ArrayLike<number>): Batch<Y> {
    checkIndices(indices, this.indices.length);
    return this.dataset.batch(Array.from(indices, (i) => this.indices[i]!));
  }
}

/** Every sample of `dataset`, in order, as tensors in memory. */
export function toTensorDataset<Y extends Targets>(dataset: Dataset<Y>): TensorDataset<Y> {
  const { x, y } = dataset.batch(Array.from({ length: dataset.length }, (_, i) => i));
  return new TensorDataset(x, y);
}

/** A Dataset as given, or a TensorDataset over `{ x, y }`. */
export function asDataset<Y extends Targets>(data: Dataset<Y> | { x: Tensor; y: Y }, name = 'data'): Dataset<Y> {
  if (typeof data !== 'object' || data === null) throw argTypeError(name, 'Dataset or { x, y }', data);
  if (typeof (data as Dataset<Y>).batch === 'function' && typeof (data as Dataset<Y>).length === 'number') return data as Dataset<Y>;
  const { x, y } = data as { x: Tensor; y: Y };
  return new TensorDataset(x, y);
}
