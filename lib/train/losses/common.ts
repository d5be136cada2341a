/**
 * What the losses share: reductions, argument checks in the library's message format, class-index
 * targets and class weights. Losses follow PyTorch: 'mean' (the default) averages over elements
 * (or over target weights for weighted class-index losses), 'sum' adds, 'none' keeps one value per
 * element (per row for class-index losses).
 */
import { argRangeError, argTypeError, formatShape, ShapeError } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { expectLiveStorage, Tensor } from '../../tensor.js';

export type Reduction = 'mean' | 'sum' | 'none';

/** Class indices: a Tensor of integer values, an Int32Array (or any integer array), or numbers. */
export type ClassIndices =
  Tensor | Int32Array | Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | readonly number[];

/** What a loss compares the output with: class indices or a tensor (probabilities, values). */
export type Target = Tensor | ClassIndices;

export function expectLogits(value: unknown, name: string, minRank = 0): Tensor {
  if (!(value instanceof Tensor)) throw argTypeError(name, 'Tensor', value);
  expectLiveStorage(value, name);
  if (value.rank < minRank) {
    throw new ShapeError(`Expected ${name} of rank at least ${minRank} but received shape ${formatShape(value.shape)}`);
  }
  return value;
}

export function checkReduction<R extends string>(
  value: unknown,
  allowed: readonly R[] = ['mean', 'sum', 'none'] as unknown as R[],
): R {
  if (value === undefined) return 'mean' as R;
  const expected = allowed.map((r) => `'${r}'`).join(', ');
  if (typeof value !== 'string') throw argTypeError('reduction', `one of ${expected}`, value);
  if (!(allowed as readonly string[]).includes(value)) throw argRangeError('reduction', `one of ${expected}`, value);
  return value as R;
}

export function numberOption(value: unknown, name: string, fallback: number, lo = -Infinity, hi = Infinity): number {
  if (value === undefined) return fallback;
  const range = lo === 0 && hi === 1 ? 'number in [0, 1]' : lo === 0 ? 'non-negative number' : 'number';
  if (typeof value !== 'number') throw argTypeError(name, range, value);
  if (!(value >= lo && value <= hi)) throw argRangeError(name, range, value);
  return value;
}

/** Position `flat` of a tensor of `shape` as "[i, j, k]" (for messages naming one element). */
export function formatIndex(flat: number, shape: Shape): string {
  if (shape.length <= 1) return `[${flat}]`;
  const idx = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    idx[d] = size === 0 ? 0 : rest % size;
    rest = size === 0 ? 0 : Math.floor(rest / size);
  }
  return `[${idx.join(', ')}]`;
}

function isIntegerArray(v: unknown): v is Exclude<ClassIndices, Tensor | readonly number[]> {
  return (
    v instanceof Int32Array ||
    v instanceof Uint8Array ||
    v instanceof Uint16Array ||
    v instanceof Uint32Array ||
    v instanceof Int8Array ||
    v instanceof Int16Array
  );
}

/** Whether a target is class indices (anything but a Tensor of the output's shape); a TypeError for a non-target. */
export function isClassIndices(target: unknown, output: Tensor): boolean {
  if (target instanceof Tensor)
    return !(
      target.rank === output.rank &&
      target.rank > 0 &&
      target.shape.every((d: number, i: number) => d === output.shape[i])
    );
  if (Array.isArray(target) || isIntegerArray(target)) return true;
  throw argTypeError('target', 'Tensor, Int32Array or array of class indices', target);
}

/**
 * Class indices as an Int32Array laid out like the output without its class dimension (dim 1,
 * or dim 0 for an unbatched output of shape [C]): expectedShape. Each index must be an integer
 * in [0, classes) or equal ignoreIndex.
 */
