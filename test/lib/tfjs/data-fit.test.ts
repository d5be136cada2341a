// model.fitDataset / evaluateDataset on dropnet/tfjs against @tensorflow/tfjs: the same model
// with the same weights, trained on the same dataset, logs the same values per batch and per
// epoch under the same names, validates the same way and resolves with the same History.
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';

type AnyModel = ReturnType<Lib['sequential']>;

function build(lib: Lib): AnyModel {
  const m = lib.sequential();
  m.add(lib.layers.dense({ units: 5, activation: 'tanh', inputShape: [3] }));
  m.add(lib.layers.dense({ units: 3, activation: 'softmax' }));
  m.compile({ optimizer: lib.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** The same model in both libraries, with the same fixed weights. */
function twin(): { ours: AnyModel; theirs: AnyModel } {
  const theirs = build(real as unknown as Lib);
  const ours = build(tf);
  const w = theirs
    .getWeights()
    .map((t, k) => Array.from({ length: t.size }, (_, i) => Math.sin((i + 1) * (k + 1.3) * 0.77) * 0.5));
  theirs.setWeights(theirs.getWeights().map((t, k) => real.tensor(w[k]!, t.shape)) as never);
  ours.setWeights(ours.getWeights().map((t, k) => tf.tensor(w[k]!, t.shape)));
  return { ours, theirs };
}

const N = 10;
function sample(i: number): { x: number[]; y: number } {
  return { x: [Math.sin(i), Math.cos(i * 1.7), (i % 4) - 1.5], y: i % 3 };
}

function dataset(lib: Lib, n = N): ReturnType<Lib['data']['array']> {
  return lib.data
    .generator(function* () {
      for (let i = 0; i < n; i++) {
        const s = sample(i);
        yield { xs: lib.tensor1d(s.x), ys: lib.oneHot(lib.tensor1d([s.y], 'int32'), 3).reshape([3]) };
      }
    })
    .batch(4) as never;
}

function close(a: readonly number[], b: readonly number[], atol = 1e-4): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!), `index ${i}: ${v} vs ${b[i]}`).toBeLessThanOrEqual(atol));
}

type Batch = { batch: number; size: number; loss: number; acc: number };

async function run(lib: Lib, model: AnyModel, args: Record<string, unknown>) {
  const batches: Batch[] = [];
  const epochs: [number, Record<string, number>][] = [];
  const events: string[] = [];
  const history = await model.fitDataset(dataset(lib), {
    ...args,
    callbacks: {
      onTrainBegin: () => void events.push('trainBegin'),
      onEpochBegin: (e: number) => void events.push(`epochBegin ${e}`),
      onBatchEnd: (_b: number, logs: Batch) => void batches.push({ ...logs }),
      onEpochEnd: (e: number, logs: Record<string, number>) => void epochs.push([e, { ...logs }]),
      onTrainEnd: () => void events.push('trainEnd'),
    },
  } as never);
  return { history, batches, epochs, events };
}

