/** RMSprop, optionally centered and with momentum (PyTorch semantics and defaults). */
import { boolean, is, nonNegativeFinite, signature } from '../../args.js';
import type { Backend } from '../../backend/index.js';
import { argRangeError } from '../../errors.js';
import { Optimizer, type ParamGroup, type ParamLike, type ParamsInput, type ParamState } from './optimizer.js';

export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Smoothing constant (default 0.99). */
  alpha: number;
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalize by an estimate of the gradient's variance (default false). */
  centered: boolean;
  maximize: boolean;
}

const RMSPROP = signature(
  'RMSprop',
  ['params'],
  {
    lr: is.number,
    alpha: is.number,
    eps: is.number,
    weightDecay: is.number,
    momentum: is.number,
    centered: is.boolean,
  },
  { maximize: is.boolean },
);

/** RMSprop's arguments after params, PyTorch's order (lr, alpha, eps, weightDecay, momentum, centered), then (or instead) options. */
export type RMSpropArgs =
  | [options?: Partial<RMSpropOptions> | undefined]
  | [lr?: number, options?: Partial<RMSpropOptions> | undefined]
  | [lr?: number, alpha?: number, options?: Partial<RMSpropOptions> | undefined]
  | [
      lr?: number,
      alpha?: number,
      eps?: number,
      weightDecay?: number,
      momentum?: number,
      centered?: boolean,
      options?: Partial<RMSpropOptions> | undefined,
    ];

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, ...args: RMSpropArgs) {
    super(params, {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      ...RMSPROP.parse<Partial<RMSpropOptions>>(args),
    });
  }

  protected validate(o: RMSpropOptions): void {
    nonNegativeFinite(o.lr, 'lr');
    nonNegativeFinite(o.eps, 'eps');
    nonNegativeFinite(o.weightDecay, 'weightDecay');
    nonNegativeFinite(o.momentum, 'momentum');
    if (typeof o.alpha !== 'number' || !(o.alpha >= 0 && o.alpha <= 1))
      throw argRangeError('alpha', 'number in [0, 1]', o.alpha);
    boolean(o.centered, 'centered');
    boolean(o.maximize, 'maximize');
  }

  protected update(
    k: Backend,
    p: ParamLike,
    grad: Float32Array,
    state: ParamState,
    g: ParamGroup<RMSpropOptions>,
  ): void {
    state.step = (typeof state.step === 'number' ? state.step : 0) + 1;
    const sq = this.buffer(state, 'squareAvg', p);
    const ga = g.centered ? this.buffer(state, 'gradAvg', p) : null;
    const buf = g.momentum > 0 ? this.buffer(state, 'momentumBuffer', p) : null;
    k.rmspropStep(
      p.data,
      sq,
      ga,
      buf,
      grad,
      g.lr,
      g.alpha,
      g.eps,
      g.weightDecay,
      g.momentum,
      g.maximize,
      p.data.length,
    );
  }
}
