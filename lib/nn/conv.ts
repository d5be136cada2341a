/**
 * Conv2d and Conv1d: PyTorch's layers, weight layout [out, in / groups, kh, kw] ([out, in / groups, k]),
 * initialisation (kaiming_uniform with a = sqrt 5: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and
 * bias, fan_in = in / groups * kernel area) and state-dict names ("weight", "bias").
 * Output sizes are checked when the model is built, not at compile time.
 */
import type { PaddingSpec } from '../backend/conv-geometry.js';
import { convOutSize, resolvePadding } from '../backend/conv-geometry.js';
import { is, positiveInt, signature } from '../args.js';
import { argRangeError, argTypeError } from '../errors.js';
import { conv1d, conv2d, pair, type Pair } from '../ops/conv.js';
import { defaultGenerator, Generator } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { Module, type ModuleCategory } from './module.js';
import { checkGenerator, defaultInit } from './init.js';
import type { Parameter } from './parameter.js';
import { expectInputShape, expectLayerInput, layerShapeError } from './shape-check.js';

export interface Conv2dOptions {
  /** Stride (default 1). */
  stride?: Pair;
  /** Zero padding: a size, a [h, w] pair, 'valid' or 'same' (default 0). */
  padding?: PaddingSpec;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Channel groups (default 1; groups = inChannels is a depthwise convolution). */
  groups?: number;
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** Only 'zeros' is supported. */
  paddingMode?: 'zeros';
  /** The stream the initial weights are drawn from (default: the generator seeded by manualSeed). */
  generator?: Generator;
}

const CONV_ARGS = {
  stride: is.sizes,
  padding: is.padding,
  dilation: is.sizes,
  groups: is.number,
  bias: is.boolean,
  paddingMode: is.string,
};
const CONV2D = signature('Conv2d', ['inChannels', 'outChannels', 'kernelSize'], CONV_ARGS, { generator: is.generator });
const CONV1D = signature('Conv1d', ['inChannels', 'outChannels', 'kernelSize'], CONV_ARGS, { generator: is.generator });

/** What follows the kernel size: PyTorch's order (stride, padding, dilation, groups, bias, paddingMode), then (or instead) options. */
export type Conv2dArgs =
  | [options?: Conv2dOptions | undefined]
  | [stride?: Pair, options?: Conv2dOptions | undefined]
  | [stride?: Pair, padding?: PaddingSpec, options?: Conv2dOptions | undefined]
  | [stride?: Pair, padding?: PaddingSpec, dilation?: Pair, options?: Conv2dOptions | undefined]
  | [stride?: Pair, padding?: PaddingSpec, dilation?: Pair, groups?: number, options?: Conv2dOptions | undefined]
  | [
      stride?: Pair,
      padding?: PaddingSpec,
      dilation?: Pair,
      groups?: number,
      bias?: boolean,
      paddingMode?: 'zeros',
      options?: Conv2dOptions | undefined,
    ];

/** Conv1d's arguments after the kernel size, in PyTorch's order, then (or instead) options. */
export type Conv1dArgs =
  | [options?: Conv1dOptions | undefined]
  | [stride?: number, options?: Conv1dOptions | undefined]
  | [stride?: number, padding?: Conv1dOptions['padding'], options?: Conv1dOptions | undefined]
  | [stride?: number, padding?: Conv1dOptions['padding'], dilation?: number, options?: Conv1dOptions | undefined]
  | [
      stride?: number,
      padding?: Conv1dOptions['padding'],
      dilation?: number,
      groups?: number,
      options?: Conv1dOptions | undefined,
    ]
  | [
      stride?: number,
      padding?: Conv1dOptions['padding'],
      dilation?: number,
      groups?: number,
      bias?: boolean,
      paddingMode?: 'zeros',
      options?: Conv1dOptions | undefined,
    ];

function commonOptions(options: Conv2dOptions, inChannels: number, outChannels: number) {
  const groups = positiveInt(options.groups ?? 1, 'groups');
  if (inChannels % groups !== 0) throw argRangeError('groups', `a divisor of inChannels (${inChannels})`, groups);
  if (outChannels % groups !== 0) throw argRangeError('groups', `a divisor of outChannels (${outChannels})`, groups);
  const bias = options.bias ?? true;
  if (typeof bias !== 'boolean') throw argTypeError('bias', 'boolean', bias);
  if (options.paddingMode !== undefined && options.paddingMode !== 'zeros') {
    throw argRangeError('paddingMode', "'zeros' (the only mode supported)", options.paddingMode);
  }
  return { groups, bias, generator: checkGenerator(options.generator ?? defaultGenerator) };
}

