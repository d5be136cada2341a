/**
 * Keras's classification losses, for code ported from Keras and for the Keras-style facade. Unlike
 * PyTorch's, they take probabilities (the output of a softmax or sigmoid layer) unless
 * `fromLogits: true`, clip them to [1e-7, 1 - 1e-7] before the log, and put the classes on the
 * last axis. Arguments come in dropnet's order, (output, target): Keras's own functions take
 * (yTrue, yPred). Reduction: the mean over every sample (and position), as Keras's default.
 */
import { argTypeError } from '../../errors.js';
import * as ops from '../../ops/index.js';
import { Tensor } from '../../tensor.js';
import { binaryCrossEntropyWithLogits } from './binary.js';
import { expectLogits, expectSameShape, numberOption, type Target } from './common.js';
import { crossEntropy } from './cross-entropy.js';
import { elementwiseLoss } from './elementwise.js';

/** Keras's backend epsilon. */
export const KERAS_EPSILON = 1e-7;

export interface KerasLossOptions {
  /** The output holds logits, not probabilities (default false). */
  fromLogits?: boolean;
  /** Mixes the targets with the uniform distribution (default 0). */
  labelSmoothing?: number;
}

function fromLogitsOption(options: KerasLossOptions): boolean {
  const v = options.fromLogits ?? false;
  if (typeof v !== 'boolean') throw argTypeError('fromLogits', 'boolean', v);
  return v;
}

/** One-hot (or probability) targets on the last axis: -sum(t log p) per sample, averaged. */
export function categoricalCrossentropy(output: Tensor, target: Tensor, options: KerasLossOptions = {}): Tensor {
  expectLogits(output, 'output', 1);
  const t0 = expectSameShape(output, target, 'categoricalCrossentropy');
  const fromLogits = fromLogitsOption(options);
  const smoothing = numberOption(options.labelSmoothing, 'labelSmoothing', 0, 0, 1);
  const last = output.rank - 1;
  const classes = output.shape[last]!;
  const t = smoothing > 0 ? ops.add(ops.mul(t0, 1 - smoothing), smoothing / classes) : t0;
  let logp: Tensor;
  if (fromLogits) logp = ops.logSoftmax(output, last);
  else logp = ops.log(ops.clamp(ops.div(output, ops.sum(output, last, true)), KERAS_EPSILON, 1 - KERAS_EPSILON));
  return ops.mean(ops.neg(ops.sum(ops.mul(t, logp), last)));
}

/** Class-index targets: -log p[target] per sample (classes on the last axis), averaged. */
export function sparseCategoricalCrossentropy(output: Tensor, target: Target, options: KerasLossOptions = {}): Tensor {
  expectLogits(output, 'output', 1);
  const fromLogits = fromLogitsOption(options);
  if (options.labelSmoothing !== undefined && options.labelSmoothing !== 0) {
    throw new RangeError(
      'sparseCategoricalCrossentropy has no labelSmoothing in Keras; use categoricalCrossentropy with one-hot targets',
    );
  }
  const classes = output.shape[output.rank - 1]!;
  // Rows of classes: [..., C] -> [rows, C] (a view), targets flattened alike.
  const rows = output.rank === 1 ? output : output.reshape([-1, classes]);
  const flat = target instanceof Tensor ? target.reshape([-1]) : target;
  // As TensorFlow: probabilities become logits log(clip(p)), then softmax cross-entropy.
  const logits = fromLogits ? rows : ops.log(ops.clamp(rows, KERAS_EPSILON, 1 - KERAS_EPSILON));
  return crossEntropy(logits, flat);
}

/** Binary targets: -(t log p + (1 - t) log(1 - p)) per element, averaged. */
export function binaryCrossentropy(output: Tensor, target: Tensor, options: KerasLossOptions = {}): Tensor {
  expectLogits(output, 'output');
  const t0 = expectSameShape(output, target, 'binaryCrossentropy');
  const fromLogits = fromLogitsOption(options);
  const smoothing = numberOption(options.labelSmoothing, 'labelSmoothing', 0, 0, 1);
  const t = smoothing > 0 ? ops.add(ops.mul(t0, 1 - smoothing), 0.5 * smoothing) : t0;
  if (fromLogits) return binaryCrossEntropyWithLogits(output, t);
  const eps = KERAS_EPSILON;
  const clip = (p: number): number => Math.min(Math.max(p, eps), 1 - eps);
  return elementwiseLoss(
    'binaryCrossentropy',
    output,
    t,
    {
      value: (p, y) => {
        const q = clip(p);
        return -(y * Math.log(q + eps) + (1 - y) * Math.log(1 - q + eps));
      },
      // Clipping passes no gradient outside [eps, 1 - eps], as TensorFlow's clip_by_value.
      dx: (p, y) => (p < eps || p > 1 - eps ? 0 : -y / (p + eps) + (1 - y) / (1 - p + eps)),
    },
    null,
    output.size,
  );
}
