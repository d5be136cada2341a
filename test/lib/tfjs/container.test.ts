// A model's layers and weights on dropnet/tfjs against @tensorflow/tfjs: getLayer by name and
// index, model.weights / trainableWeights / nonTrainableWeights (order, shapes, dtypes, values,
// trainable) and model.trainable freezing the whole model in fit.
import { describe, expect, it } from 'vitest';
import { expectBothThrow, real, tf, type Lib } from './compare.js';

type Model = ReturnType<Lib['sequential']>;

/** dense -> batchNormalization -> dense, with deterministic weights (the same in both libraries). */
function build(lib: Lib): Model {
  const m = lib.sequential();
  m.add(lib.layers.dense({ units: 3, inputShape: [4], activation: 'relu' }));
  m.add(lib.layers.batchNormalization());
  m.add(lib.layers.dense({ units: 2 }));
  m.setWeights(
    m.getWeights().map((w, k) =>
      lib.tensor(
        Array.from({ length: w.size }, (_, i) => (k === 5 ? 1 + i * 0.1 : Math.sin(i * 0.7 + k) * 0.5)),
        w.shape,
      ),
    ),
  );
  return m;
}

interface Seen {
  suffix: string;
  shape: number[];
  dtype: string;
  trainable: boolean;
  values: number[];
}

/** What a program sees of each variable; names end alike (tfjs: dense_Dense1/kernel, dropnet: dense/kernel). */
function seen(vars: Model['weights']): Seen[] {
  return vars.map((v) => ({
    suffix: v.name.slice(v.name.indexOf('/')),
    shape: v.shape as number[],
    dtype: v.dtype,
    trainable: v.trainable,
    values: Array.from(v.read().dataSync()).map((x) => Math.round(x * 1e5) / 1e5),
  }));
}

describe('getLayer', () => {
  it('by name, by index and by (undefined, index), as tfjs', () => {
    for (const lib of [tf, real as unknown as Lib]) {
      const m = build(lib);
      const second = m.layers[1]!;
      expect(m.getLayer(second.name)).toBe(second);
      expect(m.getLayer(1 as never)).toBe(second);
      expect(m.getLayer(undefined as never, 2)).toBe(m.layers[2]);
    }
  });

  it('a missing name or index throws on both', () => {
    const name = expectBothThrow((lib) => build(lib).getLayer('nope'));
    expect(name.got).toBe(name.want);
    const index = expectBothThrow((lib) => build(lib).getLayer(undefined as never, 7));
    expect(index.got).toBe(index.want);
    expectBothThrow((lib) => build(lib).getLayer());
    expect(() => build(tf).getLayer({} as never)).toThrow(TypeError);
    expect(() => build(tf).getLayer(undefined as never, 1.5)).toThrow(/integer/);
  });
});

describe('model.weights', () => {
  it("trainable weights, then the moving statistics: names, shapes, dtypes and values as tfjs's", () => {
    const got = build(tf);
    const want = build(real as unknown as Lib);
    expect(seen(got.weights)).toEqual(seen(want.weights));
    expect(seen(got.trainableWeights)).toEqual(seen(want.trainableWeights));
    expect(seen(got.nonTrainableWeights)).toEqual(seen(want.nonTrainableWeights));
    expect(got.weights.map((w) => w.name)).toEqual([
      'dense/kernel',
      'dense/bias',
      'batch_normalization/gamma',
      'batch_normalization/beta',
      'dense_1/kernel',
      'dense_1/bias',
      'batch_normalization/moving_mean',
      'batch_normalization/moving_variance',
    ]);
    expect(got.nonTrainableWeights.map((w) => w.name.split('/')[1])).toEqual(['moving_mean', 'moving_variance']);
    // The weights in model.weights are getWeights' tensors, in the same order.
    const all = got.getWeights();
    got.weights.forEach((v, i) => expect(Array.from(v.val.dataSync())).toEqual(Array.from(all[i]!.dataSync())));
  });

  it("a layer's weights and trainable: a frozen layer's weights are all non-trainable, as tfjs", () => {
    for (const lib of [tf, real as unknown as Lib]) {
      const m = build(lib);
      const first = m.layers[0]!;
      expect(first.weights.map((w) => w.shape)).toEqual([[4, 3], [3]]);
      first.trainable = false;
      expect(first.trainableWeights).toEqual([]);
      expect(first.nonTrainableWeights.map((w) => w.shape)).toEqual([[4, 3], [3]]);
      expect(m.trainableWeights.length).toBe(4);
      expect(m.nonTrainableWeights.length).toBe(4);
    }
  });
});

/** Four varied samples (identical ones would give batch normalization no gradient). */
const xs = (lib: Lib) =>
  lib.tensor2d(
    Array.from({ length: 16 }, (_, i) => Math.cos(i * 1.3)),
    [4, 4],
  );

describe('model.trainable', () => {
  it('false: every weight is non-trainable, as tfjs; fit trains nothing in tfjs, compile is a named error here', async () => {
    for (const lib of [tf, real as unknown as Lib]) {
      const m = build(lib);
      expect(m.trainable).toBe(true);
      m.trainable = false;
      expect(m.trainable).toBe(false);
      expect(m.trainableWeights).toEqual([]);
      expect(m.nonTrainableWeights.length).toBe(8);
    }
    const frozen = build(tf);
    frozen.trainable = false;
    expect(() => frozen.compile({ optimizer: 'sgd', loss: 'meanSquaredError' })).toThrow(/no trainable weights/);
    const r = real as unknown as Lib;
    const want = build(r);
    want.trainable = false;
    want.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    // tfjs fails at fit, here at compile.
    await expect(want.fit(xs(r), r.zeros([4, 2]), { epochs: 1, verbose: 0 })).rejects.toThrow(
      /none of the 0 variables is trainable/,
    );
  });

  it('a frozen layer stays fixed in fit while the others train, as tfjs', async () => {
    const after: number[][][] = [];
    for (const lib of [tf, real as unknown as Lib]) {
      const m = build(lib);
      m.layers[0]!.trainable = false;
      const before = m.getWeights().map((w) => Array.from(w.dataSync()));
      m.compile({ optimizer: lib.train.sgd(0.5), loss: 'meanSquaredError' });
      await m.fit(xs(lib), lib.zeros([4, 2]), { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      const now = m.getWeights().map((w) => Array.from(w.dataSync()));
      // tfjs's order with layer 0 frozen: gamma, beta, kernel, bias of the last dense, then the frozen
      // kernel and bias, then the moving statistics.
      expect(now.slice(0, 4)).not.toEqual(before.slice(0, 4));
      expect(now.slice(4, 6)).toEqual(before.slice(4, 6));
      after.push(now);
    }
    // Moving statistics included: both take the batch's biased variance.
    after[0]!
      .flat()
      .forEach((v, i) => expect(Math.abs(v - after[1]!.flat()[i]!)).toBeLessThan(1e-6 + 1e-5 * Math.abs(v)));
  });

  it('true again trains the whole model', async () => {
    const m = build(tf);
    m.trainable = false;
    m.trainable = true;
    expect(m.trainableWeights.length).toBe(6);
    const before = Array.from(m.getWeights()[0]!.dataSync());
    m.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    await m.fit(xs(tf), tf.zeros([4, 2]), { epochs: 1, verbose: 0 });
    expect(Array.from(m.getWeights()[0]!.dataSync())).not.toEqual(before);
    expect(() => (m.trainable = 'no' as never)).toThrow(TypeError);
  });
});
