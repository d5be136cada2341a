/**
 * tf.layers.*: tfjs's layer factories, option names and defaults, over the Keras facade's layer
 * specs (lib/keras/layers.ts) and, for layers the facade lacks, the channels-last modules of
 * modules.ts. A tfjs Layer holds its spec until a model builds it, then its nn module.
 *
 * tfjs's defaults kept here: Dense and Conv kernels glorotNormal (Keras: glorotUniform), biases
 * zeros; kernelInitializer / biasInitializer take tfjs's names and refill the weights after the
 * module is made. Options dropnet cannot honour throw, naming the option.
 */
import { positiveInt } from '../args.js';
import { argRangeError, argTypeError } from '../errors.js';
import { activationName } from '../keras/activations.js';
import * as k from '../keras/layers.js';
import { type BuiltLayer, LayerSpec } from '../keras/layers.js';
import { l1 as kl1, l1l2 as kl1l2, l2 as kl2, type Regularizer } from '../keras/regularizers.js';
import type { Module } from '../nn/module.js';
import type { Parameter } from '../nn/parameter.js';
import { defaultGenerator } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor as DnTensor } from '../tensor.js';
import { AveragePooling2D, Conv1D, GlobalPooling, Pooling1D, Reshape } from './modules.js';
import type { SymbolicTensor } from './functional.js';
import { Tensor } from './tensor.js';

// -- initializers -------------------------------------------------------------------------------

type Init = (p: Parameter, fanIn: number, fanOut: number) => void;

/** Initial weights come from dropnet's default generator: reproducible under manualSeed(). */
const initGenerator = defaultGenerator;

function truncated(data: Float32Array, stddev: number): void {
  const one = new Float32Array(1);
  for (let i = 0; i < data.length; i++) {
    do initGenerator.normal(one);
    while (Math.abs(one[0]!) > 2);
    data[i] = one[0]! * stddev;
  }
}

function varianceScaling(scale: number, mode: 'fanIn' | 'fanOut' | 'fanAvg', distribution: 'normal' | 'uniform'): Init {
  return (p, fanIn, fanOut) => {
    const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const s = scale / Math.max(1, n);
    if (distribution === 'normal') truncated(p.data, Math.sqrt(s));
    else {
      const limit = Math.sqrt(3 * s);
      initGenerator.uniform(p.data, -limit, limit);
    }
  };
}

const INITIALIZERS: Record<string, Init> = {
  glorotNormal: varianceScaling(1, 'fanAvg', 'normal'),
  glorotUniform: varianceScaling(1, 'fanAvg', 'uniform'),
  heNormal: varianceScaling(2, 'fanIn', 'normal'),
  heUniform: varianceScaling(2, 'fanIn', 'uniform'),
  leCunNormal: varianceScaling(1, 'fanIn', 'normal'),
  leCunUniform: varianceScaling(1, 'fanIn', 'uniform'),
  zeros: (p) => p.data.fill(0),
  ones: (p) => p.data.fill(1),
  randomNormal: (p) => {
    initGenerator.normal(p.data);
    for (let i = 0; i < p.data.length; i++) p.data[i] = p.data[i]! * 0.05;
  },
  randomUniform: (p) => initGenerator.uniform(p.data, -0.05, 0.05),
  truncatedNormal: (p) => truncated(p.data, 0.05),
};

function initializer(value: unknown, name: string, fallback: string): Init {
  const v = value ?? fallback;
  if (typeof v === 'object' && v !== null && typeof (v as { className?: unknown }).className === 'string') {
    return initializer(
      (v as { className: string }).className.replace(/^./, (c) => c.toLowerCase()),
      name,
      fallback,
    );
  }
  const key = typeof v === 'string' ? v.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) : v;
  if (typeof key !== 'string' || !Object.hasOwn(INITIALIZERS, key)) {
    throw argRangeError(name, `initializer name (${Object.keys(INITIALIZERS).join(', ')})`, value);
  }
  return INITIALIZERS[key]!;
}

// -- the Layer object ---------------------------------------------------------------------------

/** A tfjs layer: the spec a model builds, then (after the model is built) its module. */
export class Layer {
  module: Module | null = null;
  /** The name the model gave it (tfjs: dense_Dense1; here Keras's: dense, dense_1). */
  name: string;
  readonly spec: LayerSpec;
  outputShape: (number | null)[] | null = null;

