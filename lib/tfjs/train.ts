/**
 * tf.train (optimizers made before the model exists), tf.losses and tf.metrics with tfjs's
 * argument order (labels, predictions), and tf.callbacks.
 *
 * A tfjs optimizer object is a recipe: compile() creates dropnet's optimizer of the same rule
 * over the model's parameters, with tfjs's defaults (epsilon 1e-7; rmsprop decay 0.9).
 */
import { nonNegative } from '../args.js';
import { argRangeError, argTypeError } from '../errors.js';
import type { Parameter } from '../nn/parameter.js';
import { EarlyStopping } from '../train/callbacks/early-stopping.js';
import { Adagrad } from '../train/optim/adagrad.js';
import { Adam } from '../train/optim/adam.js';
import type { Optimizer as DnOptimizer } from '../train/optim/optimizer.js';
import { RMSprop } from '../train/optim/rmsprop.js';
import { SGD } from '../train/optim/sgd.js';
import { applyGradients, minimize } from './gradients.js';
import * as o from './ops.js';
import { Tensor, type TensorLike, toTensor } from './tensor.js';
import type { Variable } from './variables.js';

type Input = Tensor | TensorLike;

/** tfjs's backend epsilon. */
export const EPSILON = 1e-7;

// -- optimizers ---------------------------------------------------------------------------------

export class Optimizer {
  constructor(
    /** tfjs's class name: Adam, SGD, RMSProp, Adagrad, Momentum. */
    readonly className: string,
    readonly learningRate: number,
    readonly create: (params: Parameter[]) => DnOptimizer<object>,
  ) {}

  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate };
  }

  /** One step down the gradient of the scalar f() over the trainable variables (or varList); the cost if returnCost. */
  minimize(f: () => Tensor, returnCost = false, varList?: Variable[]): Tensor | null {
    return minimize(this, f, returnCost, varList);
  }

  /** One step with the given gradients, by variable name (tf.variableGrads's `grads`). */
  applyGradients(variableGradients: Record<string, Tensor>): void {
    applyGradients(this, variableGradients);
  }
}

export const train = {
  sgd(learningRate: number): Optimizer {
    const lr = nonNegative(learningRate, 'learningRate', 'tf.train.sgd');
    return new Optimizer('SGD', lr, (p) => new SGD(p, { lr }));
  },
  momentum(learningRate: number, momentum: number, useNesterov = false): Optimizer {
    const lr = nonNegative(learningRate, 'learningRate', 'tf.train.momentum');
    return new Optimizer('Momentum', lr, (p) => new SGD(p, { lr, momentum, nesterov: useNesterov }));
  },
  adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = EPSILON): Optimizer {
    const lr = nonNegative(learningRate, 'learningRate', 'tf.train.adam');
    return new Optimizer('Adam', lr, (p) => new Adam(p, { lr, betas: [beta1, beta2], eps: epsilon }));
  },
  rmsprop(learningRate: number, decay = 0.9, momentum = 0, epsilon = EPSILON, centered = false): Optimizer {
    const lr = nonNegative(learningRate, 'learningRate', 'tf.train.rmsprop');
    return new Optimizer('RMSProp', lr, (p) => new RMSprop(p, { lr, alpha: decay, momentum, eps: epsilon, centered }));
  },
  adagrad(learningRate: number, initialAccumulatorValue = 0.1): Optimizer {
    const lr = nonNegative(learningRate, 'learningRate', 'tf.train.adagrad');
    return new Optimizer('Adagrad', lr, (p) => new Adagrad(p, { lr, initialAccumulatorValue, eps: EPSILON }));
  },
  adadelta(..._args: unknown[]): never {
    throw new Error(
      'dropnet/tfjs: tf.train.adadelta is not supported; use tf.train.adam, sgd, momentum, rmsprop or adagrad',
    );
  },
  adamax(..._args: unknown[]): never {
    throw new Error(
      'dropnet/tfjs: tf.train.adamax is not supported; use tf.train.adam, sgd, momentum, rmsprop or adagrad',
    );
  },
};

