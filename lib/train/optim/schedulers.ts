/**
 * Learning-rate schedulers with PyTorch's semantics: constructing one sets each group's rate for
 * epoch 0 (remembering the starting rate as the base), and each step() moves to the next epoch
 * (or batch, for OneCycleLR). ReduceLROnPlateau steps on a metric instead.
 */
import { is, positiveFinite, positiveInt, signature } from '../../args.js';
import { argRangeError, argTypeError } from '../../errors.js';
import type { Optimizer } from './optimizer.js';

type AnyOptimizer = Optimizer<{ lr: number }>;
type Group = { lr: number; momentum?: number; betas?: readonly [number, number] };

// PyTorch's positional orders after the optimizer; each may be given by name instead.
const STEP_LR = signature('StepLR', ['optimizer'], { stepSize: is.number, gamma: is.number });
const EXPONENTIAL_LR = signature('ExponentialLR', ['optimizer'], { gamma: is.number });
const COSINE_LR = signature('CosineAnnealingLR', ['optimizer'], { tMax: is.number, etaMin: is.number });
const ONE_CYCLE = signature('OneCycleLR', ['optimizer'], {
  maxLr: is.numberOrArray,
  totalSteps: is.numberOrNull,
  epochs: is.numberOrNull,
  stepsPerEpoch: is.numberOrNull,
  pctStart: is.number,
  annealStrategy: is.string,
  cycleMomentum: is.boolean,
  baseMomentum: is.number,
  maxMomentum: is.number,
  divFactor: is.number,
  finalDivFactor: is.number,
  threePhase: is.boolean,
});
const PLATEAU = signature('ReduceLROnPlateau', ['optimizer'], {
  mode: is.string,
  factor: is.number,
  patience: is.number,
  threshold: is.number,
  thresholdMode: is.string,
  cooldown: is.number,
  minLr: is.number,
  eps: is.number,
});

export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  /** The rates the groups had when the scheduler was created. */
  readonly baseLrs: number[];
  /** The epoch (or step) the current rates belong to; 0 after construction. */
  lastEpoch = -1;
  #lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer) {
    if (typeof optimizer !== 'object' || optimizer === null || !Array.isArray(optimizer.paramGroups)) {
      throw argTypeError('optimizer', 'Optimizer', optimizer);
    }
    this.optimizer = optimizer;
    this.baseLrs = optimizer.paramGroups.map((g) => (g as Group).lr);
  }

  /** The rates for epoch `epoch`. */
  protected abstract lrAt(epoch: number): number[];

  /** Called by subclasses at the end of their constructor: applies epoch 0. */
  protected start(): void {
    this.step();
  }

  /** Advances one epoch and applies its rates. */
  step(): void {
    this.lastEpoch++;
    this.apply(this.lrAt(this.lastEpoch));
  }

  protected apply(lrs: number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      (g as Group).lr = lrs[i]!;
    });
    this.#lastLr = lrs;
  }

  /** The rates set by the last step. */
  getLastLr(): number[] {
    return [...this.#lastLr];
  }

  stateDict(): { lastEpoch: number; baseLrs: number[] } {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  loadStateDict(state: { lastEpoch: number }): void {
    this.lastEpoch = state.lastEpoch;
    this.apply(this.lrAt(this.lastEpoch));
  }
}

/** lr = base * gamma^floor(epoch / stepSize). */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(
    optimizer: AnyOptimizer,
    ...args: [options: { stepSize: number; gamma?: number }] | [stepSize: number, gamma?: number]
  ) {
    super(optimizer);
    const options = STEP_LR.parse<{ stepSize?: number; gamma?: number }>(args);
    this.stepSize = positiveInt(options.stepSize, 'stepSize');
    this.gamma = positiveFinite(options.gamma ?? 0.1, 'gamma');
    this.start();
  }
  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(epoch / this.stepSize));
  }
}

