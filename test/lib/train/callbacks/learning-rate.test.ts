// LearningRateScheduler (Keras's schedule function, or an optim.LRScheduler stepped per epoch)
// and ReduceLROnPlateau (Keras's counting over optim.ReduceLROnPlateau); `lr` in the logs.
import { describe, expect, it } from 'vitest';
import { callbacks, optim } from '../../../../lib/index.js';
import { contextFor } from '../../../helpers/callbacks.js';
import { expectRejects, expectThrows } from '../../../helpers/errors.js';
import { blobs, mlp } from '../../../helpers/train.js';

const { x, y } = blobs(8, 2, 2, 1);

describe('LearningRateScheduler', () => {
  it('sets each epoch rate from a schedule function before the epoch', async () => {
    const model = mlp(2, 3, 2);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const used: number[] = [];
    const h = await model.fit(x, y, {
      loss: 'crossEntropy',
      optimizer: opt,
      epochs: 4,
      batchSize: 8,
      verbose: 0,
      callbacks: [
        new callbacks.LearningRateScheduler((epoch, lr) => (epoch < 2 ? lr : lr / 2)),
        {
          onEpochBegin: () => {
            used.push(opt.paramGroups[0]!.lr);
          },
        },
      ],
    });
    expect(used).toEqual([0.1, 0.1, 0.05, 0.025]);
    expect(h.history.lr).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  it('steps an LRScheduler at the end of each epoch', async () => {
    const model = mlp(2, 3, 2);
    const opt = new optim.SGD(model.parameters(), { lr: 0.8 });
    const h = await model.fit(x, y, {
      loss: 'crossEntropy',
      optimizer: opt,
      epochs: 3,
      verbose: 0,
      callbacks: [new callbacks.LearningRateScheduler(new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 }))],
    });
    expect(h.history.lr).toEqual([0.4, 0.2, 0.1]);
  });

  it('rejects a scheduler of another optimizer before training, and bad schedules', async () => {
    const model = mlp(2, 3, 2);
    const other = new optim.SGD(mlp(2, 3, 2, 1).parameters(), { lr: 1 });
    await expectRejects(
      model.fit(x, y, {
        loss: 'crossEntropy',
        verbose: 0,
        callbacks: [new callbacks.LearningRateScheduler(new optim.StepLR(other, { stepSize: 1 }))],
      }),
      RangeError,
      'LearningRateScheduler: the scheduler drives another optimizer than the one fit() trains with; pass that optimizer to fit()',
    );
    await expectRejects(
      model.fit(x, y, {
        loss: 'crossEntropy',
        optimizer: 'sgd',
        verbose: 0,
        callbacks: [new callbacks.LearningRateScheduler(() => -1)],
      }),
      RangeError,
      'Expected finite non-negative number for schedule(0, 0.001) but received -1 of type number',
    );
    expectThrows(
      () => new callbacks.LearningRateScheduler(0.1 as never),
      TypeError,
      'Expected function (epoch, lr) => lr or LRScheduler for schedule but received 0.1 of type number',
    );
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after patience epochs without improvement (Keras counting), with cooldown and a floor', () => {
    const model = mlp(2, 3, 2);
    const ctx = contextFor(model, ['loss', 'val_loss']);
    const cb = new callbacks.ReduceLROnPlateau({ patience: 2, factor: 0.5, minLr: 0.2 });
    cb.setContext(ctx);
    cb.onTrainBegin();
    const lrs: number[] = [];
    for (let e = 0; e < 7; e++) {
      const logs: Record<string, number> = { loss: 0, val_loss: 1 };
      cb.onEpochEnd(e, logs);
      lrs.push(logs.lr!);
    }
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.2]);
  });

  it('counts an improvement only beyond minDelta', () => {
    const model = mlp(2, 3, 2);
    const cb = new callbacks.ReduceLROnPlateau({ patience: 1, factor: 0.1, minDelta: 0.1, monitor: 'val_loss' });
    cb.setContext(contextFor(model, ['loss', 'val_loss']));
    cb.onTrainBegin();
    const lrs = [1, 0.95, 0.5].map((v, e) => {
      const logs: Record<string, number> = { val_loss: v };
      cb.onEpochEnd(e, logs);
      return logs.lr;
    });
    expect(lrs).toEqual([1, 0.1, 0.1]);
  });

  it('checks its options', () => {
    expectThrows(
      () => new callbacks.ReduceLROnPlateau({ factor: 1 }),
      RangeError,
      'Expected number in [0, 1) for factor but received 1 of type number',
    );
  });
});
