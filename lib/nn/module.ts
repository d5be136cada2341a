/**
 * Module: the base of every layer and model, after PyTorch's nn.Module.
 *
 * Submodules and parameters are found, not registered: every own enumerable property holding a
 * Module (or a Parameter, or an array of them) is one, in property order, which for fields
 * assigned in a constructor is the order of assignment (as PyTorch's __setattr__ order); see
 * module-tree.ts. Buffers (non-trained state such as running statistics) are declared with
 * registerBuffer().
 *
 * `training` belongs to each module and only train()/eval() change it (recursively).
 * `call(x)` is PyTorch's `module(x)`: it builds the module on first use and runs `forward`
 * with the checks of a root call (see invoke.ts); `predict(x)` does the same in eval mode
 * without recording gradients, restoring every module's previous mode afterwards.
 * `fit`, `evaluate`, `stopTraining` and `history` belong to the training layer, which adds them
 * (lib/train/module-training.ts).
 */
import { noGrad } from '../autograd/grad-mode.js';
import { activeBackend } from '../backend/index.js';
import { argTypeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor, zeros } from '../tensor.js';
import { loadSafetensors, saveSafetensors } from '../io/safetensors/file.js';
import { asRoot, recordOutput, setTrainModeInferenceAllowed } from './invoke.js';
import {
  collectState,
  declareBuffer,
  namedBuffersOf,
  namedParametersOf,
  ownMembers,
  walkModules,
} from './module-tree.js';
import type { RegisterBufferOptions, ZeroGradOptions } from './module-tree.js';
import type { Parameter } from './parameter.js';
import { regularizationParts, type RegularizationOptions, type RegularizationTerm } from './regularization.js';
import { predictCall, type PredictOptions } from './predict.js';
import { checkBuildShape, locate } from './shape-check.js';
import type { ShapeMap } from './shape-types.js';
import { loadState, type LoadStateDictOptions, type LoadStateDictResult } from './state-dict.js';
import { formatSummary, formatTree, summarize, type SummaryOptions } from './summary.js';

/** What kind of layer a module is; summary() and the mode checks read it. */
export type ModuleCategory =
  | 'linear'
  | 'conv'
  | 'pool'
  | 'activation'
  | 'dropout'
  | 'batchnorm'
  | 'normalization'
  | 'embedding'
  | 'recurrent'
  | 'reshape'
  | 'identity'
  | 'container'
  | 'other';

export type { RegisterBufferOptions, ZeroGradOptions } from './module-tree.js';

export abstract class Module {
  /** Type-level description of how this module maps shapes (see shape-types.ts); no run-time value. */
  declare readonly '~shapes': ShapeMap;

  #training = true;
  #built = false;
  #inputShape: Shape | null = null;

  /**
   * The computation. Call it through `call(x)` to get building and the checks of a root call.
   * A subclass may take more inputs: `forward(a: Tensor, b: Tensor)`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any extra inputs a subclass declares
  abstract forward(input: Tensor, ...more: any[]): Tensor;

  // -- identity ---------------------------------------------------------------------------------

  /** True in training mode (the default), false in eval mode. Changed by train() and eval(). */
  get training(): boolean {
    return this.#training;
  }

  /** What kind of layer this is; layers override it. */
  get category(): ModuleCategory {
    return 'other';
  }

  /** For dropout layers: the probability that an element is dropped. undefined for other modules. */
  get dropoutRate(): number | undefined {
    return undefined;
  }

  /** The short name used in errors and summary(), e.g. "Linear(784→256)". */
  get layerName(): string {
    return this.constructor.name;
  }

  /** PyTorch's extra_repr: the arguments shown between the parentheses of toString(). */
  extraRepr(): string {
    return '';
  }

  /** The constructor arguments, for serialization (tfjs's getConfig). */
  getConfig(): Record<string, unknown> {
    return {};
  }

  /** console.log(model) and util.inspect show the module tree, as PyTorch's print(model). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** A PyTorch-style multi-line description of the module tree. */
  toString(): string {
    return formatTree(this);
  }

  // -- mode -------------------------------------------------------------------------------------