/** lr = base * gamma^epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, ...args: [options: { gamma: number }] | [gamma: number]) {
    super(optimizer);
    const options = EXPONENTIAL_LR.parse<{ gamma?: number }>(args);
    this.gamma = positiveFinite(options.gamma, 'gamma');
    this.start();
  }
  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** epoch);
  }
}

/** lr = etaMin + (base - etaMin) * (1 + cos(pi * epoch / tMax)) / 2 (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(
    optimizer: AnyOptimizer,
    ...args: [options: { tMax: number; etaMin?: number }] | [tMax: number, etaMin?: number]
  ) {
    super(optimizer);
    const options = COSINE_LR.parse<{ tMax?: number; etaMin?: number }>(args);
    this.tMax = positiveInt(options.tMax, 'tMax');
    const etaMin = options.etaMin ?? 0;
    if (typeof etaMin !== 'number' || !(etaMin >= 0)) throw argRangeError('etaMin', 'non-negative number', etaMin);
    this.etaMin = etaMin;
    this.start();
  }
  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map(
      (b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2,
    );
  }
}

export interface OneCycleOptions {
  /** Peak learning rate (one number for all groups, or one per group). */
  maxLr: number | number[];
  /** Total steps; or give epochs and stepsPerEpoch. */
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  /** Fraction of the cycle spent increasing the rate (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD momentum, or Adam's beta1) inversely to the rate (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  /** initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to initial, annihilate) instead of two (default false). */
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  lr: [keyof PhaseEnds, keyof PhaseEnds];
  mom: ['max' | 'base', 'max' | 'base'];
}
interface PhaseEnds {
  initial: number;
  max: number;
  min: number;
}

