/**
 * tf.sequential(): tfjs's Sequential over the Keras facade's SequentialModel (an nn.Sequential
 * trained by dropnet's fit loop). tfjs's contract kept here: add() then compile(); optimizers as
 * tf.train objects or names; losses by tfjs name or as (yTrue, yPred) functions; metric names in
 * the logs as tfjs writes them ('accuracy' -> 'acc', 'val_acc'; other names as given); fit()
 * resolves with a History; evaluate() returns Scalar(s) and predict() a Tensor, synchronously.
 */
import { argTypeError } from '../errors.js';
import { SequentialModel } from '../keras/model.js';
import type { Module } from '../nn/module.js';
import { Tensor as DnTensor } from '../tensor.js';
import { Callback, type CallbackHooks, type TrainingContext } from '../train/callbacks/callback.js';
import type { History, Logs } from '../train/history.js';
import { resolveLoss, type Loss, type LossName } from '../train/losses/resolve.js';
import type { Target } from '../train/losses/common.js';
import type { Metric } from '../train/metrics.js';
import { tidy } from './engine.js';
import { Layer, layerWeights, type Slot } from './layers.js';
import { checkMasks } from './recurrent-layers.js';
import * as o from './ops.js';
import { Tensor } from './tensor.js';
import { EPSILON, metrics as tfMetrics, OPTIMIZER_NAMES, Optimizer } from './train.js';

type TfLossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** tfjs's loss names (tfjs-layers' lossesMap) -> dropnet's loss (same formula) or a tfjs-style per-sample function. */
const LOSS_NAMES: Record<string, LossName | TfLossFn> = {
  meanSquaredError: 'mseLoss',
  meanAbsoluteError: 'l1Loss',
  categoricalCrossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  binaryCrossentropy: 'binaryCrossentropy',
  meanAbsolutePercentageError: tfMetrics.meanAbsolutePercentageError,
  meanSquaredLogarithmicError: (t, p) =>
    o.mean(
      o.square(
        o.sub(
          o.log1p(o.clipByValue(p, EPSILON, Number.MAX_VALUE)),
          o.log1p(o.clipByValue(t, EPSILON, Number.MAX_VALUE)),
        ),
      ),
      -1,
    ),
  hinge: (t, p) => o.mean(o.relu(o.sub(1, o.mul(o.sub(o.mul(t, 2), 1), p))), -1),
  squaredHinge: (t, p) => o.mean(o.square(o.relu(o.sub(1, o.mul(o.sub(o.mul(t, 2), 1), p)))), -1),
  categoricalHinge: (t, p) => o.relu(o.add(o.sub(o.max(o.mul(o.sub(1, t), p), -1), o.sum(o.mul(t, p), -1)), 1)),
  logcosh: (t, p) => {
    const d = o.sub(p, t);
    return o.mean(o.sub(o.add(d, o.softplus(o.mul(d, -2))), Math.log(2)), -1);
  },
  kullbackLeiblerDivergence: (t, p) => {
    const tc = o.clipByValue(t, EPSILON, 1);
    return o.sum(o.mul(tc, o.log(o.div(tc, o.clipByValue(p, EPSILON, 1)))), -1);
  },
  poisson: (t, p) => o.mean(o.sub(p, o.mul(t, o.log(o.add(p, EPSILON)))), -1),
  cosineProximity: tfMetrics.cosineProximity,
};

/** tfjs's metric names (tfjs-layers' metricsMap, besides accuracy / crossentropy) -> per-sample functions. */
const METRIC_NAMES: Record<string, TfLossFn> = {
  binaryAccuracy: tfMetrics.binaryAccuracy,
  categoricalAccuracy: tfMetrics.categoricalAccuracy,
  precision: tfMetrics.precision,
  categoricalCrossentropy: tfMetrics.categoricalCrossentropy,
  sparseCategoricalCrossentropy: tfMetrics.sparseCategoricalCrossentropy,
  mse: tfMetrics.meanSquaredError,
  MSE: tfMetrics.meanSquaredError,
  mae: tfMetrics.meanAbsoluteError,
  MAE: tfMetrics.meanAbsoluteError,
  mape: tfMetrics.meanAbsolutePercentageError,
  MAPE: tfMetrics.meanAbsolutePercentageError,
  cosine: tfMetrics.cosineProximity,
};

