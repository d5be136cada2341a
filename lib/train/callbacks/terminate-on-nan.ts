/** TerminateOnNaN: stops training after the first batch whose loss is NaN or infinite (Keras). */
import type { Logs } from '../history.js';
import { Callback } from './callback.js';

export class TerminateOnNaN extends Callback {
  /** The batch of the epoch whose loss was not finite, or -1. */
  terminatedAt = -1;

  onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      this.terminatedAt = batch;
      this.context.note(`Batch ${batch}: invalid loss, terminating training`);
      this.model.stopTraining = true;
    }
  }
}
