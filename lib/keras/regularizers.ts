/**
 * Keras's weight regularizers: l1(a) adds a * sum(|w|), l2(a) adds a * sum(w²), l1l2 both, to the
 * training loss (and so to its gradient: 2a·w for l2, a·sign(w) for l1). That is not the
 * optimizer's weight decay: decay shrinks w by lr·wd·w per step outside the loss, its strength
 * depends on the learning rate, and with Adam it is rescaled per weight (AdamW decouples it);
 * a regularizer is part of the objective, shows in the logged loss, and passes through the
 * optimizer like any other gradient. l2(a) with SGD equals weightDecay 2a.
 */
import { argRangeError, argTypeError } from '../errors.js';
import { add, mul, neg } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { relu } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';

function factor(value: unknown, name: string): number {
  if (typeof value !== 'number') throw argTypeError(name, 'non-negative finite number', value);
  if (!(value >= 0 && Number.isFinite(value))) throw argRangeError(name, 'non-negative finite number', value);
  return value;
}

export interface RegularizerConfig {
  className: 'L1' | 'L2' | 'L1L2';
  config: { l1?: number; l2?: number };
}

export class Regularizer {
  readonly l1: number;
  readonly l2: number;

  constructor(l1: number, l2: number) {
    this.l1 = factor(l1, 'l1');
    this.l2 = factor(l2, 'l2');
  }

  /** The penalty of `w` as a scalar tensor on the tape: l1 * sum(|w|) + l2 * sum(w²). */
  penalty(w: Tensor): Tensor {
    let out: Tensor | null = null;
    if (this.l2 > 0) out = mul(sum(mul(w, w)), this.l2);
    if (this.l1 > 0) {
      // |w| as relu(w) + relu(-w): its gradient is sign(w), 0 at 0.
      const l1 = mul(sum(add(relu(w), relu(neg(w)))), this.l1);
      out = out === null ? l1 : add(out, l1);
    }
    return out ?? mul(sum(w), 0);
  }

  toJSON(): RegularizerConfig {
    if (this.l1 > 0 && this.l2 === 0) return { className: 'L1', config: { l1: this.l1 } };
    if (this.l2 > 0 && this.l1 === 0) return { className: 'L2', config: { l2: this.l2 } };
    return { className: 'L1L2', config: { l1: this.l1, l2: this.l2 } };
  }
}

/** a * sum(|w|) (Keras's default a = 0.01). */
export function l1(a = 0.01): Regularizer {
  return new Regularizer(factor(a, 'l1'), 0);
}

/** a * sum(w²) (Keras's default a = 0.01). */
export function l2(a = 0.01): Regularizer {
  return new Regularizer(0, factor(a, 'l2'));
}

/** l1 * sum(|w|) + l2 * sum(w²) (tfjs's defaults, 0.01 each). */
export function l1l2(options: { l1?: number; l2?: number } = {}): Regularizer {
  if (typeof options !== 'object' || options === null) throw argTypeError('options', 'object { l1, l2 }', options);
  return new Regularizer(options.l1 ?? 0.01, options.l2 ?? 0.01);
}

/** A regularizer option: a Regularizer, its saved form, or null/undefined for none. */
export function toRegularizer(value: unknown, name: string): Regularizer | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Regularizer) return value;
  const v = value as Partial<RegularizerConfig>;
  if (typeof v === 'object' && typeof v.config === 'object' && v.config !== null) {
    if (v.className === 'L1' || v.className === 'L2' || v.className === 'L1L2')
      return new Regularizer(v.config.l1 ?? 0, v.config.l2 ?? 0);
  }
  throw argTypeError(name, 'Regularizer (regularizers.l1, l2 or l1l2)', value);
}
