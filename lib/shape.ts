/**
 * Shapes: readonly tuples of dimension sizes. At the type level a shape may mix literal sizes
 * with `number` (a size known only at run time), e.g. `readonly [number, 784]`.
 */
import { argRangeError, argTypeError, formatShape, ShapeError } from './errors.js';

export type Shape = readonly number[];

/** The number of elements a shape holds (1 for a scalar shape []). */
export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks that `shape` is an array of non-negative safe integers with a safe-integer product. */
export function checkShape(shape: unknown, name = 'shape'): Shape {
  if (!Array.isArray(shape)) throw argTypeError(name, 'array of non-negative integers', shape);
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number') throw argTypeError(`${name}[${i}]`, 'non-negative integer', d);
    if (!Number.isSafeInteger(d) || d < 0) throw argRangeError(`${name}[${i}]`, 'non-negative integer', d);
    n *= d;
    if (!Number.isSafeInteger(n)) {
      throw new RangeError(
        `Expected ${name} to hold at most ${Number.MAX_SAFE_INTEGER} elements but ${formatShape(shape as number[])} overflows`,
      );
    }
  }
  return shape as Shape;
}

/**
 * Resolves one -1 in a reshape target from the element count; checks the result holds `size`.
 */
export function inferShape(target: Shape, size: number, from: Shape): number[] {
  const out = [...target];
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    if (d === -1) {
      if (unknown >= 0)
        throw new ShapeError(`reshape: only one dimension may be -1 but ${formatShape(target)} has more`);
      unknown = i;
    } else if (!Number.isSafeInteger(d) || d < 0) {
      throw argRangeError(`shape[${i}]`, 'non-negative integer or -1', d);
    } else {
      known *= d;
    }
  }
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`reshape: cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(target)}`);
    }
    out[unknown] = size / known;
  } else if (known !== size) {
    throw new ShapeError(`reshape: cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(target)}`);
  }
  return out;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
