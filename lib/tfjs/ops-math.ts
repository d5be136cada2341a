/**
 * tfjs's arithmetic, unary, activation and comparison ops with tfjs's result dtypes (bool <
 * int32 < float32; int32 / int32 floors), over dropnet's differentiable ops. Comparisons have no
 * gradient, as in tfjs.
 */
import * as ops from '../ops/index.js';
import { broadcastIndex, broadcastShapes, expandThrough } from '../ops/broadcast.js';
import { formatShape, ShapeError } from '../errors.js';
import { sum } from '../ops/reduce.js';
import { shapeSize } from '../shape.js';
import { Tensor as DnTensor } from '../tensor.js';
import { type Input, normAxis, pair, wrap } from './ops-util.js';
import { castValues, Tensor, toTensor } from './tensor.js';

// -- arithmetic ---------------------------------------------------------------------------------

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
  if (y.rank === 2) return wrap(ops.matmul(x, y), 'float32');
  // A batch of matrices on each side, batch dimensions equal: [..., M, K] x [..., K, N].
  const batch = x.shape.slice(0, -2);
  if (x.rank !== y.rank || batch.join() !== y.shape.slice(0, -2).join())
    throw new ShapeError(
      `matMul: dropnet/tfjs multiplies batches of matrices with the same batch dimensions; received shapes ${formatShape(ta.shape)} and ${formatShape(tb.shape)}`,
    );
  const [m, n] = [x.shape[x.rank - 2]!, y.shape[y.rank - 1]!];
  const products = ops.mul(ops.reshape(x, [...batch, m, k1!, 1]), ops.reshape(y, [...batch, 1, k1!, n]));
  return wrap(sum(products, x.rank - 1), 'float32');
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

/** Elementwise maximum (the gradient goes to the larger input; to b on ties). */
export function maximum(a: Input, b: Input): Tensor {
  return where(greater(a, b), a, b);
}

/** Elementwise minimum (the gradient goes to the smaller input; to b on ties). */
export function minimum(a: Input, b: Input): Tensor {
  return where(less(a, b), a, b);
}
