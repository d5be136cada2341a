// fit() and evaluate() with regularization terms: the trained and logged loss is data + KL / N
// (+ penalties), `kl` logged beside `loss` (and val_kl), N defaulting to the training-set size,
// klWarmup's schedule, and a hand-written loop that gives the same step as fit().
import { describe, expect, it } from 'vitest';
import {
  klWarmup,
  l2,
  layers,
  losses,
  manualSeed,
  nn,
  noGrad,
  ops,
  optim,
  randn,
  sequential,
  Tensor,
} from '../../../lib/index.js';

function data(n: number) {
  manualSeed(3);
  const x = randn([n, 4]);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  return { x, y };
}

function svdoModel() {
  manualSeed(1);
  return new nn.Sequential(new nn.LinearSVDO(4, 8, { seed: 1 }), new nn.ReLU(), new nn.LinearSVDO(8, 3, { seed: 2 }));
}

describe('fit with KL terms', () => {
  it('logs kl beside loss; loss is the data loss plus kl; N is the training-set size by default', async () => {
    const { x, y } = data(40);
    const net = svdoModel();
    const klBefore = noGrad(() => net.regularizationLoss({ datasetSize: 30 }).item());
    const h = await net.fit(x, y, {
      loss: 'crossEntropy',
      epochs: 2,
      batchSize: 10,
      verbose: 0,
      validationSplit: 0.25,
      optimizer: new optim.SGD(net.parameters(), { lr: 0 }),
    });
    expect(Object.keys(h.history)).toEqual(['loss', 'kl', 'val_loss', 'val_kl']);
    // lr 0: the parameters do not move, so kl is the same every batch: Σ KL / 30.
    expect(h.history.kl![0]).toBeCloseTo(klBefore, 5);
    expect(h.history.val_kl![1]).toBeCloseTo(klBefore, 5);
    const valData = noGrad(() =>
      losses.crossEntropy(net.predict(new Tensor(x.data.slice(30 * 4), [10, 4])), y.slice(30)).item(),
    );
    expect(h.history.val_loss![0]).toBeCloseTo(valData + klBefore, 5);
    // evaluate() remembers N from fit.
    const logs = await net.evaluate(x, y, { loss: 'crossEntropy' });
    expect(logs.kl).toBeCloseTo(klBefore, 5);
    const data40 = noGrad(() => losses.crossEntropy(net.predict(x), y).item());
    expect(logs.loss).toBeCloseTo(data40 + klBefore, 5);
    const logs2 = await net.evaluate(x, y, { loss: 'crossEntropy', datasetSize: 60, klWeight: 0.5 });
    expect(logs2.kl).toBeCloseTo((klBefore * 30 * 0.5) / 60, 5);
  });

  it('weights KL per epoch by klWarmup, and evaluate without N on a fresh model is an error', async () => {
    const w = klWarmup({ start: 1, end: 3 });
    expect([0, 1, 2, 3, 10].map(w)).toEqual([0, 0, 0.5, 1, 1]);
    expect([0, 4, 5, 12, 20, 30].map(klWarmup())).toEqual([0, 0, 0, 7 / 15, 1, 1]);
    const { x, y } = data(20);
    const net = svdoModel();
    const h = await net.fit(x, y, {
      loss: 'crossEntropy',
      epochs: 3,
      batchSize: 20,
      verbose: 0,
      klWeight: w,
      datasetSize: 1000,
      optimizer: new optim.SGD(net.parameters(), { lr: 0 }),
    });
    const full = noGrad(() => net.regularizationLoss({ datasetSize: 1000 }).item());
    expect(h.history.kl![0]).toBe(0);
    expect(h.history.kl![1]).toBe(0);
    expect(h.history.kl![2]).toBeCloseTo(0.5 * full, 6);
    await expect(svdoModel().evaluate(x, y, { loss: 'crossEntropy' })).rejects.toThrow(
      'pass { datasetSize: N } (or fit() it first)',
    );
    expect(() => klWarmup({ start: 5, end: 2 })).toThrow(RangeError);
    await expect(net.fit(x, y, { loss: 'crossEntropy', klWeight: -1, verbose: 0 })).rejects.toThrow(RangeError);
  });

  it('takes the same step as a hand-written loop that adds regularizationLoss (and not one that leaves it out)', async () => {
    const { x, y } = data(16);
    const a = svdoModel();
    await a.fit(x, y, {
      loss: 'crossEntropy',
      epochs: 1,
      batchSize: 16,
      shuffle: false,
      verbose: 0,
      optimizer: new optim.SGD(a.parameters(), { lr: 0.1 }),
    });
    const byHand = (withTerm: boolean): Record<string, Tensor> => {
      const m = svdoModel();
      const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
      m.train();
      const data = losses.crossEntropy(m.call(x), y).reshape([]);
      opt.zeroGrad();
      (withTerm ? ops.add(data, m.regularizationLoss({ datasetSize: 16 })) : data).backward();
      opt.step();
      return m.stateDict();
    };
    const got = a.stateDict();
    const want = byHand(true);
    for (const key of Object.keys(want)) expect(Array.from(got[key]!.data), key).toEqual(Array.from(want[key]!.data));
    expect(Array.from(byHand(false)['0.log_sigma2']!.data)).not.toEqual(Array.from(got['0.log_sigma2']!.data));
  });

  it('counts a Keras regularizer once in fit(): the logged loss is the data loss plus the penalty, with no kl', async () => {
    manualSeed(4);
    const m = sequential([layers.dense({ units: 2, inputShape: [3], kernelRegularizer: l2(0.5) })]);
    m.compile({ optimizer: new optim.SGD(m.module.parameters(), { lr: 0 }), loss: 'mse' });
    const x = randn([5, 3]);
    const y = randn([5, 2]);
    const w = m.layers[0]!.parameters()[0]!;
    const mse = ops.mean(ops.pow(ops.sub(m.predict(x), y), 2)).item();
    const h = await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    expect(Object.keys(h.history)).toEqual(['loss']);
    expect(h.history.loss[0]).toBeCloseTo(mse + 0.5 * w.data.reduce((s, v) => s + v * v, 0), 5);
  });
});
