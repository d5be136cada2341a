/** Adam (L2 penalty coupled into the gradient, as PyTorch's Adam) and AdamW (decoupled weight decay). */
import { boolean, is, nonNegativeFinite, signature, unitInterval } from '../../args.js';
import type { Backend } from '../../backend/index.js';
import { argTypeError } from '../../errors.js';
import { Optimizer, type ParamGroup, type ParamLike, type ParamsInput, type ParamState } from './optimizer.js';

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Coefficients for the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Weight decay: an L2 term in the gradient for Adam, a decoupled decay for AdamW. */
  weightDecay: number;
  /** The AMSGrad variant (default false). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing (default false). */
  maximize: boolean;
}

const ADAM_POSITIONAL = { lr: is.number, betas: is.pair, eps: is.number, weightDecay: is.number, amsgrad: is.boolean };
const ADAM = signature('Adam', ['params'], ADAM_POSITIONAL, { maximize: is.boolean });
const ADAMW = signature('AdamW', ['params'], ADAM_POSITIONAL, { maximize: is.boolean });

/** Adam's and AdamW's arguments after params, PyTorch's order (lr, betas, eps, weightDecay, amsgrad), then (or instead) options. */
export type AdamArgs =
  | [options?: Partial<AdamOptions> | undefined]
  | [lr?: number, options?: Partial<AdamOptions> | undefined]
  | [lr?: number, betas?: readonly [number, number], options?: Partial<AdamOptions> | undefined]
  | [
      lr?: number,
      betas?: readonly [number, number],
      eps?: number,
      weightDecay?: number,
      amsgrad?: boolean,
      options?: Partial<AdamOptions> | undefined,
    ];

function validateAdam(o: AdamOptions): void {
  nonNegativeFinite(o.lr, 'lr');
  nonNegativeFinite(o.eps, 'eps');
  nonNegativeFinite(o.weightDecay, 'weightDecay');
  if (!Array.isArray(o.betas) || o.betas.length !== 2)
    throw argTypeError('betas', 'pair of numbers in [0, 1)', o.betas);
  unitInterval(o.betas[0], 'betas[0]');
  unitInterval(o.betas[1], 'betas[1]');
  boolean(o.amsgrad, 'amsgrad');
  boolean(o.maximize, 'maximize');
}

abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected validate(o: AdamOptions): void {
    validateAdam(o);
  }

  protected update(k: Backend, p: ParamLike, grad: Float32Array, state: ParamState, g: ParamGroup<AdamOptions>): void {
    const step = (typeof state.step === 'number' ? state.step : 0) + 1;
    state.step = step;
    const m = this.buffer(state, 'expAvg', p);
    const v = this.buffer(state, 'expAvgSq', p);
    const vmax = g.amsgrad ? this.buffer(state, 'maxExpAvgSq', p) : null;
    k.adamStep(
      p.data,
      m,
      v,
      vmax,
      grad,
      g.lr,
      g.betas[0],
      g.betas[1],
      g.eps,
      g.weightDecay,
      this.decoupled,
      step,
      g.maximize,
      p.data.length,
    );
  }
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: ParamsInput<AdamOptions>, ...args: AdamArgs) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
      ...ADAM.parse<Partial<AdamOptions>>(args),
    });
  }
}

export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  /** PyTorch's AdamW default weight decay is 1e-2. */
  constructor(params: ParamsInput<AdamOptions>, ...args: AdamArgs) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 1e-2,
      amsgrad: false,
      maximize: false,
      ...ADAMW.parse<Partial<AdamOptions>>(args),
    });
  }
}
