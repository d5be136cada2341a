// mcDropoutPredict over every stochastic layer (Bernoulli, Gaussian, variational, sparse
// variational, Concrete), classification outputs (mean probabilities, predictive entropy,
// mutual information), sharedMask (one noise draw for all rows of a pass), seed reproducibility
// without advancing any stream, and a layer wrapped by Concrete dropout kept in eval.
import { describe, expect, it } from 'vitest';
import { defaultGenerator, Generator, nn, ops, Tensor } from '../../../../lib/index.js';
import { expectClose } from '../../../helpers/expect-close.js';
import { leaf } from '../../../helpers/gradcheck.js';
import { FakeBatchNorm } from '../../../helpers/layers.js';

const x = leaf([6, 4], 2).detach();

const STOCHASTIC: [string, () => nn.Module][] = [
  ['Dropout', () => new nn.Sequential(new nn.Dropout(0.3, { seed: 1 }), new nn.Linear(4, 3))],
  ['GaussianDropout', () => new nn.Sequential(new nn.GaussianDropout(0.3, { seed: 1 }), new nn.Linear(4, 3))],
  [
    'VariationalDropout per unit',
    () => new nn.Sequential(new nn.VariationalDropout(4, { p: 0.3, seed: 1 }), new nn.Linear(4, 3)),
  ],
  ['VariationalDropout per weight', () => new nn.VariationalDropout(new nn.Linear(4, 3), { p: 0.3, seed: 1 })],
  ['LinearSVDO', () => new nn.LinearSVDO(4, 3, { logSigma2Init: -2, seed: 1 })],
  ['ConcreteDropout', () => new nn.ConcreteDropout(new nn.Linear(4, 3), { p: 0.3, seed: 1 })],
];

describe('mcDropoutPredict over the learned-rate layers', () => {
  it.each(STOCHASTIC)('samples %s (variance > 0), deterministic layers otherwise, modes restored', (_name, make) => {
    const model = make();
    model.eval();
    const before = model.modules().map((m) => m.training);
    const { mean, variance } = nn.mcDropoutPredict(model, x, { samples: 20 });
    expect(mean.shape).toEqual([6, 3]);
    expect(variance.data.some((v) => v > 0)).toBe(true);
    expect(model.modules().map((m) => m.training)).toEqual(before);
  });

  it('samples Conv2dSVDO and SpatialConcreteDropout', () => {
    const images = leaf([2, 2, 4, 4], 3).detach();
    for (const model of [
      new nn.Conv2dSVDO(2, 3, 2, { logSigma2Init: -2, seed: 1 }),
      new nn.SpatialConcreteDropout(new nn.Conv2d(2, 3, 2), { p: 0.3, seed: 1 }),
    ]) {
      const { variance } = nn.mcDropoutPredict(model, images, { samples: 10 });
      expect(variance.shape).toEqual([2, 3, 3, 3]);
      expect(variance.data.some((v) => v > 0)).toBe(true);
    }
  });

  it('keeps the layer a Concrete dropout wraps in eval during the passes', () => {
    class Spy extends FakeBatchNorm {
      readonly modes: boolean[] = [];
      override forward(t: Tensor): Tensor {
        this.modes.push(this.training);
        return super.forward(t);
      }
    }
    const spy = new Spy(4);
    const model = new nn.ConcreteDropout(spy, { seed: 2 });
    model.train();
    nn.mcDropoutPredict(model, x, { samples: 3 });
    expect(spy.modes).toEqual([false, false, false]);
    expect(model.training && spy.training).toBe(true);
  });
});

