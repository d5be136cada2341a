/**
 * tfjs's creation ops (fill, zeros, random*, oneHot, range, linspace) and cast.
 */
import * as ops from '../ops/index.js';
import { argRangeError, argTypeError } from '../errors.js';
import { defaultGenerator, Generator } from '../random.js';
import { shapeSize } from '../shape.js';
import { Tensor as DnTensor } from '../tensor.js';
import { type Input, wrap } from './ops-util.js';
import { castValues, checkDtype, type DataType, Tensor, toTensor } from './tensor.js';

// -- creation -----------------------------------------------------------------------------------

function shapeArg(shape: unknown, fn: string): number[] {
  if (!Array.isArray(shape)) throw argTypeError(`${fn}: shape`, 'array of non-negative integers', shape);
  shape.forEach((d: unknown, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
      throw argTypeError(`${fn}: shape[${i}]`, 'non-negative integer', d);
  });
  return [...(shape as number[])];
}

export function fill(shape: readonly number[], value: number, dtype?: DataType): Tensor {
  const s = shapeArg(shape, 'fill');
  if (typeof value !== 'number' && typeof value !== 'boolean') throw argTypeError('value', 'number', value);
  const dt = dtype === undefined ? 'float32' : checkDtype(dtype);
  const data = new Float32Array(shapeSize(s)).fill(Number(value));
  return wrap(new DnTensor(castValues(data, dt), s), dt);
}

export const zeros = (shape: readonly number[], dtype?: DataType): Tensor => fill(shape, 0, dtype);
export const ones = (shape: readonly number[], dtype?: DataType): Tensor => fill(shape, 1, dtype);
export const zerosLike = (x: Input): Tensor => {
  const t = toTensor(x, 'x');
  return zeros(t.shape, t.dtype);
};
export const onesLike = (x: Input): Tensor => {
  const t = toTensor(x, 'x');
  return ones(t.shape, t.dtype);
};

/** Unseeded draws come from dropnet's default generator (reproducible under manualSeed()). */
function generator(seed: unknown): Generator {
  if (seed === undefined || seed === null) return defaultGenerator;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw argTypeError('seed', 'finite number', seed);
  return new Generator(BigInt(Math.floor(Math.abs(seed) * 1e6)));
}

/** N(mean, stdDev) samples. The stream is dropnet's Philox, so a seed gives other numbers than tfjs's. */
export function randomNormal(shape: readonly number[], mean = 0, stdDev = 1, dtype?: DataType, seed?: number): Tensor {
  const s = shapeArg(shape, 'randomNormal');
  const dt = dtype === undefined ? 'float32' : checkDtype(dtype);
  if (dt === 'bool') throw new TypeError('randomNormal: dtype bool is not supported (tfjs: float32 or int32)');
  const data = new Float32Array(shapeSize(s));
  generator(seed).normal(data);
  for (let i = 0; i < data.length; i++) data[i] = data[i]! * stdDev + mean;
  return wrap(new DnTensor(castValues(data, dt), s), dt);
}

/** Samples of a normal truncated at two standard deviations (redrawn beyond them). */
export function truncatedNormal(
  shape: readonly number[],
  mean = 0,
  stdDev = 1,
  dtype?: DataType,
  seed?: number,
): Tensor {
  const s = shapeArg(shape, 'truncatedNormal');
  const dt = dtype === undefined ? 'float32' : checkDtype(dtype);
  const g = generator(seed);
  const data = new Float32Array(shapeSize(s));
  const one = new Float32Array(1);
  for (let i = 0; i < data.length; i++) {
    do g.normal(one);
    while (Math.abs(one[0]!) > 2);
    data[i] = one[0]! * stdDev + mean;
  }
  return wrap(new DnTensor(castValues(data, dt), s), dt);
}

/** Uniform samples in [minval, maxval); int32 samples are floored. */
export function randomUniform(
  shape: readonly number[],
  minval = 0,
  maxval = 1,
  dtype?: DataType,
  seed?: number,
): Tensor {
  const s = shapeArg(shape, 'randomUniform');
  const dt = dtype === undefined ? 'float32' : checkDtype(dtype);
  const data = new Float32Array(shapeSize(s));
  generator(seed).uniform(data, minval, maxval);
  if (dt === 'int32') for (let i = 0; i < data.length; i++) data[i] = Math.floor(data[i]!);
  return wrap(new DnTensor(castValues(data, dt), s), dt);
}

