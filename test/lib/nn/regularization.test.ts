// model.regularizationLoss(): every module's terms summed once (KL / N times klWeight, Concrete's
// regulariser, penalties attached with addPenalty, the Keras regularizers), KL terms undivided
// without N, and gradients that reach every parameter a term depends on.
import { describe, expect, it } from 'vitest';
import { l2, layers, nn, ops, sequential, tensor } from '../../../lib/index.js';

function model() {
  const a = new nn.LinearSVDO(4, 3);
  const c = new nn.ConcreteDropout(new nn.Linear(3, 2));
  const v = new nn.VariationalDropout(3, { p: 0.2 });
  return { net: new nn.Sequential(a, new nn.ReLU(), v, c), a, c, v };
}

describe('regularizationLoss', () => {
  it('sums klWeight · (Σ KL + Concrete’s regulariser) / N and the penalties, each module once', () => {
    const { net, a, c, v } = model();
    const kl = a.kl().item() + c.regularizer().item() + v.kl().item();
    expect(net.regularizationLoss({ datasetSize: 50 }).item()).toBeCloseTo(kl / 50, 6);
    expect(net.regularizationLoss({ datasetSize: 50, klWeight: 0.25 }).item()).toBeCloseTo((0.25 * kl) / 50, 6);
    expect(net.regularizationLoss({ datasetSize: 50, klWeight: 0 }).item()).toBe(0);
    // A module shared twice counts once.
    const twice = new nn.Sequential(net, net);
    expect(twice.regularizationLoss({ datasetSize: 50 }).item()).toBeCloseTo(kl / 50, 6);
    const lin = net.at(3) as nn.ConcreteDropout;
    nn.addPenalty(lin.layer, () => ops.mul(ops.sum((lin.layer as nn.Linear).weight), 0));
    nn.addPenalty(net.at(0), () => tensor(2).reshape([]));
    expect(net.regularizationLoss({ datasetSize: 50 }).item()).toBeCloseTo(kl / 50 + 2, 5);
    expect(net.regularizationLoss({ datasetSize: 50 }).shape).toEqual([]);
  });

  it('has gradients that reach log σ², θ, log α and p_logit', () => {
    const { net, a, c, v } = model();
    net.regularizationLoss({ datasetSize: 10 }).backward();
    for (const p of [a.log_sigma2, a.weight, v.log_alpha, c.p_logit, (c.layer as nn.Linear).weight]) {
      expect(p.grad!.data.some((g) => g !== 0)).toBe(true);
    }
    expect((c.layer as nn.Linear).bias!.grad).toBeNull(); // the bias is excluded
  });

  it('is 0 (a scalar) for a model without terms; without datasetSize the KL terms are summed undivided', () => {
    const plain = new nn.Sequential(new nn.Linear(2, 2));
    expect(plain.regularizationLoss().item()).toBe(0);
    expect(plain.regularizationLoss().shape).toEqual([]);
    const { net, a, c, v } = model();
    const sum = a.kl().item() + v.kl().item() + c.regularizer().item();
    const whole = net.regularizationLoss();
    expect(whole.shape).toEqual([]);
    expect(whole.item()).toBeCloseTo(sum, 3);
    expect(net.regularizationLoss({ datasetSize: 4 }).item()).toBeCloseTo(sum / 4, 4);
    expect(net.regularizationLoss({ klWeight: 0.5 }).item()).toBeCloseTo(sum / 2, 3);
    expect(() => net.regularizationLoss({ datasetSize: 0 })).toThrow(
      new RangeError('Expected positive integer for datasetSize but received 0 of type number'),
    );
    expect(() => net.regularizationLoss({ datasetSize: 5, klWeight: -1 })).toThrow(
      new RangeError('Expected finite number >= 0 for klWeight but received -1 of type number'),
    );
    expect(() => net.regularizationLoss({ n: 5 } as never)).toThrow('regularizationLoss: unknown option "n"');
  });

  it('includes the Keras facade’s kernel and bias regularizers', () => {
    const m = sequential([layers.dense({ units: 3, inputShape: [2], kernelRegularizer: l2(0.5) })]);
    const w = m.layers[0]!.parameters()[0]!;
    expect(m.module.regularizationLoss().item()).toBeCloseTo(0.5 * w.data.reduce((s, v) => s + v * v, 0), 6);
  });
});
