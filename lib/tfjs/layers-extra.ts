/**
 * tfjs's advanced-activation layers (leakyReLU, elu, reLU, softmax), upSampling2d, and a clear
 * error for each tf.layers factory dropnet/tfjs does not have (conv2dTranspose, permute ...), so
 * that a program fails naming the API instead of with "is not a function".
 */
import { argRangeError, argTypeError } from '../errors.js';
import { ELU, LeakyReLU, ReLU } from '../nn/activation.js';
import { Module, type ModuleCategory } from '../nn/module.js';
import { expectLayerInput, layerShapeError } from '../nn/shape-check.js';
import { Softmax } from '../nn/softmax.js';
import { concat, reshape } from '../ops/layout.js';
import type { Shape } from '../shape.js';
import { type Tensor, zeros } from '../tensor.js';
import { int, type Layer, ownSpec, unsupportedLayer } from './layer-base.js';

function finiteOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw argTypeError(name, 'finite number', value);
  return value;
}

/** Nearest-neighbour upsampling of [batch, h, w, c] (channels last) by [sh, sw]. */
export class UpSampling2D extends Module {
  constructor(
    readonly sh: number,
    readonly sw: number,
  ) {
    super();
  }

  override get category(): ModuleCategory {
    return 'reshape';
  }

  override get layerName(): string {
    return `UpSampling2D(${this.sh}, ${this.sw})`;
  }

  override computeOutputShape(s: Shape): Shape {
    if (s.length !== 4) throw layerShapeError(this, [-1, -1, -1, -1], s);
    const times = (d: number, k: number): number => (d < 0 ? d : d * k);
    return [s[0]!, times(s[1]!, this.sh), times(s[2]!, this.sw), s[3]!];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    const [b, h, w, c] = x.shape as [number, number, number, number];
    // Columns: [b, h, w, 1, c] repeated along axis 3; then rows: [b, h, 1, w·sw·c] along axis 2.
    const col = reshape(x, [b, h, w, 1, c]);
    const cols = this.sw === 1 ? col : concat(new Array<Tensor>(this.sw).fill(col), 3);
    const row = reshape(cols, [b, h, 1, w * this.sw * c]);
    const rows = this.sh === 1 ? row : concat(new Array<Tensor>(this.sh).fill(row), 2);
    return reshape(rows, [b, h * this.sh, w * this.sw, c]);
  }

  override getConfig(): Record<string, unknown> {
    return { size: [this.sh, this.sw] };
  }
}

/** TensorFlow's 'same' padding of one axis: the output is ceil(in / stride); the odd pixel goes after. */
function samePads(size: number, kernel: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function padAxis(x: Tensor, axis: number, [before, after]: [number, number]): Tensor {
  if (before === 0 && after === 0) return x;
  const side = (n: number): Tensor => zeros(x.shape.map((d, i) => (i === axis ? n : d)));
  return concat([...(before > 0 ? [side(before)] : []), x, ...(after > 0 ? [side(after)] : [])], axis);
}

/**
 * tfjs's conv2d with padding 'same' at strides > 1: zeros padded as TensorFlow pads (the extra
 * row or column after), then the wrapped convolution with padding 'valid'. Its weights are the
 * wrapped layer's.
 */
export class SamePadded extends Module {
  constructor(
    readonly wrapped: Module & { weight?: unknown; bias?: unknown },
    readonly kernel: [number, number],
    readonly strides: [number, number],
    readonly channelsFirst: boolean,
  ) {
    super();
  }

  get weight(): unknown {
    return this.wrapped.weight;
  }

  get bias(): unknown {
    return this.wrapped.bias;
  }

  override get layerName(): string {
    return this.wrapped.layerName;
  }

  #padded(s: Shape): { shape: Shape; pads: [[number, number], [number, number]]; axes: [number, number] } {
    if (s.length !== 4) throw layerShapeError(this, [-1, -1, -1, -1], s);
    const axes: [number, number] = this.channelsFirst ? [2, 3] : [1, 2];
    const pads = axes.map((a, i) => (s[a]! < 0 ? [0, 0] : samePads(s[a]!, this.kernel[i]!, this.strides[i]!))) as [
      [number, number],
      [number, number],
    ];
    const shape = s.map((d, i) => {
      const at = axes.indexOf(i);
      return at < 0 || d < 0 ? d : d + pads[at]![0] + pads[at]![1];
    });
    return { shape, pads, axes };
  }

  override computeOutputShape(s: Shape): Shape {
    return this.wrapped.computeOutputShape(this.#padded(s).shape);
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    const { pads, axes } = this.#padded(x.shape);
    return this.wrapped.forward(padAxis(padAxis(x, axes[0], pads[0]), axes[1], pads[1]));
  }
}

/** A size option: a number or an [h, w] pair of positive integers. */
export function pair(value: unknown, name: string, fallback = 2): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback];
  if (Array.isArray(value) && value.length === 2) return [int(value[0], name), int(value[1], name)];
  const n = int(value, name);
  return [n, n];
}

