/**
 * The nn layers under Keras's layers, where Keras's behaviour needs more than options:
 *   Dense        an nn.Linear (state-dict keys "weight", "bias", PyTorch layout [out, in]) with
 *                Keras's initialisation and its activation inside the same layer, fused into
 *                ops.linear when dropnet's op has Keras's constants
 *   Conv2D       an nn.Conv2d that takes channels-last input (Keras's default, NHWC)
 *   MaxPooling2D an nn.MaxPool2d with channels-last input and Keras's 'same' padding
 *   BatchNormalization2D  an nn.BatchNorm2d over channels-last input
 * Channels-last layers transpose to channels-first around the kernel and back, so every layer
 * sees and returns Keras's layout and Flatten's order equals Keras's.
 */
import { argRangeError } from '../errors.js';
import { BatchNorm2d, type BatchNormOptions } from '../nn/batchnorm.js';
import { Conv2d, type Conv2dOptions } from '../nn/conv.js';
import { Linear } from '../nn/linear.js';
import { MaxPool2d } from '../nn/pool.js';
import { expectInputShape, expectLayerInput, layerShapeError } from '../nn/shape-check.js';
import type { LastDimCheck, ReplaceLast } from '../nn/shape-types.js';
import { batchNorm } from '../ops/batchnorm.js';
import { conv2d } from '../ops/conv.js';
import { transpose } from '../ops/layout.js';
import { type LinearActivation, linear } from '../ops/matmul.js';
import { maxPool2d } from '../ops/pool.js';
import { elu, gelu, relu, selu, sigmoid, softplus, tanh } from '../ops/unary.js';
import { defaultGenerator } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type ActivationName, applyUnfused, fusedActivation } from './activations.js';

export type DataFormat = 'channelsLast' | 'channelsFirst';

/** NHWC -> NCHW */
export function toChannelsFirst(x: Tensor): Tensor {
  return transpose(transpose(x, 1, 3), 2, 3);
}

/** NCHW -> NHWC */
export function toChannelsLast(x: Tensor): Tensor {
  return transpose(transpose(x, 1, 3), 1, 2);
}

const firstShape = (s: Shape): Shape => [s[0]!, s[3]!, s[1]!, s[2]!];
const lastShape = (s: Shape): Shape => [s[0]!, s[2]!, s[3]!, s[1]!];

/** Keras's glorot_uniform: U(-a, a), a = sqrt(6 / (fanIn + fanOut)). */
export function glorotUniform(data: Float32Array, fanIn: number, fanOut: number): void {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  defaultGenerator.uniform(data, -a, a);
}

export class Dense extends Linear {
  readonly activation: ActivationName;

  /** Kernel glorot_uniform and bias zeros (Keras's defaults), drawn from the default generator. */
  constructor(inFeatures: number, units: number, activation: ActivationName, useBias: boolean) {
    super(inFeatures, units, { bias: useBias });
    this.activation = activation;
    glorotUniform(this.weight.data, inFeatures, units);
    this.bias?.data.fill(0);
  }

  override get layerName(): string {
    const act = this.activation === 'linear' ? '' : `, ${this.activation}`;
    return `Dense(${this.inFeatures}→${this.outFeatures}${act})`;
  }

  override forward<S extends Shape>(
    input: Tensor<S> & LastDimCheck<S, number, string>,
  ): Tensor<ReplaceLast<S, number>> {
    const x = expectLayerInput(this, input);
    expectInputShape(this, x.shape, [-1, this.inFeatures], true);
    const fused = fusedActivation(this.activation);
    const y = linear(x, this.weight, this.bias, { activation: fused ?? null });
    return (fused === undefined ? applyUnfused(y, this.activation) : y) as Tensor<ReplaceLast<S, number>>;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation };
  }

  override extraRepr(): string {
    return `${super.extraRepr()}, activation=${this.activation}`;
  }
}

export interface Conv2DOptions {
  strides: [number, number];
  padding: 'valid' | 'same';
  activation: ActivationName;
  useBias: boolean;
  dataFormat: DataFormat;
}

export class Conv2D extends Conv2d {
  readonly activation: ActivationName;
  readonly dataFormat: DataFormat;

  constructor(inChannels: number, filters: number, kernelSize: [number, number], o: Conv2DOptions) {
    if (o.padding === 'same' && (o.strides[0] !== 1 || o.strides[1] !== 1)) {
      throw argRangeError('padding', "'valid' when strides are not 1 ('same' is supported at strides 1)", o.padding);
    }
    const options: Conv2dOptions = { stride: o.strides, padding: o.padding, bias: o.useBias };
    super(inChannels, filters, kernelSize, options);
    this.activation = o.activation;
    this.dataFormat = o.dataFormat;
    const area = kernelSize[0] * kernelSize[1];
    glorotUniform(this.weight.data, inChannels * area, filters * area);
    this.bias?.data.fill(0);
  }