/** Optimizer names compile() accepts, with tfjs's default learning rates. */
export const OPTIMIZER_NAMES: Record<string, () => Optimizer> = {
  sgd: () => train.sgd(0.01),
  adam: () => train.adam(0.001),
  rmsprop: () => train.rmsprop(0.001),
  adagrad: () => train.adagrad(0.01),
  momentum: () => train.momentum(0.01, 0.9),
};

// -- losses (labels, predictions) ---------------------------------------------------------------

function noWeights(fn: string, weights: unknown, reduction: unknown): void {
  if (weights !== undefined && weights !== null)
    throw new Error(
      `dropnet/tfjs: tf.losses.${fn} with weights is not supported; multiply the per-element losses yourself (tf.mul) and reduce with tf.mean`,
    );
  if (reduction !== undefined && reduction !== Reduction.SUM_BY_NONZERO_WEIGHTS && reduction !== Reduction.MEAN) {
    if (reduction === Reduction.NONE) return;
    if (reduction === Reduction.SUM) return;
    throw argRangeError('reduction', 'a tf.Reduction', reduction);
  }
}

function reduce(values: Tensor, reduction: unknown): Tensor {
  if (reduction === Reduction.NONE) return values;
  if (reduction === Reduction.SUM) return o.sum(values);
  return o.mean(values);
}

export const Reduction = { NONE: 0, MEAN: 1, SUM: 2, SUM_BY_NONZERO_WEIGHTS: 3 } as const;

function pairOf(labels: Input, predictions: Input, fn: string): [Tensor, Tensor] {
  const l = toTensor(labels, 'labels');
  const p = toTensor(predictions, 'predictions');
  if (l.shape.join() !== p.shape.join())
    throw new Error(
      `Error in ${fn}: Shapes ${JSON.stringify(l.shape).replace(/,/g, ',')} and ${JSON.stringify(p.shape)} must match`,
    );
  return [l, p];
}

export const losses = {
  Reduction,
  meanSquaredError(labels: Input, predictions: Input, weights?: unknown, reduction?: number): Tensor {
    noWeights('meanSquaredError', weights, reduction);
    const [l, p] = pairOf(labels, predictions, 'Mean Squared Error');
    return reduce(o.square(o.sub(l, p)), reduction);
  },
  absoluteDifference(labels: Input, predictions: Input, weights?: unknown, reduction?: number): Tensor {
    noWeights('absoluteDifference', weights, reduction);
    const [l, p] = pairOf(labels, predictions, 'Absolute Difference');
    return reduce(o.abs(o.sub(l, p)), reduction);
  },
  huberLoss(labels: Input, predictions: Input, weights?: unknown, delta = 1, reduction?: number): Tensor {
    noWeights('huberLoss', weights, reduction);
    const [l, p] = pairOf(labels, predictions, 'Huber Loss');
    const err = o.abs(o.sub(l, p));
    const quad = o.minimum(err, delta);
    const lin = o.sub(err, quad);
    return reduce(o.add(o.mul(o.square(quad), 0.5), o.mul(lin, delta)), reduction);
  },
  logLoss(labels: Input, predictions: Input, weights?: unknown, epsilon = EPSILON, reduction?: number): Tensor {
    noWeights('logLoss', weights, reduction);
    const [l, p] = pairOf(labels, predictions, 'Log Loss');
    const a = o.mul(l, o.log(o.add(p, epsilon)));
    const b = o.mul(o.sub(1, l), o.log(o.add(o.sub(1, p), epsilon)));
    return reduce(o.neg(o.add(a, b)), reduction);
  },
  hingeLoss(labels: Input, predictions: Input, weights?: unknown, reduction?: number): Tensor {
    noWeights('hingeLoss', weights, reduction);
    const [l, p] = pairOf(labels, predictions, 'Hinge Loss');
    const signed = o.sub(o.mul(l, 2), 1);
    return reduce(o.relu(o.sub(1, o.mul(signed, p))), reduction);
  },
  softmaxCrossEntropy(
    onehotLabels: Input,
    logits: Input,
    weights?: unknown,
    labelSmoothing = 0,
    reduction?: number,
  ): Tensor {
    noWeights('softmaxCrossEntropy', weights, reduction);
    const [l0, x] = pairOf(onehotLabels, logits, 'softmaxCrossEntropy');
    const k = x.shape[x.rank - 1]!;
    const l = labelSmoothing > 0 ? o.add(o.mul(l0, 1 - labelSmoothing), labelSmoothing / k) : l0;
    return reduce(o.neg(o.sum(o.mul(l, o.logSoftmax(x, -1)), -1)), reduction);
  },
  sigmoidCrossEntropy(
    multiClassLabels: Input,
    logits: Input,
    weights?: unknown,
    labelSmoothing = 0,
    reduction?: number,
  ): Tensor {
    noWeights('sigmoidCrossEntropy', weights, reduction);
    const [l0, x] = pairOf(multiClassLabels, logits, 'sigmoidCrossEntropy');
    const l = labelSmoothing > 0 ? o.add(o.mul(l0, 1 - labelSmoothing), 0.5 * labelSmoothing) : l0;
    // max(x, 0) - x * l + log(1 + exp(-|x|))
    const v = o.add(o.sub(o.relu(x), o.mul(x, l)), o.log1p(o.exp(o.neg(o.abs(x)))));
    return reduce(v, reduction);
  },
  cosineDistance(labels: Input, predictions: Input, axis: number, weights?: unknown, reduction?: number): Tensor {
    noWeights('cosineDistance', weights, reduction);
    const [l, p] = pairOf(labels, predictions, 'Cosine Distance');
    return reduce(o.sub(1, o.sum(o.mul(l, p), axis, true)), reduction);
  },
};

