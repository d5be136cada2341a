/**
 * tfjs's composite ops programs use in losses and sampling: logSumExp, moments and
 * squaredDifference, composed from the differentiable ops of ops-math.ts and ops-reduce.ts.
 */
import { exp, log, square, sub, add } from './ops-math.js';
import { max, mean, sum } from './ops-reduce.js';
import { reshape } from './ops-layout.js';
import type { Input } from './ops-util.js';
import { type Tensor, toTensor } from './tensor.js';

/** log(sum(exp(x))) over `axis`, computed from x - max(x) (tfjs's form, stable for large x). */
export function logSumExp(x: Input, axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = toTensor(x, 'x');
  const m = max(t, axis, true);
  const kept = add(log(sum(exp(sub(t, m)), axis, true)), m);
  return keepDims ? kept : reshape(kept, max(t, axis, false).shape);
}

/** The mean and the (biased) variance over `axes`, as tfjs's tf.moments. */
export function moments(
  x: Input,
  axes: number | number[] | null = null,
  keepDims = false,
): { mean: Tensor; variance: Tensor } {
  const t = toTensor(x, 'x');
  const m = mean(t, axes, true);
  const variance = mean(square(sub(t, m)), axes, keepDims);
  return { mean: keepDims ? m : mean(t, axes, false), variance };
}

/** (a - b)², broadcasting. */
export function squaredDifference(a: Input, b: Input): Tensor {
  return square(sub(a, b));
}
