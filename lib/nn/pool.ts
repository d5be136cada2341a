/**
 * Pooling layers with PyTorch's names, defaults (stride = kernelSize) and output sizes:
 * MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, and the Pool base the 1-D forms (pool1d.ts) share.
 * No parameters.
 */
import { is, signature, type Signature } from '../args.js';
import { poolOutSize } from '../backend/pool-geometry.js';
import { argRangeError } from '../errors.js';
import { pair, type Pair } from '../ops/conv.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type AvgPool2dOptions, type MaxPool2dOptions } from '../ops/pool.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { Module, type ModuleCategory } from './module.js';
import { expectLayerInput, layerShapeError } from './shape-check.js';

// PyTorch's positional orders after kernelSize.
export const MAX_POOL = {
  stride: is.sizesOrNull,
  padding: is.sizes,
  dilation: is.sizes,
  returnIndices: is.boolean,
  ceilMode: is.boolean,
};
const MAX_POOL2D = signature('MaxPool2d', ['kernelSize'], MAX_POOL);
const AVG_POOL2D = signature('AvgPool2d', ['kernelSize'], {
  stride: is.sizesOrNull,
  padding: is.sizes,
  ceilMode: is.boolean,
  countIncludePad: is.boolean,
  divisorOverride: is.numberOrNull,
});
const ADAPTIVE2D = signature('AdaptiveAvgPool2d', ['outputSize'], {});

/** The pooling layers return values only: PyTorch's returnIndices must be false. */
export function noIndices(sig: Signature, value: unknown): void {
  if (value === true) throw argRangeError('returnIndices', `false (${sig.owner} returns no indices)`, value);
}

type Fixed = { readonly kind: 'fixed'; readonly in: Shape; readonly out: Shape };

export abstract class Pool extends Module {
  declare readonly '~shapes': Fixed;
  /** Spatial dimensions this layer pools (2 or 1). */
  protected abstract readonly spatial: number;

  override get category(): ModuleCategory {
    return 'pool';
  }

  /** The pooled sizes of the trailing spatial dimensions (-1 stays -1; 0 means empty). */
  protected abstract pooled(sizes: number[]): number[];

  override computeOutputShape(inputShape: Shape): Shape {
    return this.pooledShape(inputShape);
  }

  /** The output shape of a channels-first input (what forward checks, whatever a subclass's layout). */
  protected pooledShape(inputShape: Shape): Shape {
    const rank = inputShape.length;
    const expected = new Array<number>(this.spatial + 2).fill(-1);
    if (rank !== this.spatial + 1 && rank !== this.spatial + 2) throw layerShapeError(this, expected, inputShape);
    const sizes = this.pooled(inputShape.slice(-this.spatial) as number[]);
    if (sizes.some((s) => s === 0)) throw layerShapeError(this, expected, inputShape);
    return [...inputShape.slice(0, -this.spatial), ...sizes];
  }
}

export function windowed(
  sizes: number[],
  k: readonly number[],
  s: readonly number[],
  p: readonly number[],
  d: readonly number[],
  ceil: boolean,
): number[] {
  return sizes.map((n, i) => (n < 0 ? -1 : poolOutSize(n, k[i]!, s[i]!, p[i]!, d[i]!, ceil)));
}

export interface MaxPool2dLayerOptions {
  /** Window step (default: kernelSize). */
  stride?: Pair | null;
  /** Implicit -infinity padding on both sides (default 0). */
  padding?: Pair;
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
  /** PyTorch's return_indices: only false (the default) is supported. */
  returnIndices?: boolean;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}

/** MaxPool2d's arguments after kernelSize, in PyTorch's order (stride, padding, dilation, returnIndices, ceilMode), then (or instead) options. */
export type MaxPool2dArgs =
  | [options?: MaxPool2dLayerOptions | undefined]
  | [stride?: Pair | null, options?: MaxPool2dLayerOptions | undefined]
  | [stride?: Pair | null, padding?: Pair, options?: MaxPool2dLayerOptions | undefined]
  | [
      stride?: Pair | null,
      padding?: Pair,
      dilation?: Pair,
      returnIndices?: boolean,
      ceilMode?: boolean,
      options?: MaxPool2dLayerOptions | undefined,
    ];

export class MaxPool2d extends Pool {
  protected readonly spatial = 2;
  readonly options: Required<Omit<MaxPool2dOptions, 'stride'>> & { stride: [number, number] } & {
    kernelSize: [number, number];
    padding: [number, number];
    dilation: [number, number];
  };

