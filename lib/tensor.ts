/**
 * Tensor<S>: a dense float32 array with a shape. Tensors are ordinary garbage-collected objects
 * over a Float32Array: there is no dispose() and no tidy().
 *
 * The shape parameter S is a readonly tuple type: `Tensor<readonly [number, 784]>` is a batch of
 * 784-feature rows. Factories infer literal shapes: `zeros([2, 3])` is a `Tensor<readonly [2, 3]>`.
 */
import { activeBackend } from './backend/index.js';
import { argTypeError, formatShape, ShapeError } from './errors.js';
import { defaultGenerator, Generator } from './random.js';
import { checkShape, inferShape, type Shape, shapeSize } from './shape.js';

export class Tensor<S extends Shape = Shape> {
  /** The elements, row-major (the last dimension varies fastest). */
  readonly data: Float32Array;
  /** The dimension sizes. */
  readonly shape: S;

  /**
   * Wraps `data` (not copied) with `shape`; the element count must match.
   * Prefer the factories (`tensor`, `zeros`, ...), which also accept plain arrays.
   */
  constructor(data: Float32Array, shape: S) {
    if (!(data instanceof Float32Array)) throw argTypeError('data', 'Float32Array', data);
    checkShape(shape);
    const n = shapeSize(shape);
    if (n !== data.length) {
      throw new ShapeError(`Expected ${n} elements for shape ${formatShape(shape)} but data has ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]) as unknown as S;
  }

  /** The number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /**
   * The same data under another shape (no copy). One dimension may be -1 and is inferred.
   */
  reshape<const T extends Shape>(shape: T): Tensor<T> {
    checkArrayShape(shape);
    return new Tensor(this.data, inferShape(shape, this.size, this.shape) as unknown as T);
  }

  /** A copy with its own storage. */
  clone(): Tensor<S> {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** The elements as nested arrays (a number for a scalar tensor). */
  toArray(): unknown {
    const build = (dim: number, at: number): unknown => {
      if (dim === this.shape.length) return this.data[at];
      const n = this.shape[dim]!;
      const stride = shapeSize(this.shape.slice(dim + 1));
      return Array.from({ length: n }, (_, i) => build(dim + 1, at + i * stride));
    };
    return build(0, 0);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)})`;
  }
}

function checkArrayShape(shape: unknown): void {
  if (!Array.isArray(shape)) throw argTypeError('shape', 'array of integers', shape);
}

/** Nested arrays of numbers, e.g. [[1, 2], [3, 4]]. */
export type NestedArray = number | readonly NestedArray[];

function flatten(value: NestedArray, shape: number[], out: number[], depth: number): void {
  if (typeof value === 'number') {
    if (depth !== shape.length) throw new ShapeError('tensor: nested arrays are ragged');
    out.push(value);
    return;
  }
  if (!Array.isArray(value)) throw argTypeError('data', 'number or nested array of numbers', value);
  if (depth === shape.length) shape.push(value.length);
  else if (shape[depth] !== value.length) throw new ShapeError('tensor: nested arrays are ragged');
  for (const v of value) flatten(v as NestedArray, shape, out, depth + 1);
}

/**
 * A tensor from data and a shape.
 * - `data` a Float32Array: used as the storage (not copied); shape defaults to [data.length].
 * - `data` any other array-like of numbers: copied; shape defaults to [data.length].
 * - `data` nested arrays: copied; the shape is inferred (or checked against `shape` if given).
 */
export function tensor<const S extends Shape>(data: Float32Array | ArrayLike<number> | NestedArray, shape: S): Tensor<S>;
export function tensor(data: Float32Array | ArrayLike<number> | NestedArray): Tensor;
export function tensor(data: Float32Array | ArrayLike<number> | NestedArray, shape?: Shape): Tensor {
  if (data instanceof Float32Array) return new Tensor(data, shape ?? [data.length]);
  if (typeof data === 'number') return new Tensor(Float32Array.of(data), shape ?? []);
  if (Array.isArray(data) && data.some((v) => Array.isArray(v))) {
    const inferred: number[] = [];
    const flat: number[] = [];
    flatten(data as NestedArray, inferred, flat, 0);
    if (shape !== undefined && shapeSize(checkShape(shape)) !== flat.length) {
      throw new ShapeError(`Expected ${shapeSize(shape)} elements for shape ${formatShape(shape)} but data has ${flat.length}`);
    }
    return new Tensor(Float32Array.from(flat), shape ?? inferred);
  }
  if (data === null || typeof data !== 'object' || typeof (data as ArrayLike<number>).length !== 'number') {
    throw argTypeError('data', 'Float32Array, array of numbers or nested arrays', data);
  }
  const arr = Float32Array.from(data as ArrayLike<number>);
  return new Tensor(arr, shape ?? [arr.length]);
}

function alloc<const S extends Shape>(shape: S): Float32Array {
  checkShape(shape);
  return new Float32Array(shapeSize(shape));
}

/** A tensor of zeros. */
export function zeros<const S extends Shape>(shape: S): Tensor<S> {
  return new Tensor(alloc(shape), shape);
}

/** A tensor of `value` (rounded to float32). */
export function full<const S extends Shape>(shape: S, value: number): Tensor<S> {
  if (typeof value !== 'number') throw argTypeError('value', 'number', value);
  const data = alloc(shape);
  activeBackend().fill(data, value, data.length);
  return new Tensor(data, shape);
}

/** A tensor of ones. */
export function ones<const S extends Shape>(shape: S): Tensor<S> {
  return full(shape, 1);
}

export interface RandomOptions {
  /** The stream to draw from; the default generator (seeded by `manualSeed`) if omitted. */
  generator?: Generator;
}

/** Uniform samples in [0, 1), reproducible under `manualSeed` or a given generator. */
export function rand<const S extends Shape>(shape: S, options: RandomOptions = {}): Tensor<S> {
  const data = alloc(shape);
  (options.generator ?? defaultGenerator).uniform(data);
  return new Tensor(data, shape);
}

/** Standard normal samples N(0, 1), reproducible under `manualSeed` or a given generator. */
export function randn<const S extends Shape>(shape: S, options: RandomOptions = {}): Tensor<S> {
  const data = alloc(shape);
  (options.generator ?? defaultGenerator).normal(data);
  return new Tensor(data, shape);
}