/** A dropnet target (class indices or a tensor) as tfjs's yTrue. */
function targetTensor(target: Target): DnTensor {
  if (target instanceof DnTensor) return target;
  const values = Float32Array.from(target as ArrayLike<number>);
  return new DnTensor(values, [values.length]);
}

/** Runs a tfjs (yTrue, yPred) function on dropnet tensors; its mean as a dropnet scalar (differentiable). */
function runTf(fn: TfLossFn, output: DnTensor, target: Target, name: string): DnTensor {
  return tidy(() => {
    const r = fn(new Tensor(targetTensor(target)), new Tensor(output));
    if (!(r instanceof Tensor))
      throw new TypeError(`${name}: a tfjs loss or metric function must return a tf.Tensor but returned ${typeof r}`);
    const v = o.mean(r).value;
    r.dispose();
    return v;
  });
}

function tfMetric(name: string, fn: TfLossFn): Metric {
  let sum = 0;
  let count = 0;
  return {
    name,
    update(output: DnTensor, target: Target): void {
      const n = output.rank === 0 ? 1 : output.shape[0]!;
      sum += runTf(fn, output, target, name).data[0]! * n;
      count += n;
    },
    result: () => sum / count,
    reset(): void {
      sum = 0;
      count = 0;
    },
  };
}

interface Compiled {
  sparse: boolean;
  /** Each metric's logged name and per-sample function (evaluate makes fresh running means). */
  metrics: [string, TfLossFn][];
}

export interface ModelCompileArgs {
  optimizer: string | Optimizer;
  loss: string | TfLossFn | (string | TfLossFn)[];
  metrics?: string | (string | TfLossFn)[];
}

export interface ModelFitArgs {
  epochs?: number;
  batchSize?: number;
  verbose?: 0 | 1 | 2;
  callbacks?: unknown;
  validationSplit?: number;
  validationData?: [Tensor, Tensor] | [Tensor, Tensor, Tensor];
  shuffle?: boolean;
  initialEpoch?: number;
  classWeight?: unknown;
  yieldEvery?: unknown;
  stepsPerEpoch?: number;
  validationSteps?: number;
  validationBatchSize?: number;
  validationFreq?: number;
  sampleWeight?: unknown;
}

const FIT_KEYS = [
  'epochs',
  'batchSize',
  'verbose',
  'callbacks',
  'validationSplit',
  'validationData',
  'shuffle',
  'initialEpoch',
  'classWeight',
  'yieldEvery',
  'stepsPerEpoch',
  'validationSteps',
  'validationBatchSize',
  'validationFreq',
  'sampleWeight',
];

const HOOKS = [
  'onTrainBegin',
  'onTrainEnd',
  'onEpochBegin',
  'onEpochEnd',
  'onBatchBegin',
  'onBatchEnd',
  'onYield',
] as const;

/** tfjs's callbacks argument (one object of hooks, an array, a tf.CustomCallback or earlyStopping) as dropnet callbacks. */
function toCallbacks(value: unknown, model: Sequential): CallbackHooks[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((c: unknown, i) => {
    if (c instanceof Callback) return c;
    if (typeof c !== 'object' || c === null)
      throw argTypeError(`callbacks[${i}]`, `callback object (with ${HOOKS.join(', ')})`, c);
    const hooks = c as Record<string, unknown>;
    for (const h of HOOKS)
      if (hooks[h] !== undefined && typeof hooks[h] !== 'function')
        throw argTypeError(`callbacks[${i}].${h}`, 'function', hooks[h]);
    if (!HOOKS.some((h) => typeof hooks[h] === 'function'))
      throw argTypeError(`callbacks[${i}]`, `callback object with at least one of ${HOOKS.join(', ')}`, c);
    if (typeof (hooks as { setModel?: unknown }).setModel === 'function')
      (hooks as { setModel(m: Sequential): void }).setModel(model);
    let epoch = 0;
    const call = (h: string, ...args: unknown[]): unknown =>
      typeof hooks[h] === 'function' ? (hooks[h] as (...a: unknown[]) => unknown).apply(c, args) : undefined;
    return {
      onTrainBegin: (logs: Logs) => call('onTrainBegin', logs) as void,
      onTrainEnd: (logs: Logs) => call('onTrainEnd', logs) as void,
      onEpochBegin: (e: number, logs: Logs) => {
        epoch = e;
        return call('onEpochBegin', e, logs) as void;
      },
      onEpochEnd: (e: number, logs: Logs) => call('onEpochEnd', e, logs) as void,
      onBatchBegin: (b: number, logs: Logs) => call('onBatchBegin', b, logs) as void,
      onBatchEnd: async (b: number, logs: Logs) => {
        await call('onBatchEnd', b, logs);
        await call('onYield', epoch, b, logs);
      },
    };
  });
}

