/**
 * LockedDropout: variational dropout across time for sequences (AWD-LSTM's LockedDropout, Gal &
 * Ghahramani 2016): in training one mask per sample and feature, drawn once per call and shared
 * by every time step, kept values scaled by 1/(1-p); the identity in eval, drawing nothing.
 * Input (T, B, H), or (B, T, H) with batchFirst. The math is in ops/dropout/locked.ts.
 */
import { argTypeError } from '../../errors.js';
import { lockedDropout } from '../../ops/dropout.js';
import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { layerShapeError } from '../shape-check.js';
import { BernoulliDropout } from './bernoulli.js';
import type { NoiseLayerOptions } from './noise-layer.js';

export interface LockedDropoutLayerOptions extends NoiseLayerOptions {
  /** Input is (B, T, H) rather than (T, B, H) (default false, as PyTorch's RNNs). */
  batchFirst?: boolean;
}

const OPTION_KEYS = ['batchFirst', 'seed', 'generator'];

export class LockedDropout extends BernoulliDropout {
  readonly batchFirst: boolean;

  constructor(p = 0.5, options: LockedDropoutLayerOptions = {}) {
    if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
      for (const key of Object.keys(options)) {
        if (!OPTION_KEYS.includes(key))
          throw new TypeError(`LockedDropout: unknown option "${key}"; the options are ${OPTION_KEYS.join(', ')}`);
      }
    }
    super(p, options);
    const batchFirst = options.batchFirst ?? false;
    if (typeof batchFirst !== 'boolean') throw argTypeError('batchFirst', 'boolean', batchFirst);
    this.batchFirst = batchFirst;
  }

  protected override checkShape(shape: Shape): void {
    if (shape.length !== 3) throw layerShapeError(this, [-1, -1, -1], shape);
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return lockedDropout(this.checked(input), {
      p: this.p,
      training: this.training,
      batchFirst: this.batchFirst,
      ...this.stream,
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), batchFirst: this.batchFirst };
  }

  override extraRepr(): string {
    return this.batchFirst ? `p=${this.p}, batchFirst=true` : `p=${this.p}`;
  }
}
