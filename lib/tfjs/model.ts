/**
 * tfjs's LayersModel: compile/fit/evaluate/predict/summary and the weights, over a model core
 * (a dropnet module that maps the inputs to the outputs, and the engine that trains it with
 * dropnet's fit loop). tf.model() builds the core from a graph of layers (functional.ts);
 * Sequential (sequential.ts) from a stack.
 *
 * Several inputs or outputs ride dropnet's one-tensor fit loop packed: each sample's inputs
 * (and targets) flattened and laid side by side in one [n, total] tensor, which the graph
 * module unpacks. With several outputs the loss is the sum of each output's loss, logged as
 * tfjs does: loss, <output>_loss ..., then <output>_<metric>.
 *
 * tfjs's contract kept here: compile() before fit/evaluate; optimizers as tf.train objects or
 * names; losses by tfjs name or as (yTrue, yPred) functions; fit() resolves with a History;
 * evaluate() returns Scalar(s) and predict() Tensor(s), synchronously.
 */
import { argTypeError } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { Shape } from '../shape.js';
import { Tensor as DnTensor } from '../tensor.js';
import type { History } from '../train/history.js';
import type { Loss } from '../train/losses/resolve.js';
import type { Target } from '../train/losses/common.js';
import type { Metric } from '../train/metrics.js';
import type { Optimizer as DnOptimizer } from '../train/optim/optimizer.js';
import { checkFitArgs, type ModelFitArgs, noDict, toCallbacks } from './fit-args.js';
import {
  columns,
  lossMetric,
  type OutputLoss,
  outputMetric,
  packSamples,
  resolveTfLoss,
  resolveTfMetrics,
  size,
  sliceOutput,
  sumOfLosses,
  type TfLossFn,
  tfMetric,
} from './compile.js';
import { Container } from './container.js';
import type { Dataset } from './data.js';
import { evaluateDataset, fitDataset, type ModelFitDatasetArgs, trainOnBatch } from './data-fit.js';
import { Layer, layerWeights, type Slot } from './layers.js';
import type { SaveResult } from './save.js';
import { Tensor } from './tensor.js';
import { OPTIMIZER_NAMES, Optimizer } from './train.js';

export { CustomCallback, type ModelFitArgs } from './fit-args.js';

/** What trains and runs a model: the Keras facade's SequentialModel, or the functional graph's engine. */
export interface ModelEngine {
  readonly module: Module;
  compile(args: { optimizer: DnOptimizer<object>; loss: Loss; metrics: Metric[] }): void;
  fit(x: DnTensor, y: Target, options: object): Promise<History>;
  predict(x: DnTensor, options: { batchSize: number }): DnTensor;
  /** The summary table's lines. */
  summaryLines(): string[];
  stopTraining: boolean;
}

/** A model's engine, its layers and its inputs and outputs (sample shapes, no batch). */
export interface ModelCore {
  engine: ModelEngine;
  layers: Layer[];
  inputs: { shape: (number | null)[] }[];
  outputs: { shape: (number | null)[] }[];
  inputShapes: Shape[];
  outputShapes: Shape[];
  inputNames: string[];
  outputNames: string[];
}

export interface ModelCompileArgs {
  optimizer: string | Optimizer;
  loss: string | TfLossFn | (string | TfLossFn)[] | Record<string, string | TfLossFn>;
  metrics?: string | (string | TfLossFn)[];
}

interface Compiled {
  /** The data loss (every output's, summed), without the regularizers' penalties. */
  loss: Loss;
  losses: OutputLoss[];
  /** Each metric's logged name, per-sample function and output (evaluate makes fresh running means). */
  metrics: [string, TfLossFn, number][];
}

export class LayersModel extends Container {
  readonly name: string;
  #core: ModelCore | null;
  #compiled: Compiled | null = null;

  /** tf.model() passes its graph's core; Sequential passes null and overrides core(). */
  constructor(core: ModelCore | null, name: string) {
    super();
    this.#core = core;
    this.name = name;
  }

