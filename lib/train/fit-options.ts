/**
 * fit()'s and evaluate()'s options: their types, defaults, and the checks that run before any
 * training, each failing with a message that names the option. Keras's compile() maps onto
 * these: `optimizer: 'adam'`, `loss: 'categoricalCrossentropy'`, `metrics: ['accuracy']`.
 */
import { boolean, nonNegativeInt, orDefault, positiveInt, positiveNumber } from '../args.js';
import { argRangeError, argTypeError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import type { Parameter } from '../nn/parameter.js';
import type { Tensor } from '../tensor.js';
import { type CallbackHooks, checkCallbacks } from './callbacks/callback.js';
import type { ClassIndices } from './losses/common.js';
import { type Loss, type LossFunction, type LossName, resolveLoss } from './losses/resolve.js';
import { type Metric, type MetricFunction, resolveMetric } from './metrics.js';
import { Adagrad } from './optim/adagrad.js';
import { Adam, AdamW } from './optim/adam.js';
import { Optimizer } from './optim/optimizer.js';
import { RMSprop } from './optim/rmsprop.js';
import { SGD } from './optim/sgd.js';
import { type Printer, stdoutPrinter, type Verbosity } from './progress.js';
import { checkDatasetSize, checkKlWeight, type KlSchedule } from './regularization.js';

/** Targets: class indices (an Int32Array, numbers, or a Tensor of integers) or a Tensor of values. */
export type FitTargets = Tensor | ClassIndices;

export type OptimizerName =
  'adam' | 'adamw' | 'sgd' | 'rmsprop' | 'adagrad' | 'Adam' | 'AdamW' | 'SGD' | 'RMSprop' | 'Adagrad';

export interface EvaluateOptions {
  /** Samples per batch (default 32). */
  batchSize?: number;
  /** A loss name or function; the result has `loss` only when given. */
  loss?: LossName | LossFunction | Loss;
  /** Names ('accuracy', 'mse' ...), batch functions or Metric objects. */
  metrics?: readonly (string | MetricFunction | Metric)[];
  /** Aborts at the next batch boundary; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Event-loop turns: after this many ms of work since the last (default 5; 0: every batch; Infinity: never). */
  yieldEveryMs?: number;
  /**
   * N, the training-set size that divides the model's KL terms (see regularization.ts). fit():
   * default the number of training samples; evaluate(): default the last fit()'s.
   */
  datasetSize?: number;
  /** The weight of the KL terms (default 1). */
  klWeight?: number;
}

export interface FitOptions extends Omit<EvaluateOptions, 'loss' | 'klWeight'> {
  /** The weight of the KL terms: a number, or a function of the epoch such as klWarmup() (default 1). */
  klWeight?: number | KlSchedule;
  /** The loss: a name (PyTorch's or Keras's, see losses.resolveLoss) or a function. Required. */
  loss: LossName | LossFunction | Loss;
  /** An optimizer over the model's parameters, or a name: a new one with the library's defaults for this call (default 'adam'). */
  optimizer?: Optimizer<object> | OptimizerName;
  /** Train until this epoch index (default 1). */
  epochs?: number;
  /** The epoch to start at (default 0): epochs initialEpoch .. epochs - 1 run. */
  initialEpoch?: number;
  /** Visit the training samples in a new order each epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffles; each epoch's order is a function of (seed, epoch). Default: drawn from manualSeed's generator. */
  seed?: number | bigint;
  /** Hold out this last fraction of the samples (before shuffling, as Keras) for validation. */
  validationSplit?: number;
  /** Validation data: [x, y] or a Dataset. */
  validationData?: readonly [Tensor, FitTargets] | Dataset;
  callbacks?: readonly CallbackHooks[];
  /** 0: silent; 1: progress bar on a terminal, one line per epoch elsewhere (default); 2: one line per epoch. */
  verbose?: Verbosity;
  /** Clip the gradients' global 2-norm to this before each step. */
  clipGradNorm?: number;
  /** Clip every gradient element to [-clipGradValue, clipGradValue] before each step. */
  clipGradValue?: number;
  /** Where progress goes (default process.stdout). */
  printer?: Printer;
}

const REGULARIZATION_KEYS = ['datasetSize', 'klWeight'];
const EVALUATE_KEYS = ['batchSize', 'loss', 'metrics', 'signal', 'yieldEveryMs', ...REGULARIZATION_KEYS];
const FIT_KEYS = [
  ...EVALUATE_KEYS.filter((k) => !REGULARIZATION_KEYS.includes(k)),
  'optimizer',
  'epochs',
  'initialEpoch',
  'shuffle',
  'seed',
  'validationSplit',
  'validationData',
  'callbacks',
  'verbose',
  'clipGradNorm',
  'clipGradValue',
  'printer',
  ...REGULARIZATION_KEYS,
];

/** Options with no default left undefined, everything checked. */
export interface CheckedOptions {
  batchSize: number;
  loss: Loss | null;
  metrics: Metric[];
  signal: AbortSignal | null;
  yieldEveryMs: number;
  epochs: number;
  initialEpoch: number;
  shuffle: boolean;
  seed: number | bigint | undefined;
  validationSplit: number;
  validationData: readonly [Tensor, FitTargets] | Dataset | undefined;
  callbacks: CallbackHooks[];
  verbose: Verbosity;
  clipGradNorm: number | null;
  clipGradValue: number | null;
  printer: Printer;
  optimizer: Optimizer<object> | OptimizerName;
  datasetSize: number | undefined;
  klWeight: number | KlSchedule | undefined;
}

function positiveOrNull(value: unknown, name: string): number | null {
  if (value === undefined || value === null) return null;
  return positiveNumber(value, name);
}

function checkKeys(options: object, known: readonly string[], fn: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
      const hint = camel !== key && known.includes(camel) ? ` (did you mean ${camel}?)` : '';
      throw new RangeError(`${fn}: unknown option "${key}"${hint}; the options are ${known.join(', ')}`);
    }
  }
}

