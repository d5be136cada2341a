// Concrete dropout (Gal et al. 2017; spec §7 H1-H2): the relaxed mask's statistics at t = 0.1,
// the regulariser against its formula with the bias excluded, eval deterministic unless
// alwaysActive, the spatial form's per-channel mask, and gradients by finite differences
// through x, the wrapped weight and p_logit.
import { describe, expect, it } from 'vitest';
import { Generator, kernels, nn, noGrad, ops, Tensor, tensor } from '../../../../lib/index.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';

describe('the relaxed Bernoulli mask at t = 0.1', () => {
  // Spec §4.3 (2M draws): p = 0.1: E[z] 0.1013, E[(1−z)/(1−p)] 0.9985, 5.3 % in (0.05, 0.95);
  // p = 0.5: 0.4995, 1.0009, 14.6 %.
  it.each([
    [0.1, 0.053, 0.9985],
    [0.5, 0.146, 1.0009],
  ])('at p = %f: E[z] within 0.003 of p, the share in (0.05, 0.95), E[(1−z)/(1−p)]', (p, share, keep) => {
    const n = 400_000;
    const z = ops.concreteMask(n, p, { generator: new Generator(17) });
    let mean = 0;
    let middle = 0;
    for (let i = 0; i < n; i++) {
      mean += z[i]!;
      if (z[i]! > 0.05 && z[i]! < 0.95) middle++;
    }
    mean /= n;
    expect(Math.abs(mean - p)).toBeLessThan(0.003);
    // 4σ of a proportion over n draws, plus the spec's rounding.
    expect(Math.abs(middle / n - share)).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / n) + 0.001);
    expect(Math.abs((1 - mean) / (1 - p) - keep)).toBeLessThan(0.004);
  });

  it('at t = 1 is far from Bernoulli: E[z] ≈ 0.18 for p = 0.1', () => {
    const z = ops.concreteMask(200_000, 0.1, { temperature: 1, generator: new Generator(3) });
    expect(z.reduce((s, v) => s + v, 0) / z.length).toBeCloseTo(0.18, 1);
  });
});