export class Conv2d extends Module {
  declare readonly '~shapes': { readonly kind: 'fixed'; readonly in: Shape; readonly out: Shape };
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: PaddingSpec;
  readonly dilation: [number, number];
  readonly groups: number;
  /** [outChannels, inChannels / groups, kh, kw] */
  weight: Parameter;
  /** [outChannels], or null without bias. */
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: Conv2dArgs) {
    super();
    const options: Conv2dOptions = CONV2D.parse(args);
    this.inChannels = positiveInt(inChannels, 'inChannels');
    this.outChannels = positiveInt(outChannels, 'outChannels');
    this.kernelSize = pair(kernelSize, 'kernelSize');
    this.stride = pair(options.stride ?? 1, 'stride');
    this.dilation = pair(options.dilation ?? 1, 'dilation');
    const padding = options.padding ?? 0;
    resolvePadding(padding, this.kernelSize, this.dilation, this.stride); // validates ('same' needs stride 1)
    this.padding = typeof padding === 'object' ? [padding[0], padding[1]] : padding;
    const { groups, bias, generator } = commonOptions(options, inChannels, outChannels);
    this.groups = groups;
    const [kh, kw] = this.kernelSize;
    [this.weight, this.bias] = defaultInit(
      [outChannels, inChannels / groups, kh, kw],
      (inChannels / groups) * kh * kw,
      bias,
      generator,
    );
  }

  override get category(): ModuleCategory {
    return 'conv';
  }

  override get layerName(): string {
    return `Conv2d(${this.inChannels}→${this.outChannels}, ${this.kernelSize[0]}x${this.kernelSize[1]})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return this.#outputShape(inputShape);
  }

  /** The output shape of a channels-first input (what forward checks, whatever a subclass's layout). */
  #outputShape(inputShape: Shape): Shape {
    const batched = inputShape.length === 4;
    expectInputShape(this, inputShape, batched ? [-1, this.inChannels, -1, -1] : [this.inChannels, -1, -1]);
    const [h, w] = inputShape.slice(-2) as [number, number];
    const [pt, pb, pl, pr] = resolvePadding(this.padding, this.kernelSize, this.dilation, this.stride);
    const oh = h < 0 ? -1 : convOutSize(h, this.kernelSize[0], this.stride[0], pt, pb, this.dilation[0]);
    const ow = w < 0 ? -1 : convOutSize(w, this.kernelSize[1], this.stride[1], pl, pr, this.dilation[1]);
    if (oh === 0 || ow === 0 || oh < -1 || ow < -1) {
      throw layerShapeError(this, batched ? [-1, this.inChannels, -1, -1] : [this.inChannels, -1, -1], inputShape);
    }
    return [...inputShape.slice(0, -3), this.outChannels, oh, ow];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.#outputShape(x.shape);
    return conv2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      bias: this.bias !== null,
    };
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}], stride=[${this.stride.join(', ')}], padding=${JSON.stringify(this.padding)}`;
  }
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'valid' | 'same';
  dilation?: number;
  groups?: number;
  bias?: boolean;
  paddingMode?: 'zeros';
  generator?: Generator;
}

export class Conv1d extends Module {
  declare readonly '~shapes': { readonly kind: 'fixed'; readonly in: Shape; readonly out: Shape };
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'valid' | 'same';
  readonly dilation: number;
  readonly groups: number;
  /** [outChannels, inChannels / groups, kernelSize] */
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number, ...args: Conv1dArgs) {
    super();
    const options: Conv1dOptions = CONV1D.parse(args);
    this.inChannels = positiveInt(inChannels, 'inChannels');
    this.outChannels = positiveInt(outChannels, 'outChannels');
    this.kernelSize = positiveInt(kernelSize, 'kernelSize');
    this.stride = positiveInt(options.stride ?? 1, 'stride');
    this.dilation = positiveInt(options.dilation ?? 1, 'dilation');
    const padding = options.padding ?? 0;
    resolvePadding(
      typeof padding === 'number' ? [0, padding] : padding,
      [1, this.kernelSize],
      [1, this.dilation],
      [1, this.stride],
    );
    this.padding = padding;
    const { groups, bias, generator } = commonOptions(options, inChannels, outChannels);
    this.groups = groups;
    [this.weight, this.bias] = defaultInit(
      [outChannels, inChannels / groups, this.kernelSize],
      (inChannels / groups) * this.kernelSize,
      bias,
      generator,
    );
  }

  override get category(): ModuleCategory {
    return 'conv';
  }

  override get layerName(): string {
    return `Conv1d(${this.inChannels}→${this.outChannels}, ${this.kernelSize})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const batched = inputShape.length === 3;
    expectInputShape(this, inputShape, batched ? [-1, this.inChannels, -1] : [this.inChannels, -1]);
    const l = inputShape[inputShape.length - 1]!;
    const [, , pl, pr] = resolvePadding(
      typeof this.padding === 'number' ? [0, this.padding] : this.padding,
      [1, this.kernelSize],
      [1, this.dilation],
      [1, this.stride],
    );
    const ol = l < 0 ? -1 : convOutSize(l, this.kernelSize, this.stride, pl, pr, this.dilation);
    if (ol === 0 || ol < -1)
      throw layerShapeError(this, batched ? [-1, this.inChannels, -1] : [this.inChannels, -1], inputShape);
    return [...inputShape.slice(0, -2), this.outChannels, ol];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    return conv1d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      bias: this.bias !== null,
    };
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${JSON.stringify(this.padding)}`;
  }
}
