/**
 * Keras's layers (`layers.dense({ units: 256, activation: 'relu', inputShape: [100] })`), with
 * tfjs's camelCase option names. A layer here is a spec: sequential() walks the specs with the
 * running input shape and creates one nn module per layer (Dense, Conv2D, MaxPooling2D in
 * modules.ts; nn.Dropout, nn.Flatten ... as they are), so the model is an nn.Sequential and its
 * state-dict keys are PyTorch's: "<layer index>.weight". InputLayer creates no module.
 *
 * Defaults are Keras's: channels-last images (NHWC), glorot_uniform kernels, zero biases,
 * batch normalization with momentum 0.99 (PyTorch's 0.01) and epsilon 1e-3.
 */
import { boolean, oneOf, orDefault, positiveInt } from '../args.js';
import { argRangeError, formatShape, ShapeError } from '../errors.js';
import { probability } from '../ops/dropout.js';
import { BatchNorm1d, BatchNorm2d } from '../nn/batchnorm.js';
import { AlphaDropout } from '../nn/dropout/alpha.js';
import { Dropout } from '../nn/dropout/dropout.js';
import { GaussianDropout, GaussianNoise } from '../nn/dropout/gaussian.js';
import {
  SpatialDropout1d,
  SpatialDropout2d,
  SpatialDropout3d,
  type SpatialDropoutLayerOptions,
} from '../nn/dropout/spatial.js';
import { Flatten } from '../nn/flatten.js';
import type { Module } from '../nn/module.js';
import type { Parameter } from '../nn/parameter.js';
import type { Shape } from '../shape.js';
import { type ActivationName, activationModule, activationName } from './activations.js';
import { BatchNormalization2D, Conv2D, Dense, type DataFormat, MaxPooling2D } from './modules.js';
import { checkArgs, regularized } from './layer-args.js';
import { type Regularizer, toRegularizer } from './regularizers.js';
import { embedding, layerNormalization } from './sequence-layers.js';
import { bidirectional, gru, lstm, simpleRNN } from './recurrent-layers.js';

/** Options every layer takes. */
export interface LayerArgs {
  /** The layer's name in summary() and getLayer() (default: Keras's, e.g. "dense_1"). */
  name?: string;
  /** The shape of one sample (no batch dimension); on the first layer. */
  inputShape?: readonly number[];
  /** [batch, ...sample shape], batch null for any. */
  batchInputShape?: readonly (number | null)[];
}

/** What a spec creates: the module and its regularized parameters. */
export interface BuiltLayer {
  module: Module;
  regularized: { param: Parameter; regularizer: Regularizer; name: string }[];
}

export class LayerSpec {
  constructor(
    /** Keras's class name: Dense, Dropout, Conv2D ... */
    readonly className: string,
    /** The options as given (what save() writes). */
    readonly config: Readonly<Record<string, unknown>>,
    /** Keras's default name stem: dense, max_pooling2d ... */
    readonly stem: string,
    /** Creates the module for samples of `inputShape`; null for InputLayer. */
    readonly create: (inputShape: Shape) => BuiltLayer | null,
  ) {}

  get name(): string | undefined {
    return this.config.name as string | undefined;
  }

  /** The sample shape given by inputShape or batchInputShape, or undefined. */
  get inputShape(): Shape | undefined {
    const c = this.config as LayerArgs;
    if (c.inputShape !== undefined) return c.inputShape;
    if (c.batchInputShape !== undefined) return c.batchInputShape.slice(1) as number[];
    return undefined;
  }
}

function pairOf(value: unknown, name: string, fallback?: [number, number]): [number, number] {
  if (value === undefined && fallback !== undefined) return fallback;
  if (Array.isArray(value) && value.length === 2)
    return [positiveInt(value[0], `${name}[0]`), positiveInt(value[1], `${name}[1]`)];
  return [positiveInt(value, name), positiveInt(value, name)];
}

function needRank(layer: string, shape: Shape, ranks: readonly number[], what: string): void {
  if (!ranks.includes(shape.length))
    throw new ShapeError(`${layer} needs samples of ${what} but receives samples of shape ${formatShape(shape)}`);
}

const FORMATS: readonly DataFormat[] = ['channelsLast', 'channelsFirst'];

export interface DenseArgs extends LayerArgs {
  units: number;
  activation?: ActivationName | null;
  useBias?: boolean;
  kernelRegularizer?: Regularizer | null;
  biasRegularizer?: Regularizer | null;
}