describe('ConcreteDropout', () => {
  it('starts at p = 0.1, exposes p, and has the keys p_logit, layer.weight, layer.bias', () => {
    const layer = new nn.ConcreteDropout(new nn.Linear(4, 3));
    expect(layer.p).toBeCloseTo(0.1, 7);
    expect(Object.keys(layer.stateDict())).toEqual(['p_logit', 'layer.weight', 'layer.bias']);
    expect(new nn.ConcreteDropout(new nn.Linear(4, 3), { p: 0.3 }).p).toBeCloseTo(0.3, 7);
  });

  it('regularizer() is l²‖W‖²/(1−p) + dropoutScale·K·(p log p + (1−p) log(1−p)), bias excluded', () => {
    const linear = new nn.Linear(3, 2);
    linear.weight.data.set([0.5, -1, 2, 0.3, 0.7, -0.2]);
    const layer = new nn.ConcreteDropout(linear, { p: 0.25, lengthScale: 0.1, dropoutScale: 2 });
    const p = layer.p;
    const w2 = 0.25 + 1 + 4 + 0.09 + 0.49 + 0.04;
    const want = (0.01 * w2) / (1 - p) + 2 * 3 * (p * Math.log(p) + (1 - p) * Math.log(1 - p));
    expect(layer.regularizer().item()).toBeCloseTo(want, 5);
    linear.bias!.data.fill(100);
    expect(layer.regularizer().item()).toBeCloseTo(want, 5);
    expect(layer.regularizationTerms().map((t) => t.kind)).toEqual(['kl']);
    // K is the input dimension for the spatial form: the channels.
    const conv = new nn.SpatialConcreteDropout(new nn.Conv2d(4, 2, 3), { lengthScale: 0 });
    const q = conv.p;
    expect(conv.inputDim).toBe(4);
    expect(conv.regularizer().item()).toBeCloseTo(4 * (q * Math.log(q) + (1 - q) * Math.log(1 - q)), 5);
  });

  it('is deterministic (the wrapped layer) in eval unless alwaysActive; the mean keep factor is 1', () => {
    const linear = new nn.Linear(5, 2);
    const layer = new nn.ConcreteDropout(linear, { p: 0.3, seed: 2 });
    const x = leaf([4, 5], 1).detach();
    layer.eval();
    expect(layer.call(x).data).toEqual(linear.call(x).data);
    const active = new nn.ConcreteDropout(linear, { p: 0.3, seed: 2, alwaysActive: true });
    active.eval();
    expect(noGrad(() => active.call(x)).data).not.toEqual(linear.call(x).data);
    // z > 0.5 exactly when logit(p) + logistic noise > 0, probability p: the dropped 30 %.
    const n = 100_000;
    const y = ops.concreteDropout(new Tensor(new Float32Array(n).fill(1), [n]), tensor([Math.log(0.3 / 0.7)]), {
      training: true,
      generator: new Generator(5),
    }).data;
    const dropped = y.filter((v) => v < 0.5 / 0.7).length / n;
    expect(Math.abs(dropped - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / n));
    expect(Math.abs(y.reduce((s, v) => s + v, 0) / n - 1)).toBeLessThan(0.01);
  });

  it('has the gradients of finite differences in x, the weight, the bias and p_logit', () => {
    for (const temperature of [0.1, 0.5]) {
      const layer = new nn.ConcreteDropout(new nn.Linear(4, 3), { p: 0.3, seed: 6, temperature });
      const x = leaf([2, 4], 3);
      const lin = layer.layer as nn.Linear;
      const n = gradcheck(
        (input) => {
          layer.noiseGenerator.offset = 0;
          return layer.call(input);
        },
        [x, lin.weight, lin.bias!, layer.p_logit],
        { context: { temperature } },
      );
      expect(n).toBe(8 + 12 + 3 + 1);
    }
    const reg = new nn.ConcreteDropout(new nn.Linear(3, 2), { p: 0.2 });
    expect(gradcheck(() => reg.regularizer(), [reg.p_logit, (reg.layer as nn.Linear).weight])).toBe(7);
  });

  it("runs the backend's fused pass: the output, x's and p_logit's gradients are the pass's", () => {
    for (const spatial of [false, true]) {
      const shape = spatial ? [2, 3, 5] : [3, 17];
      const n = shape.reduce((a, b) => a * b, 1);
      const masks = spatial ? 6 : n;
      const x = leaf(shape, 11);
      const pLogit = new Tensor(Float32Array.of(-0.7), [1], { requiresGrad: true });
      const y = ops.concreteDropout(x, pLogit, { training: true, spatial, generator: new Generator(5) });
      const g = new Float32Array(n).map((_, i) => Math.sin(i));
      y.backward(new Tensor(g, y.shape));
      const p = 1 / (1 + Math.exp(-Math.fround(-0.7)));
      const out = new Float32Array(n);
      const keep = new Float32Array(masks);
      const dKeep = new Float32Array(masks);
      const k = kernels();
      k.concreteDropout(out, keep, dKeep, x.data, p, 0.1, 5, 0, masks, n / masks);
      expect(Array.from(y.data)).toEqual(Array.from(out));
      const gx = new Float32Array(n);
      const dp = k.concreteDropoutBackward(gx, g, x.data, keep, dKeep, true, masks, n / masks);
      expect(Array.from(x.grad!.data)).toEqual(Array.from(gx));
      expect(pLogit.grad!.data[0]).toBeCloseTo(dp * p * (1 - p), 5);
      expect(dp).not.toBe(0);
    }
  });

  it('has the gradients of finite differences at t = 0.1 over 17 features (off every vector width)', () => {
    const layer = new nn.ConcreteDropout(new nn.Linear(17, 2), { p: 0.25, seed: 9 });
    const x = leaf([3, 17], 5);
    const lin = layer.layer as nn.Linear;
    const n = gradcheck(
      (input) => {
        layer.noiseGenerator.offset = 0;
        return layer.call(input);
      },
      [x, lin.weight, layer.p_logit],
    );
    expect(n).toBe(51 + 34 + 1);
  });

  it('the spatial form drops whole channels and has the gradient of finite differences in p_logit', () => {
    const ones = new Tensor(new Float32Array(2 * 3 * 4 * 4).fill(1), [2, 3, 4, 4]);
    const y = ops.concreteDropout(ones, tensor([0]), {
      training: true,
      spatial: true,
      generator: new Generator(1),
    }).data;
    for (let c = 0; c < 6; c++) {
      const plane = y.subarray(c * 16, c * 16 + 16);
      expect(plane.every((v) => v === plane[0])).toBe(true);
    }
    expect(new Set(Array.from({ length: 6 }, (_, c) => y[c * 16])).size).toBeGreaterThan(1);
    const layer = new nn.SpatialConcreteDropout(new nn.Conv2d(2, 2, 2), { p: 0.4, seed: 3, temperature: 0.5 });
    const conv = layer.layer as nn.Conv2d;
    const x = leaf([2, 2, 3, 3], 4);
    const n = gradcheck(
      (input) => {
        layer.noiseGenerator.offset = 0;
        return layer.call(input);
      },
      [x, conv.weight, layer.p_logit],
    );
    expect(n).toBe(36 + 16 + 1);
  });

  it('checks its arguments', () => {
    expect(() => new nn.ConcreteDropout(new nn.ReLU())).toThrow(
      'Expected Module with a weight Parameter (nn.Linear, nn.Conv2d ...) for layer but received ReLU',
    );
    expect(() => new nn.ConcreteDropout(new nn.Linear(2, 2), { p: 1 })).toThrow(
      new RangeError('Expected number in (0, 1) for p but received 1 of type number'),
    );
    expect(() => new nn.ConcreteDropout(new nn.Linear(2, 2), { temperature: 0 })).toThrow(
      new RangeError('Expected finite number > 0 for temperature but received 0 of type number'),
    );
    expect(() => new nn.ConcreteDropout(new nn.Linear(2, 2), { weightRegularizer: 1 } as never)).toThrow(
      'ConcreteDropout: unknown option "weightRegularizer"',
    );
    expect(() => new nn.ConcreteDropout({} as never)).toThrow(
      new TypeError('Expected Module for layer but received object'),
    );
    expect(() => ops.concreteDropout(tensor([1, 2]), tensor([0, 0]), { training: true })).toThrow(
      'expected pLogit of one element',
    );
  });
});
