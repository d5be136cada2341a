/**
 * Learning-rate callbacks. LearningRateScheduler takes Keras's schedule function, called at the
 * start of each epoch with the epoch and the current rate (once per parameter group), or one of
 * optim's LRSchedulers (StepLR, CosineAnnealingLR ...), stepped at the end of each epoch as a
 * PyTorch loop does. ReduceLROnPlateau wraps optim.ReduceLROnPlateau with Keras's options and
 * counting (reduce after `patience` epochs without an improvement larger than minDelta). Both
 * add the rate of the first group to the epoch's logs as `lr`.
 */
import { argRangeError, argTypeError } from '../../errors.js';
import { ReduceLROnPlateau as Plateau, LRScheduler } from '../optim/schedulers.js';
import type { Logs } from '../history.js';
import { Callback, type TrainingContext } from './callback.js';
import { checkMode, checkMonitor, count, direction, type MonitorMode, nonNegative, resolveMonitor } from './monitor.js';

type Group = { lr: number };

function groups(context: TrainingContext): Group[] {
  return context.optimizer.paramGroups as unknown as Group[];
}

export type Schedule = (epoch: number, lr: number) => number;

export class LearningRateScheduler extends Callback {
  readonly schedule: Schedule | LRScheduler;
  readonly verbose: 0 | 1;

  constructor(schedule: Schedule | LRScheduler, options: { verbose?: 0 | 1 } = {}) {
    super();
    if (typeof schedule !== 'function' && !(schedule instanceof LRScheduler)) {
      throw argTypeError('schedule', 'function (epoch, lr) => lr or LRScheduler', schedule);
    }
    this.schedule = schedule;
    this.verbose = options.verbose === 1 ? 1 : 0;
  }

  override setContext(context: TrainingContext): void {
    super.setContext(context);
    if (this.schedule instanceof LRScheduler && this.schedule.optimizer !== (context.optimizer as unknown)) {
      throw new RangeError(
        'LearningRateScheduler: the scheduler drives another optimizer than the one fit() trains with; pass that optimizer to fit()',
      );
    }
  }

  onEpochBegin(epoch: number): void {
    const schedule = this.schedule;
    if (typeof schedule !== 'function') return;
    for (const g of groups(this.context)) {
      const lr = schedule(epoch, g.lr);
      if (typeof lr !== 'number') throw argTypeError(`schedule(${epoch}, ${g.lr})`, 'number', lr);
      if (!(lr >= 0) || !Number.isFinite(lr))
        throw argRangeError(`schedule(${epoch}, ${g.lr})`, 'finite non-negative number', lr);
      g.lr = lr;
    }
    if (this.verbose > 0)
      this.context.note(
        `Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${groups(this.context)[0]!.lr}.`,
      );
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    if (this.schedule instanceof LRScheduler) this.schedule.step();
    logs.lr = groups(this.context)[0]!.lr;
  }
}

export interface ReduceLROnPlateauOptions {
  /** The logged value to watch (default 'val_loss'). */
  monitor?: string;
  /** Multiply the rate by this on a plateau (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  mode?: MonitorMode;
  /** The least change that counts as an improvement, absolute (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the rate (default 0). */
  minLr?: number;
  verbose?: 0 | 1;
}

export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: MonitorMode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: 0 | 1;
  #key = '';
  #plateau: Plateau | null = null;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    super();
    this.monitor = checkMonitor(options.monitor);
    this.factor = nonNegative(options.factor, 'factor', 0.1);
    if (this.factor >= 1) throw argRangeError('factor', 'number in [0, 1)', this.factor);
    this.patience = count(options.patience, 'patience', 10);
    this.mode = checkMode(options.mode);
    this.minDelta = nonNegative(options.minDelta, 'minDelta', 1e-4);
    this.cooldown = count(options.cooldown, 'cooldown', 0);
    this.minLr = nonNegative(options.minLr, 'minLr', 0);
    this.verbose = options.verbose === 1 ? 1 : 0;
  }

  override setContext(context: TrainingContext): void {
    super.setContext(context);
    this.#key = resolveMonitor('ReduceLROnPlateau', this.monitor, context.params);
  }

  onTrainBegin(): void {
    // Keras reduces once `patience` epochs in a row fail to improve; PyTorch's scheduler once
    // more than its patience do: hence patience - 1.
    this.#plateau = new Plateau(this.optimizer as never, {
      mode: direction(this.mode, this.#key),
      factor: this.factor,
      patience: Math.max(this.patience - 1, 0),
      threshold: this.minDelta,
      thresholdMode: 'abs',
      cooldown: this.cooldown,
      minLr: this.minLr,
    });
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.#key];
    const plateau = this.#plateau;
    if (plateau === null) return;
    const before = groups(this.context)[0]!.lr;
    if (current !== undefined) plateau.step(current);
    const after = groups(this.context)[0]!.lr;
    if (after !== before && this.verbose > 0)
      this.context.note(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${after}.`);
    logs.lr = after;
  }
}