/** A fully connected layer: one Dense module (an nn.Linear) with its activation fused in. */
export function dense(args: DenseArgs): LayerSpec {
  const a = checkArgs('dense', args, ['units', 'activation', 'useBias', 'kernelRegularizer', 'biasRegularizer']);
  if (a.units === undefined) throw new TypeError('layers.dense needs units (the output width)');
  const units = positiveInt(a.units, 'units');
  const activation = activationName(a.activation);
  const useBias = boolean(orDefault(a.useBias, true), 'useBias');
  const kernelReg = toRegularizer(a.kernelRegularizer, 'kernelRegularizer');
  const biasReg = toRegularizer(a.biasRegularizer, 'biasRegularizer');
  return new LayerSpec('Dense', a, 'dense', (shape) => {
    needRank('Dense', shape, [1, 2, 3, 4], 'rank 1 to 4');
    const m = new Dense(shape[shape.length - 1]!, units, activation, useBias);
    return {
      module: m,
      regularized: [...regularized(m.weight, kernelReg, 'weight'), ...regularized(m.bias, biasReg, 'bias')],
    };
  });
}

export interface Conv2dArgs extends LayerArgs {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'valid' | 'same';
  activation?: ActivationName | null;
  useBias?: boolean;
  dataFormat?: DataFormat;
  kernelRegularizer?: Regularizer | null;
  biasRegularizer?: Regularizer | null;
}

/** A 2-D convolution over channels-last (N, H, W, C) input by default. */
export function conv2d(args: Conv2dArgs): LayerSpec {
  const a = checkArgs('conv2d', args, [
    'filters',
    'kernelSize',
    'strides',
    'padding',
    'activation',
    'useBias',
    'dataFormat',
    'kernelRegularizer',
    'biasRegularizer',
  ]);
  if (a.filters === undefined || a.kernelSize === undefined)
    throw new TypeError('layers.conv2d needs filters and kernelSize');
  const filters = positiveInt(a.filters, 'filters');
  const kernelSize = pairOf(a.kernelSize, 'kernelSize');
  const strides = pairOf(a.strides, 'strides', [1, 1]);
  const padding = oneOf(orDefault(a.padding, 'valid'), 'padding', ['valid', 'same'] as const);
  const activation = activationName(a.activation);
  const useBias = boolean(orDefault(a.useBias, true), 'useBias');
  const dataFormat = oneOf(orDefault(a.dataFormat, 'channelsLast'), 'dataFormat', FORMATS);
  const kernelReg = toRegularizer(a.kernelRegularizer, 'kernelRegularizer');
  const biasReg = toRegularizer(a.biasRegularizer, 'biasRegularizer');
  return new LayerSpec('Conv2D', a, 'conv2d', (shape) => {
    needRank(
      'Conv2D',
      shape,
      [3],
      dataFormat === 'channelsLast' ? '[height, width, channels]' : '[channels, height, width]',
    );
    const channels = dataFormat === 'channelsLast' ? shape[2]! : shape[0]!;
    const m = new Conv2D(channels, filters, kernelSize, { strides, padding, activation, useBias, dataFormat });
    return {
      module: m,
      regularized: [...regularized(m.weight, kernelReg, 'weight'), ...regularized(m.bias, biasReg, 'bias')],
    };
  });
}

export interface MaxPooling2dArgs extends LayerArgs {
  poolSize?: number | [number, number];
  strides?: number | [number, number] | null;
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat;
}

/** 2-D max pooling (default 2x2, strides = poolSize), channels last by default. */
export function maxPooling2d(args: MaxPooling2dArgs = {}): LayerSpec {
  const a = checkArgs('maxPooling2d', args, ['poolSize', 'strides', 'padding', 'dataFormat']);
  const poolSize = pairOf(a.poolSize, 'poolSize', [2, 2]);
  const strides = a.strides === null ? poolSize : pairOf(a.strides, 'strides', poolSize);
  const padding = oneOf(orDefault(a.padding, 'valid'), 'padding', ['valid', 'same'] as const);
  const dataFormat = oneOf(orDefault(a.dataFormat, 'channelsLast'), 'dataFormat', FORMATS);
  return new LayerSpec('MaxPooling2D', a, 'max_pooling2d', (shape) => {
    needRank('MaxPooling2D', shape, [3], 'rank 3');
    return { module: new MaxPooling2D(poolSize, strides, padding, dataFormat), regularized: [] };
  });
}

