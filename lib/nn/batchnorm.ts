/**
 * BatchNorm1d / BatchNorm2d / BatchNorm3d: PyTorch's layers, defaults (eps 1e-5, momentum 0.1,
 * affine, track_running_stats) and state-dict names (weight, bias, running_mean, running_var,
 * num_batches_tracked). In training they normalize with batch statistics and update the running
 * ones; in eval they use the running statistics.
 */
import { is, signature } from '../args.js';
import { argRangeError, argTypeError } from '../errors.js';
import { batchNorm } from '../ops/batchnorm.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { Module, type ModuleCategory } from './module.js';
import { Parameter } from './parameter.js';
import { expectLayerInput, layerShapeError } from './shape-check.js';

export interface BatchNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of each new batch in the running statistics (default 0.1). */
  momentum?: number;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running statistics for eval (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
}

/** BatchNorm's arguments after numFeatures, in PyTorch's order (eps, momentum, affine, trackRunningStats), then (or instead) options. */
export type BatchNormArgs =
  | [options?: BatchNormOptions | undefined]
  | [eps?: number, options?: BatchNormOptions | undefined]
  | [eps?: number, momentum?: number, options?: BatchNormOptions | undefined]
  | [
      eps?: number,
      momentum?: number,
      affine?: boolean,
      trackRunningStats?: boolean,
      options?: BatchNormOptions | undefined,
    ];

const BATCHNORM = { eps: is.number, momentum: is.number, affine: is.boolean, trackRunningStats: is.boolean };

abstract class BatchNormBase extends Module {
  declare readonly '~shapes': { readonly kind: 'same' };
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  weight: Parameter | null = null;
  bias: Parameter | null = null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  /**
   * Whether the running variance takes the batch's unbiased variance (PyTorch's rule, the
   * default) or the biased one it normalizes with (Keras's and TensorFlow.js's: their facades
   * set this to false).
   */
  unbiasedRunningVar = true;
  /** The input ranks this layer accepts (with and without the batch dimension). */
  protected abstract readonly ranks: readonly number[];

  constructor(numFeatures: number, ...args: BatchNormArgs) {
    super();
    const options: BatchNormOptions = signature(new.target.name, ['numFeatures'], BATCHNORM).parse(args);
    if (typeof numFeatures !== 'number') throw argTypeError('numFeatures', 'positive integer', numFeatures);
    if (!Number.isSafeInteger(numFeatures) || numFeatures < 1)
      throw argRangeError('numFeatures', 'positive integer', numFeatures);
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    if (typeof this.eps !== 'number' || !(this.eps > 0)) throw argRangeError('eps', 'positive number', this.eps);
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1))
      throw argRangeError('momentum', 'number in [0, 1]', this.momentum);
    if (options.affine ?? true) {
      this.weight = new Parameter(new Tensor(new Float32Array(numFeatures).fill(1), [numFeatures]));
      this.bias = new Parameter(new Tensor(new Float32Array(numFeatures), [numFeatures]));
    }
    const track = options.trackRunningStats ?? true;
    // PyTorch's buffer names, so state dicts load in both directions.
    this.registerBuffer('running_mean', track ? new Tensor(new Float32Array(numFeatures), [numFeatures]) : null);
    this.registerBuffer('running_var', track ? new Tensor(new Float32Array(numFeatures).fill(1), [numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', track ? new Tensor(new Float32Array(1), []) : null);
  }

  override get category(): ModuleCategory {
    return 'batchnorm';
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return this.#expectShape(inputShape);
  }

  /** A channels-first input shape, checked (what forward checks, whatever a subclass's layout). */
  #expectShape(inputShape: Shape): Shape {
    const channels = inputShape[1];
    if (
      !this.ranks.includes(inputShape.length) ||
      (channels !== undefined && channels >= 0 && channels !== this.numFeatures)
    ) {
      const expected = new Array<number>(Math.max(...this.ranks)).fill(-1);
      expected[1] = this.numFeatures;
      throw layerShapeError(this, expected, inputShape);
    }
    return inputShape;
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    const x = expectLayerInput(this, input);
    this.#expectShape(x.shape);
    if (this.training && this.num_batches_tracked !== null) this.num_batches_tracked.data[0]! += 1;
    return batchNorm(x, {
      training: this.training,
      runningMean: this.running_mean,
      runningVar: this.running_var,
      weight: this.weight,
      bias: this.bias,
      momentum: this.momentum,
      eps: this.eps,
      unbiasedRunningVar: this.unbiasedRunningVar,
    }) as Tensor<S>;
  }

  override getConfig(): Record<string, unknown> {
    return {
      numFeatures: this.numFeatures,
      eps: this.eps,
      momentum: this.momentum,
      affine: this.weight !== null,
      trackRunningStats: this.running_mean !== null,
    };
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}`;
  }
}

/** Over (N, C) or (N, C, L). */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3] as const;
  override get layerName(): string {
    return `BatchNorm1d(${this.numFeatures})`;
  }
}

/** Over (N, C, H, W). */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4] as const;
  override get layerName(): string {
    return `BatchNorm2d(${this.numFeatures})`;
  }
}

/** Over (N, C, D, H, W). */
export class BatchNorm3d extends BatchNormBase {
  protected readonly ranks = [5] as const;
  override get layerName(): string {
    return `BatchNorm3d(${this.numFeatures})`;
  }
}
