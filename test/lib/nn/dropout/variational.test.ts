// Variational dropout (Kingma et al. 2015; spec §7 G1): the KL polynomial at the listed points,
// α clamped to ≤ 1, a fixed-α layer distributed as GaussianDropout(α/(1+α)) (mean 1, variance
// α, 4σ), the per-weight layer's local-reparameterisation variance, and gradients by finite
// differences through x, θ, b and log α.
import { describe, expect, it } from 'vitest';
import { nn, noGrad, ops, Tensor, tensor } from '../../../../lib/index.js';
import { KINGMA_CONST, kingmaPolynomial, sparseVdNegKl } from '../../../../lib/ops/variational.js';
import { expectClose } from '../../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';

describe('Kingma KL', () => {
  it('the polynomial is −1.049582, −0.487501, −0.068071, 0.245709 at α = 0.1, 0.25, 0.5, 1', () => {
    const want = [
      [0.1, -1.049582],
      [0.25, -0.487501],
      [0.5, -0.068071],
      [1, 0.245709],
    ];
    for (const [a, v] of want) expect(Math.abs(kingmaPolynomial(a!) - v!), `α = ${a}`).toBeLessThan(1e-6);
  });

  it('kl() is positive, meets Molchanov’s KL at α = 1, and clamps α to ≤ 1 (no gradient above)', () => {
    expect(-(KINGMA_CONST + kingmaPolynomial(1))).toBeCloseTo(-sparseVdNegKl(0), 12);
    const layer = new nn.VariationalDropout(4, { p: 0.2 });
    layer.log_alpha.data.set([Math.log(0.1), Math.log(0.5), 0, 0.7]);
    const kl = layer.kl();
    const per = [0.1, 0.5, 1, 1].map((a) => -(KINGMA_CONST + kingmaPolynomial(a)));
    expect(kl.item()).toBeCloseTo(
      per.reduce((s, v) => s + v, 0),
      5,
    );
    expect(per.every((v) => v > 0)).toBe(true);
    kl.backward();
    expect(layer.log_alpha.grad!.data[3]).toBe(0);
    expectClose(layer.alpha.data, Float32Array.of(0.1, 0.5, 1, 1), { rtol: 1e-6 });
  });

  it('has the gradient of finite differences', () => {
    const la = new Tensor(Float32Array.of(-3, -1.5, -0.7, -0.2), [4], { requiresGrad: true });
    expect(gradcheck((t) => ops.kingmaKl(t), [la])).toBe(4);
  });

  it('gives the same gradient again through a retained graph, scaled by the seed gradient', () => {
    const la = new Tensor(Float32Array.of(-3, -1.5, -0.7, 0.4), [4], { requiresGrad: true });
    const kl = ops.kingmaKl(la);
    kl.backward(undefined, { retainGraph: true });
    const first = Float32Array.from(la.grad!.data);
    kl.backward(new Tensor(Float32Array.of(3), []));
    expectClose(
      la.grad!.data,
      first.map((v) => 4 * v),
    );
    expect(first[0]).toBeLessThan(0);
    expect(first[3]).toBe(0);
  });
});

