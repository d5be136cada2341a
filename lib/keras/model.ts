/**
 * sequential([...layers]): a Keras Sequential model over an nn.Sequential. `model.module` is the
 * nn.Sequential itself: model.layers[i] is its module "i", state-dict keys are "i.weight",
 * "i.bias" (PyTorch's names and layouts, weight [out, in]), and fit/evaluate/predict run nn's
 * training loop with the compiled optimizer, loss (plus regularization) and metrics.
 *
 * Layer names follow Keras ("dense", "dense_1", ...), counted per model rather than per
 * session, so a model's names do not depend on what was built before it.
 */
import { maskingSequential, maskRole, type MaskRole } from './masking.js';
import { argTypeError, formatShape, ShapeError } from '../errors.js';
import { loadSafetensors, saveSafetensors } from '../io/safetensors/file.js';
import type { Module } from '../nn/module.js';
import { addPenalty } from '../nn/regularization.js';
import { Sequential } from '../nn/sequential.js';
import type { PredictOptions } from '../nn/predict.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { CallbackHooks } from '../train/callbacks/callback.js';
import type { FitOptions } from '../train/fit-options.js';
import '../train/module-training.js';
import type { History, Logs } from '../train/history.js';
import type { Loss } from '../train/losses/resolve.js';
import type { Optimizer } from '../train/optim/optimizer.js';
import type { Printer, Verbosity } from '../train/progress.js';
import { type Compiled, type CompileArgs, compileArgs } from './compile.js';
import { type KerasInput, type KerasTargets, toInput, toTargets } from './data.js';
import { type BuiltLayer, LAYER_FACTORIES, LayerSpec } from './layers.js';
import { kerasSummary } from './summary.js';

export interface KerasFitArgs {
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  validationData?: readonly [KerasInput, KerasTargets];
  shuffle?: boolean;
  callbacks?: readonly CallbackHooks[];
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: Verbosity;
  initialEpoch?: number;
  seed?: number | bigint;
  signal?: AbortSignal;
  yieldEveryMs?: number;
  clipGradNorm?: number;
  clipGradValue?: number;
  printer?: Printer;
}

export interface KerasEvaluateArgs {
  batchSize?: number;
  /** Resolve with { loss, accuracy, ... } instead of Keras's [loss, ...metrics]. */
  returnDict?: boolean;
  signal?: AbortSignal;
}

const SAVE_FORMAT = 'dropnet.keras.sequential';

export class SequentialModel {
  readonly name: string;
  /** The nn.Sequential that holds the layers. */
  readonly module: Sequential;
  /** One nn module per Keras layer (InputLayer has none), module.at(i) for layers[i]. */
  readonly layers: readonly Module[];
  /** Keras's layer names, layerNames[i] for layers[i]. */
  readonly layerNames: readonly string[];
  /** The shape of one input sample (no batch dimension). */
  readonly inputShape: Shape;
  /** The shape of one output sample. */
  readonly outputShape: Shape;
  readonly #specs: readonly LayerSpec[];
  readonly #classNames: string[];
  readonly #regularized: BuiltLayer['regularized'];
  #compiled: Compiled | null = null;

  constructor(specs: readonly LayerSpec[], name = 'sequential') {
    if (!Array.isArray(specs)) throw argTypeError('layers', 'array of layers (layers.dense(...) ...)', specs);
    specs.forEach((s, i) => {
      if (!(s instanceof LayerSpec)) throw argTypeError(`layers[${i}]`, 'layer (layers.dense(...) ...)', s);
    });
    if (typeof name !== 'string' || name === '') throw argTypeError('name', 'non-empty string', name);
    this.name = name;
    this.#specs = [...specs];
    const first = specs[0]?.inputShape;
    if (first === undefined) {
      throw new RangeError(
        'sequential: the first layer needs inputShape (or batchInputShape), or start with layers.inputLayer({ inputShape })',
      );
    }
    this.inputShape = Object.freeze([...first]);
    let shape: Shape = this.inputShape;
    const modules: Module[] = [];
    const names: string[] = [];
    this.#classNames = [];
    this.#regularized = [];
    const counts = new Map<string, number>();
    let maskedBy: string | null = null;
    const roles: MaskRole[] = [];
    specs.forEach((spec, i) => {
      const declared = spec.inputShape;
      if (i > 0 && declared !== undefined && formatShape(declared) !== formatShape(shape)) {
        throw new ShapeError(
          `sequential: layer ${i} (${spec.className}) declares inputShape ${formatShape(declared)} but receives ${formatShape(shape)}`,
        );
      }
      const built = spec.create(shape);
      if (built === null) return;
      const mask = maskRole(i, spec.className, built.module, maskedBy);
      roles.push(mask.role);
      maskedBy = mask.masked;
      const index = modules.length;
      const n = counts.get(spec.stem) ?? 0;
      counts.set(spec.stem, n + 1);
      const layerName = spec.name ?? (n === 0 ? spec.stem : `${spec.stem}_${n}`);
      if (names.includes(layerName))
        throw new RangeError(`sequential: two layers are named "${layerName}"; layer names must be unique`);
      modules.push(built.module);
      names.push(layerName);
      this.#classNames.push(spec.className);
      for (const r of built.regularized) {
        this.#regularized.push({ ...r, name: `${index}.${r.name}` });
        // The module carries its penalty, so fit(), evaluate() and model.module.regularizationLoss() include it.
        addPenalty(built.module, () => r.regularizer.penalty(r.param));
      }
      shape = built.module.computeOutputShape([-1, ...shape]).slice(1);
    });
    this.module = maskingSequential(modules, roles);
    this.module.build([-1, ...this.inputShape]);
    this.layers = Object.freeze(modules);
    this.layerNames = Object.freeze(names);
    this.outputShape = Object.freeze(shape);
  }

