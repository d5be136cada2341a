// The callback plumbing: hooks in order with Keras's arguments, a Callback subclass sees the
// model, optimizer and params, and aborting rejects with the signal's reason.
import { describe, expect, it } from 'vitest';
import { callbacks, type Logs } from '../../../../lib/index.js';
import { blobs, mlp } from '../../../helpers/train.js';

describe('callbacks', () => {
  it('are called in Keras order with epoch and batch numbers', async () => {
    const { x, y } = blobs(6, 2, 2, 1);
    const model = mlp(2, 3, 2);
    const events: string[] = [];
    const log =
      (name: string) =>
      (...args: unknown[]) => {
        events.push(
          `${name}(${args.map((a) => (typeof a === 'object' ? Object.keys(a as object).join('|') : String(a))).join(', ')})`,
        );
      };
    await model.fit(x, y, {
      loss: 'crossEntropy',
      batchSize: 4,
      verbose: 0,
      validationData: [x, y],
      initialEpoch: 1,
      epochs: 3,
      callbacks: [
        {
          onTrainBegin: log('trainBegin'),
          onEpochBegin: log('epochBegin'),
          onBatchBegin: log('batchBegin'),
          onBatchEnd: log('batchEnd'),
          onEpochEnd: log('epochEnd'),
          onTrainEnd: log('trainEnd'),
        },
      ],
    });
    expect(events).toEqual([
      'trainBegin()',
      'epochBegin(1, )',
      'batchBegin(0, batch|size)',
      'batchEnd(0, batch|size|loss)',
      'batchBegin(1, batch|size)',
      'batchEnd(1, batch|size|loss)',
      'epochEnd(1, loss|val_loss)',
      'epochBegin(2, )',
      'batchBegin(0, batch|size)',
      'batchEnd(0, batch|size|loss)',
      'batchBegin(1, batch|size)',
      'batchEnd(1, batch|size|loss)',
      'epochEnd(2, loss|val_loss)',
      'trainEnd(loss|val_loss)',
    ]);
  });

  it('a Callback subclass receives the model, the optimizer and the params', async () => {
    const { x, y } = blobs(10, 2, 2, 2);
    const model = mlp(2, 3, 2);
    let seen: unknown[] = [];
    class Spy extends callbacks.Callback {
      onTrainBegin(): void {
        seen = [this.model === model, this.optimizer.constructor.name, this.params];
      }
    }
    await model.fit(x, y, {
      loss: 'crossEntropy',
      optimizer: 'rmsprop',
      metrics: ['accuracy'],
      epochs: 2,
      batchSize: 3,
      validationSplit: 0.2,
      verbose: 2,
      printer: { isTTY: false, write() {} },
      callbacks: [new Spy()],
    });
    expect(seen).toEqual([
      true,
      'RMSprop',
      {
        epochs: 2,
        initialEpoch: 0,
        steps: 3,
        samples: 8,
        batchSize: 3,
        verbose: 2,
        metrics: ['loss', 'accuracy', 'val_loss', 'val_accuracy'],
        validation: true,
      },
    ]);
  });
});

describe('abort', () => {
  it('rejects with the signal reason at the next batch boundary; history keeps the finished epochs; no more callbacks', async () => {
    const { x, y } = blobs(12, 2, 2, 3);
    const model = mlp(2, 3, 2);
    const controller = new AbortController();
    const events: string[] = [];
    const reason = new Error('shutting down');
    const run = model.fit(x, y, {
      loss: 'crossEntropy',
      epochs: 5,
      batchSize: 4,
      verbose: 0,
      signal: controller.signal,
      callbacks: [
        {
          onBatchEnd: (b: number, logs: Logs) => {
            events.push(`b${b}`);
            if (b === 1 && events.includes('e0')) controller.abort(reason);
            void logs;
          },
          onEpochEnd: (e: number) => {
            events.push(`e${e}`);
          },
          onTrainEnd: () => {
            events.push('end');
          },
        },
      ],
    });
    await expect(run).rejects.toBe(reason);
    expect(events).toEqual(['b0', 'b1', 'b2', 'e0', 'b0', 'b1']);
    expect(model.history!.epoch).toEqual([0]);
    expect(model.history!.aborted).toBe(true);
  });

  it('rejects with an AbortError DOMException by default', async () => {
    const { x, y } = blobs(8, 2, 2, 4);
    const model = mlp(2, 3, 2);
    const controller = new AbortController();
    const run = model.fit(x, y, {
      loss: 'crossEntropy',
      epochs: 2,
      batchSize: 2,
      verbose: 0,
      signal: controller.signal,
      callbacks: [{ onBatchBegin: () => controller.abort() }],
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});
