/**
 * The nn layers under Keras's layers, where Keras's behaviour needs more than options:
 *   Dense        an nn.Linear (state-dict keys "weight", "bias", PyTorch layout [out, in]) with
 *                Keras's initialisation and its activation inside the same layer, fused into
 *                ops.linear when dropnet's op has Keras's constants
 *   Conv2D       an nn.Conv2d that takes channels-last input (Keras's default, NHWC)
 *   MaxPooling2D an nn.MaxPool2d with channels-last input and Keras's 'same' padding
 *   BatchNormalization2D  an nn.BatchNorm2d over channels-last input
 * Each runs its nn layer's own forward; the channels-last ones through channels-last.ts, which
 * transposes to channels first around the nn layer and back.
 */
import { argRangeError } from '../errors.js';
import { BatchNorm2d, type BatchNormOptions } from '../nn/batchnorm.js';
import { Conv2d, type Conv2dOptions } from '../nn/conv.js';
import { Linear } from '../nn/linear.js';
import { MaxPool2d } from '../nn/pool.js';
import { expectLayerInput, layerShapeError } from '../nn/shape-check.js';
import type { LastDimCheck, ReplaceLast } from '../nn/shape-types.js';
import type { LinearActivation } from '../ops/matmul.js';
import type { MaxPool2dOptions } from '../ops/pool.js';
import { elu, gelu, relu, selu, sigmoid, softplus, tanh } from '../ops/unary.js';
import { defaultGenerator } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type ActivationName, applyUnfused, fusedActivation } from './activations.js';
import { type DataFormat, inChannelsFirst, shapeInChannelsFirst } from './channels-last.js';

export { type DataFormat, toChannelsFirst, toChannelsLast } from './channels-last.js';

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

  /** Keras's activation, where ops.linear fuses it into Linear's forward. */
  protected override get linearActivation(): LinearActivation | null {
    return fusedActivation(this.activation) ?? null;
  }

  override forward<S extends Shape>(
    input: Tensor<S> & LastDimCheck<S, number, string>,
  ): Tensor<ReplaceLast<S, number>> {
    const y = super.forward(input);
    return (fusedActivation(this.activation) === undefined ? applyUnfused(y, this.activation) : y) as Tensor<
      ReplaceLast<S, number>
    >;
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
    return shapeInChannelsFirst(this.dataFormat, inputShape, (s) => super.computeOutputShape(s));
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    return applyActivation(
      inChannelsFirst(this.dataFormat, x, (nchw) => super.forward(nchw)),
      this.activation,
    );
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

  /** Keras's 'same' output size ceil(n / stride); 'valid' is MaxPool2d's. */
  protected override pooled(sizes: number[]): number[] {
    if (this.kerasPadding === 'valid') return super.pooled(sizes);
    return sizes.map((n, i) => (n < 0 ? -1 : Math.ceil(n / this.options.stride[i]!)));
  }

  /**
   * The pooling options for a channels-first input of `shape`. 'same' pads floor(total / 2)
   * before and, through ceilMode, the odd remainder after; max ignores the -inf padding, so
   * this equals TensorFlow's asymmetric 'same' padding.
   */
  protected override poolOptions(shape: Shape): MaxPool2dOptions {
    if (this.kerasPadding === 'valid') return super.poolOptions(shape);
    const { kernelSize: k, stride: s } = this.options;
    const ph = samePadding(shape[2]!, k[0], s[0]);
    const pw = samePadding(shape[3]!, k[1], s[1]);
    return { kernelSize: k, stride: s, padding: [ph, pw], ceilMode: true };
  }

  override computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 4) throw layerShapeError(this, [-1, -1, -1, -1], inputShape);
    return shapeInChannelsFirst(this.dataFormat, inputShape, (s) => super.computeOutputShape(s));
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    return inChannelsFirst(this.dataFormat, x, (nchw) => super.forward(nchw));
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
    return inChannelsFirst('channelsLast', x, (nchw) => super.forward(nchw)) as Tensor<S>;
  }
}