// -- metrics (yTrue, yPred): per-sample tensors, as tfjs ------------------------------------------

/** Metrics broadcast yTrue against yPred, as tfjs-layers' metrics do (no shape assertion). */
function loose(yTrue: Input, yPred: Input): [Tensor, Tensor] {
  return [toTensor(yTrue, 'yTrue'), toTensor(yPred, 'yPred')];
}

function clipped(p: Tensor): Tensor {
  return o.clipByValue(p, EPSILON, 1 - EPSILON);
}

export const metrics = {
  binaryAccuracy(yTrue: Input, yPred: Input): Tensor {
    const [t, p] = loose(yTrue, yPred);
    return o.mean(o.cast(o.equal(t, o.cast(o.greater(p, 0.5), 'float32')), 'float32'), -1);
  },
  categoricalAccuracy(yTrue: Input, yPred: Input): Tensor {
    const [t, p] = loose(yTrue, yPred);
    return o.cast(o.equal(o.argMax(t, -1), o.argMax(p, -1)), 'float32');
  },
  sparseCategoricalAccuracy(yTrue: Input, yPred: Input): Tensor {
    const t = toTensor(yTrue, 'yTrue');
    const p = toTensor(yPred, 'yPred');
    const labels = t.rank === p.rank ? o.squeeze(t, [t.rank - 1]) : t;
    return o.cast(o.equal(o.cast(labels, 'int32'), o.argMax(p, -1)), 'float32');
  },
  meanSquaredError(yTrue: Input, yPred: Input): Tensor {
    const [t, p] = loose(yTrue, yPred);
    return o.mean(o.square(o.sub(p, t)), -1);
  },
  meanAbsoluteError(yTrue: Input, yPred: Input): Tensor {
    const [t, p] = loose(yTrue, yPred);
    return o.mean(o.abs(o.sub(p, t)), -1);
  },
  meanAbsolutePercentageError(yTrue: Input, yPred: Input): Tensor {
    const [t, p] = loose(yTrue, yPred);
    const denom = o.clipByValue(o.abs(t), EPSILON, Number.MAX_VALUE);
    return o.mul(o.mean(o.abs(o.div(o.sub(t, p), denom)), -1), 100);
  },
  binaryCrossentropy(yTrue: Input, yPred: Input): Tensor {
    const [t, p0] = loose(yTrue, yPred);
    const p = clipped(p0);
    const v = o.neg(o.add(o.mul(t, o.log(p)), o.mul(o.sub(1, t), o.log(o.sub(1, p)))));
    return o.mean(v, -1);
  },
  categoricalCrossentropy(yTrue: Input, yPred: Input): Tensor {
    const [t, p0] = loose(yTrue, yPred);
    const p = clipped(o.div(p0, o.sum(p0, -1, true)));
    return o.neg(o.sum(o.mul(t, o.log(p)), -1));
  },
  sparseCategoricalCrossentropy(yTrue: Input, yPred: Input): Tensor {
    const [t, p] = loose(yTrue, yPred);
    const k = p.shape[p.rank - 1]!;
    const oneHot = o.cast(o.oneHot(o.cast(o.reshape(t, [-1]), 'int32'), k), 'float32');
    return metrics.categoricalCrossentropy(o.reshape(oneHot, p.shape), p);
  },
  cosineProximity(yTrue: Input, yPred: Input): Tensor {
    const [t, p] = loose(yTrue, yPred);
    const unit = (x: Tensor): Tensor => o.div(x, o.sqrt(o.maximum(o.sum(o.square(x), -1, true), EPSILON)));
    return o.neg(o.sum(o.mul(unit(t), unit(p)), -1));
  },
  precision(yTrue: Input, yPred: Input): Tensor {
    const [t, p] = loose(yTrue, yPred);
    const tp = o.sum(o.mul(o.cast(o.equal(t, 1), 'float32'), o.cast(o.equal(p, 1), 'float32')));
    const fp = o.sum(o.mul(o.cast(o.equal(t, 0), 'float32'), o.cast(o.equal(p, 1), 'float32')));
    const denom = o.add(tp, fp);
    return o.where(o.greater(denom, 0), o.div(tp, denom), 0);
  },
  recall(yTrue: Input, yPred: Input): Tensor {
    const [t, p] = loose(yTrue, yPred);
    const tp = o.sum(o.mul(o.cast(o.equal(t, 1), 'float32'), o.cast(o.equal(p, 1), 'float32')));
    const fn = o.sum(o.mul(o.cast(o.equal(t, 1), 'float32'), o.cast(o.equal(p, 0), 'float32')));
    const denom = o.add(tp, fn);
    return o.where(o.greater(denom, 0), o.div(tp, denom), 0);
  },
};