  override get layerName(): string {
    const act = this.activation === 'linear' ? '' : `, ${this.activation}`;
    return `Conv2D(${this.inChannels}→${this.outChannels}, ${this.kernelSize[0]}x${this.kernelSize[1]}${act})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    if (this.dataFormat === 'channelsFirst') return super.computeOutputShape(inputShape);
    if (inputShape.length !== 4) throw layerShapeError(this, [-1, -1, -1, this.inChannels], inputShape);
    if (inputShape[3]! >= 0 && inputShape[3] !== this.inChannels)
      throw layerShapeError(this, [-1, -1, -1, this.inChannels], inputShape);
    return lastShape(super.computeOutputShape(firstShape(inputShape)));
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    const last = this.dataFormat === 'channelsLast';
    const opts = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
    let y = conv2d(last ? toChannelsFirst(x) : x, this.weight, this.bias, opts);
    if (last) y = toChannelsLast(y);
    return applyActivation(y, this.activation);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation, dataFormat: this.dataFormat };
  }
}

function applyActivation(y: Tensor, name: ActivationName): Tensor {
  const fused = fusedActivation(name);
  if (fused === undefined) return applyUnfused(y, name);
  // The same functions ops.linear fuses, as element-wise ops.
  return activationOps[fused as Exclude<LinearActivation, 'leakyRelu'>](y);
}

const activationOps: Record<Exclude<LinearActivation, 'leakyRelu'>, (x: Tensor) => Tensor> = {
  relu,
  sigmoid,
  tanh,
  gelu,
  selu,
  softplus: (x) => softplus(x),
  elu: (x) => elu(x, 1),
};

/** Keras's 'same' pooling: output ceil(n / s), padding split with the smaller half first. */
function samePadding(n: number, k: number, s: number): number {
  if (n < 0) return 0;
  const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  return Math.floor(total / 2);
}

export class MaxPooling2D extends MaxPool2d {
  readonly dataFormat: DataFormat;
  readonly kerasPadding: 'valid' | 'same';

  constructor(
    poolSize: [number, number],
    strides: [number, number],
    padding: 'valid' | 'same',
    dataFormat: DataFormat,
  ) {
    super(poolSize, { stride: strides });
    this.kerasPadding = padding;
    this.dataFormat = dataFormat;
  }

  override get layerName(): string {
    const [kh, kw] = this.options.kernelSize;
    return `MaxPooling2D(${kh}x${kw})`;
  }

  /**
   * The pooling options for a channels-first input of `shape`. 'same' pads floor(total / 2)
   * before and, through ceilMode, the odd remainder after; max ignores the -inf padding, so
   * this equals TensorFlow's asymmetric 'same' padding.
   */
  #options(shape: Shape): {
    kernelSize: [number, number];
    stride: [number, number];
    padding: [number, number];
    ceilMode: boolean;
  } {
    const { kernelSize: k, stride: s } = this.options;
    if (this.kerasPadding === 'valid') return { kernelSize: k, stride: s, padding: [0, 0], ceilMode: false };
    const ph = samePadding(shape[2]!, k[0], s[0]);
    const pw = samePadding(shape[3]!, k[1], s[1]);
    return { kernelSize: k, stride: s, padding: [ph, pw], ceilMode: true };
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const last = this.dataFormat === 'channelsLast';
    if (inputShape.length !== 4) throw layerShapeError(this, [-1, -1, -1, -1], inputShape);
    const s = last ? firstShape(inputShape) : inputShape;
    if (this.kerasPadding === 'same') {
      const [sh, sw] = this.options.stride;
      const out = [s[0]!, s[1]!, s[2]! < 0 ? -1 : Math.ceil(s[2]! / sh), s[3]! < 0 ? -1 : Math.ceil(s[3]! / sw)];
      return last ? lastShape(out) : out;
    }
    const out = super.computeOutputShape(s);
    return last ? lastShape(out) : out;
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    const last = this.dataFormat === 'channelsLast';
    const xf = last ? toChannelsFirst(x) : x;
    const y = maxPool2d(xf, this.#options(xf.shape));
    return last ? toChannelsLast(y) : y;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.kerasPadding, dataFormat: this.dataFormat };
  }
}

/** Batch normalization of a channels-last (N, H, W, C) input over C. */
export class BatchNormalization2D extends BatchNorm2d {
  constructor(channels: number, options: BatchNormOptions) {
    super(channels, options);
  }

  override get layerName(): string {
    return `BatchNormalization(${this.numFeatures}, channels last)`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const c = inputShape[3];
    if (inputShape.length !== 4 || (c! >= 0 && c !== this.numFeatures))
      throw layerShapeError(this, [-1, -1, -1, this.numFeatures], inputShape);
    return inputShape;
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    if (this.training && this.num_batches_tracked !== null) this.num_batches_tracked.data[0]! += 1;
    const y = batchNorm(toChannelsFirst(x), {
      training: this.training,
      runningMean: this.running_mean,
      runningVar: this.running_var,
      weight: this.weight,
      bias: this.bias,
      momentum: this.momentum,
      eps: this.eps,
    });
    return toChannelsLast(y) as Tensor<S>;
  }
}