  protected core(fn: string): ModelCore {
    if (this.#core === null) throw new Error(`${fn}: the model has no layers`);
    return this.#core;
  }

  protected get isCompiled(): boolean {
    return this.#compiled !== null;
  }

  override get layers(): Layer[] {
    return [...this.core('layers').layers];
  }

  /** The dropnet module that computes the model (dropnet's main API). */
  get module(): Module {
    return this.core('module').engine.module;
  }

  get inputs(): { shape: (number | null)[] }[] {
    return this.core('inputs').inputs;
  }

  get outputs(): { shape: (number | null)[] }[] {
    return this.core('outputs').outputs;
  }

  get inputNames(): string[] {
    return this.core('inputNames').inputNames;
  }

  get outputNames(): string[] {
    return this.core('outputNames').outputNames;
  }

  /** [null, ...shape] of the output; one per output when there are several. */
  get outputShape(): (number | null)[] | (number | null)[][] {
    const shapes = this.core('outputShape').outputShapes.map((s) => [null, ...s]);
    return shapes.length === 1 ? shapes[0]! : shapes;
  }

  compile(args: ModelCompileArgs): void {
    const core = this.core('compile');
    if (typeof args !== 'object' || args === null)
      throw argTypeError('compile args', 'object { optimizer, loss, metrics }', args);
    // Options given as undefined are absent (programs pass classWeight: undefined).
    for (const [key, value] of Object.entries(args))
      if (value !== undefined && !['optimizer', 'loss', 'metrics'].includes(key))
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
    const k = core.outputShapes.length;
    const names = core.outputNames;
    let lossArgs: unknown[];
    if (Array.isArray(args.loss)) {
      if (args.loss.length !== k)
        throw new RangeError(
          `When passing a list as loss, it should have one entry per model output. The model has ${k} output(s), but you passed loss=[${args.loss.length} entries]`,
        );
      lossArgs = args.loss;
    } else if (typeof args.loss === 'object' && args.loss !== null) {
      const dict = args.loss as Record<string, unknown>;
      for (const key of Object.keys(dict))
        if (!names.includes(key))
          throw new RangeError(
            `Unknown entry in loss dictionary: "${key}". Only expected the following keys: ${names.join(', ')}`,
          );
      lossArgs = names.map((n) => dict[n]);
    } else lossArgs = names.map(() => args.loss);
    const losses = lossArgs.map((l, i) => resolveTfLoss(l, k === 1 ? 'loss' : `loss for output ${names[i]}`));
    const metricArgs = args.metrics === undefined ? [] : Array.isArray(args.metrics) ? args.metrics : [args.metrics];
    const metrics: [string, TfLossFn, number][] = [];
    core.outputShapes.forEach((shape, i) => {
      for (const [name, fn] of resolveTfMetrics(metricArgs, shape[shape.length - 1], losses[i]!))
        metrics.push([k === 1 ? name : `${names[i]}_${name}`, fn, i]);
    });
    const loss = k === 1 ? losses[0]!.loss : sumOfLosses(core.outputShapes, losses);
    const all: Metric[] = [
      ...(k === 1 ? [] : losses.map((l, i) => lossMetric(core.outputShapes, losses, i, `${names[i]}_loss`))),
      ...metrics.map(([name, fn, i]) => outputMetric(core.outputShapes, losses, i, tfMetric(name, fn))),
    ];
    const params = core.engine.module.parameters().filter((p) => p.requiresGrad);
    if (params.length === 0)
      throw new Error(
        'dropnet/tfjs: compile: the model has no trainable weights (model.trainable, or every layer.trainable, is false); a model that trains nothing cannot be compiled, make a layer trainable first',
      );
    const optimizer = opt.create(params);
    core.engine.compile({ optimizer, loss, metrics: all });
    this.#compiled = { loss, losses, metrics };
  }

  #compiledFor(fn: string): Compiled {
    if (this.#compiled === null)
      throw new Error(
        `You must compile a model before ${fn === 'fit' ? 'training/testing' : 'testing'}. Use LayersModel.compile(modelCompileArgs).`,
      );
    return this.#compiled;
  }

  /** One output's target as dropnet's fit takes it: class indices for a sparse loss, else the tensor. */
  #target(y: unknown, sparse: boolean, name: string): DnTensor | Int32Array {
    if (!(y instanceof Tensor)) throw argTypeError(name, 'tf.Tensor (one tensor per model output)', y);
    const v = y.checkLive();
    if (!sparse) return v;
    const n = v.shape[0] ?? 1;
    if (v.size !== n)
      throw new Error(
        `${name}: sparseCategoricalCrossentropy needs one class index per sample (shape [n] or [n, 1]) but received shape [${v.shape.join(',')}]`,
      );
    return Int32Array.from(v.data);
  }

