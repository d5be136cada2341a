// fit(): training, History, epochs and resumption, validation split, modes, stopTraining,
// async callbacks, verbose output, and the optimizer and loss options.
import { describe, expect, it } from 'vitest';
import { type Logs, nn, optim, ops, tensor, type Tensor } from '../../../lib/index.js';
import { expectRejects } from '../../helpers/errors.js';
import { blobs, capturePrinter, mlp, weightsOf } from '../../helpers/train.js';

describe('fit', () => {
  it('trains: the loss falls and accuracy rises; History has Keras and camelCase keys', async () => {
    const { x, y } = blobs(120, 4, 3, 1, 0.3);
    const model = mlp(4, 16, 3);
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
    const h = await model.fit(x, y, {
      loss: 'crossEntropy',
      optimizer,
      epochs: 6,
      batchSize: 16,
      metrics: ['accuracy'],
      validationSplit: 0.25,
      verbose: 0,
      seed: 3,
    });
    expect(h.epoch).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Object.keys(h.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(h.history.valLoss).toBe(h.history.val_loss);
    expect(h.history.loss[5]!).toBeLessThan(0.5 * h.history.loss[0]!);
    expect(h.history.val_accuracy![5]!).toBeGreaterThan(0.9);
    expect(model.history).toBe(h);
  });

  it('logs the sample-weighted mean loss of the epoch', async () => {
    const { x, y } = blobs(10, 2, 2, 2);
    const model = mlp(2, 4, 2);
    const seen: number[] = [];
    const sizes: number[] = [];
    // A loss equal to the batch size (with a gradient path through the output, of zeros).
    const h = await model.fit(x, y, {
      loss: (o: Tensor, t: Int32Array) => ops.add(ops.mean(ops.mul(o, 0)), t.length),
      epochs: 1,
      batchSize: 4,
      shuffle: false,
      verbose: 0,
      callbacks: [
        {
          onBatchEnd: (_b: number, logs: Logs) => {
            seen.push(logs.loss!);
            sizes.push(logs.size!);
          },
        },
      ],
    });
    // batches of 4, 4, 2: losses 4, 4, 2 -> running means 4, 4, (4*4 + 4*4 + 2*2) / 10
    expect(sizes).toEqual([4, 4, 2]);
    expect(seen).toEqual([4, 4, 3.6]);
    expect(h.history.loss).toEqual([3.6]);
  });

  it('gives the same weights for the same seed, and a run resumed at initialEpoch continues it exactly', async () => {
    const { x, y } = blobs(50, 3, 2, 4);
    const run = async (plan: [number, number][]) => {
      const model = mlp(3, 8, 2, 5);
      const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
      for (const [initialEpoch, epochs] of plan) {
        await model.fit(x, y, {
          loss: 'crossEntropy',
          optimizer: opt,
          initialEpoch,
          epochs,
          batchSize: 8,
          seed: 9,
          verbose: 0,
        });
      }
      return weightsOf(model);
    };
    const straight = await run([[0, 4]]);
    expect(await run([[0, 4]])).toEqual(straight);
    expect(
      await run([
        [0, 2],
        [2, 4],
      ]),
    ).toEqual(straight);
    // another seed visits the samples in another order
    const model = mlp(3, 8, 2, 5);
    await model.fit(x, y, {
      loss: 'crossEntropy',
      optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }),
      epochs: 4,
      batchSize: 8,
      seed: 10,
      verbose: 0,
    });
    expect(weightsOf(model)).not.toEqual(straight);
  });

  it('holds out the last fraction of the samples, before shuffling, for validation', async () => {
    const { x, y } = blobs(20, 2, 2, 5);
    const model = mlp(2, 4, 2);
    const trainSeen = new Set<number>();
    const valSeen = new Set<number>();
    let started = false; // fit's trial run on a zero sample (to learn the output shape) comes before
    const probe = new (class extends nn.Module {
      inner = model;
      forward(input: Tensor): Tensor {
        if (started)
          for (let r = 0; r < input.shape[0]!; r++) (this.training ? trainSeen : valSeen).add(input.data[r * 2]!);
        return this.inner.call(input);
      }
    })();
    await probe.fit(x, y, {
      loss: 'crossEntropy',
      epochs: 2,
      batchSize: 4,
      validationSplit: 0.3,
      verbose: 0,
      callbacks: [
        {
          onTrainBegin: () => {
            started = true;
          },
        },
      ],
    });
    const first = (rows: number[]) => new Set(rows.map((r) => x.data[r * 2]!));
    expect(valSeen).toEqual(first([14, 15, 16, 17, 18, 19]));
    expect(trainSeen).toEqual(first([...Array(14).keys()]));
  });

  it('calls model.train() at the start and leaves the model in training mode; onTrainBegin can freeze a submodule', async () => {
    const { x, y } = blobs(8, 2, 2, 6);
    const model = mlp(2, 4, 2);
    const frozen = model.at(1);
    const modes: boolean[] = [];
    let started = false;
    const spy = new (class extends nn.Module {
      inner = model;
      forward(input: Tensor): Tensor {
        if (started) modes.push(frozen.training);
        return this.inner.call(input);
      }
    })();
    spy.eval();
    await spy.fit(x, y, {
      loss: 'crossEntropy',
      epochs: 1,
      batchSize: 4,
      verbose: 0,
      callbacks: [
        {
          onTrainBegin: () => {
            started = true;
            frozen.eval();
          },
        },
      ],
    });
    expect(modes).toEqual([false, false]);
    expect(spy.training).toBe(true);
    expect(model.at(0).training).toBe(true);
    expect(frozen.training).toBe(false);
  });

  it('stops after the batch when a batch hook sets stopTraining, after the epoch when an epoch hook does', async () => {
    const { x, y } = blobs(16, 2, 2, 7);
    const model = mlp(2, 4, 2);
    const events: string[] = [];
    const h = await model.fit(x, y, {
      loss: 'crossEntropy',
      epochs: 5,
      batchSize: 4,
      verbose: 0,
      validationSplit: 0.25,
      callbacks: [
        {
          onBatchEnd: (b: number) => {
            events.push(`b${b}`);
            if (b === 1) model.stopTraining = true;
          },
          onEpochEnd: (e: number, logs: Logs) => {
            events.push(`e${e}:${'val_loss' in logs}`);
          },
          onTrainEnd: () => {
            events.push('end');
          },
        },
      ],
    });
    expect(events).toEqual(['b0', 'b1', 'e0:true', 'end']);
    expect(h.epoch).toEqual([0]);
    const h2 = await model.fit(x, y, {
      loss: 'crossEntropy',
      epochs: 5,
      batchSize: 8,
      verbose: 0,
      callbacks: [
        {
          onEpochEnd: (e: number) => {
            if (e === 1) model.stopTraining = true;
          },
        },
      ],
    });
    expect(h2.epoch).toEqual([0, 1]);
  });

  it('awaits async callbacks in order, with Keras logs', async () => {
    const { x, y } = blobs(8, 2, 2, 8);
    const model = mlp(2, 4, 2);
    const events: string[] = [];
    const later = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await model.fit(x, y, {
      loss: 'crossEntropy',
      metrics: ['acc'],
      epochs: 1,
      batchSize: 8,
      verbose: 0,
      callbacks: [
        {
          onTrainBegin: async () => {
            await later(5);
            events.push('train begin');
          },
          onBatchBegin: async (_b: number, logs: Logs) => {
            await later(1);
            events.push(`batch begin ${JSON.stringify(logs)}`);
          },
        },
        {
          onTrainBegin: () => {
            events.push('second');
          },
          onEpochEnd: async (_e: number, logs: Logs) => {
            await later(2);
            events.push(`epoch end ${Object.keys(logs).join(',')}`);
          },
        },
      ],
    });
    expect(events).toEqual(['train begin', 'second', 'batch begin {"batch":0,"size":8}', 'epoch end loss,acc']);
  });

  it('prints one line per epoch when stdout is not a terminal, a bar on a terminal, nothing at verbose 0', async () => {
    const { x, y } = blobs(12, 2, 2, 9);
    const model = mlp(2, 4, 2);
    const plain = capturePrinter(false);
    await model.fit(x, y, { loss: 'crossEntropy', epochs: 2, batchSize: 4, printer: plain });
    expect(plain.text).toMatch(
      /^Epoch 1\/2 - \d+ms \d+ms\/step - loss: \d\.\d{4}\nEpoch 2\/2 - \d+ms \d+ms\/step - loss: \d\.\d{4}\n$/,
    );
    const tty = capturePrinter(true);
    await model.fit(x, y, { loss: 'crossEntropy', epochs: 1, batchSize: 4, printer: tty });
    expect(tty.text).toMatch(
      /^Epoch 1\/1\n\r1\/3 \[.*\r3\/3 \[={30}\] - \d+ms \d+ms\/step - loss: \d\.\d{4}\x1b\[K\n$/s,
    );
    const quiet = capturePrinter(true);
    await model.fit(x, y, { loss: 'crossEntropy', epochs: 1, batchSize: 4, printer: quiet, verbose: 0 });
    expect(quiet.text).toBe('');
  });

  it('trains with a Dataset, probabilities targets, a loss function, clipping, and a plain PyTorch-style module', async () => {
    const { x, y } = blobs(24, 3, 2, 10);
    const oneHot = tensor(Array.from(y, (c) => (c === 0 ? [1, 0] : [0, 1])));
    const model = mlp(3, 6, 2);
    const h = await model.fit(
      {
        length: 24,
        batch: (idx: ArrayLike<number>) => ({
          x: tensor(Array.from(idx, (i) => Array.from(x.data.subarray(i * 3, i * 3 + 3)))),
          y: tensor(Array.from(idx, (i) => Array.from(oneHot.data.subarray(i * 2, i * 2 + 2)))),
        }),
      },
      {
        loss: 'crossEntropy',
        epochs: 3,
        batchSize: 6,
        clipGradNorm: 1,
        clipGradValue: 0.5,
        metrics: ['accuracy'],
        verbose: 0,
      },
    );
    expect(h.history.accuracy).toHaveLength(3);
    const custom = await model.fit(x, oneHot, {
      loss: function softMse(o: Tensor, t: Tensor) {
        return ops.mean(ops.mul(ops.sub(ops.softmax(o, 1), t), ops.sub(ops.softmax(o, 1), t)));
      },
      optimizer: 'sgd',
      epochs: 2,
      verbose: 0,
    });
    expect(custom.history.loss.every(Number.isFinite)).toBe(true);
  });

  it('reshapes a [N] target to the model output [N, 1] for element-wise losses', async () => {
    const { x } = blobs(16, 2, 2, 11);
    const target = tensor(Array.from({ length: 16 }, (_, i) => x.data[i * 2]! - x.data[i * 2 + 1]!));
    const model = mlp(2, 8, 1);
    const h = await model.fit(x, target, {
      loss: 'mse',
      metrics: ['mae'],
      optimizer: new optim.Adam(model.parameters(), { lr: 0.02 }),
      epochs: 20,
      batchSize: 4,
      verbose: 0,
    });
    expect(h.history.loss[19]!).toBeLessThan(0.3 * h.history.loss[0]!);
    expect(h.history.mae).toHaveLength(20);
  });

  it('runs no epoch when initialEpoch equals epochs', async () => {
    const { x, y } = blobs(4, 2, 2, 12);
    const model = mlp(2, 4, 2);
    const before = weightsOf(model);
    const h = await model.fit(x, y, { loss: 'crossEntropy', epochs: 3, initialEpoch: 3, verbose: 0 });
    expect(h.epoch).toEqual([]);
    expect(weightsOf(model)).toEqual(before);
  });

  it('refuses a second fit() on a model that is still training', async () => {
    const { x, y } = blobs(40, 2, 2, 13);
    const model = mlp(2, 4, 2);
    const first = model.fit(x, y, { loss: 'crossEntropy', epochs: 2, batchSize: 4, verbose: 0, yieldEveryMs: 0 });
    await expectRejects(
      model.fit(x, y, { loss: 'crossEntropy', verbose: 0 }),
      Error,
      'fit: Sequential is already training (an earlier fit() call has not finished)',
    );
    expect((await first).epoch).toEqual([0, 1]);
    expect((await model.fit(x, y, { loss: 'crossEntropy', verbose: 0 })).epoch).toEqual([0]);
  });
});

describe('plain arrays', () => {
  it('fit and evaluate take x as nested arrays, as Keras does', async () => {
    const model = new nn.Sequential(new nn.Linear(2, 2));
    const x = [
      [0, 1],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    const history = await model.fit(x, [0, 1, 1, 0], { loss: 'crossEntropy', epochs: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    const logs = await model.evaluate(x, [0, 1, 1, 0], { loss: 'crossEntropy' });
    expect(Number.isFinite(logs.loss)).toBe(true);
    await expect(model.fit([], [], { loss: 'crossEntropy' })).rejects.toThrow(
      new RangeError('Expected non-empty array of samples (or a Tensor) for x but received Array(0)'),
    );
  });
});
