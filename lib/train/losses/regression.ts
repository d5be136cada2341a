/**
 * Regression losses with PyTorch's names, signatures and gradients: mseLoss, l1Loss, huberLoss,
 * smoothL1Loss. Input and target have the same shape (PyTorch would broadcast a [N] target
 * against a [N, 1] input with a warning, a classic silent bug: here it is a ShapeError).
 */
import type { Tensor } from '../../tensor.js';
import { checkReduction, expectLogits, expectSameShape, numberOption, type Reduction } from './common.js';
import { elementwiseLoss, type PointwiseLoss } from './elementwise.js';

export interface RegressionOptions {
  reduction?: Reduction;
}

function run(op: string, input: Tensor, target: Tensor, fn: PointwiseLoss, options: RegressionOptions): Tensor {
  expectLogits(input, 'input');
  const t = expectSameShape(input, target, op);
  const reduction = checkReduction<Reduction>(options.reduction);
  return elementwiseLoss(op, input, t, fn, null, reduction === 'none' ? null : reduction === 'sum' ? 1 : input.size);
}

const sign = (d: number): number => (d > 0 ? 1 : d < 0 ? -1 : 0);

const squared: PointwiseLoss = {
  value: (x, t) => (x - t) * (x - t),
  dx: (x, t) => 2 * (x - t),
  dt: (x, t) => -2 * (x - t),
};

const absolute: PointwiseLoss = {
  value: (x, t) => Math.abs(x - t),
  dx: (x, t) => sign(x - t),
  dt: (x, t) => -sign(x - t),
};

/** Squared error (x - t)^2. */
export function mseLoss(input: Tensor, target: Tensor, options: RegressionOptions = {}): Tensor {
  return run('mseLoss', input, target, squared, options);
}

/** Absolute error |x - t|; the gradient at x = t is 0. */
export function l1Loss(input: Tensor, target: Tensor, options: RegressionOptions = {}): Tensor {
  return run('l1Loss', input, target, absolute, options);
}

export interface HuberOptions extends RegressionOptions {
  /** Where the loss turns from quadratic to linear (default 1, must be > 0). */
  delta?: number;
}

/** 0.5 d^2 for |d| < delta, delta (|d| - delta / 2) beyond, d = x - t. */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  const delta = numberOption(options.delta, 'delta', 1, 0);
  if (delta === 0) throw new RangeError('Expected positive number for delta but received 0 of type number');
  return run(
    'huberLoss',
    input,
    target,
    {
      value: (x, t) => {
        const a = Math.abs(x - t);
        return a < delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
      },
      dx: (x, t) => clampTo(x - t, delta),
      dt: (x, t) => -clampTo(x - t, delta),
    },
    options,
  );
}

export interface SmoothL1Options extends RegressionOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives l1Loss). */
  beta?: number;
}

/** 0.5 d^2 / beta for |d| < beta, |d| - beta / 2 beyond: huberLoss / beta. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  const beta = numberOption(options.beta, 'beta', 1, 0);
  if (beta === 0) {
    return run(
      'smoothL1Loss',
      input,
      target,
      {
        value: absolute.value,
        // At d = 0 PyTorch's kernel takes its d <= -beta branch: -1, not l1Loss's 0. Kept for parity.
        dx: (x, t) => (x - t > 0 ? 1 : -1),
        dt: (x, t) => (x - t < 0 ? 1 : -1),
      },
      options,
    );
  }
  return run(
    'smoothL1Loss',
    input,
    target,
    {
      value: (x, t) => {
        const a = Math.abs(x - t);
        return a < beta ? (0.5 * a * a) / beta : a - 0.5 * beta;
      },
      dx: (x, t) => clampTo(x - t, beta) / beta,
      dt: (x, t) => -clampTo(x - t, beta) / beta,
    },
    options,
  );
}

function clampTo(d: number, limit: number): number {
  return d > limit ? limit : d < -limit ? -limit : d;
}
