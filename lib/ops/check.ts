/** Argument checks shared by the ops, in the library's one message format. */
import { argRangeError, argTypeError } from '../errors.js';
import { expectLiveStorage, Tensor } from '../tensor.js';

export function expectTensor(value: unknown, name: string): Tensor {
  if (!(value instanceof Tensor)) throw argTypeError(name, 'Tensor', value);
  expectLiveStorage(value, name);
  return value;
}

/**
 * The type half of expectTensor, for an op that checks the storage later with expectLive, once
 * its shape checks have given it each tensor's element count (one comparison instead of a
 * product over the shape: this is per-call cost on small ops).
 */
export function expectTensorType(value: unknown, name: string): Tensor {
  if (!(value instanceof Tensor)) throw argTypeError(name, 'Tensor', value);
  return value;
}

/** expectTensor's storage half: `n` is the product of t's shape, which the caller already knows. */
export function expectLive(t: Tensor, n: number, name: string): void {
  if (t.data.length !== n) expectLiveStorage(t, name);
}

export function expectTensorOrNumber(value: unknown, name: string): Tensor | number {
  if (typeof value === 'number') return value;
  if (value instanceof Tensor) return expectTensor(value, name);
  throw argTypeError(name, 'Tensor or number', value);
}

/** A dimension index in [-rank, rank), returned as a non-negative one. */
export function normDim(dim: unknown, rank: number, name = 'dim'): number {
  const lo = -Math.max(rank, 1);
  const hi = Math.max(rank, 1) - 1;
  const expected = `integer in [${lo}, ${hi}]`;
  if (typeof dim !== 'number') throw argTypeError(name, expected, dim);
  if (!Number.isInteger(dim) || dim < lo || dim > hi) throw argRangeError(name, expected, dim);
  return dim < 0 ? dim + Math.max(rank, 1) : dim;
}

/** Distinct dimension indices (a number or an array of them), sorted and non-negative. */
export function normDims(dims: unknown, rank: number, name = 'dim'): number[] {
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list)) throw argTypeError(name, 'integer or array of integers', dims);
  const out = list.map((d, i) => normDim(d, rank, Array.isArray(dims) ? `${name}[${i}]` : name));
  const unique = [...new Set(out)].sort((a, b) => a - b);
  if (unique.length !== out.length) throw argRangeError(name, 'distinct dimensions', dims);
  return unique;
}

/** Sizes of the dimensions before, at and after `dim`: the (outer, n, inner) view of a tensor. */
export function splitAt(shape: readonly number[], dim: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i]!;
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[dim] ?? 1, inner];
}

/**
 * A new output array of n elements, or the library's RangeError naming the op when the engine
 * cannot make one that long (or find the memory): an empty input with a huge dimension can ask
 * for an output of 2**40 elements.
 */
export function outputArray(n: number, op: string): Float32Array;
export function outputArray(n: number, op: string, ctor: typeof Float64Array): Float64Array;
export function outputArray(
  n: number,
  op: string,
  ctor: typeof Float32Array | typeof Float64Array = Float32Array,
): Float32Array | Float64Array {
  try {
    return new ctor(n);
  } catch (e) {
    if (e instanceof RangeError)
      throw new RangeError(
        `${op}: expected an output that fits in one typed array and in memory but it has ${n} elements`,
        { cause: e },
      );
    throw e;
  }
}

/**
 * Rejects an options argument that is not a plain object, and any own key of it not in `known`
 * (a TypeError listing the options the op takes). Allocates nothing when the options are fine,
 * so ops called per request can afford it.
 */
export function expectOptions(options: unknown, known: readonly string[], op: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw argTypeError('options', 'object', options);
  for (const key in options) {
    let i = 0;
    while (i < known.length && known[i] !== key) i++; // a plain loop: includes() is a builtin call per key
    if (i === known.length && Object.hasOwn(options, key))
      throw new TypeError(`${op}: unknown option "${key}"; the options are ${known.join(', ')}`);
  }
}
