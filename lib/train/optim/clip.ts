/** Gradient clipping, by global norm and by value (PyTorch's clip_grad_norm_ / clip_grad_value_). */
import { f32 } from '../../backend/check.js';
import { activeBackend } from '../../backend/index.js';
import { argRangeError, argTypeError } from '../../errors.js';
import { expectLiveStorage, Tensor } from '../../tensor.js';
import type { ParamLike } from './optimizer.js';

/** The gradients of `params` (an iterable of parameters; those without a gradient are skipped). */
function grads(params: Iterable<ParamLike>): Float32Array[] {
  const iterable =
    typeof params === 'object' &&
    params !== null &&
    typeof (params as Iterable<unknown>)[Symbol.iterator] === 'function';
  if (!iterable) throw argTypeError('params', 'iterable of parameters', params);
  const out: Float32Array[] = [];
  let i = 0;
  for (const p of params as Iterable<unknown>) {
    if (typeof p !== 'object' || p === null || !('grad' in p)) throw argTypeError(`params[${i}]`, 'parameter', p);
    const grad = (p as ParamLike).grad as unknown;
    if (grad !== null && grad !== undefined) {
      const name = `params[${i}].grad`;
      if (grad instanceof Tensor) expectLiveStorage(grad, name);
      else if (typeof grad !== 'object') throw argTypeError(name, 'Tensor or null', grad);
      out.push(f32((grad as { data: unknown }).data, `${name}.data`));
    }
    i++;
  }
  return out;
}

/**
 * Scales all gradients together so their global `normType`-norm is at most `maxNorm`; returns
 * the norm before clipping. normType is a number >= 1 or Infinity.
 */
export function clipGradNorm(
  params: Iterable<ParamLike>,
  maxNorm: number,
  options: { normType?: number; errorIfNonfinite?: boolean } = {},
): number {
  if (typeof maxNorm !== 'number') throw argTypeError('maxNorm', 'non-negative number', maxNorm);
  if (!(maxNorm >= 0)) throw argRangeError('maxNorm', 'non-negative number', maxNorm);
  if (typeof options !== 'object' || options === null) throw argTypeError('options', 'object', options);
  const normType = options.normType ?? 2;
  if (typeof normType !== 'number') throw argTypeError('normType', 'number >= 1 or Infinity', normType);
  if (!(normType >= 1)) throw argRangeError('normType', 'number >= 1 or Infinity', normType);
  const errorIfNonfinite = options.errorIfNonfinite ?? false;
  if (typeof errorIfNonfinite !== 'boolean') throw argTypeError('errorIfNonfinite', 'boolean', errorIfNonfinite);
  const gs = grads(params);
  const k = activeBackend();
  let total: number;
  if (normType === Number.POSITIVE_INFINITY) {
    total = 0;
    for (const g of gs) for (let i = 0; i < g.length; i++) total = Math.max(total, Math.abs(g[i]!));
  } else if (normType === 2) {
    let s = 0;
    for (const g of gs) s += k.sumSquares(g, g.length);
    total = Math.sqrt(s);
  } else {
    let s = 0;
    for (const g of gs) for (let i = 0; i < g.length; i++) s += Math.abs(g[i]!) ** normType;
    total = s ** (1 / normType);
  }
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new RangeError(`the total norm of order ${normType} of the gradients is non-finite, so it cannot be clipped`);
  }
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) for (const g of gs) k.scale(g, g, coef, g.length);
  return total;
}

/** Clamps every gradient element to [-clipValue, clipValue]. */
export function clipGradValue(params: Iterable<ParamLike>, clipValue: number): void {
  if (typeof clipValue !== 'number') throw argTypeError('clipValue', 'non-negative number', clipValue);
  if (!(clipValue >= 0)) throw argRangeError('clipValue', 'non-negative number', clipValue);
  for (const g of grads(params)) {
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      if (v > clipValue) g[i] = clipValue;
      else if (v < -clipValue) g[i] = -clipValue;
    }
  }
}
