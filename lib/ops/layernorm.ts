/**
 * Layer normalization (PyTorch's F.layer_norm) over the last dimensions of x, named by
 * normalizedShape (a number means the last dimension):
 *   x is (*, S) with S = normalizedShape; each of the prod(*) rows of N = prod(S) elements is
 *   y = (x - mean) / sqrt(var + eps) * weight + bias, var the biased variance (divisor N)
 * weight and bias have normalizedShape (or are null). The same statistics in training and eval.
 *
 * On the backend's layerNormForward / layerNormBackward kernels (native/kernels/norm/layernorm.h):
 * per row, statistics in double (the mean, then the squared deviations: exact for rows with a
 * large mean), the row written once. Backward is the exact gradient, per row, with
 * xhat = (x - mean) * rstd and g = dy * weight:
 *   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),  dweight = sum_rows dy * xhat,  dbias = sum_rows dy
 * in double. Nothing but x is kept for backward: the kernel recomputes the row statistics.
 */
import { positiveFinite } from '../args.js';
import { record } from '../autograd/record.js';
import { activeBackend } from '../backend/index.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './check.js';

export interface LayerNormOptions {
  /** Per-element scale of normalizedShape (default none: 1). */
  weight?: Tensor | null;
  /** Per-element shift of normalizedShape (default none: 0). */
  bias?: Tensor | null;
  /** Added to the variance (default 1e-5, PyTorch's). */
  eps?: number;
}

const OPTION_KEYS = ['weight', 'bias', 'eps'];

/** normalizedShape as an array of positive integers (a number is [number]). */
export function normalizedShapeOf(value: unknown, name = 'normalizedShape'): number[] {
  const expected = 'positive integer or non-empty array of positive integers';
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) throw argTypeError(name, expected, value);
  return list.map((d: unknown, i) => {
    if (typeof d !== 'number') throw argTypeError(`${name}[${i}]`, 'positive integer', d);
    if (!Number.isSafeInteger(d) || d < 1) throw argRangeError(`${name}[${i}]`, 'positive integer', d);
    return d;
  });
}

/** A positive finite eps. */
export function epsOf(value: unknown, name = 'eps', fallback = 1e-5): number {
  if (value === undefined) return fallback;
  return positiveFinite(value, name);
}

/** The layer norm of x over its trailing normalizedShape; differentiable in x, weight and bias. */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  options: LayerNormOptions = {},
): Tensor {
  expectTensor(x, 'x');
  const shape = normalizedShapeOf(normalizedShape);
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw argTypeError('options', 'object', options);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key))
      throw new TypeError(`layerNorm: unknown option "${key}"; the options are ${OPTION_KEYS.join(', ')}`);
  }
  const weight = options.weight ?? null;
  const bias = options.bias ?? null;
  const eps = epsOf(options.eps);
  const k = shape.length;
  if (x.rank < k || shape.some((d, i) => x.shape[x.rank - k + i] !== d)) {
    throw new ShapeError(
      `layerNorm: expected input of shape [*, ${shape.join(', ')}] but received ${formatShape(x.shape)}`,
    );
  }
  const n = shape.reduce((p, d) => p * d, 1);
  for (const [t, name] of [
    [weight, 'weight'],
    [bias, 'bias'],
  ] as const) {
    if (t === null) continue;
    expectTensor(t, name);
    if (t.size !== n)
      throw new ShapeError(
        `layerNorm: expected ${name} of shape ${formatShape(shape)} but received ${formatShape(t.shape)}`,
      );
  }
  const rows = x.size / n;
  const backend = activeBackend();
  const wd = weight?.data ?? null;
  const bd = bias?.data ?? null;
  const out = new Float32Array(x.size);
  backend.layerNormForward(out, x.data, wd, bd, rows, n, eps);
  return record(
    new Tensor(out, x.shape),
    'layerNorm',
    [x, weight, bias],
    (dy, needs) => {
      const dx = needs[0] ? new Float32Array(x.size) : null;
      const dw = needs[1] ? new Float32Array(n) : null;
      const db = needs[2] ? new Float32Array(n) : null;
      backend.layerNormBackward(dx, dw, db, dy, x.data, wd, rows, n, eps);
      return [dx, dw, db];
    },
    { eps, normalizedShape: shape },
  );
}
