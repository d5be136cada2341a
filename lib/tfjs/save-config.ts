/**
 * Layer configs in tfjs's saved format (Keras JSON as tfjs writes it: snake_case keys, string
 * values snake_cased except names, initializers and regularizers as { class_name, config }).
 *
 * Writing needs what a layer was built with: `layers` here is tf.layers with every factory
 * wrapped to remember its arguments. A config is those arguments over tfjs's defaults for the
 * class (TABLE; the embedding, recurrent and wrapper classes in save-recurrent.ts), so the
 * written config lists what tfjs's does; an argument the class's config has no key for throws,
 * naming it, rather than being dropped. A wrapper's `layer` is written as its own entry.
 * Reading keeps the options the factory takes, drops what equals tfjs's default (constraints
 * null, dilation 1 ...), drops initializers (the weights are loaded over them), and names any
 * other option in its error.
 * A class not in TABLE cannot be written or read: the error names it.
 */
import { Regularizer } from '../keras/regularizers.js';
import type { Module } from '../nn/module.js';
import { mergeLayers } from './functional-merge.js';
import { Layer, layers as baseLayers, regularizers, TfRegularizer } from './layers.js';
import { SEQUENCE_CLASSES, recurrentWeightNames } from './save-recurrent.js';

type Config = Record<string, unknown>;

const argsOf = new WeakMap<Layer, Config>();

/** tf.layers, each factory remembering its arguments for model.save(). */
export const layers: typeof baseLayers = Object.fromEntries(
  Object.entries(baseLayers).map(([name, make]) => [
    name,
    (args?: Config): Layer => {
      const layer = (make as (a?: Config) => Layer)(args);
      argsOf.set(layer, { ...(args ?? {}) });
      return layer;
    },
  ]),
) as typeof baseLayers;

const NO_REG = { kernelRegularizer: null, biasRegularizer: null, activityRegularizer: null };
const NO_CON = { kernelConstraint: null, biasConstraint: null };
const INIT = { kernelInitializer: 'glorotNormal', biasInitializer: 'zeros' };
const CONV = ['filters', 'kernelSize', 'strides', 'padding', 'activation', 'useBias', 'dataFormat'];
const POOL = ['poolSize', 'strides', 'padding', 'dataFormat'];

interface ClassInfo {
  /** tfjs's defaults of the options it writes (camelCase). */
  defaults: Config;
  /** The options dropnet/tfjs's factory takes (kept when read). */
  takes: string[];
  /** Options written as [n] * rank when given as a number. */
  tuples?: number;
  /** Whether tfjs writes `trainable` (InputLayer does not). */
  trainable?: false;
}

const conv = (rank: number): ClassInfo => ({
  defaults: {
    ...INIT,
    ...NO_REG,
    ...NO_CON,
    strides: new Array<number>(rank).fill(1),
    padding: 'valid',
    // tfjs writes data_format for 2-D layers only.
    ...(rank === 2 ? { dataFormat: 'channelsLast' } : {}),
    dilationRate: new Array<number>(rank).fill(1),
    activation: 'linear',
    useBias: true,
  },
  takes: rank === 2 ? [...CONV, 'kernelRegularizer', 'biasRegularizer'] : CONV,
  tuples: rank,
});
const pool = (rank: number): ClassInfo => ({
  defaults: {
    poolSize: new Array<number>(rank).fill(2),
    padding: 'valid',
    ...(rank === 2 ? { dataFormat: 'channelsLast' } : {}),
  },
  takes: POOL,
  tuples: rank,
});
const global = (rank: number): ClassInfo => ({
  defaults: rank === 2 ? { dataFormat: 'channelsLast' } : {},
  takes: ['dataFormat'],
});

export const TABLE: Record<string, ClassInfo> = {
  Dense: {
    defaults: { activation: 'linear', useBias: true, ...INIT, ...NO_REG, ...NO_CON },
    takes: ['units', 'activation', 'useBias', 'kernelRegularizer', 'biasRegularizer'],
  },
  Conv1D: conv(1),
  Conv2D: conv(2),
  MaxPooling1D: pool(1),
  MaxPooling2D: pool(2),
  AveragePooling1D: pool(1),
  AveragePooling2D: pool(2),
  GlobalAveragePooling1D: global(1),
  GlobalAveragePooling2D: global(2),
  GlobalMaxPooling1D: global(1),
  GlobalMaxPooling2D: global(2),
  Flatten: { defaults: {}, takes: ['dataFormat'] },
  Reshape: { defaults: {}, takes: ['targetShape'] },
  Activation: { defaults: {}, takes: ['activation'] },
  Dropout: { defaults: { noiseShape: null, seed: null }, takes: ['rate', 'noiseShape', 'seed'] },
  SpatialDropout1D: { defaults: { noiseShape: null, seed: null }, takes: ['rate', 'seed'] },
  GaussianNoise: { defaults: {}, takes: ['stddev', 'seed'] },
  GaussianDropout: { defaults: {}, takes: ['rate', 'seed'] },
  AlphaDropout: { defaults: { noiseShape: null }, takes: ['rate', 'seed'] },
  BatchNormalization: {
    defaults: {
      axis: -1,
      momentum: 0.99,
      epsilon: 0.001,
      center: true,
      scale: true,
      betaInitializer: 'zeros',
      gammaInitializer: 'ones',
      movingMeanInitializer: 'zeros',
      movingVarianceInitializer: 'ones',
      betaRegularizer: null,
      gammaRegularizer: null,
      betaConstraint: null,
      gammaConstraint: null,
    },
    takes: ['momentum', 'epsilon', 'axis'],
  },
  InputLayer: { defaults: { dtype: 'float32', sparse: false }, takes: [], trainable: false },
  ...SEQUENCE_CLASSES,
  // Merge layers (functional models).
  Concatenate: { defaults: { axis: -1 }, takes: ['axis'] },
  ...Object.fromEntries(
    ['Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Subtract'].map((c) => [c, { defaults: {}, takes: [] }]),
  ),
  Dot: { defaults: { normalize: false }, takes: ['axes', 'normalize'] },
};