  /** The layer named `name` (Keras's getLayer). */
  getLayer(name: string): Module {
    const i = this.layerNames.indexOf(name);
    if (i < 0)
      throw new RangeError(`getLayer: no layer is named "${name}"; the layers are ${this.layerNames.join(', ')}`);
    return this.layers[i]!;
  }

  // -- training -------------------------------------------------------------------------------

  /** Sets the optimizer, loss and metrics; unknown names throw here. Compiling again replaces them (and the optimizer's state). */
  compile(args: CompileArgs): void {
    this.#compiled = compileArgs(this.module, args, this.#regularized);
  }

  /** The compiled optimizer (null before compile). */
  get optimizer(): Optimizer<object> | null {
    return this.#compiled?.optimizer ?? null;
  }

  /** The compiled loss: the data loss plus every regularizer's penalty (null before compile). */
  get loss(): Loss | null {
    return this.#compiled?.loss ?? null;
  }

  #needCompiled(fn: string): Compiled {
    if (this.#compiled === null)
      throw new Error(`${fn}: the model is not compiled; call model.compile({ optimizer, loss, metrics }) first`);
    return this.#compiled;
  }

  /** Trains the model; resolves with the History (keys loss, accuracy, val_loss, val_accuracy ...). */
  async fit(x: KerasInput, y: KerasTargets, args: KerasFitArgs = {}): Promise<History> {
    const c = this.#needCompiled('fit');
    if (typeof args !== 'object' || args === null) throw argTypeError('fit options', 'object', args);
    for (const key of ['loss', 'optimizer', 'metrics']) {
      if (key in args) throw new RangeError(`fit: ${key} is set by compile(), not by fit()`);
    }
    const xt = toInput(x, this.inputShape);
    const options: FitOptions = {
      ...(args as Omit<KerasFitArgs, 'validationData'>),
      loss: c.dataLoss,
      optimizer: c.optimizer,
      metrics: c.metrics,
    };
    if (args.validationData !== undefined) {
      const [vx, vy] = args.validationData;
      const vxt = toInput(vx, this.inputShape, 'validationData[0]');
      options.validationData = [vxt, toTargets(vy, vxt.shape[0]!, 'validationData[1]')];
    } else {
      delete options.validationData;
    }
    return this.module.fit(xt, toTargets(y, xt.shape[0]!), options);
  }

  /**
   * Loss and metrics: Keras's [loss, ...metrics] (the loss alone without metrics), or, typed for
   * TypeScript without casts, `{ loss, accuracy, ... }` with `returnDict: true`.
   */
  async evaluate(x: KerasInput, y: KerasTargets, args: KerasEvaluateArgs & { returnDict: true }): Promise<Logs>;
  async evaluate(
    x: KerasInput,
    y: KerasTargets,
    args?: KerasEvaluateArgs & { returnDict?: false },
  ): Promise<number | number[]>;
  async evaluate(x: KerasInput, y: KerasTargets, args: KerasEvaluateArgs = {}): Promise<number | number[] | Logs> {
    const c = this.#needCompiled('evaluate');
    const { returnDict = false, ...rest } = args;
    const xt = toInput(x, this.inputShape);
    const logs = await this.module.evaluate(xt, toTargets(y, xt.shape[0]!), {
      ...rest,
      loss: c.dataLoss,
      metrics: c.metrics,
    });
    if (returnDict) return logs;
    const values = Object.values(logs);
    return values.length === 1 ? values[0]! : values;
  }

