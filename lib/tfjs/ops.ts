/**
 * tfjs's ops (`tf.add`, `tf.gather`, `tf.argMax` ...) with tfjs's argument order, defaults and
 * result dtypes, over dropnet's differentiable ops, so a custom loss built from them trains.
 * Ops that select elements (slice, gather, transpose, stack, max, min ...) compute an index map
 * (output position -> input position) and go through one differentiable gather, `byIndex`.
 * Comparisons and argMax/argMin have no gradient, as in tfjs.
 */
import { record } from '../autograd/record.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import * as ops from '../ops/index.js';
import { broadcastIndex, broadcastShapes, expandThrough } from '../ops/broadcast.js';
import { defaultGenerator, Generator } from '../random.js';
import { shapeSize } from '../shape.js';
import { Tensor as DnTensor } from '../tensor.js';
import { castValues, checkDtype, type DataType, Tensor, type TensorLike, toTensor } from './tensor.js';

type Input = Tensor | TensorLike;

const wrap = (value: DnTensor, dtype: DataType): Tensor => new Tensor(value, dtype);

/** tfjs's upcast: bool < int32 < float32. */
function upcast(a: DataType, b: DataType): DataType {
  if (a === 'float32' || b === 'float32') return 'float32';
  if (a === 'int32' || b === 'int32') return 'int32';
  return 'bool';
}

function normAxis(axis: unknown, rank: number, name = 'axis', extra = 0): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw argTypeError(name, 'integer', axis);
  const n = rank + extra;
  if (axis < -n || axis >= n)
    throw argRangeError(name, `integer in [${-n}, ${n - 1}] for a tensor of rank ${rank}`, axis);
  return axis < 0 ? axis + n : axis;
}