function unsupportedClass(className: string, what: string): Error {
  return new Error(
    `dropnet/tfjs: ${what}: layer class ${className} cannot be ${what === 'model.save' ? 'written' : 'read'} in tfjs's format; the classes are ${Object.keys(TABLE).join(', ')}`,
  );
}

// -- initializers and regularizers ----------------------------------------------------------------

const VS: Record<string, [number, string, string]> = {
  glorotNormal: [1, 'fan_avg', 'normal'],
  glorotUniform: [1, 'fan_avg', 'uniform'],
  heNormal: [2, 'fan_in', 'normal'],
  heUniform: [2, 'fan_in', 'uniform'],
  leCunNormal: [1, 'fan_in', 'normal'],
  leCunUniform: [1, 'fan_in', 'uniform'],
};
const SIMPLE: Record<string, Config> = {
  zeros: { className: 'Zeros', config: {} },
  ones: { className: 'Ones', config: {} },
  randomNormal: { className: 'RandomNormal', config: { mean: 0, stddev: 0.05, seed: null } },
  randomUniform: { className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
  truncatedNormal: { className: 'TruncatedNormal', config: { mean: 0, stddev: 0.05, seed: null } },
  orthogonal: { className: 'Orthogonal', config: { gain: 1, seed: null } },
};

function initializerConfig(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const key = value.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  const vs = VS[key];
  if (vs !== undefined)
    return { className: 'VarianceScaling', config: { scale: vs[0], mode: vs[1], distribution: vs[2], seed: null } };
  return SIMPLE[key] ?? value;
}

function regularizerConfig(value: unknown): unknown {
  const r = value instanceof TfRegularizer ? value.inner : value;
  return r instanceof Regularizer ? { className: 'L1L2', config: { l1: r.l1, l2: r.l2 } } : value;
}

// -- key and value conventions ------------------------------------------------------------------

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const KEEP_VALUE = new Set(['name', 'className', 'class_name']);

/** Keys (and string values, names aside) converted with `f`, recursively; className <-> class_name. */
function convert(value: unknown, f: (s: string) => string, toPython: boolean, key = ''): unknown {
  if (typeof value === 'string') return KEEP_VALUE.has(key) ? value : f(value);
  if (Array.isArray(value)) return value.map((v) => convert(v, f, toPython));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        const nk = k === 'className' && toPython ? 'class_name' : k === 'class_name' && !toPython ? 'className' : f(k);
        return [nk, convert(v, f, toPython, nk)];
      }),
    );
  }
  return value;
}

// -- write --------------------------------------------------------------------------------------

/** The Keras JSON entry of one layer; `inputShape` (one sample) is written on the first layer. */
export function layerConfig(layer: Layer, inputShape: readonly number[] | null): Config {
  const className = layer.getClassName();
  const info = TABLE[className];
  if (info === undefined) throw unsupportedClass(className, 'model.save');
  const args: Config = { ...(argsOf.get(layer) ?? layer.spec.config) };
  // tfjs writes no dtype when an Embedding's input shape comes from inputLength.
  const fromLength = className === 'Embedding' && args.inputShape === undefined && args.batchInputShape === undefined;
  for (const k of ['inputShape', 'inputDim', 'batchSize', 'batchInputShape', 'weights', 'inputDType', 'name'])
    if (!(className === 'Embedding' && k === 'inputDim')) delete args[k];
  if (className !== 'Embedding') delete args.inputLength;
  const known = new Set([...Object.keys(info.defaults), ...info.takes, 'trainable', 'dtype']);
  for (const k of Object.keys(args))
    if (!known.has(k))
      throw new Error(
        `dropnet/tfjs: model.save: layer ${layer.name} (${className}) option ${k} cannot be written in tfjs's format; remove it`,
      );
  const config: Config = { ...info.defaults, ...args };
  for (const [k, v] of Object.entries(config)) {
    if (k === 'layer' && v instanceof Layer) config[k] = layerConfig(v, null);
    else if (k.endsWith('Initializer')) config[k] = initializerConfig(v);
    else if (k.endsWith('Regularizer')) config[k] = regularizerConfig(v);
    else if (info.tuples !== undefined && ['kernelSize', 'strides', 'poolSize', 'dilationRate'].includes(k))
      config[k] = typeof v === 'number' ? new Array<number>(info.tuples).fill(v) : v;
  }
  if (info.tuples !== undefined && 'poolSize' in config && (config.strides === undefined || config.strides === null))
    config.strides = config.poolSize;
  config.name = layer.name;
  if (info.trainable === false) delete config.trainable;
  else config.trainable = config.trainable ?? true;
  if (fromLength) {
    // tfjs's Embedding always writes its input shape: inputLength's steps, or any length.
    const len = config.inputLength;
    config.batchInputShape = [null, ...(len === null || len === undefined ? [null] : Array.isArray(len) ? len : [len])];
  } else if (inputShape !== null) {
    config.batchInputShape = [null, ...inputShape];
    config.dtype ??= 'float32';
  }
  return { class_name: className, config: convert(config, snake, true) };
}