describe('without a task', () => {
  const classifier = (): nn.Module =>
    new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.5, { seed: 3 }), new nn.Linear(8, 3));
  const same = (a: Tensor | undefined, b: Tensor | undefined): void => {
    expect(a).toBeInstanceOf(Tensor);
    expect(a!.shape).toEqual(b!.shape);
    expect(Array.from(a!.data)).toEqual(Array.from(b!.data));
  };

  it("rows of scores: the outputs' moments as 'regression' gives them, and the classification fields as 'classification' does", () => {
    const model = classifier();
    const auto = nn.mcDropoutPredict(model, x, { samples: 12, seed: 5 });
    const reg = nn.mcDropoutPredict(model, x, { samples: 12, seed: 5, task: 'regression' });
    const cls = nn.mcDropoutPredict(model, x, { samples: 12, seed: 5, task: 'classification' });
    same(auto.mean, reg.mean);
    same(auto.variance, reg.variance);
    expect(reg.entropy).toBeUndefined();
    expect(reg.probabilities).toBeUndefined();
    same(auto.probabilities, cls.mean);
    same(cls.probabilities, cls.mean);
    same(auto.entropy, cls.entropy);
    same(auto.mutualInformation, cls.mutualInformation);
    expect(auto.entropy!.shape).toEqual([6]);
    expect(auto.mutualInformation!.data.some((v) => v > 0)).toBe(true);
  });

  it('in chunks of batchSize too', () => {
    const model = classifier();
    const auto = nn.mcDropoutPredict(model, x, { samples: 6, seed: 2, batchSize: 4 });
    const cls = nn.mcDropoutPredict(model, x, { samples: 6, seed: 2, batchSize: 4, task: 'classification' });
    same(auto.probabilities, cls.mean);
    same(auto.entropy, cls.entropy);
    same(auto.mutualInformation, cls.mutualInformation);
  });

  it('a model ending in Softmax: its outputs are taken as probabilities', () => {
    const model = new nn.Sequential(new nn.Dropout(0.3, { seed: 1 }), new nn.Linear(4, 3), new nn.Softmax(-1));
    const auto = nn.mcDropoutPredict(model, x, { samples: 8, seed: 4 });
    const given = nn.mcDropoutPredict(model, x, {
      samples: 8,
      seed: 4,
      task: 'classification',
      outputs: 'probabilities',
    });
    const resoftmaxed = nn.mcDropoutPredict(model, x, {
      samples: 8,
      seed: 4,
      task: 'classification',
      outputs: 'logits',
    });
    same(auto.probabilities, given.mean);
    same(auto.entropy, given.entropy);
    expect(Array.from(auto.entropy!.data)).not.toEqual(Array.from(resoftmaxed.entropy!.data));
  });

  it('no classification fields for one score per row, a vector or a scalar', () => {
    for (const model of [
      new nn.Sequential(new nn.Dropout(0.5, { seed: 1 }), new nn.Linear(4, 1)),
      new nn.Dropout(0.5),
    ]) {
      const r = nn.mcDropoutPredict(model, model instanceof nn.Dropout ? leaf([7], 1).detach() : x, { samples: 3 });
      expect(r.mean).toBeInstanceOf(Tensor);
      expect([r.probabilities, r.entropy, r.mutualInformation]).toEqual([undefined, undefined, undefined]);
    }
  });
});

describe('classification', () => {
  it('averages softmax probabilities and gives entropy H[mean p] and mutual information H[mean p] − mean H[p]', () => {
    const model = new nn.Sequential(
      new nn.Linear(4, 8),
      new nn.ReLU(),
      new nn.Dropout(0.5, { seed: 3 }),
      new nn.Linear(8, 3),
    );
    const samples = 25;
    const r = nn.mcDropoutPredict(model, x, { samples, task: 'classification', seed: 9 });
    expect(r.entropy!.shape).toEqual([6]);
    expect(r.mutualInformation!.shape).toEqual([6]);
    for (let row = 0; row < 6; row++) {
      const p = Array.from(r.mean.data.subarray(row * 3, row * 3 + 3));
      expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
      const h = -p.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
      expect(r.entropy!.data[row]).toBeCloseTo(h, 5);
      expect(r.mutualInformation!.data[row]).toBeGreaterThan(0);
      expect(r.mutualInformation!.data[row]).toBeLessThanOrEqual(r.entropy!.data[row]! + 1e-6);
    }
  });

  it('mutual information is the entropy minus the mean entropy of the passes (checked pass by pass)', () => {
    const make = () => new nn.Sequential(new nn.Linear(4, 3), new nn.Dropout(0.5, { seed: 5 }));
    const weights = make().stateDict();
    const a = make();
    a.loadStateDict(weights);
    const r = nn.mcDropoutPredict(a, x, { samples: 4, task: 'classification' });
    const b = make();
    b.loadStateDict(weights);
    const probs: Float32Array[] = [];
    for (let s = 0; s < 4; s++) probs.push(ops.softmax(nn.mcDropoutPredict(b, x, { samples: 1 }).mean, -1).data);
    for (let row = 0; row < 6; row++) {
      const H = (p: ArrayLike<number>): number => -Array.from(p).reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
      const mean = [0, 1, 2].map((c) => probs.reduce((s, p) => s + p[row * 3 + c]!, 0) / 4);
      const expected = probs.reduce((s, p) => s + H(p.subarray(row * 3, row * 3 + 3)), 0) / 4;
      expect(r.mutualInformation!.data[row]).toBeCloseTo(Math.max(0, H(mean) - expected), 5);
    }
  });

  it('without stochastic layers: entropy of the eval softmax, mutual information 0; probabilities taken as given', () => {
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.Softmax(-1));
    const r = nn.mcDropoutPredict(model, x, { samples: 3, task: 'classification', outputs: 'probabilities' });
    expectClose(r.mean.data, model.predict(x).data, { atol: 1e-7 });
    expect(r.mutualInformation!.data.every((v) => v === 0)).toBe(true);
  });
});