/** The 1cycle policy (Smith & Topor 2017), stepped once per batch. */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly #phases: Phase[];
  readonly #ends: PhaseEnds[];
  readonly #cos: boolean;
  readonly #cycleMomentum: boolean;
  readonly #baseMomentum: number;
  readonly #maxMomentum: number;

  constructor(
    optimizer: AnyOptimizer,
    ...args:
      | [options: OneCycleOptions]
      | [
          maxLr: number | number[],
          totalSteps?: number | null,
          epochs?: number | null,
          stepsPerEpoch?: number | null,
          options?: Omit<OneCycleOptions, 'maxLr'>,
        ]
  ) {
    super(optimizer);
    const o = ONE_CYCLE.parse<OneCycleOptions>(args);
    this.totalSteps =
      o.totalSteps !== undefined && o.totalSteps !== null
        ? positiveInt(o.totalSteps, 'totalSteps')
        : positiveInt(o.epochs, 'epochs') * positiveInt(o.stepsPerEpoch, 'stepsPerEpoch');
    const pct = o.pctStart ?? 0.3;
    if (typeof pct !== 'number' || !(pct > 0 && pct < 1)) throw argRangeError('pctStart', 'number in (0, 1)', pct);
    const groups = optimizer.paramGroups.length;
    const maxLrs = Array.isArray(o.maxLr) ? o.maxLr : new Array<number>(groups).fill(o.maxLr);
    if (maxLrs.length !== groups) throw argRangeError('maxLr', `${groups} values (one per group)`, maxLrs);
    maxLrs.forEach((m, i) => positiveFinite(m, `maxLr[${i}]`));
    const div = positiveFinite(o.divFactor ?? 25, 'divFactor');
    const finalDiv = positiveFinite(o.finalDivFactor ?? 1e4, 'finalDivFactor');
    this.#ends = maxLrs.map((max) => ({ initial: max / div, max, min: max / div / finalDiv }));
    const t = this.totalSteps;
    this.#phases = o.threePhase
      ? [
          { endStep: pct * t - 1, lr: ['initial', 'max'], mom: ['max', 'base'] },
          { endStep: 2 * pct * t - 2, lr: ['max', 'initial'], mom: ['base', 'max'] },
          { endStep: t - 1, lr: ['initial', 'min'], mom: ['max', 'max'] },
        ]
      : [
          { endStep: pct * t - 1, lr: ['initial', 'max'], mom: ['max', 'base'] },
          { endStep: t - 1, lr: ['max', 'min'], mom: ['base', 'max'] },
        ];
    this.#cos = (o.annealStrategy ?? 'cos') === 'cos';
    if (o.annealStrategy !== undefined && o.annealStrategy !== 'cos' && o.annealStrategy !== 'linear') {
      throw argRangeError('annealStrategy', `'cos' or 'linear'`, o.annealStrategy);
    }
    this.#cycleMomentum = o.cycleMomentum ?? true;
    this.#baseMomentum = o.baseMomentum ?? 0.85;
    this.#maxMomentum = o.maxMomentum ?? 0.95;
    if (this.#cycleMomentum) {
      const g0 = optimizer.paramGroups[0] as Group;
      if (g0.momentum === undefined && g0.betas === undefined) {
        throw new RangeError('optimizer has neither momentum nor betas: pass cycleMomentum: false');
      }
    }
    this.start();
  }

  #anneal(start: number, end: number, pct: number): number {
    return this.#cos ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
  }

  protected lrAt(step: number): number[] {
    if (step > this.totalSteps) {
      throw new RangeError(`OneCycleLR stepped ${step} times but totalSteps is ${this.totalSteps}`);
    }
    let startStep = 0;
    let phase = this.#phases[this.#phases.length - 1]!;
    let pct = 0;
    for (let i = 0; i < this.#phases.length; i++) {
      const p = this.#phases[i]!;
      if (step <= p.endStep || i === this.#phases.length - 1) {
        phase = p;
        pct = (step - startStep) / (p.endStep - startStep);
        break;
      }
      startStep = p.endStep;
    }
    if (this.#cycleMomentum) {
      const m = { max: this.#maxMomentum, base: this.#baseMomentum };
      const momentum = this.#anneal(m[phase.mom[0]], m[phase.mom[1]], pct);
      for (const g of this.optimizer.paramGroups as unknown as Group[]) {
        if (g.betas !== undefined) g.betas = [momentum, g.betas[1]];
        else g.momentum = momentum;
      }
    }
    return this.#ends.map((e) => this.#anneal(e[phase.lr[0]], e[phase.lr[1]], pct));
  }
}

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should go down; 'max': up. */
  mode?: 'min' | 'max';
  /** Multiply the rate by this on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  /** What counts as an improvement (default 1e-4, relative). */
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction (default 0). */
  cooldown?: number;
  /** Lower bound on the rate (default 0). */
  minLr?: number;
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/** Reduces the rate when a metric stops improving; step(metric) once per epoch. */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLr: number;
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(
    optimizer: AnyOptimizer,
    ...args:
      | [options?: ReduceLROnPlateauOptions]
      | [mode?: 'min' | 'max', factor?: number, patience?: number, options?: ReduceLROnPlateauOptions]
  ) {
    if (typeof optimizer !== 'object' || optimizer === null || !Array.isArray(optimizer.paramGroups)) {
      throw argTypeError('optimizer', 'Optimizer', optimizer);
    }
    const options = PLATEAU.parse<ReduceLROnPlateauOptions>(args);
    this.optimizer = optimizer;
    this.mode = options.mode ?? 'min';
    if (this.mode !== 'min' && this.mode !== 'max') throw argRangeError('mode', `'min' or 'max'`, this.mode);
    this.factor = options.factor ?? 0.1;
    if (typeof this.factor !== 'number' || !(this.factor >= 0 && this.factor < 1))
      throw argRangeError('factor', 'number in [0, 1)', this.factor);
    this.patience = options.patience ?? 10;
    if (!Number.isInteger(this.patience) || this.patience < 0)
      throw argRangeError('patience', 'non-negative integer', this.patience);
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs')
      throw argRangeError('thresholdMode', `'rel' or 'abs'`, this.thresholdMode);
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    this.eps = options.eps ?? 1e-8;
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  #isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  /** Records this epoch's metric; reduces the rates after `patience` epochs without improvement. */
  step(metric: number): void {
    if (typeof metric !== 'number') throw argTypeError('metric', 'number', metric);
    this.lastEpoch++;
    if (this.#isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      for (const g of this.optimizer.paramGroups as unknown as Group[]) {
        const next = Math.max(g.lr * this.factor, this.minLr);
        if (g.lr - next > this.eps) g.lr = next;
      }
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => (g as Group).lr);
  }
}