// -- callbacks ----------------------------------------------------------------------------------

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  verbose?: number;
  mode?: 'auto' | 'min' | 'max';
  baseline?: number;
  restoreBestWeights?: boolean;
}

const EARLY_KEYS = ['monitor', 'minDelta', 'patience', 'verbose', 'mode', 'baseline', 'restoreBestWeights'];

export const callbacks = {
  /** tfjs's earlyStopping (monitor default 'val_loss'); restoreBestWeights is tfjs's unsupported option, here it works. */
  earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
    if (typeof args !== 'object' || args === null) throw argTypeError('earlyStopping args', 'object', args);
    for (const k of Object.keys(args))
      if (!EARLY_KEYS.includes(k))
        throw new RangeError(
          `tf.callbacks.earlyStopping: unknown option "${k}"; the options are ${EARLY_KEYS.join(', ')}`,
        );
    return new EarlyStopping({
      ...(args.monitor === undefined ? {} : { monitor: args.monitor }),
      ...(args.minDelta === undefined ? {} : { minDelta: args.minDelta }),
      ...(args.patience === undefined ? {} : { patience: args.patience }),
      ...(args.mode === undefined ? {} : { mode: args.mode }),
      ...(args.baseline === undefined ? {} : { baseline: args.baseline }),
      ...(args.restoreBestWeights === undefined ? {} : { restoreBestWeights: args.restoreBestWeights }),
      verbose: args.verbose === 1 ? 1 : 0,
    });
  },
};