  /** Sets training mode (default true) on this module and every submodule; returns this. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw argTypeError('mode', 'boolean', mode);
    for (const m of this.modules()) m.#training = mode;
    return this;
  }

  /** Sets eval mode on this module and every submodule (train(false)); returns this. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Silences (or, with false, restores) the warning for calling this model in training mode
   * inside noGrad(), for when that is intended (Monte Carlo dropout). Returns this.
   */
  allowTrainModeInference(allow = true): this {
    if (typeof allow !== 'boolean') throw argTypeError('allow', 'boolean', allow);
    setTrainModeInferenceAllowed(this, allow);
    return this;
  }

  // -- calling ----------------------------------------------------------------------------------

  /** Runs forward as PyTorch's `module(x)`: builds on first use, with root-call checks. */
  get call(): this['forward'] {
    return ((...args: unknown[]) => this.#invoke(args)) as this['forward'];
  }

  /**
   * Inference: runs `call` in eval mode inside noGrad, then restores every module's previous
   * mode, even when forward throws. An input of more than `batchSize` samples (default 32, as
   * Keras) runs in slices joined along the first dimension: `predict(x, { batchSize: 256 })`.
   */
  get predict(): this['forward'] & ((input: Tensor, options: PredictOptions) => Tensor) {
    return ((...args: unknown[]) =>
      this.#inEvalMode(() => predictCall(args, (a) => this.#invoke(a), this.layerName))) as this['forward'] &
      ((input: Tensor, options: PredictOptions) => Tensor);
  }

  #invoke(args: unknown[]): unknown {
    return asRoot(this, () => {
      const input = args[0];
      if (!this.#built && input instanceof Tensor) {
        // Modules with their own shape logic check it now; the rest are checked by forward.
        if (this.build !== Module.prototype.build || this.computeOutputShape !== Module.prototype.computeOutputShape) {
          this.build(input.shape);
        }
        // The batch size is not a property of the model: record it as any.
        this.markBuilt(input.rank >= 2 ? [-1, ...input.shape.slice(1)] : input.shape);
      }
      const output = (this.forward as (...a: unknown[]) => unknown)(...args);
      recordOutput(this, output);
      return output;
    });
  }

  /** Runs fn in eval mode without gradients, then restores every module's mode, even when fn throws. */
  #inEvalMode<T>(fn: () => T): T {
    const modes = this.modules().map((m) => [m, m.#training] as const);
    this.eval();
    try {
      return noGrad(fn);
    } finally {
      for (const [m, mode] of modes) m.#training = mode;
    }
  }

  // -- building ---------------------------------------------------------------------------------

  /** Whether build() has run (it does on the first call). */
  get built(): boolean {
    return this.#built;
  }

  /** The input shape the module was built for (-1 for sizes left open), or null. */
  get inputShape(): Shape | null {
    return this.#inputShape;
  }

  /**
   * Prepares the module for inputs of `inputShape` (-1 for a size not known yet, such as the
   * batch) and checks that every layer accepts what it will receive: a ShapeError names the
   * first layer that does not. Returns the output shape. Layers that create parameters lazily
   * override it; call() runs it on first use.
   */
  build(inputShape: Shape): Shape {
    const output = this.computeOutputShape(checkBuildShape(inputShape));
    this.markBuilt(inputShape);
    return output;
  }

  protected markBuilt(inputShape: Shape): void {
    this.#built = true;
    this.#inputShape = Object.freeze([...inputShape]);
  }

  /**
   * The output shape for an input shape, or a ShapeError naming the layer that rejects it.
   * Layers compute it; for a module with a hand-written forward it is found by running forward
   * once on zeros (sizes of -1 taken as 1) in eval mode without gradients, modes restored.
   */
  computeOutputShape(inputShape: Shape): Shape {
    const shape = checkBuildShape(inputShape);
    try {
      const out = this.#inEvalMode(() => this.forward(zeros(shape.map((d) => (d < 0 ? 1 : d))))).shape;
      return shape[0] === -1 && out[0] === 1 ? [-1, ...out.slice(1)] : out;
    } catch (error) {
      throw locate(error, this, shape[0] === -1);
    }
  }

  // -- the module tree --------------------------------------------------------------------------

  /** Direct submodules with their names, in property order. */
  namedChildren(): [string, Module][] {
    return ownMembers(this, Module);
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module (named '') and every submodule, depth first, named by path ("0", "fc1", "1.0"). */
  namedModules(prefix = ''): [string, Module][] {
    return walkModules(this, prefix);
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with their state-dict names ("0.weight"); each shared parameter once. */
  namedParameters(options: { recurse?: boolean } = {}): [string, Parameter][] {
    return namedParametersOf(this, options.recurse);
  }

  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(options).map(([, p]) => p);
  }

  /**
   * Declares `name` a buffer: state that is not trained but belongs to the model (running
   * statistics). It is set as a property (reassign it freely) and listed by buffers() and,
   * unless `persistent: false`, by stateDict().
   */
  registerBuffer(name: string, value: Tensor | null, options: RegisterBufferOptions = {}): void {
    if (typeof name !== 'string' || name === '' || name.includes('.'))
      throw argTypeError('name', 'non-empty string without "."', name);
    if (value !== null && !(value instanceof Tensor)) throw argTypeError('value', 'Tensor or null', value);
    const persistent = options.persistent ?? true;
    if (typeof persistent !== 'boolean') throw argTypeError('persistent', 'boolean', persistent);
    declareBuffer(this, name, persistent);
    (this as Record<string, unknown>)[name] = value;
  }

  /** Buffers with their state-dict names. */
  namedBuffers(options: { recurse?: boolean; persistentOnly?: boolean } = {}): [string, Tensor][] {
    return namedBuffersOf(this, options.recurse, options.persistentOnly === true);
  }

  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, b]) => b);
  }

  /** Calls fn on every submodule, children before parents, then on this module; returns this. */
  apply(fn: (module: Module) => void): this {
    if (typeof fn !== 'function') throw argTypeError('fn', 'function', fn);
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /** Resets the gradients of every parameter. */
  zeroGrad(options: ZeroGradOptions = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const p of this.parameters()) {
      if (setToNone) p.grad = null;
      else if (p.grad !== null) activeBackend().fill(p.grad.data, 0, p.grad.size);
    }
  }

  // -- state ------------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by PyTorch's names ("0.weight", "fc1.bias"): each
   * module's own parameters, then its buffers, then its children's. The tensors share storage
   * with the model and are detached from any graph.
   */
  stateDict(): Record<string, Tensor> {
    return collectState(this);
  }

  /**
   * Copies a state dict into the model's parameters and buffers (in place: optimizers keep
   * their references). Every problem (missing, unexpected, wrongly shaped keys, non-tensors) is
   * reported at once in one StateDictError and nothing is changed. With `strict: false`,
   * missing and unexpected keys are allowed and returned.
   */
  loadStateDict(
    state: Record<string, Tensor> | Map<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    return loadState(this.layerName, this.stateDict(), state, options);
  }

  /**
   * Writes the state dict to `path` as safetensors (atomically), with PyTorch's names: the file
   * loads with `model.load_state_dict(safetensors.torch.load_file(path))` into the same
   * architecture in PyTorch, and with loadWeights() here.
   */
  async save(path: string, metadata?: Record<string, string>): Promise<void> {
    await saveSafetensors(path, this.stateDict(), metadata);
  }

  /** Loads a safetensors state dict (ours or PyTorch's) with loadStateDict's checks; nothing changes on error. */
  async loadWeights(path: string, options: LoadStateDictOptions = {}): Promise<LoadStateDictResult> {
    const { tensors } = await loadSafetensors(path);
    return this.loadStateDict(tensors, options);
  }

  // -- regularization ---------------------------------------------------------------------------

  /**
   * This module's own terms of the training objective (KL divergences, penalties), not its
   * submodules'; layers that have some override it (see regularization.ts).
   */
  regularizationTerms(): RegularizationTerm[] {
    return [];
  }

  /**
   * The sum of every module's regularization terms as a scalar tensor: klWeight · Σ KL / N plus
   * the penalties. fit() and evaluate() add it to the loss; a hand-written loop adds it itself.
   */
  regularizationLoss(options?: RegularizationOptions): Tensor {
    return regularizationParts(this, options).total;
  }

  // -- summary ----------------------------------------------------------------------------------

  /** A table of layers, output shapes, parameter counts and modes, with dropout guidance. */
  summary(options: SummaryOptions = {}): string {
    return formatSummary(summarize(this, options));
  }

  /** Prints summary() to the console. */
  printSummary(options: SummaryOptions = {}): void {
    console.log(this.summary(options));
  }
}