  /** y as the engine takes it: the one target, or every output's target packed side by side. */
  #targets(y: unknown, c: Compiled, name: string): DnTensor | Int32Array {
    const core = this.core(name);
    const k = core.outputShapes.length;
    noDict(y, name);
    if (k === 1) return this.#target(Array.isArray(y) && y.length === 1 ? y[0] : y, c.losses[0]!.sparse, name);
    if (!Array.isArray(y) || y.length !== k)
      throw argTypeError(name, `array of ${k} tf.Tensors (one per model output: ${core.outputNames.join(', ')})`, y);
    const parts = y.map((t: unknown, i) => {
      const v = this.#target(t, c.losses[i]!.sparse, `${name}[${i}]`);
      if (v instanceof Int32Array) return new DnTensor(Float32Array.from(v), [v.length, 1]);
      const want = core.outputShapes[i]!;
      if (v.shape.slice(1).join() !== want.join())
        throw new Error(
          `Error when checking target: expected ${core.outputNames[i]} to have shape [null,${want.join(',')}] but got array with shape [${v.shape.join(',')}].`,
        );
      return v;
    });
    return packSamples(parts);
  }

  /** x as the engine takes it: the one input, or every input packed side by side. */
  #inputs(x: unknown, name: string): DnTensor {
    const core = this.core(name);
    noDict(x, name);
    const list = x instanceof Tensor ? [x] : x;
    if (!Array.isArray(list) || !list.every((t) => t instanceof Tensor))
      throw argTypeError(
        name,
        core.inputShapes.length === 1 ? 'tf.Tensor' : `array of ${core.inputShapes.length} tf.Tensors`,
        x,
      );
    if (list.length !== core.inputShapes.length)
      throw new Error(
        `Error when checking model input: the model expects ${core.inputShapes.length} input tensor(s) (${core.inputNames.join(', ')}), but it received ${list.length}`,
      );
    const values = list.map((t: Tensor) => t.checkLive());
    values.forEach((v, i) => {
      const want = core.inputShapes[i]!;
      if (v.rank !== want.length + 1 || v.shape.slice(1).some((d, j) => d !== want[j]))
        throw new Error(
          `Error when checking : expected ${core.inputNames[i]} to have shape [null,${want.join(',')}] but got array with shape [${v.shape.join(',')}].`,
        );
    });
    return values.length === 1 ? values[0]! : packSamples(values);
  }

  async fit(x: Tensor | Tensor[], y: Tensor | Tensor[], args: ModelFitArgs = {}): Promise<History> {
    const c = this.#compiledFor('fit');
    const engine = this.core('fit').engine;
    checkFitArgs(args);
    const xs = this.#inputs(x, 'x');
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
      options.validationData = [this.#inputs(vd[0], 'validationData[0]'), this.#targets(vd[1], c, 'validationData[1]')];
    }
    return engine.fit(xs, ys, options);
  }

  /** [loss, ...metrics] as Scalars (the loss alone without metrics), synchronously as tfjs. */
  evaluate(
    x: Tensor | Tensor[],
    y: Tensor | Tensor[],
    args: { batchSize?: number; verbose?: number } = {},
  ): Tensor | Tensor[] {
    const c = this.#compiledFor('evaluate');
    const core = this.core('evaluate');
    const xs = this.#inputs(x, 'x');
    const ys = this.#targets(y, c, 'y');
    // The engine's fit loop evaluates asynchronously; tfjs's evaluate is synchronous: run the batches here.
    const out = core.engine.module.predict(xs, { batchSize: args.batchSize ?? 32 }) as DnTensor;
    // As tfjs: evaluate reports the data loss; fit's logged loss includes the regularizers' penalties.
    const values = [c.loss(out, ys).data[0]!];
    if (core.outputShapes.length > 1)
      c.losses.forEach((l, i) => values.push(l.loss(...sliceOutput(core.outputShapes, c.losses, out, ys, i)).data[0]!));
    for (const [name, fn, i] of c.metrics) {
      const m = outputMetric(core.outputShapes, c.losses, i, tfMetric(name, fn));
      m.update(out, ys);
      values.push(m.result());
    }
    const scalars = values.map((v) => new Tensor(new DnTensor(Float32Array.of(v), []), 'float32'));
    return scalars.length === 1 ? scalars[0]! : scalars;
  }

  /** Outputs in inference mode: a Tensor, or one per output (synchronously). */
  predict(x: Tensor | Tensor[], args: { batchSize?: number; verbose?: boolean } = {}): Tensor | Tensor[] {
    const core = this.core('predict');
    const xs = this.#inputs(x, 'x');
    const out = core.engine.predict(xs, { batchSize: args.batchSize ?? 32 });
    if (core.outputShapes.length === 1) return new Tensor(out, 'float32');
    let at = 0;
    return core.outputShapes.map((shape) => {
      const t = new Tensor(columns(out, at, shape), 'float32');
      at += size(shape);
      return t;
    });
  }

  predictOnBatch(x: Tensor | Tensor[]): Tensor | Tensor[] {
    return this.predict(x, { batchSize: Math.max(1, (Array.isArray(x) ? x[0] : x)?.shape[0] ?? 1) });
  }

  get stopTraining(): boolean {
    return this.#core?.engine.stopTraining ?? false;
  }

  set stopTraining(value: boolean) {
    if (this.#core !== null) this.#core.engine.stopTraining = value;
  }

  /** Prints the layer table (tfjs: console.log each line). */
  summary(_lineLength?: number, _positions?: number[], printFn: (line: string) => void = console.log): void {
    for (const line of this.core('summary').engine.summaryLines()) printFn(line);
  }

  /** Every weight's size, moving statistics included (as tfjs counts them). */
  countParams(): number {
    return this.#slots('countParams').reduce((n, s) => n + s.get().size, 0);
  }

  /** Every layer's weights in tfjs's order (trainable ones, then non-trainable ones such as moving statistics) and layouts. */
  #slots(fn: string): Slot[] {
    const all = this.core(fn).layers.flatMap((l) => (l.module === null ? [] : layerWeights(l.module)));
    return [...all.filter((s) => s.trainable), ...all.filter((s) => !s.trainable)];
  }

  getWeights(): Tensor[] {
    return this.#slots('getWeights').map((s) => new Tensor(s.get(), 'float32'));
  }

  setWeights(weights: Tensor[]): void {
    const slots = this.#slots('setWeights');
    if (!Array.isArray(weights) || weights.length !== slots.length) {
      throw new RangeError(
        `setWeights: the model has ${slots.length} weights but ${Array.isArray(weights) ? weights.length : String(weights)} were given`,
      );
    }
    // Every shape is checked before anything changes.
    slots.forEach((s, i) => s.check(weights[i]!, `weights[${i}]`));
    slots.forEach((s, i) => s.set(weights[i]!, `weights[${i}]`));
  }

  /** A model applied as a layer of another model (nested models), or on tensors inside optimizer.minimize. */
  apply(..._args: unknown[]): never {
    throw new Error('dropnet/tfjs: model.apply (nested models, minimize over a model) is not supported; see tfjs.md');
  }

  async save(handlerOrURL: unknown, config?: unknown): Promise<SaveResult> {
    const { saveModel } = await import('./save.js'); // not static: save.ts builds Sequentials, which extend this class
    return saveModel(this, handlerOrURL, config);
  }

  fitDataset(dataset: Dataset, args: ModelFitDatasetArgs): Promise<History> {
    return fitDataset(this, dataset, args);
  }

  evaluateDataset(dataset: Dataset, args?: { batches?: number }): Promise<Tensor | Tensor[]> {
    return evaluateDataset(this, dataset, args);
  }

  trainOnBatch(x: Tensor | Tensor[], y: Tensor | Tensor[]): Promise<number | number[]> {
    return trainOnBatch(this, x, y);
  }
}