  /** Outputs in eval mode, without gradients, in batches of batchSize (default 32). */
  predict(x: KerasInput, args: PredictOptions = {}): Tensor {
    return this.module.predict(toInput(x, this.inputShape), args);
  }

  /** The History of the last fit(), or null. */
  get history(): History | null {
    return this.module.history;
  }

  /** Set to true (from a callback) to stop fit() (Keras's model.stop_training). */
  get stopTraining(): boolean {
    return this.module.stopTraining;
  }

  set stopTraining(value: boolean) {
    this.module.stopTraining = value;
  }

  // -- inspection and state -------------------------------------------------------------------

  /**
   * Keras's summary table, with the dropout section: printed, as Keras and tfjs do (with
   * console.log, or `printFn`; `printFn: null` prints nothing), and returned.
   */
  summary(options: { printFn?: ((text: string) => void) | null } = {}): string {
    const layers = this.layers.map((module, i) => ({
      module,
      name: this.layerNames[i]!,
      className: this.#classNames[i]!,
    }));
    const text = kerasSummary(this.name, this.module, this.inputShape, layers);
    const print = options.printFn === undefined ? console.log : options.printFn;
    if (print !== null) {
      if (typeof print !== 'function') throw argTypeError('printFn', 'function or null', print);
      print(text);
    }
    return text;
  }

  /** Prints summary() to the console. */
  printSummary(): void {
    this.summary();
  }

  /** Parameters (Keras's count_params). */
  countParams(): number {
    return this.module.parameters().reduce((s, p) => s + p.size, 0);
  }

  /** Copies of the state-dict tensors in order (PyTorch layouts: Dense weight [out, in], Conv2D weight [out, in, kh, kw]). */
  getWeights(): Tensor[] {
    return Object.values(this.module.stateDict()).map((t) => t.clone());
  }

  /** Copies tensors in getWeights() order into the model; every shape is checked before anything changes. */
  setWeights(weights: readonly Tensor[]): void {
    const keys = Object.keys(this.module.stateDict());
    if (!Array.isArray(weights) || weights.length !== keys.length) {
      throw new RangeError(
        `setWeights: expected ${keys.length} tensors (as getWeights returns) but received ${Array.isArray(weights) ? weights.length : String(weights)}`,
      );
    }
    this.module.loadStateDict(Object.fromEntries(keys.map((k, i) => [k, weights[i]!])));
  }

  /** The architecture: the layers' class names and options (what save() stores and loadModel() reads). */
  toConfig(): { name: string; layers: { className: string; config: Readonly<Record<string, unknown>> }[] } {
    return { name: this.name, layers: this.#specs.map((s) => ({ className: s.className, config: s.config })) };
  }

  /** Saves the weights (the nn state dict) as safetensors, with the architecture in its metadata. */
  async save(path: string): Promise<void> {
    await saveSafetensors(path, this.module.stateDict(), {
      format: SAVE_FORMAT,
      model: JSON.stringify(this.toConfig()),
    });
  }

  /** Saves the weights alone (the nn state dict, PyTorch's names) as safetensors; loadWeights() reads them back. */
  async saveWeights(path: string): Promise<void> {
    await saveSafetensors(path, this.module.stateDict());
  }

  /** Loads weights saved by save() or saveWeights() (or any safetensors file with this model's state-dict keys). */
  async loadWeights(path: string): Promise<void> {
    const { tensors } = await loadSafetensors(path);
    this.module.loadStateDict(tensors);
  }
}

/** A Sequential model from layers: `sequential([layers.dense({ units: 10, inputShape: [4] })])`. */
export function sequential(layers: readonly LayerSpec[], options: { name?: string } = {}): SequentialModel {
  return new SequentialModel(layers, options.name);
}

/** Rebuilds a model saved by model.save(path), weights included (compile it before training). */
export async function loadModel(path: string): Promise<SequentialModel> {
  const { tensors, metadata } = await loadSafetensors(path);
  if (metadata?.format !== SAVE_FORMAT || metadata.model === undefined) {
    throw new RangeError(
      `loadModel: ${path} holds no saved model architecture (use model.loadWeights on a model built the same way)`,
    );
  }
  const config = JSON.parse(metadata.model) as ReturnType<SequentialModel['toConfig']>;
  const specs = config.layers.map((l, i) => {
    const make = Object.hasOwn(LAYER_FACTORIES, l.className) ? LAYER_FACTORIES[l.className] : undefined;
    if (make === undefined) throw new RangeError(`loadModel: layer ${i} has unknown class ${l.className}`);
    return make(l.config as never);
  });
  const model = new SequentialModel(specs, config.name);
  model.module.loadStateDict(tensors);
  return model;
}