export function toClassIndices(
  target: unknown,
  expectedShape: Shape,
  classes: number,
  ignoreIndex: number | null,
  op: string,
): Int32Array {
  let values: ArrayLike<number>;
  let shape: Shape;
  if (target instanceof Tensor) {
    expectLiveStorage(target, 'target');
    values = target.data;
    shape = target.shape;
  } else if (isIntegerArray(target) || Array.isArray(target)) {
    values = target as ArrayLike<number>;
    shape = [values.length];
  } else {
    throw argTypeError('target', 'Tensor, Int32Array or array of class indices', target);
  }
  const n = values.length;
  const want = expectedShape.reduce((p, d) => p * d, 1);
  const sameShape =
    target instanceof Tensor
      ? shape.length === expectedShape.length && shape.every((d, i) => d === expectedShape[i])
      : n === want && expectedShape.length <= 1;
  if (!sameShape) {
    throw new ShapeError(
      `${op}: expected target of shape ${formatShape(expectedShape)} (class indices) but received ${target instanceof Tensor ? formatShape(shape) : `${n} indices`}`,
      {
        expected: expectedShape,
        received: shape,
      },
    );
  }
  // An Int32Array is used as it is (checked, never written); anything else is copied into one.
  const out = target instanceof Int32Array ? null : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== ignoreIndex && (!Number.isInteger(v) || v < 0 || v >= classes)) {
      const what =
        ignoreIndex === null || ignoreIndex === -100
          ? `class index in [0, ${classes - 1}]`
          : `class index in [0, ${classes - 1}] or ${ignoreIndex} (ignoreIndex)`;
      throw argRangeError(`target${formatIndex(i, shape)}`, what, v);
    }
    if (out !== null) out[i] = v;
  }
  return out ?? (target as Int32Array);
}

/** Class weights as a Float32Array of `classes` elements, or null. */
export function toClassWeights(weight: unknown, classes: number, op: string): Float32Array | null {
  if (weight === undefined || weight === null) return null;
  let data: Float32Array;
  if (weight instanceof Tensor) {
    expectLiveStorage(weight, 'weight');
    if (weight.rank !== 1 || weight.shape[0] !== classes) {
      throw new ShapeError(
        `${op}: expected weight of shape [${classes}] (one per class) but received ${formatShape(weight.shape)}`,
      );
    }
    data = weight.data;
  } else if (Array.isArray(weight) || weight instanceof Float32Array) {
    if (weight.length !== classes) {
      throw new ShapeError(
        `${op}: expected weight of shape [${classes}] (one per class) but received ${weight.length} values`,
      );
    }
    data = weight instanceof Float32Array ? weight : Float32Array.from(weight as number[]);
  } else {
    throw argTypeError('weight', 'Tensor or array of class weights', weight);
  }
  return data;
}

/** The (outer, classes, inner) view of an output whose class dimension is 1 (0 when unbatched). */
export function classLayout(output: Tensor): { outer: number; classes: number; inner: number; targetShape: number[] } {
  if (output.rank === 1) return { outer: 1, classes: output.shape[0]!, inner: 1, targetShape: [] };
  const [n, c, ...rest] = output.shape as readonly number[];
  const inner = rest.reduce((p, d) => p * d, 1);
  return { outer: n!, classes: c!, inner, targetShape: [n!, ...rest] };
}

/**
 * [outer, classes, inner] -> [outer, inner, classes] (or back, with `back`): class-index kernels
 * want each row's classes contiguous.
 */
export function moveClassLast(
  data: Float32Array,
  outer: number,
  classes: number,
  inner: number,
  back = false,
): Float32Array {
  if (inner === 1) return data;
  const out = new Float32Array(data.length);
  for (let o = 0; o < outer; o++) {
    const base = o * classes * inner;
    for (let c = 0; c < classes; c++) {
      for (let j = 0; j < inner; j++) {
        const a = base + c * inner + j; // [o, c, j]
        const b = base + j * classes + c; // [o, j, c]
        if (back) out[a] = data[b]!;
        else out[b] = data[a]!;
      }
    }
  }
  return out;
}

/** The same-shape target of an element-wise loss. */
export function expectSameShape(input: Tensor, target: unknown, op: string): Tensor {
  if (!(target instanceof Tensor)) throw argTypeError('target', 'Tensor', target);
  expectLiveStorage(target, 'target');
  if (target.rank !== input.rank || target.shape.some((d: number, i: number) => d !== input.shape[i])) {
    throw new ShapeError(
      `${op}: target shape ${formatShape(target.shape)} differs from input shape ${formatShape(input.shape)}`,
      {
        expected: input.shape,
        received: target.shape,
      },
    );
  }
  return target;
}

/** Sums a Float32Array in float64. */
export function sum64(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}
