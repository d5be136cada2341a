/**
 * The 1-D pooling layers, PyTorch's MaxPool1d, AvgPool1d and AdaptiveAvgPool1d, over (N, C, L) or
 * (C, L) inputs; defaults (stride = kernelSize) and output sizes as the 2-D forms in pool.ts.
 */
import { is, signature } from '../args.js';
import { pair } from '../ops/conv.js';
import { adaptiveAvgPool1d, avgPool1d, maxPool1d } from '../ops/pool.js';
import type { Tensor } from '../tensor.js';
import { MAX_POOL, noIndices, Pool, windowed } from './pool.js';
import { expectLayerInput } from './shape-check.js';

const MAX_POOL1D = signature('MaxPool1d', ['kernelSize'], MAX_POOL);
const AVG_POOL1D = signature('AvgPool1d', ['kernelSize'], {
  stride: is.sizesOrNull,
  padding: is.sizes,
  ceilMode: is.boolean,
  countIncludePad: is.boolean,
});
const ADAPTIVE1D = signature('AdaptiveAvgPool1d', ['outputSize'], {});

export interface Pool1dLayerOptions {
  /** Window step (default: kernelSize). */
  stride?: number | null;
  /** Padding on both sides (default 0). */
  padding?: number;
  /** Spacing between window taps (default 1; MaxPool1d only). */
  dilation?: number;
  /** PyTorch's return_indices: only false (MaxPool1d only). */
  returnIndices?: boolean;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count padded zeros in the average (default true; AvgPool1d only). */
  countIncludePad?: boolean;
}

/** MaxPool1d's arguments after kernelSize, in PyTorch's order (stride, padding, dilation, returnIndices, ceilMode), then (or instead) options. */
export type MaxPool1dArgs =
  | [options?: Pool1dLayerOptions | undefined]
  | [stride?: number | null, options?: Pool1dLayerOptions | undefined]
  | [stride?: number | null, padding?: number, options?: Pool1dLayerOptions | undefined]
  | [
      stride?: number | null,
      padding?: number,
      dilation?: number,
      returnIndices?: boolean,
      ceilMode?: boolean,
      options?: Pool1dLayerOptions | undefined,
    ];

/** AvgPool1d's arguments after kernelSize, in PyTorch's order (stride, padding, ceilMode, countIncludePad), then (or instead) options. */
export type AvgPool1dArgs =
  | [options?: Pool1dLayerOptions | undefined]
  | [stride?: number | null, options?: Pool1dLayerOptions | undefined]
  | [stride?: number | null, padding?: number, options?: Pool1dLayerOptions | undefined]
  | [
      stride?: number | null,
      padding?: number,
      ceilMode?: boolean,
      countIncludePad?: boolean,
      options?: Pool1dLayerOptions | undefined,
    ];

abstract class Pool1d extends Pool {
  protected readonly spatial = 1;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly ceilMode: boolean;

  constructor(kernelSize: number, options: Pool1dLayerOptions, dilated: boolean) {
    super();
    this.kernelSize = pair(kernelSize, 'kernelSize')[0];
    this.stride =
      options.stride === undefined || options.stride === null ? this.kernelSize : pair(options.stride, 'stride')[0];
    this.padding = pair(options.padding ?? 0, 'padding', 0)[0];
    this.dilation = dilated ? pair(options.dilation ?? 1, 'dilation')[0] : 1;
    this.ceilMode = options.ceilMode ?? false;
  }

  protected pooled(sizes: number[]): number[] {
    return windowed(sizes, [this.kernelSize], [this.stride], [this.padding], [this.dilation], this.ceilMode);
  }

  override getConfig(): Record<string, unknown> {
    return {
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    };
  }

  override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}`;
  }
}

export class MaxPool1d extends Pool1d {
  constructor(kernelSize: number, ...args: MaxPool1dArgs) {
    const options: Pool1dLayerOptions = MAX_POOL1D.parse(args);
    noIndices(MAX_POOL1D, options.returnIndices);
    super(kernelSize, options, true);
  }

  override get layerName(): string {
    return `MaxPool1d(${this.kernelSize})`;
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    return maxPool1d(x, {
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    });
  }
}

export class AvgPool1d extends Pool1d {
  readonly countIncludePad: boolean;

  constructor(kernelSize: number, ...args: AvgPool1dArgs) {
    const options: Pool1dLayerOptions = AVG_POOL1D.parse(args);
    super(kernelSize, options, false);
    this.countIncludePad = options.countIncludePad ?? true;
  }

  override get layerName(): string {
    return `AvgPool1d(${this.kernelSize})`;
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    return avgPool1d(x, {
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
    });
  }
}

export class AdaptiveAvgPool1d extends Pool {
  protected readonly spatial = 1;
  readonly outputSize: number;

  constructor(outputSize: number, ...none: []) {
    super();
    ADAPTIVE1D.parse(none);
    this.outputSize = pair(outputSize, 'outputSize')[0];
  }

  override get layerName(): string {
    return `AdaptiveAvgPool1d(${this.outputSize})`;
  }

  protected pooled(sizes: number[]): number[] {
    return sizes.map(() => this.outputSize);
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    return adaptiveAvgPool1d(x, this.outputSize);
  }

  override getConfig(): Record<string, unknown> {
    return { outputSize: this.outputSize };
  }
}