// -- read ---------------------------------------------------------------------------------------

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function factoryName(className: string): string {
  if (className === 'LSTM' || className === 'GRU') return className.toLowerCase();
  return className.replace(/^./, (c) => c.toLowerCase()).replace(/(\d)D$/, '$1d');
}

/** A tf.layers layer from its Keras JSON entry. */
export function layerFromConfig(entry: unknown, index: number): Layer {
  const e = entry as { class_name?: unknown; config?: unknown } | null;
  if (typeof e !== 'object' || e === null || typeof e.class_name !== 'string' || typeof e.config !== 'object')
    throw new TypeError(`dropnet/tfjs: loadLayersModel: layers[${index}] is not a { class_name, config } entry`);
  const className = e.class_name;
  const info = TABLE[className];
  if (info === undefined) throw unsupportedClass(className, 'loadLayersModel');
  const config = convert(e.config, camel, false) as Config;
  const name = typeof config.name === 'string' ? config.name : `layers[${index}]`;
  // An Embedding's inputLength is its batch_input_shape too: one of them is passed on; a shape
  // of any length ([null, null]) is no input shape.
  const batch = config.batchInputShape;
  if (className === 'Embedding' && Array.isArray(batch) && batch.slice(1).includes(null)) delete config.batchInputShape;
  if (className === 'Embedding' && config.inputLength !== null && config.inputLength !== undefined) {
    const len = Array.isArray(config.inputLength) ? config.inputLength : [config.inputLength];
    if (!Array.isArray(config.batchInputShape) || same(config.batchInputShape.slice(1), len))
      delete config.batchInputShape;
    else delete config.inputLength;
  }
  const args: Config = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === null || v === undefined || k.endsWith('Initializer')) continue;
    if (k === 'layer' && info.takes.includes(k)) {
      const inner = v as { className?: unknown; config?: unknown };
      args.layer = layerFromConfig({ class_name: inner.className, config: inner.config }, index);
      continue;
    }
    if (k === 'name' || k === 'trainable' || k === 'batchInputShape' || info.takes.includes(k)) {
      args[k] = k.endsWith('Regularizer') ? regularizerArg(v, name, k) : v;
      continue;
    }
    if ((k === 'dtype' && v === 'float32') || same(v, info.defaults[k])) continue;
    if (k === 'dilationRate' && (v === 1 || (Array.isArray(v) && v.every((d) => d === 1)))) continue;
    throw new Error(
      `dropnet/tfjs: loadLayersModel: layer ${name} (${className}) has ${snake(k)} = ${JSON.stringify(v)}, which dropnet/tfjs does not support`,
    );
  }
  const make = ({ ...layers, ...mergeLayers } as unknown as Record<string, ((a: Config) => Layer) | undefined>)[
    factoryName(className)
  ];
  if (make === undefined) throw unsupportedClass(className, 'loadLayersModel');
  return make(args);
}

function regularizerArg(v: unknown, layer: string, key: string): TfRegularizer {
  const r = v as { className?: unknown; config?: { l1?: number; l2?: number } };
  if (r.className === 'L1L2' || r.className === 'L1' || r.className === 'L2')
    return regularizers.l1l2({ l1: r.config?.l1 ?? 0, l2: r.config?.l2 ?? 0 });
  throw new Error(
    `dropnet/tfjs: loadLayersModel: layer ${layer}: ${snake(key)} ${JSON.stringify(v)} is not supported (L1L2 only)`,
  );
}

/** The tfjs names of a layer's weights, in Layer.getWeights() order. */
export function weightNames(layer: Layer): string[] {
  const recurrent = recurrentWeightNames(layer, argsOf.get(layer));
  if (recurrent !== null) return recurrent;
  // A wrapper (timeDistributed) has its inner layer's weights.
  const inner = (layer.module as { wrapped?: unknown } | null)?.wrapped;
  const m = inner === undefined ? layer.module : (inner as Module);
  if (m === null) return [];
  if (m.category === 'batchnorm') return ['gamma', 'beta', 'moving_mean', 'moving_variance'];
  return m.namedParameters().map(([n]) => (n === 'weight' ? 'kernel' : n));
}
