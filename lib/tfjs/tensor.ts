/**
 * tfjs's Tensor over a dropnet Tensor: the same names with tfjs's meaning (`dataSync()`,
 * `data()`, `array()`, `dtype`, `gather(indices, axis)` ...), where dropnet's main API follows
 * PyTorch. Values live in the wrapped float32 tensor (`.value`); `dtype` says how they read back:
 * int32 tensors hold integers (exact up to 2^24) and read back as Int32Array, bool tensors hold
 * 0/1 and read back as Uint8Array.
 *
 * Tensors are garbage-collected: dispose() only marks the tensor disposed, so that reading it
 * afterwards fails as it does in tfjs.
 */
import { argTypeError, formatShape, ShapeError } from '../errors.js';
import { shapeSize } from '../shape.js';
import { Tensor as DnTensor } from '../tensor.js';

export type DataType = 'float32' | 'int32' | 'bool';
export type TypedArray = Float32Array | Int32Array | Uint8Array;
export type Rank = number;
/** What tfjs's functions take where a tensor is expected. */
export type TensorLike = number | boolean | TypedArray | readonly TensorLike[];

const DTYPES: readonly DataType[] = ['float32', 'int32', 'bool'];

let nextId = 0;

/** Live (not disposed) tensors, for tf.memory(). */
export const liveTensors = { count: 0, bytes: 0 };

/** The tensors created inside each open tf.tidy(), innermost last. */
export const tidyScopes: Tensor[][] = [];

/** Values of `data` as `dtype` stores them: int32 truncates toward zero, bool is x != 0. */
export function castValues(data: Float32Array, dtype: DataType): Float32Array {
  if (dtype === 'float32') return data;
  const out = new Float32Array(data.length);
  if (dtype === 'int32') for (let i = 0; i < data.length; i++) out[i] = Math.trunc(data[i]!) | 0;
  else for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? 1 : 0;
  return out;
}

export function checkDtype(dtype: unknown, name = 'dtype'): DataType {
  if (typeof dtype !== 'string' || !(DTYPES as readonly string[]).includes(dtype)) {
    if (dtype === 'complex64' || dtype === 'string')
      throw new TypeError(`dropnet/tfjs: dtype '${dtype}' is not supported; use 'float32', 'int32' or 'bool'`);
    throw argTypeError(name, "'float32', 'int32' or 'bool'", dtype);
  }
  return dtype as DataType;
}

export class Tensor {
  /** The dropnet tensor holding the values (float32). */
  readonly value: DnTensor;
  readonly dtype: DataType;
  readonly id: number;
  #disposed = false;
  /** Set by tf.keep(): tidy() leaves it alone. */
  kept = false;

  constructor(value: DnTensor, dtype: DataType = 'float32') {
    if (!(value instanceof DnTensor)) throw argTypeError('value', 'dropnet Tensor', value);
    this.value = value;
    this.dtype = checkDtype(dtype);
    this.id = nextId++;
    liveTensors.count++;
    liveTensors.bytes += 4 * value.size;
    tidyScopes[tidyScopes.length - 1]?.push(this);
  }

  get shape(): number[] {
    return [...this.value.shape];
  }

  get size(): number {
    return this.value.size;
  }

  get rank(): number {
    return this.value.rank;
  }

  get rankType(): string {
    return String(this.rank);
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Marks the tensor disposed; reading it afterwards throws, as in tfjs. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    liveTensors.count--;
    liveTensors.bytes -= 4 * this.value.size;
  }