describe('sharedMask and seed', () => {
  it('sharedMask drops the same units in every row of a pass', () => {
    const model = new nn.Dropout(0.5, { seed: 4 });
    const ones = new Tensor(new Float32Array(5 * 16).fill(1), [5, 16]);
    const shared = nn.mcDropoutPredict(model, ones, { samples: 1, sharedMask: true }).mean.data;
    for (let r = 1; r < 5; r++)
      expect(Array.from(shared.subarray(r * 16, r * 16 + 16))).toEqual(Array.from(shared.subarray(0, 16)));
    const own = nn.mcDropoutPredict(model, ones, { samples: 1 }).mean.data;
    expect(Array.from(own.subarray(16, 32))).not.toEqual(Array.from(own.subarray(0, 16)));
    // LRT layers too: with sharedMask every row is one draw of the same network.
    const svdo = new nn.LinearSVDO(4, 3, { seed: 2, logSigma2Init: 0 });
    const same = new Tensor(new Float32Array(3 * 4).fill(0.5), [3, 4]);
    const y = nn.mcDropoutPredict(svdo, same, { samples: 1, sharedMask: true }).mean.data;
    expect(Array.from(y.subarray(3, 6))).toEqual(Array.from(y.subarray(0, 3)));
  });

  it('with a seed gives the same result every call and advances no stream', () => {
    const model = new nn.Sequential(new nn.Dropout(0.5), new nn.LinearSVDO(4, 3, { seed: 3, logSigma2Init: -1 }));
    const own = (model.at(1) as nn.LinearSVDO).noiseGenerator;
    const before = [defaultGenerator.seed, defaultGenerator.offset, own.seed, own.offset];
    const a = nn.mcDropoutPredict(model, x, { samples: 5, seed: 42 });
    const b = nn.mcDropoutPredict(model, x, { samples: 5, seed: 42 });
    expect(Array.from(b.mean.data)).toEqual(Array.from(a.mean.data));
    expect(Array.from(b.variance.data)).toEqual(Array.from(a.variance.data));
    expect([defaultGenerator.seed, defaultGenerator.offset, own.seed, own.offset]).toEqual(before);
    const c = nn.mcDropoutPredict(model, x, { samples: 5, seed: 43 });
    expect(Array.from(c.mean.data)).not.toEqual(Array.from(a.mean.data));
    expect(new Generator(1)).toBeInstanceOf(Generator);
  });

  it('checks the new options', () => {
    const model = new nn.Dropout(0.5);
    expect(() => nn.mcDropoutPredict(model, x, { samples: 2, task: 'ranking' as never })).toThrow(
      new RangeError(`Expected 'regression' or 'classification' for task but received "ranking" of type string`),
    );
    expect(() => nn.mcDropoutPredict(model, x, { samples: 2, task: 'regression', outputs: 'logits' })).toThrow(
      "outputs is for task 'classification'",
    );
    expect(() => nn.mcDropoutPredict(model, x, { samples: 2, outputs: 'odds' as never })).toThrow(RangeError);
    expect(() => nn.mcDropoutPredict(model, x, { samples: 2, sharedMask: 1 as never })).toThrow(TypeError);
    expect(() => nn.mcDropoutPredict(model, x, { samples: 2, seed: '1' as never })).toThrow(TypeError);
    expect(() => nn.mcDropoutPredict(model, x, { samples: 2, share: true } as never)).toThrow(
      'mcDropoutPredict: unknown option "share"',
    );
  });
});
