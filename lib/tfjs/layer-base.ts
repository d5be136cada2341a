/**
 * The tfjs Layer object and what every tf.layers factory shares: tfjs's options split from the
 * Keras facade's (split), tfjs's initializers applied to a built module (tfjsSpec), specs for
 * modules the facade lacks (ownSpec), and each module's weights in tfjs's order and layout
 * (layerWeights), which getWeights/setWeights and the model's weight lists use.
 */
import { positiveInt } from '../args.js';
import { argTypeError } from '../errors.js';
import { type BuiltLayer, LayerSpec } from '../keras/layers.js';
import type { Regularizer } from '../keras/regularizers.js';
import type { Module } from '../nn/module.js';
import type { Parameter } from '../nn/parameter.js';
import type { Shape } from '../shape.js';
import { Tensor as DnTensor } from '../tensor.js';
import type { SymbolicTensor } from './functional.js';
import { initializer } from './initializers.js';
import type { LayerVariable } from './layer-variables.js';
import { Tensor } from './tensor.js';

/** A tfjs layer: the spec a model builds, then (after the model is built) its module. */
export class Layer {
  #module: Module | null = null;
  #trainable: boolean | null = null;
  /** The name the model gave it (tfjs: dense_Dense1; here Keras's: dense, dense_1). */
  name: string;
  readonly spec: LayerSpec;
  outputShape: (number | null)[] | null = null;

  /** A spec (the tf.layers factories), or a config object: a custom layer (`class X extends tf.layers.Layer`, custom-layer.ts). */
  constructor(spec: LayerSpec | Record<string, unknown> = {}) {
    this.spec = spec instanceof LayerSpec ? spec : customLayer.fn(this, new.target, spec);
    this.name = this.spec.name ?? this.spec.stem;
  }

  /** tfjs's hook for a custom layer's call(): nothing to do here. */
  invokeCallHook(_inputs: unknown, _kwargs?: unknown): void {}

  /** Weights of custom layers are not supported: a clear error naming the layer. */
  addWeight(name: string, ..._rest: unknown[]): never {
    throw new Error(
      `dropnet/tfjs: ${this.getClassName()}.addWeight('${String(name)}'): custom layers with weights are not supported (custom layers without weights are); build the weighted part from tf.layers`,
    );
  }

  /** The built module (null until a model builds the layer); a layer made non-trainable keeps its weights fixed. */
  get module(): Module | null {
    return this.#module;
  }

  set module(m: Module | null) {
    this.#module = m;
    if (m !== null && this.#trainable !== null) for (const p of m.parameters()) p.requiresGrad = this.#trainable;
  }

  /** tfjs's layer.trainable: false keeps the layer's weights out of training (fit, trainOnBatch). */
  get trainable(): boolean {
    return this.#trainable ?? this.#module?.parameters().every((p) => p.requiresGrad) ?? true;
  }

  set trainable(value: boolean) {
    if (typeof value !== 'boolean') throw argTypeError(`${this.name}.trainable`, 'boolean', value);
    this.#trainable = value;
    this.module = this.#module;
  }

  getClassName(): string {
    return this.spec.className;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.spec.config, name: this.name };
  }