/** tfjs's tf.CustomCallback: a callback from an object of hooks. */
export class CustomCallback extends Callback {
  constructor(args: Partial<Record<(typeof HOOKS)[number], (...a: never[]) => unknown>>) {
    super();
    for (const h of HOOKS) if (args[h] !== undefined) (this as unknown as Record<string, unknown>)[h] = args[h];
  }

  override setContext(context: TrainingContext): void {
    super.setContext(context);
  }
}

export class Sequential {
  readonly name: string;
  #layers: Layer[] = [];
  #model: SequentialModel | null = null;
  #compiled: Compiled | null = null;

  constructor(config: { layers?: Layer[]; name?: string } = {}) {
    if (typeof config !== 'object' || config === null)
      throw argTypeError('tf.sequential config', 'object { layers, name }', config);
    for (const key of Object.keys(config))
      if (key !== 'layers' && key !== 'name')
        throw new RangeError(`tf.sequential: unknown option "${key}"; the options are layers, name`);
    this.name = config.name ?? 'sequential_1';
    for (const l of config.layers ?? []) this.add(l);
  }

  /** Appends a layer (tfjs: before compile). */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw argTypeError('layer', 'a layer from tf.layers (dense, conv2d, ...)', layer);
    if (this.#compiled !== null)
      throw new Error('dropnet/tfjs: model.add() after compile() is not supported; add every layer, then compile');
    if (this.#layers.length === 0 && layer.spec.inputShape === undefined) {
      throw new Error('The first layer in a Sequential model must get an `inputShape` or `batchInputShape` argument.');
    }
    this.#layers.push(layer);
    this.#build();
  }

  #build(): void {
    const model = new SequentialModel(
      this.#layers.map((l) => l.spec),
      this.name,
    );
    let m = 0;
    let shape: readonly number[] = model.inputShape;
    for (const l of this.#layers) {
      if (l.spec.className === 'InputLayer') {
        l.module = null;
        l.outputShape = [null, ...shape];
        continue;
      }
      l.module = model.layers[m]!;
      l.name = model.layerNames[m]!;
      shape = l.module.computeOutputShape([-1, ...shape]).slice(1);
      l.outputShape = [null, ...shape];
      m++;
    }
    checkMasks(this.#layers);
    this.#model = model;
  }

  #need(fn: string): SequentialModel {
    if (this.#model === null) throw new Error(`${fn}: the model has no layers; add layers with model.add() first`);
    return this.#model;
  }

