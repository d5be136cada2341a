/**
 * tf.layers.*: tfjs's layer factories, option names and defaults, over the Keras facade's layer
 * specs (lib/keras/layers.ts) and, for layers the facade lacks, the channels-last modules of
 * modules.ts; the recurrent, embedding and wrapper layers are in recurrent-layers.ts. A tfjs
 * Layer holds its spec until a model builds it, then its nn module (layer-base.ts).
 *
 * tfjs's defaults kept here: Dense and Conv kernels glorotNormal (Keras: glorotUniform), biases
 * zeros; kernelInitializer / biasInitializer take tfjs's names and refill the weights after the
 * module is made. Options dropnet cannot honour throw, naming the option.
 */
import { argRangeError, argTypeError } from '../errors.js';
import { activationName } from '../keras/activations.js';
import * as k from '../keras/layers.js';
import { type BuiltLayer, LayerSpec } from '../keras/layers.js';
import { l1 as kl1, l1l2 as kl1l2, l2 as kl2 } from '../keras/regularizers.js';
import type { Shape } from '../shape.js';
import { pair, SamePadded } from './layers-extra.js';
import { int, Layer, ownSpec, split, tfjsSpec, TfRegularizer, validOnly } from './layer-base.js';
import { AveragePooling2D, Conv1D, GlobalPooling, Pooling1D, Reshape } from './modules.js';
import { recurrentLayers } from './recurrent-layers.js';

export { Layer, layerApply, layerWeights, TfRegularizer, type Slot } from './layer-base.js';

export const layers = {
  dense(args: Record<string, unknown>): Layer {
    const s = split('dense', args);
    return tfjsSpec(k.dense(s.keras as never), s, 'glorotNormal');
  },
  conv2d(args: Record<string, unknown>): Layer {
    const s = split('conv2d', args);
    const spec = k.conv2d(s.keras as never);
    const strides = pair(s.keras.strides, 'strides', 1);
    if (s.keras.padding !== 'same' || (strides[0] === 1 && strides[1] === 1)) return tfjsSpec(spec, s, 'glorotNormal');
    // 'same' at strides > 1: TensorFlow's zero padding around a 'valid' convolution.
    const valid = k.conv2d({ ...s.keras, padding: 'valid' } as never);
    const kernel = pair(s.keras.kernelSize, 'kernelSize');
    const first = s.keras.dataFormat === 'channelsFirst';
    const create = (shape: Shape): BuiltLayer => {
      const built = valid.create(shape)!;
      return { ...built, module: new SamePadded(built.module, kernel, strides, first) };
    };
    return tfjsSpec(new LayerSpec(spec.className, spec.config, spec.stem, create), s, 'glorotNormal');
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
  // Recurrent, embedding and wrapper layers (recurrent-layers.ts).
  ...recurrentLayers,
  // tfjs's aliases.
  maxPool1d: (args: Record<string, unknown> = {}): Layer => layers.maxPooling1d(args),
  maxPool2d: (args: Record<string, unknown> = {}): Layer => layers.maxPooling2d(args),
  avgPool1d: (args: Record<string, unknown> = {}): Layer => layers.averagePooling1d(args),
  avgPool2d: (args: Record<string, unknown> = {}): Layer => layers.averagePooling2d(args),
  avgPooling1d: (args: Record<string, unknown> = {}): Layer => layers.averagePooling1d(args),
  avgPooling2d: (args: Record<string, unknown> = {}): Layer => layers.averagePooling2d(args),
  globalMaxPool1d: (args: Record<string, unknown> = {}): Layer => layers.globalMaxPooling1d(args),
  globalMaxPool2d: (args: Record<string, unknown> = {}): Layer => layers.globalMaxPooling2d(args),
};

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

export const regularizers = {
  l1: (config: { l1?: number } = {}): TfRegularizer => new TfRegularizer(kl1(config.l1 ?? 0.01)),
  l2: (config: { l2?: number } = {}): TfRegularizer => new TfRegularizer(kl2(config.l2 ?? 0.01)),
  l1l2: (config: { l1?: number; l2?: number } = {}): TfRegularizer =>
    new TfRegularizer(kl1l2({ l1: config.l1 ?? 0.01, l2: config.l2 ?? 0.01 })),
};