  #built(fn: string): Module {
    if (this.module === null)
      throw new Error(
        `${this.name}.${fn}(): the layer is not built yet; add it to a model with an input shape and call model.predict/compile/summary first`,
      );
    return this.module;
  }

  /** The layer's weights as tfjs orders them: kernel [in, out] (tfjs's layout), then bias. */
  getWeights(): Tensor[] {
    return layerWeights(this.#built('getWeights')).map((w) => new Tensor(w.get(), 'float32'));
  }

  setWeights(weights: Tensor[]): void {
    const slots = layerWeights(this.#built('setWeights'));
    if (!Array.isArray(weights) || weights.length !== slots.length)
      throw new RangeError(
        `${this.name}.setWeights: expected ${slots.length} tensors but received ${Array.isArray(weights) ? weights.length : String(weights)}`,
      );
    slots.forEach((s, i) => s.check(weights[i]!, `${this.name}.setWeights: weights[${i}]`));
    slots.forEach((s, i) => s.set(weights[i]!, `${this.name}.setWeights: weights[${i}]`));
  }

  countParams(): number {
    return layerWeights(this.#built('countParams')).reduce((n, s) => n + s.get().size, 0);
  }

  /** tfjs's layer.weights: the trainable ones, then the rest (none before the layer is built). */
  get weights(): LayerVariable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  get trainableWeights(): LayerVariable[] {
    return layerVariables.fn(this).filter((v) => v.trainable);
  }

  get nonTrainableWeights(): LayerVariable[] {
    return layerVariables.fn(this).filter((v) => !v.trainable);
  }

  /** tfjs's layer.apply: SymbolicTensors give a SymbolicTensor of a tf.model() graph; Tensors compute now (functional.ts). */
  apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: { training?: boolean }): SymbolicTensor;
  apply(inputs: Tensor | Tensor[], kwargs?: { training?: boolean }): Tensor;
  apply(inputs: unknown, kwargs?: { training?: boolean }): SymbolicTensor | Tensor;
  apply(inputs: unknown, kwargs?: { training?: boolean }): SymbolicTensor | Tensor {
    return layerApply.fn(this, inputs, kwargs);
  }
}

/** Makes a custom layer's spec; set by custom-layer.ts (which the tfjs entry point loads). */
export const customLayer = {
  fn: (_layer: Layer, _cls: unknown, _config: unknown): never => {
    throw new Error('dropnet/tfjs: custom layers need the tfjs entry point (import dropnet/tfjs)');
  },
} as { fn: (layer: Layer, cls: abstract new (...a: never[]) => Layer, config: Record<string, unknown>) => LayerSpec };

/** A layer's weights as LayerVariables; set by layer-variables.ts (which the tfjs entry point loads). */
export const layerVariables = {
  fn: (_layer: Layer): never => {
    throw new Error('dropnet/tfjs: layer.weights needs the tfjs entry point (import dropnet/tfjs)');
  },
} as { fn: (layer: Layer) => LayerVariable[] };

/** layer.apply's implementation, set by functional.ts (which the tfjs entry point loads). */
export const layerApply = {
  fn: (_layer: Layer, _inputs: unknown, _kwargs: unknown): never => {
    throw new Error('dropnet/tfjs: layer.apply needs the functional API (import dropnet/tfjs)');
  },
} as { fn: (layer: Layer, inputs: unknown, kwargs: unknown) => SymbolicTensor | Tensor };

// -- tfjs <-> dropnet weight layouts ------------------------------------------------------------

export interface Slot {
  /** A parameter trained by fit (tfjs's trainable weights), not a running statistic. */
  trainable: boolean;
  get(): DnTensor;
  /** Throws unless `t` fits. */
  check(t: Tensor, name: string): DnTensor;
  set(t: Tensor, name: string): void;
}

/** Permutes a dropnet tensor (no autograd needed: weights are copied). */
function permute(t: DnTensor, perm: readonly number[]): DnTensor {
  const shape = perm.map((a) => t.shape[a]!);
  const src = t.data;
  const st: number[] = [];
  let acc = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= t.shape[i]!;
  }
  const out = new Float32Array(src.length);
  const counter = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let at = 0;
    for (let d = 0; d < shape.length; d++) at += counter[d]! * st[perm[d]!]!;
    out[i] = src[at]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++counter[d]! < shape[d]!) break;
      counter[d] = 0;
    }
  }
  return new DnTensor(out, shape);
}

function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/**
 * Each weight of a module in tfjs's order and layout: kernels are [in, out] / [k, in, out] /
 * [kh, kw, in, out]; batch normalization has gamma, beta, movingMean, movingVariance.
 */
