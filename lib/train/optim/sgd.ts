/** Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (PyTorch semantics). */
import { boolean, is, nonNegativeFinite, signature } from '../../args.js';
import type { Backend } from '../../backend/index.js';
import { argRangeError } from '../../errors.js';
import { Optimizer, type ParamGroup, type ParamLike, type ParamsInput, type ParamState } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate (required by PyTorch; default here 1e-3). */
  lr: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Dampening for momentum (default 0). */
  dampening: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing (default false). */
  maximize: boolean;
}

const SGD_ARGS = signature(
  'SGD',
  ['params'],
  {
    lr: is.number,
    momentum: is.number,
    dampening: is.number,
    weightDecay: is.number,
    nesterov: is.boolean,
  },
  { maximize: is.boolean },
);

/** SGD's arguments after params, PyTorch's order (lr, momentum, dampening, weightDecay, nesterov), then (or instead) options. */
export type SGDArgs =
  | [options?: Partial<SGDOptions> | undefined]
  | [lr?: number, options?: Partial<SGDOptions> | undefined]
  | [lr?: number, momentum?: number, options?: Partial<SGDOptions> | undefined]
  | [
      lr?: number,
      momentum?: number,
      dampening?: number,
      weightDecay?: number,
      nesterov?: boolean,
      options?: Partial<SGDOptions> | undefined,
    ];

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, ...args: SGDArgs) {
    super(params, {
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      ...SGD_ARGS.parse<Partial<SGDOptions>>(args),
    });
  }

  protected validate(o: SGDOptions): void {
    nonNegativeFinite(o.lr, 'lr');
    nonNegativeFinite(o.momentum, 'momentum');
    nonNegativeFinite(o.weightDecay, 'weightDecay');
    if (typeof o.dampening !== 'number' || !(o.dampening >= 0 && o.dampening <= 1))
      throw argRangeError('dampening', 'number in [0, 1]', o.dampening);
    boolean(o.nesterov, 'nesterov');
    boolean(o.maximize, 'maximize');
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new RangeError('Nesterov momentum requires a momentum above 0 and zero dampening');
    }
  }

  protected update(k: Backend, p: ParamLike, grad: Float32Array, state: ParamState, g: ParamGroup<SGDOptions>): void {
    const init = state.momentumBuffer === undefined;
    const buf = g.momentum !== 0 ? this.buffer(state, 'momentumBuffer', p) : null;
    k.sgdStep(
      p.data,
      buf,
      grad,
      g.lr,
      g.weightDecay,
      g.momentum,
      g.dampening,
      g.nesterov,
      g.maximize,
      init,
      p.data.length,
    );
  }
}