function normAxes(axis: unknown, rank: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const out = list.map((a: unknown) => normAxis(a, rank));
  return [...new Set(out)].sort((a, b) => a - b);
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** out[i] = x[index[i]], shaped `shape`; the gradient adds back into x's positions. */
function byIndex(x: DnTensor, shape: readonly number[], index: Uint32Array, name: string): DnTensor {
  const out = new Float32Array(index.length);
  const d = x.data;
  for (let i = 0; i < index.length; i++) out[i] = d[index[i]!]!;
  return record(new DnTensor(out, shape), name, [x], (g) => {
    const gx = new Float32Array(x.size);
    for (let i = 0; i < index.length; i++) gx[index[i]!]! += g[i]!;
    return [gx];
  });
}

/** For each position of `outShape`, the input position of a strided walk: in = sum(coord[k] * step[k]) + base. */
function walk(outShape: readonly number[], step: readonly number[], base = 0): Uint32Array {
  const n = shapeSize(outShape);
  const index = new Uint32Array(n);
  const rank = outShape.length;
  const counter = new Array<number>(rank).fill(0);
  let at = base;
  for (let i = 0; i < n; i++) {
    index[i] = at;
    for (let k = rank - 1; k >= 0; k--) {
      counter[k]!++;
      at += step[k]!;
      if (counter[k]! < outShape[k]!) break;
      at -= step[k]! * counter[k]!;
      counter[k] = 0;
    }
  }
  return index;
}

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

// -- arithmetic ---------------------------------------------------------------------------------

function pair(a: Input, b: Input): [Tensor, Tensor, DataType] {
  const ta = toTensor(a, 'a');
  const tb = toTensor(
    b,
    'b',
    a instanceof Tensor && typeof b === 'number' && Number.isInteger(b) && ta.dtype === 'int32' ? 'int32' : undefined,
  );
  return [ta, tb, upcast(ta.dtype, tb.dtype)];
}

function arith(a: Input, b: Input, name: string, fn: (x: DnTensor, y: DnTensor) => DnTensor): Tensor {
  const [ta, tb, dt] = pair(a, b);
  broadcastShapes(ta.value.shape, tb.value.shape, name);
  const out = fn(ta.value, tb.value);
  const dtype = dt === 'bool' ? 'int32' : dt;
  return wrap(dtype === 'int32' ? new DnTensor(castValues(out.data, 'int32'), out.shape) : out, dtype);
}

export const add = (a: Input, b: Input): Tensor => arith(a, b, 'add', ops.add);
export const sub = (a: Input, b: Input): Tensor => arith(a, b, 'sub', ops.sub);
export const mul = (a: Input, b: Input): Tensor => arith(a, b, 'mul', ops.mul);

/** a / b; two int32 tensors divide with floor, as tfjs's div. */
export function div(a: Input, b: Input): Tensor {
  const [ta, tb, dt] = pair(a, b);
  if (dt === 'int32' && ta.dtype === 'int32' && tb.dtype === 'int32') return floorDiv(ta, tb);
  return wrap(ops.div(ta.value, tb.value), 'float32');
}

export function floorDiv(a: Input, b: Input): Tensor {
  const [ta, tb, dt] = pair(a, b);
  const q = ops.div(ta.value, tb.value);
  const out = new Float32Array(q.size);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(q.data[i]!);
  return wrap(new DnTensor(out, q.shape), dt === 'bool' ? 'int32' : dt);
}

export const divNoNan = (a: Input, b: Input): Tensor => {
  const [ta, tb] = pair(a, b);
  const safe = new DnTensor(
    tb.value.data.map((v) => (v === 0 ? 1 : v)),
    tb.value.shape,
  );
  const zero = new DnTensor(
    tb.value.data.map((v) => (v === 0 ? 0 : 1)),
    tb.value.shape,
  );
  return wrap(ops.mul(ops.div(ta.value, safe), zero), 'float32');
};

export function matMul(a: Input, b: Input, transposeA = false, transposeB = false): Tensor {
  const [ta, tb] = pair(a, b);
  if (ta.rank < 2 || tb.rank < 2)
    throw new ShapeError(`matMul: both inputs must be at least rank 2; received ranks ${ta.rank} and ${tb.rank}`);
  const x = transposeA ? ops.transpose(ta.value, -2, -1) : ta.value;
  const y = transposeB ? ops.transpose(tb.value, -2, -1) : tb.value;
  const [k1, k2] = [x.shape[x.rank - 1], y.shape[y.rank - 2]];
  if (k1 !== k2)
    throw new ShapeError(
      `Error in matMul: inner shapes (${k1}) and (${k2}) of Tensors with shapes ${formatShape(ta.shape)} and ${formatShape(tb.shape)} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  return wrap(ops.matmul(x, y), 'float32');
}

function unary(x: Input, fn: (t: DnTensor) => DnTensor, keepDtype: boolean): Tensor {
  const t = toTensor(x, 'x');
  const out = fn(t.value);
  const dt = keepDtype && t.dtype !== 'bool' ? t.dtype : 'float32';
  return wrap(dt === 'int32' ? new DnTensor(castValues(out.data, 'int32'), out.shape) : out, dt);
}

export const neg = (x: Input): Tensor => unary(x, ops.neg, true);
export const square = (x: Input): Tensor => unary(x, (t) => ops.mul(t, t), true);
export const sqrt = (x: Input): Tensor => unary(x, (t) => ops.pow(t, 0.5), false);
export const rsqrt = (x: Input): Tensor => unary(x, (t) => ops.pow(t, -0.5), false);
export const pow = (x: Input, e: number | Tensor): Tensor => {
  // A one-element tensor exponent (tf.scalar(3, 'int32')) is read as its number; its dtype joins the upcast.
  const floatExp = e instanceof Tensor && e.dtype === 'float32';
  if (e instanceof Tensor && e.size === 1 && !e.value.requiresGrad) e = e.checkLive().data[0]!;
  if (typeof e !== 'number')
    throw new TypeError(
      'dropnet/tfjs pow: the exponent must be a number or a one-element tensor (use tf.exp(tf.mul(e, tf.log(x))))',
    );
  const n = e;
  return unary(x, (t) => ops.pow(t, n), !floatExp && Number.isInteger(n) && n >= 0);
};
export const exp = (x: Input): Tensor => unary(x, ops.exp, false);
export const log = (x: Input): Tensor => unary(x, ops.log, false);
export const log1p = (x: Input): Tensor => unary(x, (t) => ops.log(ops.add(t, 1)), false);
export const relu = (x: Input): Tensor => unary(x, ops.relu, true);
export const sigmoid = (x: Input): Tensor => unary(x, ops.sigmoid, false);
export const tanh = (x: Input): Tensor => unary(x, ops.tanh, false);
export const elu = (x: Input): Tensor => unary(x, (t) => ops.elu(t, 1), false);
export const selu = (x: Input): Tensor => unary(x, ops.selu, false);
export const softplus = (x: Input): Tensor => unary(x, (t) => ops.softplus(t), false);
export const leakyRelu = (x: Input, alpha = 0.2): Tensor => unary(x, (t) => ops.leakyRelu(t, alpha), false);
export const reciprocal = (x: Input): Tensor => unary(x, (t) => ops.div(1 as never, t) as DnTensor, false);

/** |x| = x * sign(x) (gradient sign(x), 0 at 0 as tfjs). */
export const abs = (x: Input): Tensor =>
  unary(
    x,
    (t) =>
      ops.mul(
        t,
        new DnTensor(
          t.data.map((v) => Math.sign(v)),
          t.shape,
        ),
      ),
    true,
  );

export function sign(x: Input): Tensor {
  const t = toTensor(x, 'x');
  return wrap(
    new DnTensor(
      t.value.data.map((v) => Math.sign(v)),
      t.value.shape,
    ),
    t.dtype === 'bool' ? 'float32' : t.dtype,
  );
}

export function round(x: Input): Tensor {
  const t = toTensor(x, 'x');
  // tfjs rounds half to even.
  const r = (v: number): number => {
    const f = Math.floor(v);
    const d = v - f;
    return d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  };
  return wrap(new DnTensor(t.value.data.map(r), t.value.shape), t.dtype);
}
export const floor = (x: Input): Tensor => {
  const t = toTensor(x, 'x');
  return wrap(new DnTensor(t.value.data.map(Math.floor), t.value.shape), t.dtype);
};
export const ceil = (x: Input): Tensor => {
  const t = toTensor(x, 'x');
  return wrap(new DnTensor(t.value.data.map(Math.ceil), t.value.shape), t.dtype);
};

export function clipByValue(x: Input, clipValueMin: number, clipValueMax: number): Tensor {
  if (!(clipValueMin <= clipValueMax))
    throw new RangeError(`Error in clip: min (${clipValueMin}) must be less than or equal to max (${clipValueMax}).`);
  return unary(x, (t) => ops.clamp(t, clipValueMin, clipValueMax), true);
}

export function softmax(logits: Input, dim = -1): Tensor {
  const t = toTensor(logits, 'logits');
  if (dim !== -1 && dim !== t.rank - 1)
    throw new RangeError(
      `Softmax along a non-last dimension is not yet supported. Logits was rank ${t.rank} and dim was ${dim}`,
    );
  return wrap(ops.softmax(t.value, -1), 'float32');
}

export function logSoftmax(logits: Input, axis = -1): Tensor {
  const t = toTensor(logits, 'logits');
  return wrap(ops.logSoftmax(t.value, normAxis(axis, t.rank)), 'float32');
}

// -- comparisons (no gradient) -----------------------------------------------------------------

function compare(a: Input, b: Input, name: string, fn: (x: number, y: number) => boolean): Tensor {
  const [ta, tb] = pair(a, b);
  const shape = broadcastShapes(ta.value.shape, tb.value.shape, name);
  const xa = expandThrough(ta.value.data, broadcastIndex(ta.value.shape, shape));
  const xb = expandThrough(tb.value.data, broadcastIndex(tb.value.shape, shape));
  const out = new Float32Array(shapeSize(shape));
  for (let i = 0; i < out.length; i++) out[i] = fn(xa[i]!, xb[i]!) ? 1 : 0;
  return wrap(new DnTensor(out, shape), 'bool');
}

export const equal = (a: Input, b: Input): Tensor => compare(a, b, 'equal', (x, y) => x === y);
export const notEqual = (a: Input, b: Input): Tensor => compare(a, b, 'notEqual', (x, y) => x !== y);
export const greater = (a: Input, b: Input): Tensor => compare(a, b, 'greater', (x, y) => x > y);
export const greaterEqual = (a: Input, b: Input): Tensor => compare(a, b, 'greaterEqual', (x, y) => x >= y);
export const less = (a: Input, b: Input): Tensor => compare(a, b, 'less', (x, y) => x < y);
export const lessEqual = (a: Input, b: Input): Tensor => compare(a, b, 'lessEqual', (x, y) => x <= y);

/** Elementwise a where condition holds, else b. */
export function where(condition: Input, a: Input, b: Input): Tensor {
  const c = toTensor(condition, 'condition');
  if (c.dtype !== 'bool') throw new TypeError(`where: condition must be bool but received ${c.dtype}`);
  const [ta, tb, dt] = pair(a, b);
  const mask = c.value;
  const inv = new DnTensor(
    mask.data.map((v) => 1 - v),
    mask.shape,
  );
  const out = ops.add(ops.mul(ta.value, mask), ops.mul(tb.value, inv));
  return wrap(out, dt);
}

// -- reductions ---------------------------------------------------------------------------------

function reduced(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

export function sum(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = toTensor(x, 'x');
  const axes = normAxes(axis, t.rank);
  const out = axes.length === 0 ? t.value : ops.sum(t.value, axes, keepDims);
  const dt = t.dtype === 'bool' ? 'int32' : t.dtype;
  return wrap(out, dt);
}

export function mean(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = toTensor(x, 'x');
  const axes = normAxes(axis, t.rank);
  return wrap(axes.length === 0 ? t.value : ops.mean(t.value, axes, keepDims), 'float32');
}

/** For each output position, the input position that `better` picks over `axes`; plus the output shape. */
function pick(
  t: DnTensor,
  axes: readonly number[],
  keepDims: boolean,
  better: (a: number, b: number) => boolean,
): { index: Uint32Array; shape: number[] } {
  const shape = t.shape;
  if (t.size === 0) throw new ShapeError('max/min of an empty tensor');
  const st = strides(shape);
  const outer = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const inner = shape.map((d, i) => (axes.includes(i) ? d : 1));
  const starts = walk(outer, st);
  const offsets = walk(inner, st);
  const index = new Uint32Array(starts.length);
  const d = t.data;
  for (let i = 0; i < starts.length; i++) {
    let best = starts[i]!;
    for (let j = 1; j < offsets.length; j++) {
      const at = starts[i]! + offsets[j]!;
      if (better(d[at]!, d[best]!) || (Number.isNaN(d[at]!) && !Number.isNaN(d[best]!))) best = at;
    }
    index[i] = best;
  }
  return { index, shape: reduced(shape, axes, keepDims) };
}

export function max(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = toTensor(x, 'x');
  const { index, shape } = pick(t.value, normAxes(axis, t.rank), keepDims, (a, b) => a > b);
  return wrap(byIndex(t.value, shape, index, 'max'), t.dtype);
}

export function min(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = toTensor(x, 'x');
  const { index, shape } = pick(t.value, normAxes(axis, t.rank), keepDims, (a, b) => a < b);
  return wrap(byIndex(t.value, shape, index, 'min'), t.dtype);
}

function argPick(x: Input, axis: number, better: (a: number, b: number) => boolean): Tensor {
  const t = toTensor(x, 'x');
  const ax = normAxis(axis, t.rank);
  const { index, shape } = pick(t.value, [ax], false, better);
  const stride = strides(t.value.shape)[ax]!;
  const n = t.value.shape[ax]!;
  const out = new Float32Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = Math.floor(index[i]! / stride) % n;
  return wrap(new DnTensor(out, shape), 'int32');
}

/** The index of the largest value along axis (default 0, as tfjs); the first one on ties. */
export const argMax = (x: Input, axis = 0): Tensor => argPick(x, axis, (a, b) => a > b);
export const argMin = (x: Input, axis = 0): Tensor => argPick(x, axis, (a, b) => a < b);

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

/** Elementwise maximum (the gradient goes to the larger input; to b on ties). */
export function maximum(a: Input, b: Input): Tensor {
  return where(greater(a, b), a, b);
}

/** Elementwise minimum (the gradient goes to the smaller input; to b on ties). */
export function minimum(a: Input, b: Input): Tensor {
  return where(less(a, b), a, b);
}

/** The maximum of a dropnet tensor over `axes` (differentiable), for layers. */
export function maxOver(x: DnTensor, axes: readonly number[], keepDims = false): DnTensor {
  const { index, shape } = pick(x, axes, keepDims, (a, b) => a > b);
  return byIndex(x, shape, index, 'max');
}