  get layers(): Layer[] {
    return [...this.#layers];
  }

  /** The nn.Sequential that computes the model (dropnet's main API). */
  get module(): Module {
    return this.#need('module').module;
  }

  get inputs(): { shape: (number | null)[] }[] {
    return [{ shape: [null, ...this.#need('inputs').inputShape] }];
  }

  get outputs(): { shape: (number | null)[] }[] {
    return [{ shape: [null, ...this.#need('outputs').outputShape] }];
  }

  get outputShape(): (number | null)[] {
    return [null, ...this.#need('outputShape').outputShape];
  }

  getLayer(name?: string, index?: number): Layer {
    if (index !== undefined) {
      const l = this.#layers[index];
      if (l === undefined)
        throw new RangeError(
          `Was asked to retrieve layer at index ${index}, but model only has ${this.#layers.length} layer(s).`,
        );
      return l;
    }
    const l = this.#layers.find((x) => x.name === name);
    if (l === undefined) throw new RangeError(`No such layer: ${name}`);
    return l;
  }

  compile(args: ModelCompileArgs): void {
    const model = this.#need('compile');
    if (typeof args !== 'object' || args === null)
      throw argTypeError('compile args', 'object { optimizer, loss, metrics }', args);
    for (const key of Object.keys(args))
      if (
        !['optimizer', 'loss', 'metrics'].includes(key) &&
        (args as unknown as Record<string, unknown>)[key] !== undefined
      )
        throw new RangeError(`compile: unknown option "${key}"; dropnet/tfjs supports optimizer, loss, metrics`);
    let opt: unknown = args.optimizer;
    if (typeof opt === 'string') {
      const make = Object.hasOwn(OPTIMIZER_NAMES, opt.toLowerCase()) ? OPTIMIZER_NAMES[opt.toLowerCase()] : undefined;
      if (make === undefined)
        throw new RangeError(`Unknown Optimizer ${opt}; dropnet/tfjs has ${Object.keys(OPTIMIZER_NAMES).join(', ')}`);
      opt = make();
    }
    if (!(opt instanceof Optimizer))
      throw argTypeError('optimizer', 'optimizer name or tf.train.* optimizer', args.optimizer);
    const lossArg = Array.isArray(args.loss) ? (args.loss.length === 1 ? args.loss[0] : undefined) : args.loss;
    if (lossArg === undefined)
      throw new Error('dropnet/tfjs: compile needs one loss (models with several outputs are not supported)');
    let loss: Loss;
    let sparse = false;
    let lossName = '';
    if (typeof lossArg === 'string') {
      const entry = Object.hasOwn(LOSS_NAMES, lossArg) ? LOSS_NAMES[lossArg] : undefined;
      if (entry === undefined)
        throw new RangeError(
          `Unknown loss ${lossArg}; dropnet/tfjs supports ${Object.keys(LOSS_NAMES).join(', ')} or a function (yTrue, yPred) => Tensor`,
        );
      loss = typeof entry === 'string' ? resolveLoss(entry) : tfLoss(entry, lossArg);
      sparse = entry === 'sparseCategoricalCrossentropy';
      lossName = typeof entry === 'string' ? entry : lossArg;
    } else if (typeof lossArg === 'function') {
      loss = tfLoss(lossArg, lossArg.name || 'loss');
    } else {
      throw argTypeError('loss', 'loss name or function (yTrue, yPred) => Tensor', lossArg);
    }
    const metricArgs = args.metrics === undefined ? [] : Array.isArray(args.metrics) ? args.metrics : [args.metrics];
    const outputLast = model.outputShape[model.outputShape.length - 1];
    const metrics: [string, TfLossFn][] = metricArgs.map((m: unknown): [string, TfLossFn] => {
      if (typeof m === 'function') return [m.name || 'metric', m as TfLossFn];
      if (typeof m !== 'string') throw argTypeError('metrics', 'metric names or functions (yTrue, yPred) => Tensor', m);
      if (m === 'accuracy' || m === 'acc') {
        const fn =
          outputLast === 1 || lossName === 'binaryCrossentropy'
            ? tfMetrics.binaryAccuracy
            : sparse
              ? tfMetrics.sparseCategoricalAccuracy
              : tfMetrics.categoricalAccuracy;
        return ['acc', fn];
      }
      if (m === 'crossentropy' || m === 'ce') {
        const fn =
          outputLast === 1 || lossName === 'binaryCrossentropy'
            ? tfMetrics.binaryCrossentropy
            : sparse
              ? tfMetrics.sparseCategoricalCrossentropy
              : tfMetrics.categoricalCrossentropy;
        return ['ce', fn];
      }
      const fn = Object.hasOwn(METRIC_NAMES, m) ? METRIC_NAMES[m] : undefined;
      if (fn === undefined)
        throw new RangeError(
          `Unknown metric ${m}; dropnet/tfjs supports accuracy, ${Object.keys(METRIC_NAMES).join(', ')} or a function (yTrue, yPred) => Tensor`,
        );
      return [m, fn];
    });
    const optimizer = opt.create(model.module.parameters().filter((p) => p.requiresGrad));
    model.compile({ optimizer, loss, metrics: metrics.map(([name, fn]) => tfMetric(name, fn)) });
    this.#compiled = { sparse, metrics };
  }

  #compiledFor(fn: string): Compiled {
    if (this.#compiled === null)
      throw new Error(
        `You must compile a model before ${fn === 'fit' ? 'training/testing' : 'testing'}. Use LayersModel.compile(modelCompileArgs).`,
      );
    return this.#compiled;
  }

  /** y as dropnet's fit takes it: class indices for sparseCategoricalCrossentropy, else the tensor. */
  #targets(y: unknown, c: Compiled, name: string): DnTensor | Int32Array {
    if (!(y instanceof Tensor))
      throw argTypeError(name, 'tf.Tensor (dropnet/tfjs takes one tensor per input and output)', y);
    const v = y.checkLive();
    if (!c.sparse) return v;
    const n = v.shape[0] ?? 1;
    if (v.size !== n)
      throw new Error(
        `${name}: sparseCategoricalCrossentropy needs one class index per sample (shape [n] or [n, 1]) but received shape [${v.shape.join(',')}]`,
      );
    return Int32Array.from(v.data);
  }

  #input(x: unknown, name: string): DnTensor {
    if (x instanceof Tensor) return x.checkLive();
    if (Array.isArray(x) && x.every((t) => t instanceof Tensor)) {
      if (x.length === 1) return (x[0] as Tensor).checkLive();
      throw new Error('dropnet/tfjs: models with several inputs are not supported');
    }
    throw argTypeError(name, 'tf.Tensor', x);
  }

  async fit(x: Tensor, y: Tensor, args: ModelFitArgs = {}): Promise<History> {
    const c = this.#compiledFor('fit');
    const model = this.#need('fit');
    if (typeof args !== 'object' || args === null) throw argTypeError('fit args', 'object', args);
    for (const key of Object.keys(args))
      if (!FIT_KEYS.includes(key))
        throw new RangeError(`fit: unknown option "${key}"; the options are ${FIT_KEYS.join(', ')}`);
    for (const key of ['classWeight', 'sampleWeight', 'stepsPerEpoch', 'validationSteps'] as const) {
      if (args[key] !== undefined)
        throw new Error(`dropnet/tfjs: fit option ${key} is not supported; remove it (see docs/tfjs.md)`);
    }
    if (args.validationFreq !== undefined && args.validationFreq !== 1)
      throw new Error('dropnet/tfjs: fit option validationFreq other than 1 is not supported');
    const xs = this.#input(x, 'x');
    const ys = this.#targets(y, c, 'y');
    const options: Record<string, unknown> = {
      epochs: args.epochs ?? 1,
      batchSize: args.batchSize ?? 32,
      verbose: args.verbose ?? 0,
      shuffle: args.shuffle ?? true,
      callbacks: toCallbacks(args.callbacks, this),
    };
    if (args.initialEpoch !== undefined) options.initialEpoch = args.initialEpoch;
    if (args.validationSplit !== undefined) options.validationSplit = args.validationSplit;
    if (args.validationData !== undefined) {
      const vd = args.validationData;
      if (!Array.isArray(vd) || vd.length < 2) throw argTypeError('validationData', '[xVal, yVal]', vd);
      if (vd.length === 3) throw new Error('dropnet/tfjs: validationData with sample weights is not supported');
      options.validationData = [this.#input(vd[0], 'validationData[0]'), this.#targets(vd[1], c, 'validationData[1]')];
    }
    return model.fit(xs, ys, options as never);
  }

  /** [loss, ...metrics] as Scalars (the loss alone without metrics), synchronously as tfjs. */
  evaluate(x: Tensor, y: Tensor, args: { batchSize?: number; verbose?: number } = {}): Tensor | Tensor[] {
    const c = this.#compiledFor('evaluate');
    const model = this.#need('evaluate');
    const xs = this.#input(x, 'x');
    const ys = this.#targets(y, c, 'y');
    const batchSize = args.batchSize ?? 32;
    // The facade's evaluate is async (it yields to the event loop); tfjs's is not: run the batches here.
    const out = model.module.predict(xs, { batchSize }) as DnTensor;
    const values = [model.loss!(out, ys).data[0]!];
    for (const [name, fn] of c.metrics) {
      const m = tfMetric(name, fn);
      m.update(out, ys);
      values.push(m.result());
    }
    const scalars = values.map((v) => new Tensor(new DnTensor(Float32Array.of(v), []), 'float32'));
    return scalars.length === 1 ? scalars[0]! : scalars;
  }

  /** Outputs in inference mode, as a Tensor (synchronously). */
  predict(x: Tensor | Tensor[], args: { batchSize?: number; verbose?: boolean } = {}): Tensor {
    const model = this.#need('predict');
    const xs = this.#input(x, 'x');
    const expected = model.inputShape;
    if (xs.rank !== expected.length + 1 || xs.shape.slice(1).some((d, i) => d !== expected[i])) {
      throw new Error(
        `Error when checking : expected ${this.#layers[0]?.name ?? 'input'}_input to have shape [null,${expected.join(',')}] but got array with shape [${xs.shape.join(',')}].`,
      );
    }
    return new Tensor(model.predict(xs, { batchSize: args.batchSize ?? 32 }), 'float32');
  }

  predictOnBatch(x: Tensor): Tensor {
    return this.predict(x, { batchSize: Math.max(1, x.shape[0] ?? 1) });
  }

  get stopTraining(): boolean {
    return this.#model?.stopTraining ?? false;
  }

  set stopTraining(value: boolean) {
    if (this.#model !== null) this.#model.stopTraining = value;
  }

  /** Prints the layer table (tfjs: console.log each line). */
  summary(lineLength?: number, positions?: number[], printFn: (line: string) => void = console.log): void {
    void lineLength;
    void positions;
    for (const line of this.#need('summary').summary({ printFn: null }).split('\n')) printFn(line);
  }

  /** Every weight's size, moving statistics included (as tfjs counts them). */
  countParams(): number {
    this.#need('countParams');
    return this.#slots().reduce((n, s) => n + s.get().size, 0);
  }

  /** Every layer's weights in tfjs's order (trainable ones, then non-trainable ones such as moving statistics) and layouts. */
  #slots(): Slot[] {
    const all = this.#layers.flatMap((l) => (l.module === null ? [] : layerWeights(l.module)));
    return [...all.filter((s) => s.trainable), ...all.filter((s) => !s.trainable)];
  }

  getWeights(): Tensor[] {
    return this.#slots().map((s) => new Tensor(s.get(), 'float32'));
  }

  setWeights(weights: Tensor[]): void {
    const slots = this.#slots();
    if (!Array.isArray(weights) || weights.length !== slots.length) {
      throw new RangeError(
        `setWeights: the model has ${slots.length} weights but ${Array.isArray(weights) ? weights.length : String(weights)} were given`,
      );
    }
    // Every shape is checked before anything changes.
    slots.forEach((s, i) => s.check(weights[i]!, `weights[${i}]`));
    slots.forEach((s, i) => s.set(weights[i]!, `weights[${i}]`));
  }

  async save(..._args: unknown[]): Promise<never> {
    throw new Error(
      "dropnet/tfjs: model.save() in tfjs's format is not supported yet; use the Keras-style API of 'dropnet' (sequential(...).save(path.safetensors))",
    );
  }

  async fitDataset(..._args: unknown[]): Promise<never> {
    throw new Error(
      'dropnet/tfjs: fitDataset (tf.data) is not supported yet; collect the data into tensors and call model.fit(x, y)',
    );
  }
}

/** A dropnet Loss from a tfjs (yTrue, yPred) per-sample function: its mean over the batch. */
function tfLoss(fn: TfLossFn, name: string): Loss {
  const loss = (output: DnTensor, target: Target): DnTensor => runTf(fn, output, target, name);
  return Object.assign(loss, { lossName: name, output: 'values' as const, target: 'any' as const });
}

export function sequential(config?: { layers?: Layer[]; name?: string }): Sequential {
  return new Sequential(config);
}
