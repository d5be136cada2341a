/**
 * compile(): the optimizer, loss and metrics a Keras model trains with, all checked here so a
 * wrong name fails at compile time, as in Keras.
 *
 * Optimizers named here get Keras's defaults, not PyTorch's:
 *   adam     lr 0.001, epsilon 1e-7
 *   adamw    lr 0.001, epsilon 1e-7, weight decay 0.004
 *   sgd      lr 0.01
 *   rmsprop  lr 0.001, rho 0.9 (PyTorch's alpha is 0.99), epsilon 1e-7
 *   adagrad  lr 0.001, initial accumulator 0.1, epsilon 1e-7
 * (epsilon enters PyTorch's and Keras's updates at the same place except in RMSprop, where
 * Keras adds it inside the square root; at 1e-7 the difference is negligible.)
 * The optimizer is created once over the model's parameters, so its state carries over from
 * one fit() to the next, as Keras's does.
 *
 * Regularizers (kernelRegularizer ...) are added to the loss here: the compiled loss is the
 * data loss plus every penalty, in training, validation and evaluate(), as Keras reports it.
 */
import { argRangeError, argTypeError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { add } from '../ops/arithmetic.js';
import type { Tensor } from '../tensor.js';
import type { Target } from '../train/losses/common.js';
import { type Loss, type LossFunction, type LossName, resolveLoss } from '../train/losses/resolve.js';
import { type Metric, type MetricFunction, resolveMetric } from '../train/metrics.js';
import { Adagrad } from '../train/optim/adagrad.js';
import { Adam, AdamW } from '../train/optim/adam.js';
import { Optimizer } from '../train/optim/optimizer.js';
import { RMSprop } from '../train/optim/rmsprop.js';
import { SGD } from '../train/optim/sgd.js';
import type { BuiltLayer } from './layers.js';

export type KerasOptimizerName = 'adam' | 'adamw' | 'sgd' | 'rmsprop' | 'adagrad';

export interface CompileArgs {
  /** A name (Keras's defaults, see above; default 'rmsprop' as Keras) or an Optimizer. */
  optimizer?: KerasOptimizerName | 'Adam' | 'AdamW' | 'SGD' | 'RMSprop' | 'Adagrad' | Optimizer<object>;
  /** A Keras or PyTorch loss name, or a function (output, target) => scalar tensor. */
  loss: LossName | LossFunction | Loss;
  metrics?: readonly (string | MetricFunction | Metric)[];
}

export interface Compiled {
  optimizer: Optimizer<object>;
  /** The data loss plus every regularization penalty. */
  loss: Loss;
  /** The data loss alone: fit() and evaluate() add the penalties, which the layers' modules carry (nn.addPenalty). */
  dataLoss: Loss;
  metrics: readonly (string | MetricFunction | Metric)[];
}

type Params = ConstructorParameters<typeof Adam>[0];

const OPTIMIZERS: Record<KerasOptimizerName, (p: Params) => Optimizer<object>> = {
  adam: (p) => new Adam(p, { lr: 1e-3, eps: 1e-7 }),
  adamw: (p) => new AdamW(p, { lr: 1e-3, eps: 1e-7, weightDecay: 0.004 }),
  sgd: (p) => new SGD(p, { lr: 0.01 }),
  rmsprop: (p) => new RMSprop(p, { lr: 1e-3, alpha: 0.9, eps: 1e-7 }),
  adagrad: (p) => new Adagrad(p, { lr: 1e-3, initialAccumulatorValue: 0.1, eps: 1e-7 }),
};

const KEYS = ['optimizer', 'loss', 'metrics'];

function optimizerFor(model: Module, value: unknown): Optimizer<object> {
  if (value instanceof Optimizer) return value;
  const expected = `optimizer name (${Object.keys(OPTIMIZERS).join(', ')}) or Optimizer`;
  if (typeof value !== 'string') throw argTypeError('optimizer', expected, value);
  const key = value.toLowerCase();
  if (!Object.hasOwn(OPTIMIZERS, key)) throw argRangeError('optimizer', expected, value);
  return OPTIMIZERS[key as KerasOptimizerName](model.parameters().filter((p) => p.requiresGrad));
}

/** `loss` plus the penalties of `terms`, with the loss's name and expectations. */
export function regularizedLoss(loss: Loss, terms: readonly BuiltLayer['regularized'][number][]): Loss {
  if (terms.length === 0) return loss;
  const total = (output: Tensor, target: Target): Tensor => {
    let value = loss(output, target);
    for (const t of terms) value = add(value, t.regularizer.penalty(t.param));
    return value;
  };
  return Object.assign(total, { lossName: loss.lossName, output: loss.output, target: loss.target });
}

export function compileArgs(
  model: Module,
  raw: unknown,
  terms: readonly BuiltLayer['regularized'][number][],
): Compiled {
  if (typeof raw !== 'object' || raw === null)
    throw argTypeError('compile options', 'object { optimizer, loss, metrics }', raw);
  for (const key of Object.keys(raw)) {
    if (!KEYS.includes(key))
      throw new RangeError(`compile: unknown option "${key}"; the options are ${KEYS.join(', ')}`);
  }
  const args = raw as Partial<CompileArgs>;
  if (args.loss === undefined)
    throw new TypeError(
      "compile needs a loss: a name such as 'categoricalCrossentropy' or a function (output, target) => scalar tensor",
    );
  const loss = resolveLoss(args.loss);
  const metrics = args.metrics ?? [];
  if (!Array.isArray(metrics))
    throw argTypeError('metrics', 'array of metric names, functions or Metric objects', metrics);
  for (const m of metrics) resolveMetric(m as string, loss);
  return {
    optimizer: optimizerFor(model, args.optimizer ?? 'rmsprop'),
    loss: regularizedLoss(loss, terms),
    dataLoss: loss,
    metrics,
  };
}