export function layerWeights(m: Module): Slot[] {
  // A wrapper (timeDistributed) has its inner layer's weights.
  const inner = (m as { wrapped?: unknown }).wrapped;
  if (inner !== undefined) return layerWeights(inner as Module);
  const tensors: [string, DnTensor][] = m.namedParameters();
  if (m.category === 'batchnorm') {
    for (const [name, b] of m.namedBuffers())
      if (name === 'running_mean' || name === 'running_var') tensors.push([name, b]);
  }
  // Modules of tfjs's own layout (embedding [inputDim, outputDim], recurrent kernels) need no permutation.
  const tfjsLayout = m.category === 'embedding';
  return tensors.map(([name, p]) => {
    const perm =
      name === 'weight' && !tfjsLayout && p.rank >= 2
        ? p.rank === 2
          ? [1, 0]
          : p.rank === 3
            ? [2, 1, 0]
            : [2, 3, 1, 0]
        : null;
    const check = (t: Tensor, what: string): DnTensor => {
      if (!(t instanceof Tensor)) throw argTypeError(what, 'tf.Tensor', t);
      const v = perm === null ? t.value : permute(t.value, inverse(perm));
      if (v.shape.join() !== p.shape.join())
        throw new RangeError(
          `${what}: expected shape [${(perm === null ? p.shape : perm.map((a) => p.shape[a]!)).join(',')}] but received [${t.shape.join(',')}]`,
        );
      return v;
    };
    return {
      trainable: p.requiresGrad,
      get: () => (perm === null ? new DnTensor(p.data.slice(), p.shape) : permute(p, perm)),
      check,
      set: (t: Tensor, what: string) => p.data.set(check(t, what).data),
    };
  });
}

// -- factories ----------------------------------------------------------------------------------

export const TFJS_ONLY = [
  'kernelInitializer',
  'biasInitializer',
  'trainable',
  'dtype',
  'inputDType',
  'batchSize',
  'weights',
];
const UNSUPPORTED = ['kernelConstraint', 'biasConstraint', 'activityRegularizer', 'dilationRate'];

export interface Split {
  keras: Record<string, unknown>;
  kernelInit: unknown;
  biasInit: unknown;
  trainable: boolean;
}

export function split(fn: string, args: unknown): Split {
  if (args === undefined) args = {};
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    throw argTypeError(`tf.layers.${fn} args`, 'object', args);
  const a = { ...(args as Record<string, unknown>) };
  for (const key of UNSUPPORTED) {
    if (
      a[key] !== undefined &&
      a[key] !== null &&
      !(
        key === 'dilationRate' &&
        (a[key] === 1 || (Array.isArray(a[key]) && (a[key] as number[]).every((d) => d === 1)))
      )
    ) {
      throw new Error(`dropnet/tfjs: tf.layers.${fn} option ${key} is not supported; remove it (see docs/tfjs.md)`);
    }
    delete a[key];
  }
  // An input layer may hold int32 ids (an embedding's); every other layer computes in float32.
  if (a.dtype !== undefined && a.dtype !== 'float32' && !(fn === 'inputLayer' && a.dtype === 'int32'))
    throw new Error(
      `dropnet/tfjs: tf.layers.${fn} dtype ${String(a.dtype)} is not supported; layers compute in float32`,
    );
  if (a.inputDim !== undefined) {
    if (a.inputShape !== undefined) throw new RangeError(`tf.layers.${fn}: pass inputDim or inputShape, not both`);
    a.inputShape = [a.inputDim];
    delete a.inputDim;
  }
  if (a.batchSize !== undefined && a.inputShape !== undefined) {
    a.batchInputShape = [a.batchSize, ...(a.inputShape as number[])];
    delete a.inputShape;
  }
  if (a.batchInputShape !== undefined) {
    // Keras's facade takes the sample shape; a fixed batch size is not enforced.
    a.batchInputShape = [null, ...(a.batchInputShape as unknown[]).slice(1)];
  }
  const out: Split = {
    keras: a,
    kernelInit: a.kernelInitializer,
    biasInit: a.biasInitializer,
    trainable: a.trainable !== false,
  };
  for (const key of TFJS_ONLY) delete a[key];
  for (const key of ['kernelRegularizer', 'biasRegularizer']) {
    if (a[key] instanceof TfRegularizer) a[key] = (a[key] as TfRegularizer).inner;
  }
  return out;
}

