/**
 * EarlyStopping: stops training when a monitored value has stopped improving, with Keras's
 * options and rules (Keras 3): an epoch improves on the best by more than minDelta; after
 * `patience` epochs without improvement training stops; with `baseline`, improvements that do
 * not beat the baseline do not reset the count. With restoreBestWeights, the weights of the best
 * epoch are put back when training ends (whether it stopped early or ran out of epochs).
 */
import { argTypeError } from '../../errors.js';
import { Tensor } from '../../tensor.js';
import type { Logs } from '../history.js';
import { Callback, type TrainingContext } from './callback.js';
import {
  checkMode,
  checkMonitor,
  count,
  direction,
  flag,
  type MonitorMode,
  nonNegative,
  resolveMonitor,
} from './monitor.js';

export interface EarlyStoppingOptions {
  /** The logged value to watch (default 'val_loss'). */
  monitor?: string;
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 'min', 'max', or 'auto' (default: 'max' for accuracies, else 'min'). */
  mode?: MonitorMode;
  /** Put back the best epoch's weights when training ends (default false). */
  restoreBestWeights?: boolean;
  /** A value the monitored one must beat for the patience count to reset. */
  baseline?: number;
  /** Epochs to run before watching (default 0). */
  startFromEpoch?: number;
  /** Print a line when stopping and when restoring (default 0). */
  verbose?: 0 | 1;
}

export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: MonitorMode;
  readonly restoreBestWeights: boolean;
  readonly baseline: number | undefined;
  readonly startFromEpoch: number;
  readonly verbose: 0 | 1;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch training stopped after (0: it did not stop early). */
  stoppedEpoch = 0;
  best = Number.POSITIVE_INFINITY;
  bestEpoch = 0;
  #key = '';
  #max = false;
  #bestWeights: Record<string, Tensor> | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = checkMonitor(options.monitor);
    this.minDelta = Math.abs(nonNegative(options.minDelta, 'minDelta', 0));
    this.patience = count(options.patience, 'patience', 0);
    this.mode = checkMode(options.mode);
    this.restoreBestWeights = flag(options.restoreBestWeights, 'restoreBestWeights', false);
    if (options.baseline !== undefined && typeof options.baseline !== 'number')
      throw argTypeError('baseline', 'number', options.baseline);
    this.baseline = options.baseline;
    this.startFromEpoch = count(options.startFromEpoch, 'startFromEpoch', 0);
    this.verbose = options.verbose === 1 ? 1 : 0;
  }

  override setContext(context: TrainingContext): void {
    super.setContext(context);
    this.#key = resolveMonitor('EarlyStopping', this.monitor, context.params);
    this.#max = direction(this.mode, this.#key) === 'max';
  }

  #improves(value: number, reference: number): boolean {
    return this.#max ? value - this.minDelta > reference : value + this.minDelta < reference;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.#max ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    this.bestEpoch = 0;
    this.#bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.#key];
    if (current === undefined || epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.#bestWeights === null) this.#bestWeights = this.#snapshot();
    this.wait++;
    if (this.#improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.#bestWeights = this.#snapshot();
      if (this.baseline === undefined || this.#improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) this.context.note(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.#bestWeights !== null) {
      if (this.verbose > 0)
        this.context.note(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model.loadStateDict(this.#bestWeights);
    }
  }

  #snapshot(): Record<string, Tensor> {
    const state = this.model.stateDict();
    return Object.fromEntries(Object.entries(state).map(([k, t]) => [k, new Tensor(t.data.slice(), t.shape)]));
  }
}
