/**
 * Binary cross-entropy, on probabilities (binaryCrossEntropy, PyTorch's BCELoss: each log is
 * clamped at -100, so a probability of exactly 0 or 1 costs 100, not Infinity) and on logits
 * (binaryCrossEntropyWithLogits, BCEWithLogitsLoss: computed through softplus so no exp
 * overflows and no log underflows, with a weight for positive examples).
 */
import { argRangeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkReduction, expectLogits, expectSameShape, formatIndex, type Reduction } from './common.js';
import { elementwiseLoss, expandWeight } from './elementwise.js';

export interface BinaryCrossEntropyOptions {
  /** A weight per element, broadcast to the input's shape (default none). */
  weight?: Tensor | null;
  reduction?: Reduction;
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** A weight for positive targets, broadcast along the last dimension (one per class). */
  posWeight?: Tensor | null;
}

/** PyTorch's lower bound on (1 - p) p in the gradient, so p = 0 or 1 gives a finite one. */
const EPSILON = 1e-12;

function divisorFor(reduction: Reduction, n: number): number | null {
  return reduction === 'none' ? null : reduction === 'sum' ? 1 : n;
}

/** -w (t log p + (1 - t) log(1 - p)), each log clamped at -100; p must lie in [0, 1]. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  expectLogits(input, 'input');
  const t = expectSameShape(input, target, 'binaryCrossEntropy');
  const reduction = checkReduction<Reduction>(options.reduction);
  const weight = expandWeight(options.weight, input.shape, 'binaryCrossEntropy');
  const p = input.data;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!(v >= 0 && v <= 1)) throw argRangeError(`input${formatIndex(i, input.shape)}`, 'probability in [0, 1]', v);
  }
  return elementwiseLoss(
    'binaryCrossEntropy',
    input,
    t,
    {
      value: (x, y) => -(y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log1p(-x), -100)),
      dx: (x, y) => (x - y) / Math.max((1 - x) * x, EPSILON),
    },
    weight,
    divisorFor(reduction, input.size),
  );
}

/** log(1 + e^-x), without overflow for any x. */
function softplusNeg(x: number): number {
  return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0);
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * binaryCrossEntropy(sigmoid(x), t) computed stably from the logits x:
 * w ((1 - t) x + (1 + (posWeight - 1) t) log(1 + e^-x)).
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyWithLogitsOptions = {},
): Tensor {
  expectLogits(input, 'input');
  const t = expectSameShape(input, target, 'binaryCrossEntropyWithLogits');
  const reduction = checkReduction<Reduction>(options.reduction);
  const weight = expandWeight(options.weight, input.shape, 'binaryCrossEntropyWithLogits');
  const pw = expandWeight(options.posWeight, input.shape, 'binaryCrossEntropyWithLogits', 'posWeight');
  const lw = (y: number, i: number): number => (pw === null ? 1 : 1 + (pw[i]! - 1) * y);
  return elementwiseLoss(
    'binaryCrossEntropyWithLogits',
    input,
    t,
    {
      value: (x, y, i) => (1 - y) * x + lw(y, i) * softplusNeg(x),
      dx: (x, y, i) => lw(y, i) * sigmoid(x) - (pw === null ? y : pw[i]! * y),
      dt: (x, _y, i) => -x + (pw === null ? 0 : (pw[i]! - 1) * softplusNeg(x)),
    },
    weight,
    divisorFor(reduction, input.size),
  );
}