/** Wraps a facade spec: tfjs initializers (defaults `kernel`, zeros for bias) and trainable. */
export function tfjsSpec(spec: LayerSpec, s: Split, kernelDefault: string | null): Layer {
  const kernelInit = kernelDefault === null ? null : initializer(s.kernelInit, 'kernelInitializer', kernelDefault);
  const biasInit = kernelDefault === null ? null : initializer(s.biasInit, 'biasInitializer', 'zeros');
  const create = (shape: Shape): BuiltLayer | null => {
    const built = spec.create(shape);
    if (built === null) return null;
    const m = built.module as Module & { weight?: Parameter; bias?: Parameter | null };
    if (kernelInit !== null && m.weight !== undefined) {
      const w = m.weight;
      const receptive = w.shape.slice(2).reduce((p, d) => p * d, 1);
      kernelInit(w.data, w.shape[1]! * receptive, w.shape[0]! * receptive, w.shape);
    }
    if (biasInit !== null && m.bias) biasInit(m.bias.data, 1, 1, m.bias.shape);
    if (!s.trainable) for (const p of m.parameters()) p.requiresGrad = false;
    return built;
  };
  const layer = new Layer(new LayerSpec(spec.className, spec.config, spec.stem, create));
  if (!s.trainable) layer.trainable = false;
  return layer;
}

/** A spec for a module this file makes (no facade factory): checks option names itself. */
export function ownSpec(
  fn: string,
  className: string,
  stem: string,
  args: unknown,
  known: readonly string[],
  make: (a: Record<string, unknown>, shape: Shape) => Module,
  kernelDefault: string | null = null,
  regularize: (m: Module) => BuiltLayer['regularized'] = () => [],
): Layer {
  const s = split(fn, args);
  const all = ['name', 'inputShape', 'batchInputShape', ...known];
  for (const key of Object.keys(s.keras)) {
    if (!all.includes(key))
      throw new RangeError(
        `tf.layers.${fn}: unknown option "${key}"; the options are ${[...all, ...TFJS_ONLY].join(', ')}`,
      );
  }
  make(s.keras, [1, 1]); // checks the options now
  const spec = new LayerSpec(className, s.keras, stem, (shape) => {
    const module = make(s.keras, shape);
    return { module, regularized: regularize(module) };
  });
  return tfjsSpec(spec, s, kernelDefault);
}

export function int(value: unknown, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const v = Array.isArray(value) && value.length === 1 ? value[0] : value;
  return positiveInt(v, name);
}

export function validOnly(fn: string, padding: unknown): void {
  if (padding !== undefined && padding !== 'valid')
    throw new Error(
      `dropnet/tfjs: tf.layers.${fn} with padding '${String(padding)}' is not supported; use padding 'valid'`,
    );
}

export function unsupportedLayer(name: string, why = 'it is not in dropnet/tfjs yet'): (args?: unknown) => never {
  return () => {
    throw new Error(
      `dropnet/tfjs: tf.layers.${name} is not supported (${why}); dropnet's main API has the layers it supports (import { nn } from 'dropnet'), see docs/tfjs.md`,
    );
  };
}

/** A tfjs regularizer (tf.regularizers.l1 / l2 / l1l2) around the Keras facade's. */
export class TfRegularizer {
  constructor(readonly inner: Regularizer) {}
}
