// EarlyStopping: Keras's counting (patience, minDelta, baseline, mode), restoring the best
// weights at the end of training, and monitor names checked before training.
import { describe, expect, it } from 'vitest';
import { callbacks, type nn } from '../../../../lib/index.js';
import { contextFor } from '../../../helpers/callbacks.js';
import { expectRejects, expectThrows } from '../../../helpers/errors.js';
import { blobs, mlp, weightsOf } from '../../../helpers/train.js';

/** Feeds `values` of `key` epoch by epoch; returns the epoch after which training stopped (or -1). */
function run(es: callbacks.EarlyStopping, model: nn.Module, key: string, values: number[]): number {
  es.setContext(contextFor(model, ['loss', key]));
  model.stopTraining = false;
  es.onTrainBegin();
  for (let e = 0; e < values.length; e++) {
    es.onEpochEnd(e, { loss: 0, [key]: values[e]! });
    if (model.stopTraining) return e;
  }
  return -1;
}

describe('EarlyStopping', () => {
  const model = mlp(2, 2, 2);

  it('stops after patience epochs without improvement', () => {
    expect(run(new callbacks.EarlyStopping({ patience: 2 }), model, 'val_loss', [1, 0.9, 0.95, 0.96, 0.8])).toBe(3);
    expect(run(new callbacks.EarlyStopping({ patience: 0 }), model, 'val_loss', [1, 1.1])).toBe(1);
    expect(run(new callbacks.EarlyStopping({ patience: 0 }), model, 'val_loss', [1, 0.9, 0.8])).toBe(-1);
  });

  it('needs improvements larger than minDelta', () => {
    expect(run(new callbacks.EarlyStopping({ patience: 1, minDelta: 0.1 }), model, 'val_loss', [1, 0.95, 0.91])).toBe(
      1,
    );
    expect(run(new callbacks.EarlyStopping({ patience: 1, minDelta: 0.1 }), model, 'val_loss', [1, 0.85, 0.7])).toBe(
      -1,
    );
  });

  it("watches accuracies upwards in mode 'auto', and takes camelCase names", () => {
    const es = new callbacks.EarlyStopping({ monitor: 'valAccuracy', patience: 1 });
    expect(run(es, model, 'val_accuracy', [0.5, 0.6, 0.55])).toBe(2);
    expect(es.best).toBe(0.6);
    expect(
      run(
        new callbacks.EarlyStopping({ monitor: 'val_loss', mode: 'max', patience: 1 }),
        model,
        'val_loss',
        [1, 2, 1.5],
      ),
    ).toBe(2);
  });

  it('does not reset the count for improvements that miss the baseline', () => {
    // improving every epoch but never below 0.5: the count runs on, and the first
    // non-improving epoch past patience stops
    expect(
      run(new callbacks.EarlyStopping({ patience: 2, baseline: 0.5 }), model, 'val_loss', [0.9, 0.8, 0.7, 0.75]),
    ).toBe(3);
    expect(run(new callbacks.EarlyStopping({ patience: 2, baseline: 0.5 }), model, 'val_loss', [0.9, 0.4, 0.45])).toBe(
      -1,
    );
  });

  it('restores the weights of the best epoch when training ends', () => {
    const m = mlp(2, 3, 2);
    const es = new callbacks.EarlyStopping({ patience: 5, restoreBestWeights: true });
    es.setContext(contextFor(m, ['loss', 'val_loss']));
    es.onTrainBegin();
    const snapshots: Record<string, number[]>[] = [];
    [1, 0.5, 0.7].forEach((v, e) => {
      for (const p of m.parameters()) p.data.fill(e + 1);
      snapshots.push(weightsOf(m));
      es.onEpochEnd(e, { loss: 0, val_loss: v });
    });
    es.onTrainEnd();
    expect(weightsOf(m)).toEqual(snapshots[1]);
    expect(es.bestEpoch).toBe(1);
  });

  it('in fit: stops early, says so, and rejects an unknown monitor before training', async () => {
    const { x, y } = blobs(20, 2, 2, 3);
    const m = mlp(2, 4, 2);
    const notes: string[] = [];
    const es = new callbacks.EarlyStopping({ monitor: 'loss', patience: 1, minDelta: 100, verbose: 1 });
    const h = await m.fit(x, y, {
      loss: 'crossEntropy',
      epochs: 10,
      printer: { isTTY: false, write: (t) => notes.push(t) },
      callbacks: [es],
    });
    expect(h.epoch).toEqual([0, 1]);
    expect(notes.at(-1)).toBe('Epoch 2: early stopping\n');
    await expectRejects(
      m.fit(x, y, { loss: 'crossEntropy', callbacks: [new callbacks.EarlyStopping()], verbose: 0 }),
      RangeError,
      'EarlyStopping: monitor "val_loss" is not a value fit() logs (validation values need validationSplit or validationData); it logs loss',
    );
    await expectRejects(
      m.fit(x, y, {
        loss: 'crossEntropy',
        metrics: ['acc'],
        validationSplit: 0.5,
        callbacks: [new callbacks.EarlyStopping({ monitor: 'val_accuracy' })],
        verbose: 0,
      }),
      RangeError,
      'EarlyStopping: monitor "val_accuracy" is not a value fit() logs; it logs loss, acc, val_loss, val_acc',
    );
  });

  it('checks its options', () => {
    expectThrows(
      () => new callbacks.EarlyStopping({ patience: -1 }),
      RangeError,
      'Expected non-negative integer for patience but received -1 of type number',
    );
    expectThrows(
      () => new callbacks.EarlyStopping({ mode: 'down' as never }),
      RangeError,
      `Expected 'auto', 'min' or 'max' for mode but received "down" of type string`,
    );
    expectThrows(() => new callbacks.EarlyStopping().model, Error, 'EarlyStopping is not attached to a fit() run yet');
  });
});
