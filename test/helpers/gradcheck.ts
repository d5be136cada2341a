/**
 * Finite-difference gradient checks: the analytic gradient from backward() against central
 * differences, for every element of every input that requires grad.
 *
 * The function's output y is projected on a fixed random vector v (entries in [-1, 1]), so one
 * backward pass (y.backward(v)) gives d(v . y)/dx for all inputs; a random v catches errors a
 * plain sum hides (softmax's gradient of sum(y) is 0 whatever the bug). The numeric side sums
 * v . y in float64 over a float32 forward, perturbing one input element at a time by +-eps
 * and dividing by the step actually taken after rounding x +- eps to float32.
 *
 * Tolerances, JAX-style for float32 (check_grads uses eps 1e-3-ish steps and 1e-2 tolerances):
 * each output carries a rounding error of about |y| * 2^-24 per op, which the difference
 * quotient amplifies by 1/(2 eps) and sums over n outputs: n * |y| * 6e-8 / 2e-3 = n * |y| * 3e-5,
 * about 1e-3 for the tens of O(1) outputs used here. Truncation error is eps^2/6 * |f'''|, about
 * 2e-7. So atol 2e-3 and rtol 1e-2 pass every correct gradient and fail any wrong factor, sign
 * or missed broadcast reduction (those are off by O(1)). Inputs must keep eps away from kinks
 * (relu at 0, clamp bounds): see awayFrom().
 */
import { expect } from 'vitest';
import { noGrad, Tensor } from '../../lib/index.js';
import { randomFloats } from './rng.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the projection vector. */
  seed?: number;
  /** Printed with a failure. */
  context?: Record<string, unknown>;
}

function projected(y: Tensor, v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.size; i++) s += v[i]! * y.data[i]!;
  return s;
}

/**
 * Checks fn's gradients with respect to every input that has requiresGrad. Returns the number
 * of elements compared (so a test can assert it checked something).
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradcheckOptions = {},
): number {
  const { eps = 1e-3, atol = 2e-3, rtol = 1e-2, seed = 7, context = {} } = options;
  for (const x of inputs) x.grad = null;
  const y = fn(...inputs);
  expect(y.requiresGrad, 'output requires grad').toBe(true);
  const v = randomFloats(y.size, seed);
  y.backward(new Tensor(v, y.shape));
  let compared = 0;
  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    expect(x.grad, `input ${k} received no gradient`).not.toBeNull();
    const analytic = x.grad!.data;
    for (let i = 0; i < x.size; i++) {
      const orig = x.data[i]!;
      x.data[i] = orig + eps;
      const up = x.data[i]!;
      const fUp = noGrad(() => projected(fn(...inputs), v));
      x.data[i] = orig - eps;
      const down = x.data[i]!;
      const fDown = noGrad(() => projected(fn(...inputs), v));
      x.data[i] = orig;
      const numeric = (fUp - fDown) / (up - down);
      const got = analytic[i]!;
      if (!(Math.abs(got - numeric) <= atol + rtol * Math.abs(numeric))) {
        expect.fail(
          `gradient of input ${k} [${x.shape.join(', ')}] at element ${i} (x = ${orig}): analytic ${got}, numeric ${numeric} ${JSON.stringify(context)}`,
        );
      }
      compared++;
    }
  });
  return compared;
}

/** A leaf of the given shape with seeded values in [lo, hi), requiring grad. */
export function leaf(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return new Tensor(randomFloats(n, seed, lo, hi), shape, { requiresGrad: true });
}

/** Moves values closer than `gap` to any of `points` away from them (finite differences across a kink are meaningless). */
export function awayFrom(t: Tensor, points: number[], gap = 0.05): Tensor {
  for (let i = 0; i < t.size; i++) {
    for (const p of points) {
      const d = t.data[i]! - p;
      if (Math.abs(d) < gap) t.data[i] = p + (d >= 0 ? gap : -gap);
    }
  }
  return t;
}
