/**
 * Element-wise unary ops: the activations (relu, leakyRelu, sigmoid, tanh, gelu, elu, selu,
 * softplus) and exp, log, clamp. relu runs on the backend's relu/reluBackward kernels; the
 * others loop here over the scalar functions of pointwise.ts.
 */
import { finite } from '../args.js';
import { record } from '../autograd/record.js';
import type { OpAttrs } from '../autograd/trace.js';
import { activeBackend } from '../backend/index.js';
import { newDataUninit } from '../backend/storage.js';
import { argRangeError, argTypeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './check.js';
import {
  eluFn,
  expFn,
  geluFn,
  leakyReluFn,
  logFn,
  type Pointwise,
  seluFn,
  sigmoidFn,
  softplusFn,
  tanhFn,
} from './pointwise.js';

/** Applies `fn` element-wise and records its derivative. */
export function applyPointwise<S extends Shape>(x: Tensor<S>, name: string, fn: Pointwise, attrs?: OpAttrs): Tensor<S> {
  expectTensor(x, 'x');
  const xd = x.data;
  const n = xd.length;
  const out = newDataUninit(n);
  const { f, df } = fn;
  for (let i = 0; i < n; i++) out[i] = f(xd[i]!);
  return record(
    new Tensor(out, x.shape),
    name,
    [x],
    (g) => {
      const gx = newDataUninit(n);
      for (let i = 0; i < n; i++) gx[i] = g[i]! * df(xd[i]!, out[i]!);
      return [gx];
    },
    attrs,
  );
}

/** max(0, x); the gradient is 0 at x = 0, as in PyTorch. */
export function relu<S extends Shape>(x: Tensor<S>): Tensor<S> {
  expectTensor(x, 'x');
  const backend = activeBackend();
  const n = x.size;
  const out = newDataUninit(n);
  backend.relu(out, x.data, n);
  return record(new Tensor(out, x.shape), 'relu', [x], (g) => {
    const gx = newDataUninit(n);
    backend.reluBackward(gx, g, x.data, n);
    return [gx];
  });
}

/** x for x > 0, negativeSlope * x otherwise (default slope 0.01). */
export function leakyRelu<S extends Shape>(x: Tensor<S>, negativeSlope = 0.01): Tensor<S> {
  const slope = finite(negativeSlope, 'negativeSlope');
  return applyPointwise(x, 'leakyRelu', leakyReluFn(slope), { negativeSlope: slope });
}

/** 1 / (1 + e^-x) */
export function sigmoid<S extends Shape>(x: Tensor<S>): Tensor<S> {
  return applyPointwise(x, 'sigmoid', sigmoidFn);
}

export function tanh<S extends Shape>(x: Tensor<S>): Tensor<S> {
  return applyPointwise(x, 'tanh', tanhFn);
}

/** x * Phi(x) with the exact normal CDF (erf form, PyTorch's default `approximate='none'`). */
export function gelu<S extends Shape>(x: Tensor<S>): Tensor<S> {
  return applyPointwise(x, 'gelu', geluFn);
}

/** x for x > 0, alpha * (e^x - 1) otherwise (default alpha 1). */
export function elu<S extends Shape>(x: Tensor<S>, alpha = 1): Tensor<S> {
  const a = finite(alpha, 'alpha');
  return applyPointwise(x, 'elu', eluFn(a), { alpha: a });
}

/** scale * elu(x, alpha) with the self-normalizing constants of Klambauer et al. */
export function selu<S extends Shape>(x: Tensor<S>): Tensor<S> {
  return applyPointwise(x, 'selu', seluFn);
}

export interface SoftplusOptions {
  /** Sharpness (default 1). */
  beta?: number;
  /** Above beta * x > threshold the op is the identity (default 20). */
  threshold?: number;
}

/** log(1 + e^(beta x)) / beta. */
export function softplus<S extends Shape>(x: Tensor<S>, options: SoftplusOptions = {}): Tensor<S> {
  const beta = finite(options.beta ?? 1, 'beta');
  if (beta === 0) throw argRangeError('beta', 'non-zero finite number', beta);
  const threshold = finite(options.threshold ?? 20, 'threshold');
  return applyPointwise(x, 'softplus', softplusFn(beta, threshold), { beta, threshold });
}

export function exp<S extends Shape>(x: Tensor<S>): Tensor<S> {
  return applyPointwise(x, 'exp', expFn);
}

/** Natural logarithm (log 0 = -Infinity, log of a negative number = NaN). */
export function log<S extends Shape>(x: Tensor<S>): Tensor<S> {
  return applyPointwise(x, 'log', logFn);
}

/**
 * Limits x to [min, max] (either bound may be omitted, not both). The gradient passes where
 * min <= x <= max and is 0 outside, as in PyTorch.
 */
export function clamp<S extends Shape>(x: Tensor<S>, min?: number | null, max?: number | null): Tensor<S> {
  if ((min ?? null) === null && (max ?? null) === null)
    throw new TypeError('clamp: expected at least one of min and max');
  const lo = min === undefined || min === null ? -Infinity : bound(min, 'min');
  const hi = max === undefined || max === null ? Infinity : bound(max, 'max');
  return applyPointwise(
    x,
    'clamp',
    {
      // min > max gives max everywhere, and NaN stays NaN, as in PyTorch.
      f: (v) => Math.min(Math.max(v, lo), hi),
      df: (v) => (v >= lo && v <= hi ? 1 : 0),
    },
    { min: lo, max: hi },
  );
}

function bound(value: unknown, name: string): number {
  if (typeof value !== 'number') throw argTypeError(name, 'number', value);
  if (Number.isNaN(value)) throw argRangeError(name, 'number (not NaN)', value);
  return Math.fround(value);
}