/** Flattens every dimension but the batch (channels-last order, as Keras). */
export function flatten(args: LayerArgs = {}): LayerSpec {
  const a = checkArgs('flatten', args, []);
  return new LayerSpec('Flatten', a, 'flatten', () => ({ module: new Flatten(), regularized: [] }));
}

export interface DropoutArgs extends LayerArgs {
  rate: number;
  /** Keras's noise_shape: the mask's shape with the batch, null for the input's size. */
  noiseShape?: readonly (number | null)[] | null;
  seed?: number;
}

/** The rate, checked here so that its errors name `rate` (the option the user wrote), not nn's `p`. */
function rateOf(fn: string, a: Record<string, unknown>): number {
  if (a.rate === undefined) throw new TypeError(`layers.${fn} needs rate`);
  return probability(a.rate, 'rate');
}

function seedOf(a: Record<string, unknown>): { seed?: number } {
  return a.seed === undefined ? {} : { seed: a.seed as number };
}

/** Element dropout: nn.Dropout(rate). */
export function dropout(args: DropoutArgs): LayerSpec {
  const a = checkArgs('dropout', args, ['rate', 'noiseShape', 'seed']);
  const make = (): Dropout =>
    new Dropout(rateOf('dropout', a), {
      ...seedOf(a),
      ...(a.noiseShape == null ? {} : { noiseShape: a.noiseShape as (number | null)[] }),
    });
  make(); // checks the options now
  return new LayerSpec('Dropout', a, 'dropout', () => ({ module: make(), regularized: [] }));
}

export interface SpatialDropoutArgs extends LayerArgs {
  rate: number;
  dataFormat?: DataFormat;
  seed?: number;
}

function spatial(
  fn: string,
  className: string,
  stem: string,
  rank: number,
  Ctor: new (p: number, o: SpatialDropoutLayerOptions) => Module,
  args: SpatialDropoutArgs,
): LayerSpec {
  const a = checkArgs(fn, args, ['rate', 'dataFormat', 'seed']);
  const make = (): Module =>
    new Ctor(rateOf(fn, a), {
      ...seedOf(a),
      ...(a.dataFormat === undefined ? {} : { dataFormat: a.dataFormat as DataFormat }),
    });
  make();
  return new LayerSpec(className, a, stem, (shape) => {
    needRank(className, shape, [rank], `rank ${rank}`);
    return { module: make(), regularized: [] };
  });
}

/** Drops whole channels of (N, steps, C). */
export function spatialDropout1d(args: SpatialDropoutArgs): LayerSpec {
  return spatial('spatialDropout1d', 'SpatialDropout1D', 'spatial_dropout1d', 2, SpatialDropout1d, args);
}

/** Drops whole channels of (N, H, W, C). */
export function spatialDropout2d(args: SpatialDropoutArgs): LayerSpec {
  return spatial('spatialDropout2d', 'SpatialDropout2D', 'spatial_dropout2d', 3, SpatialDropout2d, args);
}

/** Drops whole channels of (N, D, H, W, C). */
export function spatialDropout3d(args: SpatialDropoutArgs): LayerSpec {
  return spatial('spatialDropout3d', 'SpatialDropout3D', 'spatial_dropout3d', 4, SpatialDropout3d, args);
}

export interface NoiseArgs extends LayerArgs {
  rate: number;
  seed?: number;
}

/** Alpha dropout for SELU networks. */
export function alphaDropout(args: NoiseArgs): LayerSpec {
  const a = checkArgs('alphaDropout', args, ['rate', 'seed']);
  const make = (): Module => new AlphaDropout(rateOf('alphaDropout', a), seedOf(a));
  make();
  return new LayerSpec('AlphaDropout', a, 'alpha_dropout', () => ({ module: make(), regularized: [] }));
}

/** Multiplicative Gaussian noise of mean 1, variance rate / (1 - rate). */
export function gaussianDropout(args: NoiseArgs): LayerSpec {
  const a = checkArgs('gaussianDropout', args, ['rate', 'seed']);
  const make = (): Module => new GaussianDropout(rateOf('gaussianDropout', a), seedOf(a));
  make();
  return new LayerSpec('GaussianDropout', a, 'gaussian_dropout', () => ({ module: make(), regularized: [] }));
}