/** The tf.layers factories that tfjs has and dropnet/tfjs does not, each a clear error. */
const MISSING = [
  'conv2dTranspose',
  'conv3d',
  'conv3dTranspose',
  'separableConv2d',
  'depthwiseConv2d',
  'convLstm2d',
  'cropping2D',
  'zeroPadding2d',
  'upSampling1d',
  'permute',
  'masking',
  'layerNormalization',
  'prelu',
  'thresholdedReLU',
  'rnn',
  'simpleRNNCell',
  'lstmCell',
  'gruCell',
  'stackedRNNCells',
  'maxPooling3d',
  'averagePooling3d',
  'globalAveragePooling3d',
  'resizing',
  'rescaling',
  'centerCrop',
  'categoryEncoding',
  'randomWidth',
] as const;

export const extraLayers = {
  leakyReLU: (args: Record<string, unknown> = {}): Layer =>
    ownSpec('leakyReLU', 'LeakyReLU', 'leaky_re_lu', args, ['alpha'], (a) => {
      // tfjs's default slope is 0.3.
      return new LeakyReLU(finiteOption(a.alpha, 'alpha', 0.3));
    }),
  elu: (args: Record<string, unknown> = {}): Layer =>
    ownSpec('elu', 'ELU', 'elu', args, ['alpha'], (a) => new ELU(finiteOption(a.alpha, 'alpha', 1))),
  reLU: (args: Record<string, unknown> = {}): Layer =>
    ownSpec('reLU', 'ReLU', 're_lu', args, ['maxValue'], (a) => {
      if (a.maxValue !== undefined && a.maxValue !== null)
        throw new Error(
          'dropnet/tfjs: tf.layers.reLU option maxValue is not supported; remove it (or clip with tf.clipByValue in a loss)',
        );
      return new ReLU();
    }),
  softmax: (args: Record<string, unknown> = {}): Layer =>
    ownSpec('softmax', 'Softmax', 'softmax', args, ['axis'], (a) => {
      const axis = a.axis ?? -1;
      if (axis !== -1) throw argRangeError('axis', '-1 (dropnet/tfjs takes softmax along the last axis)', axis);
      return new Softmax(-1);
    }),
  upSampling2d: (args: Record<string, unknown> = {}): Layer =>
    ownSpec('upSampling2d', 'UpSampling2D', 'up_sampling2d', args, ['size', 'dataFormat', 'interpolation'], (a) => {
      if (a.dataFormat !== undefined && a.dataFormat !== 'channelsLast')
        throw new Error("dropnet/tfjs: tf.layers.upSampling2d supports dataFormat 'channelsLast' only");
      if (a.interpolation !== undefined && a.interpolation !== 'nearest')
        throw new Error("dropnet/tfjs: tf.layers.upSampling2d supports interpolation 'nearest' only");
      const [sh, sw] = pair(a.size, 'size');
      return new UpSampling2D(sh, sw);
    }),
  ...(Object.fromEntries(MISSING.map((name) => [name, unsupportedLayer(name)])) as Record<
    (typeof MISSING)[number],
    (args?: unknown) => never
  >),
};