  constructor(spec: LayerSpec) {
    this.spec = spec;
    this.name = spec.name ?? spec.stem;
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

  /** tfjs's layer.apply: SymbolicTensors give a SymbolicTensor of a tf.model() graph; Tensors compute now (functional.ts). */
  apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: { training?: boolean }): SymbolicTensor;
  apply(inputs: Tensor | Tensor[], kwargs?: { training?: boolean }): Tensor;
  apply(inputs: unknown, kwargs?: { training?: boolean }): SymbolicTensor | Tensor;
  apply(inputs: unknown, kwargs?: { training?: boolean }): SymbolicTensor | Tensor {
    return layerApply.fn(this, inputs, kwargs);
  }
}

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
  const tensors: [string, DnTensor][] = m.namedParameters();
  if (m.category === 'batchnorm') {
    for (const [name, b] of m.namedBuffers())
      if (name === 'running_mean' || name === 'running_var') tensors.push([name, b]);
  }
  return tensors.map(([name, p]) => {
    const perm =
      name === 'weight' && p.rank >= 2 ? (p.rank === 2 ? [1, 0] : p.rank === 3 ? [2, 1, 0] : [2, 3, 1, 0]) : null;
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

const TFJS_ONLY = ['kernelInitializer', 'biasInitializer', 'trainable', 'dtype', 'inputDType', 'batchSize', 'weights'];
const UNSUPPORTED = [
  'kernelConstraint',
  'biasConstraint',
  'activityRegularizer',
  'dilationRate',
  'embeddingsInitializer',
];

interface Split {
  keras: Record<string, unknown>;
  kernelInit: unknown;
  biasInit: unknown;
  trainable: boolean;
}

function split(fn: string, args: unknown): Split {
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
  if (a.dtype !== undefined && a.dtype !== 'float32')
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
function tfjsSpec(spec: LayerSpec, s: Split, kernelDefault: string | null): Layer {
  const kernelInit = kernelDefault === null ? null : initializer(s.kernelInit, 'kernelInitializer', kernelDefault);
  const biasInit = kernelDefault === null ? null : initializer(s.biasInit, 'biasInitializer', 'zeros');
  const create = (shape: Shape): BuiltLayer | null => {
    const built = spec.create(shape);
    if (built === null) return null;
    const m = built.module as Module & { weight?: Parameter; bias?: Parameter | null };
    if (kernelInit !== null && m.weight !== undefined) {
      const w = m.weight;
      const receptive = w.shape.slice(2).reduce((p, d) => p * d, 1);
      kernelInit(w, w.shape[1]! * receptive, w.shape[0]! * receptive);
    }
    if (biasInit !== null && m.bias) biasInit(m.bias, 1, 1);
    if (!s.trainable) for (const p of m.parameters()) p.requiresGrad = false;
    return built;
  };
  return new Layer(new LayerSpec(spec.className, spec.config, spec.stem, create));
}

/** A spec for a module this file makes (no facade factory): checks option names itself. */
function ownSpec(
  fn: string,
  className: string,
  stem: string,
  args: unknown,
  known: readonly string[],
  make: (a: Record<string, unknown>, shape: Shape) => Module,
  kernelDefault: string | null = null,
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
  const spec = new LayerSpec(className, s.keras, stem, (shape) => ({ module: make(s.keras, shape), regularized: [] }));
  return tfjsSpec(spec, s, kernelDefault);
}

function int(value: unknown, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const v = Array.isArray(value) && value.length === 1 ? value[0] : value;
  return positiveInt(v, name);
}

function validOnly(fn: string, padding: unknown): void {
  if (padding !== undefined && padding !== 'valid')
    throw new Error(
      `dropnet/tfjs: tf.layers.${fn} with padding '${String(padding)}' is not supported; use padding 'valid'`,
    );
}

export const layers = {
  dense(args: Record<string, unknown>): Layer {
    const s = split('dense', args);
    return tfjsSpec(k.dense(s.keras as never), s, 'glorotNormal');
  },
  conv2d(args: Record<string, unknown>): Layer {
    const s = split('conv2d', args);
    return tfjsSpec(k.conv2d(s.keras as never), s, 'glorotNormal');
  },
  conv1d(args: Record<string, unknown>): Layer {
    const a0 = (args ?? {}) as Record<string, unknown>;
    if (a0.filters === undefined || a0.kernelSize === undefined)
      throw new TypeError('tf.layers.conv1d needs filters and kernelSize');
    return ownSpec(
      'conv1d',
      'Conv1D',
      'conv1d',
      args,
      ['filters', 'kernelSize', 'strides', 'padding', 'activation', 'useBias', 'dataFormat'],
      (a, shape) => {
        if (a.dataFormat !== undefined && a.dataFormat !== 'channelsLast')
          throw new Error("dropnet/tfjs: tf.layers.conv1d supports dataFormat 'channelsLast' only");
        const strides = int(a.strides, 'strides', 1);
        const padding = (a.padding ?? 'valid') as 'valid' | 'same';
        if (padding !== 'valid' && padding !== 'same') throw argRangeError('padding', "'valid' or 'same'", padding);
        if (padding === 'same' && strides !== 1)
          throw new Error("dropnet/tfjs: tf.layers.conv1d with padding 'same' needs strides 1");
        return new Conv1D(
          shape[shape.length - 1]!,
          int(a.filters, 'filters'),
          int(a.kernelSize, 'kernelSize'),
          strides,
          padding,
          activationName(a.activation),
          a.useBias !== false,
        );
      },
      'glorotNormal',
    );
  },
  maxPooling2d(args: Record<string, unknown> = {}): Layer {
    const s = split('maxPooling2d', args);
    return tfjsSpec(k.maxPooling2d(s.keras as never), s, null);
  },
  maxPooling1d(args: Record<string, unknown> = {}): Layer {
    return pool1d('maxPooling1d', 'MaxPooling1D', 'max_pooling1d', 'max', args);
  },
  averagePooling1d(args: Record<string, unknown> = {}): Layer {
    return pool1d('averagePooling1d', 'AveragePooling1D', 'average_pooling1d', 'avg', args);
  },
  averagePooling2d(args: Record<string, unknown> = {}): Layer {
    return ownSpec(
      'averagePooling2d',
      'AveragePooling2D',
      'average_pooling2d',
      args,
      ['poolSize', 'strides', 'padding', 'dataFormat'],
      (a) => {
        validOnly('averagePooling2d', a.padding);
        if (a.dataFormat !== undefined && a.dataFormat !== 'channelsLast')
          throw new Error("dropnet/tfjs: tf.layers.averagePooling2d supports dataFormat 'channelsLast' only");
        const pair = (v: unknown, name: string, fb: [number, number]): [number, number] =>
          v === undefined || v === null
            ? fb
            : Array.isArray(v) && v.length === 2
              ? [int(v[0], name), int(v[1], name)]
              : [int(v, name), int(v, name)];
        const pool = pair(a.poolSize, 'poolSize', [2, 2]);
        return new AveragePooling2D(pool, pair(a.strides, 'strides', pool));
      },
    );
  },
  globalAveragePooling1d: (args: Record<string, unknown> = {}): Layer =>
    global('globalAveragePooling1d', 'GlobalAveragePooling1D', 'global_average_pooling1d', 'avg', 1, args),
  globalAveragePooling2d: (args: Record<string, unknown> = {}): Layer =>
    global('globalAveragePooling2d', 'GlobalAveragePooling2D', 'global_average_pooling2d', 'avg', 2, args),
  globalMaxPooling1d: (args: Record<string, unknown> = {}): Layer =>
    global('globalMaxPooling1d', 'GlobalMaxPooling1D', 'global_max_pooling1d', 'max', 1, args),
  globalMaxPooling2d: (args: Record<string, unknown> = {}): Layer =>
    global('globalMaxPooling2d', 'GlobalMaxPooling2D', 'global_max_pooling2d', 'max', 2, args),
  flatten(args: Record<string, unknown> = {}): Layer {
    const s = split('flatten', args);
    if (s.keras.dataFormat !== undefined && s.keras.dataFormat !== 'channelsLast')
      throw new Error("dropnet/tfjs: tf.layers.flatten supports dataFormat 'channelsLast' only");
    delete s.keras.dataFormat;
    return tfjsSpec(k.flatten(s.keras as never), s, null);
  },
  reshape(args: Record<string, unknown>): Layer {
    const a0 = (args ?? {}) as Record<string, unknown>;
    if (!Array.isArray(a0.targetShape)) throw argTypeError('targetShape', 'array of integers', a0.targetShape);
    return ownSpec(
      'reshape',
      'Reshape',
      'reshape',
      args,
      ['targetShape'],
      (a) => new Reshape(a.targetShape as number[]),
    );
  },
  dropout(args: Record<string, unknown>): Layer {
    const s = split('dropout', args);
    return tfjsSpec(k.dropout(s.keras as never), s, null);
  },
  spatialDropout1d(args: Record<string, unknown>): Layer {
    const s = split('spatialDropout1d', args);
    return tfjsSpec(k.spatialDropout1d(s.keras as never), s, null);
  },
  gaussianNoise(args: Record<string, unknown>): Layer {
    const s = split('gaussianNoise', args);
    return tfjsSpec(k.gaussianNoise(s.keras as never), s, null);
  },
  gaussianDropout(args: Record<string, unknown>): Layer {
    const s = split('gaussianDropout', args);
    return tfjsSpec(k.gaussianDropout(s.keras as never), s, null);
  },
  alphaDropout(args: Record<string, unknown>): Layer {
    const s = split('alphaDropout', args);
    return tfjsSpec(k.alphaDropout(s.keras as never), s, null);
  },
  activation(args: Record<string, unknown>): Layer {
    const s = split('activation', args);
    return tfjsSpec(k.activation(s.keras as never), s, null);
  },
  batchNormalization(args: Record<string, unknown> = {}): Layer {
    const s = split('batchNormalization', args);
    for (const key of ['center', 'scale']) {
      if (s.keras[key] === false)
        throw new Error(`dropnet/tfjs: tf.layers.batchNormalization with ${key}: false is not supported`);
      delete s.keras[key];
    }
    for (const key of ['betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer']) {
      if (s.keras[key] !== undefined)
        throw new Error(`dropnet/tfjs: tf.layers.batchNormalization option ${key} is not supported; remove it`);
    }
    return tfjsSpec(k.batchNormalization(s.keras as never), s, null);
  },
  inputLayer(args: Record<string, unknown>): Layer {
    const s = split('inputLayer', args);
    return tfjsSpec(k.inputLayer(s.keras as never), s, null);
  },
  // Recurrent and embedding layers: not in dropnet/tfjs yet (merge layers: functional-merge.ts).
  simpleRNN: unsupportedLayer('simpleRNN'),
  lstm: unsupportedLayer('lstm'),
  gru: unsupportedLayer('gru'),
  bidirectional: unsupportedLayer('bidirectional'),
  timeDistributed: unsupportedLayer('timeDistributed'),
  embedding: unsupportedLayer('embedding'),
};

function unsupportedLayer(name: string, why = 'it is not in dropnet/tfjs yet'): (args?: unknown) => never {
  return () => {
    throw new Error(
      `dropnet/tfjs: tf.layers.${name} is not supported (${why}); dropnet's main API has the layers it supports (import { nn } from 'dropnet'), see docs/tfjs.md`,
    );
  };
}

function pool1d(
  fn: string,
  className: string,
  stem: string,
  mode: 'max' | 'avg',
  args: Record<string, unknown>,
): Layer {
  return ownSpec(fn, className, stem, args, ['poolSize', 'strides', 'padding', 'dataFormat'], (a) => {
    validOnly(fn, a.padding);
    const pool = int(a.poolSize, 'poolSize', 2);
    return new Pooling1D(mode, pool, a.strides === null ? pool : int(a.strides, 'strides', pool));
  });
}

function global(
  fn: string,
  className: string,
  stem: string,
  mode: 'max' | 'avg',
  rank: 1 | 2,
  args: Record<string, unknown>,
): Layer {
  return ownSpec(fn, className, stem, args, ['dataFormat'], (a) => {
    if (a.dataFormat !== undefined && a.dataFormat !== 'channelsLast')
      throw new Error(`dropnet/tfjs: tf.layers.${fn} supports dataFormat 'channelsLast' only`);
    return new GlobalPooling(mode, rank);
  });
}

// -- regularizers -------------------------------------------------------------------------------

export class TfRegularizer {
  constructor(readonly inner: Regularizer) {}
}

export const regularizers = {
  l1: (config: { l1?: number } = {}): TfRegularizer => new TfRegularizer(kl1(config.l1 ?? 0.01)),
  l2: (config: { l2?: number } = {}): TfRegularizer => new TfRegularizer(kl2(config.l2 ?? 0.01)),
  l1l2: (config: { l1?: number; l2?: number } = {}): TfRegularizer =>
    new TfRegularizer(kl1l2({ l1: config.l1 ?? 0.01, l2: config.l2 ?? 0.01 })),
};