function checkMetrics(value: unknown, loss: Loss | null): Metric[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw argTypeError('metrics', 'array of metric names, functions or Metric objects', value);
  const metrics = value.map((m: unknown) => resolveMetric(m as string, loss ?? undefined));
  const names = new Set<string>(['loss']);
  for (const m of metrics) {
    if (names.has(m.name))
      throw new RangeError(
        `metrics: the name "${m.name}" is used twice (or clashes with loss); every logged value needs its own name`,
      );
    names.add(m.name);
  }
  return metrics;
}

/** Checks evaluate()'s or fit()'s options (every one, before any data is touched). */
export function checkOptions(raw: unknown, fn: 'fit' | 'evaluate'): CheckedOptions {
  if (raw === undefined && fn === 'evaluate') raw = {};
  if (typeof raw !== 'object' || raw === null)
    throw argTypeError('options', fn === 'fit' ? 'object with a loss' : 'object', raw);
  checkKeys(raw, fn === 'fit' ? FIT_KEYS : EVALUATE_KEYS, fn);
  const o = raw as Partial<FitOptions>;
  if (fn === 'fit' && o.loss === undefined) {
    throw new TypeError(
      "fit needs a loss: pass { loss: 'crossEntropy' }, another loss name, or a function (output, target) => scalar tensor",
    );
  }
  const loss = o.loss === undefined ? null : resolveLoss(o.loss);
  const signal = o.signal ?? null;
  if (signal !== null && !(signal instanceof AbortSignal)) throw argTypeError('signal', 'AbortSignal', signal);
  const yieldEveryMs = o.yieldEveryMs ?? 5;
  if (typeof yieldEveryMs !== 'number')
    throw argTypeError('yieldEveryMs', 'non-negative number or Infinity', yieldEveryMs);
  if (!(yieldEveryMs >= 0)) throw argRangeError('yieldEveryMs', 'non-negative number or Infinity', yieldEveryMs);
  const epochs = positiveInt(orDefault(o.epochs, 1), 'epochs');
  const initialEpoch = nonNegativeInt(orDefault(o.initialEpoch, 0), 'initialEpoch');
  if (initialEpoch > epochs) throw argRangeError('initialEpoch', `integer in [0, ${epochs}] (epochs)`, initialEpoch);
  const validationSplit = o.validationSplit ?? 0;
  if (typeof validationSplit !== 'number') throw argTypeError('validationSplit', 'number in [0, 1)', validationSplit);
  if (!(validationSplit >= 0 && validationSplit < 1))
    throw argRangeError('validationSplit', 'number in [0, 1)', validationSplit);
  if (validationSplit > 0 && o.validationData !== undefined) {
    throw new RangeError('fit: pass validationSplit or validationData, not both');
  }
  const verbose = o.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw argRangeError('verbose', '0, 1 or 2', verbose);
  const printer = o.printer ?? stdoutPrinter;
  if (typeof printer !== 'object' || printer === null || typeof printer.write !== 'function')
    throw argTypeError('printer', 'object with write(text)', printer);
  const optimizer = o.optimizer ?? 'adam';
  if (!(optimizer instanceof Optimizer) && !Object.hasOwn(OPTIMIZERS, optimizer as string)) {
    const expected = `Optimizer or optimizer name (${Object.keys(OPTIMIZERS)
      .filter((k) => k === k.toLowerCase())
      .join(', ')})`;
    throw typeof optimizer === 'string'
      ? argRangeError('optimizer', expected, optimizer)
      : argTypeError('optimizer', expected, optimizer);
  }
  return {
    batchSize: positiveInt(orDefault(o.batchSize, 32), 'batchSize'),
    loss,
    metrics: checkMetrics(o.metrics, loss),
    signal,
    yieldEveryMs,
    epochs,
    initialEpoch,
    shuffle: boolean(orDefault(o.shuffle, true), 'shuffle'),
    seed: o.seed,
    validationSplit,
    validationData: o.validationData,
    callbacks: checkCallbacks(o.callbacks),
    verbose,
    clipGradNorm: positiveOrNull(o.clipGradNorm, 'clipGradNorm'),
    clipGradValue: positiveOrNull(o.clipGradValue, 'clipGradValue'),
    printer,
    optimizer,
    datasetSize: checkDatasetSize(o.datasetSize),
    klWeight: checkKlWeight(o.klWeight, fn === 'fit'),
  };
}