/** Additive Gaussian noise of standard deviation stddev. */
export function gaussianNoise(args: LayerArgs & { stddev: number; seed?: number }): LayerSpec {
  const a = checkArgs('gaussianNoise', args, ['stddev', 'seed']);
  if (a.stddev === undefined) throw new TypeError('layers.gaussianNoise needs stddev');
  const make = (): Module => new GaussianNoise(a.stddev as number, seedOf(a));
  make();
  return new LayerSpec('GaussianNoise', a, 'gaussian_noise', () => ({ module: make(), regularized: [] }));
}

/** An activation as its own layer. */
export function activation(args: LayerArgs & { activation: string }): LayerSpec {
  const a = checkArgs('activation', args, ['activation']);
  if (a.activation === undefined) throw new TypeError('layers.activation needs activation');
  const name = activationName(a.activation);
  return new LayerSpec('Activation', a, 'activation', () => ({ module: activationModule(name), regularized: [] }));
}

export interface BatchNormalizationArgs extends LayerArgs {
  /** Keras's momentum: the weight of the old running statistics (default 0.99). */
  momentum?: number;
  epsilon?: number;
  /** The feature axis: -1 (the default, channels last) or 1 (channels first images). */
  axis?: -1 | 1;
}

/** Batch normalization over the last axis (or axis 1 of channels-first images). */
export function batchNormalization(args: BatchNormalizationArgs = {}): LayerSpec {
  const a = checkArgs('batchNormalization', args, ['momentum', 'epsilon', 'axis']);
  const momentum = a.momentum ?? 0.99;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))
    throw argRangeError('momentum', 'number in [0, 1]', momentum);
  const eps = a.epsilon ?? 1e-3;
  if (typeof eps !== 'number' || !(eps > 0)) throw argRangeError('epsilon', 'positive number', eps);
  const axis = a.axis ?? -1;
  if (axis !== -1 && axis !== 1) throw argRangeError('axis', '-1 or 1', axis);
  // PyTorch's momentum weighs the new batch: 1 - Keras's.
  const options = { eps, momentum: 1 - momentum };
  return new LayerSpec('BatchNormalization', a, 'batch_normalization', (shape) => {
    if (shape.length !== 1) needRank('BatchNormalization', shape, [1, 3], 'rank 1 (features) or 3 (images)');
    const module =
      shape.length === 1
        ? new BatchNorm1d(shape[0]!, options)
        : axis === -1
          ? new BatchNormalization2D(shape[2]!, options)
          : new BatchNorm2d(shape[0]!, options);
    // Keras's moving variance takes the batch's biased variance (PyTorch's the unbiased one).
    module.unbiasedRunningVar = false;
    return { module, regularized: [] };
  });
}

/** Declares the input shape (instead of inputShape on the first layer); creates no module. */
export function inputLayer(args: {
  inputShape?: readonly number[];
  batchInputShape?: readonly (number | null)[];
  name?: string;
}): LayerSpec {
  const a = checkArgs('inputLayer', args, []);
  if (a.inputShape === undefined && a.batchInputShape === undefined)
    throw new TypeError('layers.inputLayer needs inputShape or batchInputShape');
  return new LayerSpec('InputLayer', a, 'input_layer', () => null);
}

/** Every layer factory by Keras class name (how a saved model is rebuilt). */
export const LAYER_FACTORIES: Record<string, (config: never) => LayerSpec> = {
  Dense: dense,
  Conv2D: conv2d,
  MaxPooling2D: maxPooling2d,
  Flatten: flatten,
  Dropout: dropout,
  SpatialDropout1D: spatialDropout1d,
  SpatialDropout2D: spatialDropout2d,
  SpatialDropout3D: spatialDropout3d,
  AlphaDropout: alphaDropout,
  GaussianDropout: gaussianDropout,
  GaussianNoise: gaussianNoise,
  Activation: activation,
  BatchNormalization: batchNormalization,
  InputLayer: inputLayer,
  Embedding: embedding,
  LayerNormalization: layerNormalization,
  SimpleRNN: simpleRNN,
  LSTM: lstm,
  GRU: gru,
  Bidirectional: bidirectional,
};

export {
  embedding,
  type EmbeddingArgs,
  type EmbeddingInitializer,
  layerNormalization,
  type LayerNormalizationArgs,
} from './sequence-layers.js';
export {
  bidirectional,
  type BidirectionalArgs,
  gru,
  lstm,
  type MergeMode,
  type RecurrentArgs,
  simpleRNN,
} from './recurrent-layers.js';
