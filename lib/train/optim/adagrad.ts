/** Adagrad (PyTorch semantics and defaults). */
import { boolean, is, nonNegativeFinite, signature } from '../../args.js';
import type { Backend } from '../../backend/index.js';
import { Optimizer, type ParamGroup, type ParamLike, type ParamsInput, type ParamState } from './optimizer.js';

export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Learning-rate decay per step (default 0). */
  lrDecay: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** Starting value of the squared-gradient sums (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator (default 1e-10). */
  eps: number;
  maximize: boolean;
}

const ADAGRAD = signature(
  'Adagrad',
  ['params'],
  {
    lr: is.number,
    lrDecay: is.number,
    weightDecay: is.number,
    initialAccumulatorValue: is.number,
    eps: is.number,
  },
  { maximize: is.boolean },
);

/** Adagrad's arguments after params, PyTorch's order (lr, lrDecay, weightDecay, initialAccumulatorValue, eps), then (or instead) options. */
export type AdagradArgs =
  | [options?: Partial<AdagradOptions> | undefined]
  | [lr?: number, options?: Partial<AdagradOptions> | undefined]
  | [
      lr?: number,
      lrDecay?: number,
      weightDecay?: number,
      initialAccumulatorValue?: number,
      eps?: number,
      options?: Partial<AdagradOptions> | undefined,
    ];

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, ...args: AdagradArgs) {
    super(params, {
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
      maximize: false,
      ...ADAGRAD.parse<Partial<AdagradOptions>>(args),
    });
  }

  protected validate(o: AdagradOptions): void {
    nonNegativeFinite(o.lr, 'lr');
    nonNegativeFinite(o.lrDecay, 'lrDecay');
    nonNegativeFinite(o.weightDecay, 'weightDecay');
    nonNegativeFinite(o.initialAccumulatorValue, 'initialAccumulatorValue');
    nonNegativeFinite(o.eps, 'eps');
    boolean(o.maximize, 'maximize');
  }

  protected update(
    k: Backend,
    p: ParamLike,
    grad: Float32Array,
    state: ParamState,
    g: ParamGroup<AdagradOptions>,
  ): void {
    if (!(state.sum instanceof Float32Array))
      state.sum = new Float32Array(p.data.length).fill(g.initialAccumulatorValue);
    const step = (typeof state.step === 'number' ? state.step : 0) + 1;
    state.step = step;
    k.adagradStep(p.data, state.sum, grad, g.lr, g.lrDecay, g.weightDecay, g.eps, step, g.maximize, p.data.length);
  }
}