  /** Throws if disposed (every read goes through here). */
  checkLive(): DnTensor {
    if (this.#disposed) throw new Error('Tensor is disposed.');
    return this.value;
  }

  /** A copy of the values as the dtype's typed array. */
  dataSync(): TypedArray {
    const v = this.checkLive().data;
    if (this.dtype === 'float32') return v.slice();
    if (this.dtype === 'int32') return Int32Array.from(v);
    return Uint8Array.from(v);
  }

  data(): Promise<TypedArray> {
    try {
      return Promise.resolve(this.dataSync());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  arraySync(): unknown {
    const v = this.dataSync();
    const shape = this.value.shape;
    const build = (dim: number, at: number): unknown => {
      if (dim === shape.length) return v[at];
      const stride = shapeSize(shape.slice(dim + 1));
      return Array.from({ length: shape[dim]! }, (_, i) => build(dim + 1, at + i * stride));
    };
    return build(0, 0);
  }

  array(): Promise<unknown> {
    try {
      return Promise.resolve(this.arraySync());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A tensor's single value (tfjs's bufferSync().get() for a scalar). */
  toString(verbose = false): string {
    const v = this.dataSync();
    const head = verbose
      ? `Tensor\n  dtype: ${this.dtype}\n  rank: ${this.rank}\n  shape: ${formatShape(this.value.shape)}\n  values:\n`
      : 'Tensor\n';
    return head + '    ' + formatValues(v, this.value.shape, this.dtype);
  }

  /** Prints the tensor to the console, as tfjs's print(). */
  print(verbose = false): void {
    console.log(this.toString(verbose));
  }

  clone(): Tensor {
    return new Tensor(this.checkLive().clone(), this.dtype);
  }

  /** A TensorBuffer holding a copy of the values. */
  bufferSync(): TensorBuffer {
    return new TensorBuffer(this.shape, this.dtype, this.dataSync());
  }

  buffer(): Promise<TensorBuffer> {
    try {
      return Promise.resolve(this.bufferSync());
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/** tfjs's TensorBuffer: a mutable typed array with a shape, read and written by index, then toTensor(). */
export class TensorBuffer {
  readonly shape: number[];
  readonly dtype: DataType;
  readonly size: number;
  readonly strides: number[];
  readonly values: TypedArray;

  constructor(shape: readonly number[], dtype: DataType = 'float32', values?: TypedArray) {
    this.shape = [...checkShapeArg(shape)];
    this.dtype = checkDtype(dtype);
    this.size = shapeSize(this.shape);
    this.strides = this.shape.slice(1).map((_, i) => shapeSize(this.shape.slice(i + 1)));
    const make = (n: number): TypedArray =>
      this.dtype === 'float32' ? new Float32Array(n) : this.dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
    if (values === undefined || values === null) this.values = make(this.size);
    else {
      if (!ArrayBuffer.isView(values)) throw argTypeError('values', 'typed array', values);
      if (values.length !== this.size)
        throw new Error(
          `Length of values '${values.length}' does not match the size inferred by the shape '${this.size}'.`,
        );
      this.values = values;
    }
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Writes `value` at the location `locs` (one index per dimension). */
  set(value: number | boolean, ...locs: number[]): void {
    if (locs.length === 0) locs = [0];
    if (locs.length !== this.rank)
      throw new Error(`The number of provided coordinates (${locs.length}) must match the rank (${this.rank})`);
    this.values[this.locToIndex(locs)] = Number(value);
  }

  /** The value at `locs`. */
  get(...locs: number[]): number {
    if (locs.length === 0) locs = [0];
    return this.values[this.locToIndex(locs)]!;
  }

  locToIndex(locs: readonly number[]): number {
    if (this.rank === 0) return 0;
    let index = 0;
    locs.forEach((l, i) => {
      if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= this.shape[i]!)
        throw new Error(`Requested out of range element at ${locs.join(',')}.   Buffer shape=${this.shape.join(',')}`);
      index += l * (this.strides[i] ?? 1);
    });
    return index;
  }

  indexToLoc(index: number): number[] {
    const locs: number[] = [];
    for (const s of this.strides) {
      locs.push(Math.floor(index / s));
      index %= s;
    }
    if (this.rank > 0) locs.push(index);
    return locs;
  }

  /** A tensor holding a copy of the values. */
  toTensor(): Tensor {
    return new Tensor(new DnTensor(castValues(Float32Array.from(this.values), this.dtype), this.shape), this.dtype);
  }
}

/** tf.buffer(shape, dtype = 'float32', values?). */
export function buffer(shape: readonly number[], dtype: DataType = 'float32', values?: TypedArray): TensorBuffer {
  return new TensorBuffer(shape, dtype, values);
}

function formatValues(v: TypedArray, shape: readonly number[], dtype: DataType): string {
  const fmt = (x: number): string =>
    dtype === 'bool' ? String(x) : dtype === 'int32' ? String(x) : Number(x.toFixed(7)).toString();
  const build = (dim: number, at: number, indent: string): string => {
    if (dim === shape.length) return fmt(v[at]!);
    const stride = shapeSize(shape.slice(dim + 1));
    const parts = Array.from({ length: shape[dim]! }, (_, i) => build(dim + 1, at + i * stride, indent + ' '));
    if (dim === shape.length - 1) return `[${parts.join(', ')}]`;
    return `[${parts.join(`,\n${indent} `)}]`;
  };
  return build(0, 0, '    ');
}

export type Scalar = Tensor;
export type Tensor1D = Tensor;
export type Tensor2D = Tensor;
export type Tensor3D = Tensor;
export type Tensor4D = Tensor;

/** Flattens nested arrays (or a typed array) and infers the shape, as tfjs's inferShape. */
export function flattenLike(values: unknown, name = 'values'): { flat: number[]; shape: number[] } {
  const shape: number[] = [];
  const flat: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === 'number' || typeof v === 'boolean') {
      if (depth !== shape.length)
        throw new ShapeError(`${name}: nested arrays are ragged (tfjs requires a rectangular array)`);
      flat.push(Number(v));
      return;
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const arr = v as unknown as ArrayLike<number>;
      if (depth === shape.length) shape.push(arr.length);
      else if (shape[depth] !== arr.length) throw new ShapeError(`${name}: nested arrays are ragged`);
      if (depth + 1 !== shape.length) throw new ShapeError(`${name}: nested arrays are ragged`);
      for (let i = 0; i < arr.length; i++) flat.push(arr[i]!);
      return;
    }
    if (!Array.isArray(v)) throw argTypeError(name, 'number, boolean, typed array or nested array of numbers', v);
    if (depth === shape.length) shape.push(v.length);
    else if (shape[depth] !== v.length) throw new ShapeError(`${name}: nested arrays are ragged`);
    for (const x of v) walk(x, depth + 1);
  };
  walk(values, 0);
  return { flat, shape };
}

function inferDtype(values: unknown): DataType {
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  let v = values;
  while (Array.isArray(v) && v.length > 0) v = v[0];
  return typeof v === 'boolean' ? 'bool' : 'float32';
}

function checkShapeArg(shape: unknown, name = 'shape'): number[] {
  if (!Array.isArray(shape)) throw argTypeError(name, 'array of non-negative integers', shape);
  shape.forEach((d: unknown, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
      throw argTypeError(`${name}[${i}]`, 'non-negative integer', d);
  });
  return shape as number[];
}

/** tf.tensor(values, shape?, dtype?). */
export function tensor(values: TensorLike, shape?: readonly number[], dtype?: DataType): Tensor {
  if (values instanceof Tensor) throw argTypeError('values', 'number, boolean, typed array or nested array', values);
  const { flat, shape: inferred } = flattenLike(values);
  const dt = dtype === undefined ? inferDtype(values) : checkDtype(dtype);
  let s = inferred;
  if (shape !== undefined && shape !== null) {
    s = checkShapeArg(shape);
    const n = shapeSize(s);
    if (n !== flat.length) {
      throw new ShapeError(
        `Based on the provided shape, [${s.join(',')}], the tensor should have ${n} values but has ${flat.length}`,
      );
    }
  }
  return new Tensor(new DnTensor(castValues(Float32Array.from(flat), dt), s), dt);
}

function ofRank(rank: number, fn: string, values: TensorLike, shape?: readonly number[], dtype?: DataType): Tensor {
  const t = tensor(values, shape, dtype);
  if (t.rank !== rank)
    throw new ShapeError(
      `${fn}() requires values of rank ${rank} but received values of rank ${t.rank} (shape ${formatShape(t.value.shape)})`,
    );
  return t;
}

export function scalar(value: number | boolean, dtype?: DataType): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw argTypeError('value', 'number or boolean (use tf.tensor for arrays)', value);
  }
  return tensor(value, [], dtype);
}

export const tensor1d = (values: TensorLike, dtype?: DataType): Tensor =>
  ofRank(1, 'tensor1d', values, undefined, dtype);
export const tensor2d = (values: TensorLike, shape?: readonly number[], dtype?: DataType): Tensor =>
  ofRank(2, 'tensor2d', values, shape, dtype);
export const tensor3d = (values: TensorLike, shape?: readonly number[], dtype?: DataType): Tensor =>
  ofRank(3, 'tensor3d', values, shape, dtype);
export const tensor4d = (values: TensorLike, shape?: readonly number[], dtype?: DataType): Tensor =>
  ofRank(4, 'tensor4d', values, shape, dtype);

/** Anything tfjs accepts as a tensor argument, as a Tensor (numbers and arrays are float32 unless given). */
export function toTensor(x: unknown, name: string, dtype?: DataType): Tensor {
  if (x instanceof Tensor) {
    x.checkLive();
    return x;
  }
  if (x instanceof DnTensor)
    throw argTypeError(name, 'tf.Tensor (a dropnet tensor comes from the main API; wrap it with tf.fromDropnet)', x);
  if (typeof x === 'number' || typeof x === 'boolean' || Array.isArray(x) || ArrayBuffer.isView(x))
    return tensor(x as TensorLike, undefined, dtype);
  throw argTypeError(name, 'Tensor or TensorLike', x);
}

/** Wraps a tensor of dropnet's main API (float32) for use with tf.* functions. */
export function fromDropnet(t: DnTensor): Tensor {
  return new Tensor(t, 'float32');
}
