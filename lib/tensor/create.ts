/**
 * The tensor factories: tensor() from data, zeros/ones/full, and rand/randn drawn from a
 * Generator (reproducible under manualSeed). The sizes of zeros-like factories are a shape array;
 * rand and randn also take them as separate arguments, as PyTorch does.
 */
import { activeBackend } from '../backend/index.js';
import { newData } from '../backend/storage.js';
import { argTypeError, formatShape, ShapeError } from '../errors.js';
import { defaultGenerator, Generator } from '../random.js';
import { checkShape, type Shape, shapeSize } from '../shape.js';
import { flatNumbers, flattenNested, type NestedArray, nestedShape } from './nested.js';
import { Tensor, type TensorOptions } from './tensor.js';

/**
 * A tensor from data and a shape.
 * - `data` a Float32Array: used as the storage (not copied); shape defaults to [data.length].
 * - `data` any other typed array or array-like of numbers: copied; shape defaults to [data.length].
 * - `data` nested arrays: copied; the shape is inferred (or checked against `shape` if given).
 *   Every leaf must be a number, all at the same depth, and arrays at a depth of equal length.
 * `options.requiresGrad` makes it a leaf that receives gradients.
 */
export function tensor<const S extends Shape>(
  data: Float32Array | ArrayLike<number> | NestedArray,
  shape: S,
  options?: TensorOptions,
): Tensor<S>;
export function tensor(data: Float32Array | ArrayLike<number> | NestedArray, options?: TensorOptions): Tensor;
export function tensor(
  data: Float32Array | ArrayLike<number> | NestedArray,
  shapeOrOptions?: Shape | TensorOptions,
  maybeOptions?: TensorOptions,
): Tensor {
  const isOptions = shapeOrOptions !== undefined && shapeOrOptions !== null && !Array.isArray(shapeOrOptions);
  const shape = isOptions ? undefined : (shapeOrOptions as Shape | undefined);
  const options = optionsArg((isOptions ? shapeOrOptions : maybeOptions) as TensorOptions | undefined);
  if (data instanceof Float32Array) return new Tensor(data, shape ?? [data.length], options);
  if (typeof data === 'number') return new Tensor(Float32Array.of(data), shape ?? [], options);
  if (Array.isArray(data) && data.some((v) => Array.isArray(v))) {
    const inferred = nestedShape(data);
    const flat: number[] = [];
    flattenNested(data, inferred, 0, flat, 'data');
    if (shape !== undefined && shapeSize(checkShape(shape)) !== flat.length) {
      throw new ShapeError(
        `Expected ${shapeSize(shape)} elements for shape ${formatShape(shape)} but data has ${flat.length}`,
      );
    }
    return new Tensor(Float32Array.from(flat), shape ?? inferred, options);
  }
  const arr = flatNumbers(data);
  return new Tensor(arr, shape ?? [arr.length], options);
}

/** The options argument of a factory: undefined or an object (a TypeError naming it otherwise). */
function optionsArg<T extends object>(options: T | undefined, name = 'options'): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw argTypeError(name, 'object', options);
  return options;
}

function alloc<const S extends Shape>(shape: S): Float32Array {
  checkShape(shape);
  const n = shapeSize(shape);
  try {
    return newData(n);
  } catch (e) {
    // The engine's own limit on a typed array's length, or no memory for it.
    if (e instanceof RangeError) {
      throw new RangeError(
        `Expected a shape whose ${n} elements fit in one Float32Array and in memory but received ${formatShape(shape)}`,
        { cause: e },
      );
    }
    throw e;
  }
}

/** A tensor of zeros. */
export function zeros<const S extends Shape>(shape: S, options?: TensorOptions): Tensor<S> {
  return new Tensor(alloc(shape), shape, optionsArg(options));
}

/** A tensor of `value` (rounded to float32). */
export function full<const S extends Shape>(shape: S, value: number, options?: TensorOptions): Tensor<S> {
  if (typeof value !== 'number') throw argTypeError('value', 'number', value);
  const opts = optionsArg(options);
  const data = alloc(shape);
  activeBackend().fill(data, value, data.length);
  return new Tensor(data, shape, opts);
}

/** A tensor of ones. */
export function ones<const S extends Shape>(shape: S, options?: TensorOptions): Tensor<S> {
  return full(shape, 1, options);
}

export interface RandomOptions extends TensorOptions {
  /** The stream to draw from; the default generator (seeded by `manualSeed`) if omitted. */
  generator?: Generator;
}

/** Uniform samples in [0, 1), reproducible under `manualSeed` or a given generator. The sizes may be separate arguments, as in PyTorch: `rand(64, 10)`. */
export function rand<const S extends Shape>(shape: S, options?: RandomOptions): Tensor<S>;
export function rand(...sizes: [...number[], RandomOptions] | number[]): Tensor;
export function rand(...args: unknown[]): Tensor {
  const [shape, options] = shapeAndOptions<RandomOptions>(args, 'rand');
  const opts = optionsArg(options);
  const generator = generatorOption(opts);
  const data = alloc(shape);
  generator.uniform(data);
  return new Tensor(data, shape, gradOption(opts));
}

/** Standard normal samples N(0, 1), reproducible under `manualSeed` or a given generator. The sizes may be separate arguments, as in PyTorch: `randn(64, 10)`. */
export function randn<const S extends Shape>(shape: S, options?: RandomOptions): Tensor<S>;
export function randn(...sizes: [...number[], RandomOptions] | number[]): Tensor;
export function randn(...args: unknown[]): Tensor {
  const [shape, options] = shapeAndOptions<RandomOptions>(args, 'randn');
  const opts = optionsArg(options);
  const generator = generatorOption(opts);
  const data = alloc(shape);
  generator.normal(data);
  return new Tensor(data, shape, gradOption(opts));
}

function generatorOption(options: RandomOptions): Generator {
  const g = options.generator ?? defaultGenerator;
  if (!(g instanceof Generator)) throw argTypeError('generator', 'Generator', g);
  return g;
}

/** A factory's arguments: (shape array, options?) or (size, size, ..., options?). */
function shapeAndOptions<O extends object>(args: readonly unknown[], fn: string): [number[], O | undefined] {
  const last = args[args.length - 1];
  const hasOptions = args.length > 1 && typeof last === 'object' && last !== null && !Array.isArray(last);
  const options = (hasOptions ? last : typeof args[0] === 'number' ? undefined : args[1]) as O | undefined;
  if (typeof args[0] === 'number') {
    const sizes = hasOptions ? args.slice(0, -1) : args;
    sizes.forEach((d, i) => {
      if (typeof d !== 'number') throw argTypeError(`${fn}'s size ${i}`, 'integer', d);
    });
    return [sizes as number[], options];
  }
  if (args.length > 2) throw argTypeError(`${fn}'s arguments`, 'a shape array and options, or sizes', args);
  return [args[0] as number[], options];
}

function gradOption(options: RandomOptions): TensorOptions {
  return options.requiresGrad === undefined ? {} : { requiresGrad: options.requiresGrad };
}
