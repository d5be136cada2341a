// History: Keras keys, camelCase aliases that are not enumerated, and the report's series.
import { describe, expect, it } from 'vitest';
import { History, report } from '../../../lib/index.js';

describe('History', () => {
  it('records epochs with Keras keys and camelCase aliases for val_ keys', () => {
    const h = new History();
    h.record(0, { loss: 1, accuracy: 0.5, val_loss: 1.2, val_accuracy: 0.4 });
    h.record(1, { loss: 0.5, accuracy: 0.7, val_loss: 0.9, val_accuracy: 0.6 });
    expect(h.epoch).toEqual([0, 1]);
    expect(h.history.loss).toEqual([1, 0.5]);
    expect(h.history.val_loss).toEqual([1.2, 0.9]);
    expect(h.history.valLoss).toBe(h.history.val_loss);
    expect(h.history.valAccuracy).toEqual([0.4, 0.6]);
    expect(Object.keys(h.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(JSON.parse(JSON.stringify(h.history))).toEqual({
      loss: [1, 0.5],
      accuracy: [0.5, 0.7],
      val_loss: [1.2, 0.9],
      val_accuracy: [0.4, 0.6],
    });
    expect(h.aborted).toBe(false);
  });

  it('gives the series the HTML report draws', () => {
    const h = new History();
    h.record(0, { loss: 1, acc: 0.5, val_loss: 2, val_acc: 0.25 });
    const r = h.toReport();
    expect(r).toEqual({ epoch: [0], trainLoss: [1], valLoss: [2], trainAcc: [0.5], valAcc: [0.25] });
    expect(report.renderReport({ title: 't', runs: [{ name: 'run', history: r }] })).toContain('<svg');
  });
});