describe('model.fitDataset equals tfjs', () => {
  it('batch logs, epoch logs (weighted means), val_ values from [x, y], the History', async () => {
    const { ours, theirs } = twin();
    const vx = (lib: Lib) => lib.tensor2d([sample(20).x, sample(21).x, sample(22).x]);
    const vy = (lib: Lib) => lib.oneHot(lib.tensor1d([2, 0, 1], 'int32'), 3);
    const a = await run(tf, ours, { epochs: 3, validationData: [vx(tf), vy(tf)] });
    const b = await run(real as unknown as Lib, theirs, {
      epochs: 3,
      validationData: [vx(real as never), vy(real as never)],
    });
    expect(a.events).toEqual(b.events);
    expect(a.batches.map((x) => [x.batch, x.size])).toEqual(b.batches.map((x) => [x.batch, x.size]));
    expect(a.batches.map((x) => [x.batch, x.size])).toEqual([
      [0, 4],
      [1, 4],
      [2, 2],
      [0, 4],
      [1, 4],
      [2, 2],
      [0, 4],
      [1, 4],
      [2, 2],
    ]);
    close(
      a.batches.map((x) => x.loss),
      b.batches.map((x) => x.loss),
    );
    close(
      a.batches.map((x) => x.acc),
      b.batches.map((x) => x.acc),
    );
    expect(a.epochs.map(([e, l]) => [e, Object.keys(l)])).toEqual(b.epochs.map(([e, l]) => [e, Object.keys(l)]));
    expect(Object.keys(a.history.history).sort()).toEqual(Object.keys(b.history.history).sort());
    for (const key of ['loss', 'acc', 'val_loss', 'val_acc']) close(a.history.history[key]!, b.history.history[key]!);
    expect(a.history.epoch).toEqual([0, 1, 2]);
    // The trained weights agree too.
    close(
      ours.getWeights().flatMap((t) => Array.from(t.dataSync())),
      theirs.getWeights().flatMap((t) => Array.from(t.dataSync())),
    );
  });

  it('batchesPerEpoch keeps one iterator across epochs; validation from a dataset', async () => {
    const { ours, theirs } = twin();
    const repeat = (lib: Lib) => ({
      epochs: 3,
      batchesPerEpoch: 2,
      validationData: dataset(lib, 6),
    });
    const ds = (lib: Lib) => dataset(lib).repeat();
    const fit = async (lib: Lib, model: AnyModel) => {
      const batches: number[] = [];
      const h = await model.fitDataset(ds(lib), {
        ...repeat(lib),
        callbacks: { onBatchEnd: (_b: number, l: { loss: number }) => void batches.push(l.loss) },
      } as never);
      return { h, batches };
    };
    const a = await fit(tf, ours);
    const b = await fit(real as unknown as Lib, theirs);
    expect(a.batches.length).toBe(6);
    close(a.batches, b.batches);
    for (const key of ['loss', 'acc', 'val_loss', 'val_acc']) close(a.h.history[key]!, b.h.history[key]!);
  });

  it('evaluateDataset: loss and metrics weighted by batch size, as Scalars', async () => {
    const { ours, theirs } = twin();
    const a = (await ours.evaluateDataset(dataset(tf) as never)) as ReturnType<Lib['scalar']>[];
    const b = (await theirs.evaluateDataset(dataset(real as unknown as Lib) as never, {})) as {
      dataSync(): Float32Array;
      rank: number;
    }[];
    expect(a.map((t) => t.rank)).toEqual(b.map((t) => t.rank));
    close(
      a.map((t) => t.dataSync()[0]!),
      b.map((t) => t.dataSync()[0]!),
    );
  });

  it('stopTraining from a batch callback ends the epoch and training; earlyStopping works', async () => {
    const m = build(tf);
    let batches = 0;
    const h = await m.fitDataset(dataset(tf), {
      epochs: 5,
      callbacks: {
        onBatchEnd: () => {
          batches++;
          if (batches === 2) m.stopTraining = true;
        },
      },
    });
    expect(batches).toBe(2);
    expect(h.epoch).toEqual([0]);
    const m2 = build(tf);
    const h2 = await m2.fitDataset(dataset(tf), {
      epochs: 50,
      validationData: dataset(tf, 6),
      callbacks: tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 0, minDelta: 10 }),
    });
    expect(h2.epoch).toEqual([0, 1]);
  });

  it('errors as tfjs', async () => {
    const m = build(tf);
    await expect(m.fitDataset(dataset(tf), { epochs: 1, validationSplit: 0.2 } as never)).rejects.toThrow(
      '`validationSplit` is not supported by `fitDataset()`. Use validationData instead.',
    );
    await expect(m.fitDataset(dataset(tf), undefined as never)).rejects.toThrow(
      'For fitDataset(), the 2nd argument (config) is required',
    );
    await expect(m.fitDataset(tf.data.array([1, 2]), { epochs: 1 })).rejects.toThrow(
      'A Dataset iterator for fitDataset() is expected to generate objects of the form `{xs: xVal, ys: yVal}`',
    );
    await expect(m.fitDataset([1, 2] as never, { epochs: 1 })).rejects.toThrow(TypeError);
    await expect(m.fitDataset(dataset(tf), { epochs: 0 })).rejects.toThrow(RangeError);
    const unbatched = tf.data.array([{ xs: [[1, 2, 3]], ys: [[1, 0, 0]] }]);
    await expect(m.fitDataset(unbatched, { epochs: 1 })).rejects.toThrow(
      'dropnet/tfjs: fitDataset(): xs of a batch must be one tf.Tensor',
    );
  });
});