describe('VariationalDropout per unit', () => {
  it('with a fixed α is distributed as GaussianDropout(α/(1+α)): mean 1, variance α (10^5 samples, 4σ)', () => {
    const alpha = 0.6;
    const rows = 100_000;
    const ones = new Tensor(new Float32Array(rows * 2).fill(1), [rows, 2]);
    const vd = new nn.VariationalDropout(2, { alpha, learnAlpha: false, seed: 3 });
    const gd = new nn.GaussianDropout(alpha / (1 + alpha), { seed: 4 });
    for (const layer of [vd, gd]) {
      const y = noGrad(() => layer.call(ones)).data;
      const m = y.reduce((s, v) => s + v, 0) / y.length;
      const v = y.reduce((s, t) => s + (t - m) ** 2, 0) / (y.length - 1);
      expect(Math.abs(m - 1), layer.layerName).toBeLessThan(4 * Math.sqrt(alpha / y.length));
      expect(Math.abs(v - alpha), layer.layerName).toBeLessThan(4 * alpha * Math.sqrt(2 / y.length));
    }
    expect(vd.regularizationTerms()).toEqual([]);
    expect(vd.log_alpha.requiresGrad).toBe(false);
    expect(vd.dropoutRate).toBeCloseTo(alpha / (1 + alpha), 6);
  });

  it('applies one α per unit of dimension 1 (channels of NCHW too), the identity in eval', () => {
    const layer = new nn.VariationalDropout(3, { seed: 1 });
    layer.log_alpha.data.set([Math.log(0.01), Math.log(0.25), 0]);
    const n = 20_000;
    const y = noGrad(() => layer.call(new Tensor(new Float32Array(n * 3 * 2).fill(1), [n, 3, 2]))).data;
    [0.01, 0.25, 1].forEach((a, c) => {
      const vals = Array.from({ length: n * 2 }, (_, k) => y[Math.floor(k / 2) * 6 + c * 2 + (k % 2)]!);
      const m = vals.reduce((s, v) => s + v, 0) / vals.length;
      const v = vals.reduce((s, t) => s + (t - m) ** 2, 0) / (vals.length - 1);
      expect(Math.abs(v - a), `unit ${c}`).toBeLessThan(4 * a * Math.sqrt(2 / vals.length));
    });
    layer.eval();
    const x = tensor([[1, 2, 3]]);
    expect(layer.call(x)).toBe(x);
  });

  it('has the gradients of finite differences in x and log α', () => {
    const layer = new nn.VariationalDropout(4, { p: 0.3, seed: 2 });
    layer.log_alpha.data.set([-2, -1, -0.5, -0.1]);
    const x = leaf([3, 4], 5);
    const n = gradcheck(
      (input) => {
        layer.noiseGenerator.offset = 0;
        return layer.call(input);
      },
      [x, layer.log_alpha],
    );
    expect(n).toBe(12 + 4);
  });

  it('checks its arguments', () => {
    expect(() => new nn.VariationalDropout(3, { p: 0.7 })).toThrow(
      new RangeError('Expected number in (0, 0.5] for p but received 0.7 of type number'),
    );
    expect(() => new nn.VariationalDropout(3, { p: 0.1, alpha: 0.2 })).toThrow('pass p or alpha, not both');
    expect(() => new nn.VariationalDropout(3, { rate: 0.1 } as never)).toThrow(
      'VariationalDropout: unknown option "rate"',
    );
    expect(() => new nn.VariationalDropout('3' as never)).toThrow(TypeError);
    expect(() => new nn.VariationalDropout(3).call(tensor([[1, 2]]))).toThrow(
      'VariationalDropout(3) expected input [*, 3] but received [1, 2]',
    );
  });
});

describe('VariationalDropout per weight (wrapping a Linear)', () => {
  it('samples pre-activations of mean xθ + b and variance (x⊙x)·(α⊙θ⊙θ); eval is the Linear', () => {
    const linear = new nn.Linear(2, 1);
    linear.weight.data.set([0.8, -1.5]);
    linear.bias!.data[0] = 0.3;
    const layer = new nn.VariationalDropout(linear, { seed: 7 });
    expect(Object.keys(layer.stateDict())).toEqual(['log_alpha', 'layer.weight', 'layer.bias']);
    layer.log_alpha.data.set([Math.log(0.5), Math.log(0.2)]);
    const rows = 100_000;
    const xs = [1.5, -0.5];
    const x = new Tensor(
      new Float32Array(rows * 2).map((_, i) => xs[i % 2]!),
      [rows, 2],
    );
    const y = noGrad(() => layer.call(x)).data;
    const mean = 1.5 * 0.8 + 0.5 * 1.5 + 0.3;
    const variance = 2.25 * 0.5 * 0.64 + 0.25 * 0.2 * 2.25;
    const m = y.reduce((s, v) => s + v, 0) / rows;
    const v = y.reduce((s, t) => s + (t - m) ** 2, 0) / (rows - 1);
    expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(variance / rows));
    expect(Math.abs(v - variance)).toBeLessThan(4 * variance * Math.sqrt(2 / rows));
    layer.eval();
    const probe = tensor([[1, 2]]);
    expectClose(layer.call(probe).data, linear.call(probe).data);
    expect(layer.category).toBe('linear');
  });

  it('has the gradients of finite differences in x, θ, b and log α', () => {
    const layer = new nn.VariationalDropout(new nn.Linear(3, 2), { seed: 4 });
    layer.log_alpha.data.set([-2, -1, -0.5, -1.5, -0.3, -2.5]);
    const x = leaf([2, 3], 8);
    const n = gradcheck(
      (input) => {
        layer.noiseGenerator.offset = 0;
        return layer.call(input);
      },
      [x, layer.layer!.weight, layer.layer!.bias!, layer.log_alpha],
    );
    expect(n).toBe(6 + 6 + 2 + 6);
  });
});
