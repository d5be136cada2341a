/**
 * Reading user data into float32 storage: flat array-likes and typed arrays, and nested arrays
 * whose shape is inferred and checked (ragged nesting is a ShapeError naming the place).
 */
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';

/** Nested arrays of numbers, e.g. [[1, 2], [3, 4]]. */
export type NestedArray = number | readonly NestedArray[];

/** The shape nested arrays claim along their first elements: [[1, 2], [3, 4]] -> [2, 2]. */
export function nestedShape(data: readonly unknown[]): number[] {
  const shape: number[] = [];
  let v: unknown = data;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

/**
 * Appends the numbers of `value` (at `path`, e.g. "data[1][0]") to `out`, checking that it has
 * `shape` from `depth` on: arrays of the same length at each depth and numbers at the leaves
 * only, all at the same depth. A ShapeError for ragged nesting, a TypeError for a non-number.
 */
export function flattenNested(
  value: unknown,
  shape: readonly number[],
  depth: number,
  out: number[],
  path: string,
): void {
  if (depth === shape.length) {
    if (typeof value === 'number') {
      out.push(value);
      return;
    }
    if (Array.isArray(value)) {
      throw new ShapeError(
        `tensor: nested arrays are ragged: ${path} is an array but ${formatShape(shape)} puts numbers at depth ${depth}`,
      );
    }
    throw argTypeError(path, 'number', value);
  }
  if (!Array.isArray(value)) {
    if (typeof value === 'number') {
      throw new ShapeError(
        `tensor: nested arrays are ragged: ${path} is a number but ${formatShape(shape)} puts an array of ${shape[depth]} there`,
      );
    }
    throw argTypeError(path, `array of ${shape[depth]}`, value);
  }
  if (value.length !== shape[depth]) {
    throw new ShapeError(
      `tensor: nested arrays are ragged: ${path} has ${value.length} elements but ${formatShape(shape)} needs ${shape[depth]}`,
    );
  }
  for (let i = 0; i < value.length; i++) flattenNested(value[i], shape, depth + 1, out, `${path}[${i}]`);
}

/** Typed arrays whose elements convert to float32 (BigInt64Array and BigUint64Array do not). */
function isNumericTypedArray(v: unknown): v is ArrayLike<number> {
  return (
    ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array)
  );
}

/** The numbers of a flat array-like: a safe-integer length and a number at every index. */
export function flatNumbers(data: unknown): Float32Array {
  if (isNumericTypedArray(data)) return Float32Array.from(data);
  if (ArrayBuffer.isView(data)) {
    throw argTypeError(
      'data',
      'Float32Array, another typed array of numbers (not BigInt64Array or BigUint64Array), array of numbers or nested arrays',
      data,
    );
  }
  if (data === null || typeof data !== 'object') {
    throw argTypeError('data', 'Float32Array, array of numbers or nested arrays', data);
  }
  const length = (data as { length?: unknown }).length;
  if (typeof length !== 'number') throw argTypeError('data', 'Float32Array, array of numbers or nested arrays', data);
  if (!Number.isSafeInteger(length) || length < 0)
    throw argRangeError('data.length', 'non-negative safe integer', length);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const v = (data as ArrayLike<unknown>)[i];
    if (typeof v !== 'number') throw argTypeError(`data[${i}]`, 'number', v);
    out[i] = v;
  }
  return out;
}