type Make = (params: Parameter[]) => Optimizer<object>;

const OPTIMIZERS: Record<string, Make> = {
  adam: (p) => new Adam(p),
  adamw: (p) => new AdamW(p),
  sgd: (p) => new SGD(p),
  rmsprop: (p) => new RMSprop(p),
  adagrad: (p) => new Adagrad(p),
  Adam: (p) => new Adam(p),
  AdamW: (p) => new AdamW(p),
  SGD: (p) => new SGD(p),
  RMSprop: (p) => new RMSprop(p),
  Adagrad: (p) => new Adagrad(p),
};

/** The optimizer to train `model` with: the one given, or a new one of that name over its trainable parameters. */
export function resolveOptimizer(model: Module, optimizer: Optimizer<object> | OptimizerName): Optimizer<object> {
  const trainable = model.parameters().filter((p) => p.requiresGrad);
  if (trainable.length === 0)
    throw new RangeError(`fit: ${model.layerName} has no trainable parameters (none with requiresGrad)`);
  if (typeof optimizer === 'string') return OPTIMIZERS[optimizer]!(trainable);
  const held = new Set(optimizer.paramGroups.flatMap((g) => g.params));
  if (!trainable.some((p) => held.has(p))) {
    throw new RangeError(
      `fit: the optimizer holds none of ${model.layerName}'s trainable parameters (was it created for another model?)`,
    );
  }
  return optimizer;
}