  constructor(kernelSize: Pair, ...args: MaxPool2dArgs) {
    super();
    const options: MaxPool2dLayerOptions = MAX_POOL2D.parse(args);
    noIndices(MAX_POOL2D, options.returnIndices);
    const k = pair(kernelSize, 'kernelSize');
    this.options = {
      kernelSize: k,
      stride: options.stride === undefined || options.stride === null ? k : pair(options.stride, 'stride'),
      padding: pair(options.padding ?? 0, 'padding', 0),
      dilation: pair(options.dilation ?? 1, 'dilation'),
      ceilMode: options.ceilMode ?? false,
    };
  }

  override get layerName(): string {
    const [kh, kw] = this.options.kernelSize;
    return `MaxPool2d(${kh}x${kw})`;
  }

  protected pooled(sizes: number[]): number[] {
    const o = this.options;
    return windowed(sizes, o.kernelSize, o.stride, o.padding, o.dilation, o.ceilMode);
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.pooledShape(x.shape);
    return maxPool2d(x, this.poolOptions(x.shape));
  }

  /** The op's options for an input of `inputShape`: the layer's own (a subclass may pad per input). */
  protected poolOptions(_inputShape: Shape): MaxPool2dOptions {
    return this.options;
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.options };
  }

  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.options.kernelSize)}, stride=${JSON.stringify(this.options.stride)}`;
  }
}

export interface AvgPool2dLayerOptions {
  /** Window step (default: kernelSize). */
  stride?: Pair | null;
  /** Zero padding on both sides (default 0). */
  padding?: Pair;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count padded zeros in the average (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size (default null). */
  divisorOverride?: number | null;
}

/** AvgPool2d's arguments after kernelSize, in PyTorch's order (stride, padding, ceilMode, countIncludePad, divisorOverride), then (or instead) options. */
export type AvgPool2dArgs =
  | [options?: AvgPool2dLayerOptions | undefined]
  | [stride?: Pair | null, options?: AvgPool2dLayerOptions | undefined]
  | [stride?: Pair | null, padding?: Pair, options?: AvgPool2dLayerOptions | undefined]
  | [
      stride?: Pair | null,
      padding?: Pair,
      ceilMode?: boolean,
      countIncludePad?: boolean,
      divisorOverride?: number | null,
      options?: AvgPool2dLayerOptions | undefined,
    ];

export class AvgPool2d extends Pool {
  protected readonly spatial = 2;
  readonly options: AvgPool2dOptions & {
    kernelSize: [number, number];
    stride: [number, number];
    padding: [number, number];
    ceilMode: boolean;
  };

  constructor(kernelSize: Pair, ...args: AvgPool2dArgs) {
    super();
    const options: AvgPool2dLayerOptions = AVG_POOL2D.parse(args);
    const k = pair(kernelSize, 'kernelSize');
    this.options = {
      kernelSize: k,
      stride: options.stride === undefined || options.stride === null ? k : pair(options.stride, 'stride'),
      padding: pair(options.padding ?? 0, 'padding', 0),
      ceilMode: options.ceilMode ?? false,
      countIncludePad: options.countIncludePad ?? true,
      divisorOverride: options.divisorOverride ?? null,
    };
  }

  override get layerName(): string {
    const [kh, kw] = this.options.kernelSize;
    return `AvgPool2d(${kh}x${kw})`;
  }

  protected pooled(sizes: number[]): number[] {
    const o = this.options;
    return windowed(sizes, o.kernelSize, o.stride, o.padding, [1, 1], o.ceilMode);
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    return avgPool2d(x, this.options);
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.options };
  }

  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.options.kernelSize)}, stride=${JSON.stringify(this.options.stride)}`;
  }
}

export class AdaptiveAvgPool2d extends Pool {
  protected readonly spatial = 2;
  readonly outputSize: readonly [number | null, number | null];

  /** outputSize: one size for both dimensions, or [h, w] where null keeps the input's size. */
  constructor(outputSize: number | readonly [number | null, number | null], ...none: []) {
    super();
    ADAPTIVE2D.parse(none);
    this.outputSize = typeof outputSize === 'number' ? [outputSize, outputSize] : [outputSize[0], outputSize[1]];
    for (const v of this.outputSize) {
      if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
        throw new RangeError(`Expected positive integer or null for outputSize but received ${String(v)}`);
      }
    }
  }

  override get layerName(): string {
    return `AdaptiveAvgPool2d(${this.outputSize.map((v) => v ?? '*').join('x')})`;
  }

  protected pooled(sizes: number[]): number[] {
    return sizes.map((n, i) => this.outputSize[i] ?? n);
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override getConfig(): Record<string, unknown> {
    return { outputSize: this.outputSize };
  }

  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}