/** One-hot rows of `depth` for int32 indices (an out-of-range index gives a row of offValue, as tfjs). */
export function oneHot(indices: Input, depth: number, onValue = 1, offValue = 0, dtype: DataType = 'int32'): Tensor {
  const t = toTensor(indices, 'indices', 'int32');
  if (t.dtype !== 'int32')
    throw new TypeError(`oneHot: indices must be int32 but received ${t.dtype} (use tf.tensor1d(values, 'int32'))`);
  if (typeof depth !== 'number' || !Number.isSafeInteger(depth) || depth < 2)
    throw argRangeError('depth', 'integer >= 2', depth);
  const dt = checkDtype(dtype);
  const idx = t.value.data;
  const out = new Float32Array(idx.length * depth).fill(offValue);
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (k >= 0 && k < depth) out[i * depth + k] = onValue;
  }
  return wrap(new DnTensor(castValues(out, dt), [...t.shape, depth]), dt);
}

/** start, start + step ... below stop (above it for a negative step). */
export function range(start: number, stop: number, step = 1, dtype: DataType = 'float32'): Tensor {
  for (const [v, n] of [
    [start, 'start'],
    [stop, 'stop'],
    [step, 'step'],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw argTypeError(n, 'finite number', v);
  }
  if (step === 0) throw new RangeError('Cannot have a step of zero');
  const dt = checkDtype(dtype);
  // As tfjs: a falling range with step 1 counts down by 1; other mismatched signs are empty.
  if (stop < start && step === 1) step = -1;
  const empty = start === stop || (start < stop && step < 0) || (stop < start && step > 0);
  const count = empty ? 0 : Math.ceil(Math.abs((stop - start) / step));
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = start + i * step;
  return wrap(new DnTensor(castValues(data, dt), [count]), dt);
}

/** num evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (typeof num !== 'number' || !Number.isSafeInteger(num) || num <= 0)
    throw new RangeError('The number of values should be positive.');
  const data = new Float32Array(num);
  const step = num === 1 ? 0 : (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  return wrap(new DnTensor(data, [num]), 'float32');
}

// -- dtype --------------------------------------------------------------------------------------

export function cast(x: Input, dtype: DataType): Tensor {
  const t = toTensor(x, 'x');
  const dt = checkDtype(dtype);
  if (dt === 'float32') return wrap(t.dtype === 'float32' ? t.value : ops.mul(t.value, 1), dt);
  return wrap(new DnTensor(castValues(t.value.data, dt), t.value.shape), dt);
}

/**
 * `numSamples` draws per row from the categorical distribution of each row of `logits` (of the
 * probabilities themselves when `normalized`): int32 [numSamples] for a vector, [batch, numSamples]
 * for a matrix. Draws come from dropnet's Philox (a seed gives other samples than tfjs's).
 */
export function multinomial(logits: Input, numSamples: number, seed?: number, normalized = false): Tensor {
  const t = toTensor(logits, 'logits');
  if (t.rank !== 1 && t.rank !== 2)
    throw new RangeError(`multinomial: logits must be a 1D or 2D tensor but received rank ${t.rank}`);
  if (typeof numSamples !== 'number' || !Number.isSafeInteger(numSamples) || numSamples < 1)
    throw argRangeError('numSamples', 'positive integer', numSamples);
  const [rows, classes] = t.rank === 1 ? [1, t.shape[0]!] : [t.shape[0]!, t.shape[1]!];
  const v = t.checkLive().data;
  const u = new Float32Array(rows * numSamples);
  generator(seed).uniform(u, 0, 1);
  const out = new Float32Array(rows * numSamples);
  const p = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    const row = v.subarray(r * classes, (r + 1) * classes);
    const top = normalized ? 0 : Math.max(...row);
    let total = 0;
    for (let c = 0; c < classes; c++) {
      p[c] = normalized ? row[c]! : Math.exp(row[c]! - top);
      total += p[c]!;
    }
    for (let s = 0; s < numSamples; s++) {
      let at = u[r * numSamples + s]! * total;
      let c = 0;
      while (c < classes - 1 && at >= p[c]!) at -= p[c++]!;
      out[r * numSamples + s] = c;
    }
  }
  return wrap(new DnTensor(out, t.rank === 1 ? [numSamples] : [rows, numSamples]), 'int32');
}
