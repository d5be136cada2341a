/**
 * History: what fit() returns, as Keras's History object: `epoch` (the epoch indices, from 0)
 * and `history` (one array per logged value, one value per epoch). Keys are Keras's: `loss`,
 * `accuracy`, `val_loss`, `val_accuracy` ...; each `val_*` key also answers to its camelCase name
 * (`valLoss`, `valAccuracy`), not enumerated, so iterating or serializing lists every series once.
 */
import type { History as ReportHistory } from '../report/render.js';

/** Values of one epoch or batch by name: loss, metrics, val_loss ... */
export type Logs = Record<string, number>;

export interface HistoryRecord {
  loss: number[];
  val_loss?: number[];
  valLoss?: number[];
  accuracy?: number[];
  val_accuracy?: number[];
  valAccuracy?: number[];
  [key: string]: number[] | undefined;
}

/** 'val_sparse_categorical_accuracy' -> 'valSparseCategoricalAccuracy'. */
export function camelKey(key: string): string {
  return key.replace(/_([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}

export class History {
  /** The epochs that ran, numbered from 0 (with initialEpoch, from there). */
  readonly epoch: number[] = [];
  readonly history: HistoryRecord = { loss: [] };
  /** True when fit() was aborted through its signal (the epochs recorded are those that finished). */
  aborted = false;

  /** Appends one epoch's logs. */
  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    const h = this.history as Record<string, number[] | undefined>;
    for (const [key, value] of Object.entries(logs)) {
      let series = h[key];
      if (series === undefined) {
        series = [];
        h[key] = series;
        const alias = camelKey(key);
        if (alias !== key && !(alias in h)) Object.defineProperty(h, alias, { get: () => h[key], enumerable: false });
      }
      series.push(value);
    }
  }

  /** The series the HTML report draws (report.renderReport's History). */
  toReport(): ReportHistory {
    const h = this.history;
    const accKey = [
      'accuracy',
      'acc',
      'sparseCategoricalAccuracy',
      'sparse_categorical_accuracy',
      'categoricalAccuracy',
      'categorical_accuracy',
      'binaryAccuracy',
      'binary_accuracy',
    ].find((k) => h[k] !== undefined);
    const out: { -readonly [K in keyof ReportHistory]: ReportHistory[K] } = {
      epoch: [...this.epoch],
      trainLoss: [...h.loss],
    };
    if (h.val_loss !== undefined) out.valLoss = [...h.val_loss];
    if (accKey !== undefined) {
      out.trainAcc = [...h[accKey]!];
      const val = h[`val_${accKey}`];
      if (val !== undefined) out.valAcc = [...val];
    }
    return out;
  }
}
