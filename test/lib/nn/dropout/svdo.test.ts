// Sparse variational dropout (spec §7 G2-G4): Molchanov's KL at the listed points, log α as
// clip(log σ² − log θ², −8, 8), the local-reparameterisation pre-activation's mean and
// variance over 10^5 samples, eval zeroing exactly the weights with log α >= threshold, the
// sparsity report and the pruned export, and gradients by finite differences.
import { describe, expect, it } from 'vitest';
import { Generator, nn, noGrad, ops, Tensor, tensor } from '../../../../lib/index.js';
import { sparseVdNegKl } from '../../../../lib/ops/variational.js';
import { expectClose } from '../../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';

const KL_POINTS: [number, number][] = [
  [-8, 4.635899],
  [-3, 2.11559],
  [0, 0.431239],
  [3, 0.02542],
  [8, 0.000168],
];

/** A 1×n LinearSVDO whose weights are all 1, so log α = log σ². */
function unitWeights(logSigma2: number[]): nn.LinearSVDO {
  const layer = new nn.LinearSVDO(logSigma2.length, 1, { bias: false });
  layer.weight.data.fill(1);
  layer.log_sigma2.data.set(logSigma2);
  return layer;
}

describe('LinearSVDO KL (Molchanov et al. 2017)', () => {
  it('equals the listed values at log α = −8, −3, 0, 3, 8 (within 1e-6), and is monotone decreasing', () => {
    for (const [la, want] of KL_POINTS) {
      expect(Math.abs(-sparseVdNegKl(la) - want), `log α = ${la}`).toBeLessThan(1e-6);
      const kl = unitWeights([la]).kl();
      expect(kl.shape).toEqual([]);
      expect(Math.abs(kl.item() - want), `layer at log α = ${la}`).toBeLessThan(1e-6);
    }
    const sum = unitWeights(KL_POINTS.map(([la]) => la))
      .kl()
      .item();
    expect(sum).toBeCloseTo(
      KL_POINTS.reduce((s, [, v]) => s + v, 0),
      5,
    );
    for (let la = -8; la < 8; la += 0.25) expect(-sparseVdNegKl(la + 0.25)).toBeLessThan(-sparseVdNegKl(la));
  });

  it('takes log α = log σ² − log θ², clipped to [−8, 8]', () => {
    const layer = new nn.LinearSVDO(4, 1, { bias: false });
    layer.weight.data.set([0.5, -2, 1e-6, 0]);
    layer.log_sigma2.data.set([-1, 1, -10, -10]);
    const want = [-1 - Math.log(0.25), 1 - Math.log(4), 8, 8];
    expectClose(layer.logAlpha().data, Float32Array.from(want), { atol: 1e-6 });
    const kl = layer.kl().item();
    expect(kl).toBeCloseTo(
      want.reduce((s, la) => s - sparseVdNegKl(la), 0),
      5,
    );
    expect(kl).toBeGreaterThan(0);
  });

  it('has the gradient of finite differences in the weight and in log σ²', () => {
    const layer = new nn.LinearSVDO(5, 3);
    // log α = log σ² − log θ² spread over (−6, 6), away from the clip bounds.
    layer.log_sigma2.data.set(
      Array.from({ length: 15 }, (_, i) => -4 + 0.5 * i + Math.log(layer.weight.data[i]! ** 2)),
    );
    const n = gradcheck((w, s) => ops.sparseVdKl(w, s), [layer.weight, layer.log_sigma2], { atol: 1e-3 });
    expect(n).toBe(30);
    // Outside the clip range the gradient is 0, as clamp's.
    const w = new Tensor(Float32Array.of(1), [1], { requiresGrad: true });
    const s = new Tensor(Float32Array.of(9), [1], { requiresGrad: true });
    ops.sparseVdKl(w, s).backward();
    expect([w.grad!.data[0], s.grad!.data[0]]).toEqual([0, 0]);
  });

  it('gives the same gradients again through a retained graph, and scales them by the seed gradient', () => {
    const layer = new nn.LinearSVDO(6, 4, { logSigma2Init: -3 });
    const kl = layer.kl();
    kl.backward(undefined, { retainGraph: true });
    const first = [Float32Array.from(layer.weight.grad!.data), Float32Array.from(layer.log_sigma2.grad!.data)];
    kl.backward(undefined, { retainGraph: true });
    expectClose(
      layer.weight.grad!.data,
      first[0]!.map((v) => 2 * v),
    );
    expectClose(
      layer.log_sigma2.grad!.data,
      first[1]!.map((v) => 2 * v),
    );
    layer.zeroGrad();
    kl.backward(new Tensor(Float32Array.of(-0.5), []));
    expectClose(
      layer.weight.grad!.data,
      first[0]!.map((v) => -0.5 * v),
    );
    expectClose(
      layer.log_sigma2.grad!.data,
      first[1]!.map((v) => -0.5 * v),
    );
    expect(first[1]!.some((v) => v !== 0)).toBe(true);
  });
});

describe('LinearSVDO forward', () => {
  it('has the state-dict keys weight, log_sigma2, bias and log σ² = −10 at init', () => {
    const layer = new nn.LinearSVDO(3, 2);
    expect(Object.keys(layer.stateDict())).toEqual(['weight', 'log_sigma2', 'bias']);
    expect(Array.from(layer.log_sigma2.data)).toEqual(new Array(6).fill(-10));
    expect(layer.log_sigma2.shape).toEqual([2, 3]);
    expect(layer.logSigma2).toBe(layer.log_sigma2);
    expect(Object.keys(new nn.LinearSVDO(3, 2, { bias: false }).stateDict())).toEqual(['weight', 'log_sigma2']);
  });

  it('samples pre-activations of mean xθ + b and variance (x⊙x)·exp(log σ²) (10^5 samples, 4σ)', () => {
    const layer = new nn.LinearSVDO(3, 2, { seed: 11 });
    layer.weight.data.set([0.5, -1, 0.25, 2, 0.1, -0.3]);
    layer.bias!.data.set([0.2, -0.4]);
    layer.log_sigma2.data.set([-1, -2, 0, -3, 0.5, -0.5]);
    const xs = [0.7, -1.2, 0.4];
    const rows = 100_000;
    const x = new Tensor(
      new Float32Array(rows * 3).map((_, i) => xs[i % 3]!),
      [rows, 3],
    );
    const y = noGrad(() => layer.call(x));
    for (let o = 0; o < 2; o++) {
      const mean = xs.reduce((s, v, i) => s + v * layer.weight.data[o * 3 + i]!, layer.bias!.data[o]!);
      const variance = xs.reduce((s, v, i) => s + v * v * Math.exp(layer.log_sigma2.data[o * 3 + i]!), 0) + 1e-8;
      let m = 0;
      for (let r = 0; r < rows; r++) m += y.data[r * 2 + o]!;
      m /= rows;
      let v = 0;
      for (let r = 0; r < rows; r++) v += (y.data[r * 2 + o]! - m) ** 2;
      v /= rows - 1;
      expect(Math.abs(m - mean), `mean of output ${o}`).toBeLessThan(4 * Math.sqrt(variance / rows));
      expect(Math.abs(v - variance), `variance of output ${o}`).toBeLessThan(4 * variance * Math.sqrt(2 / rows));
    }
  });

  it('in eval zeroes exactly the weights with log α >= threshold, and reports sparsity per layer', () => {
    const layer = new nn.LinearSVDO(4, 2, { bias: true, threshold: 3 });
    layer.weight.data.set([1, 1, 1, 1, 0.5, 2, -1, -1]);
    // log α: [2.999, 3 (pruned: at the threshold), 3.001, −5 | 0 − log 0.25 ≈ 1.39, 8 (clipped), −8, 3]
    layer.log_sigma2.data.set([2.999, 3, 3.001, -5, 0, 8 + Math.log(4), -8, 3]);
    const la = layer.logAlpha().data;
    const kept = Array.from(la, (v) => (v < 3 ? 1 : 0));
    expect(Array.from(layer.keptMask().data)).toEqual(kept);
    expect(kept).toEqual([1, 0, 0, 1, 1, 0, 1, 0]);
    layer.eval();
    const x = tensor([
      [1, 2, 3, 4],
      [-1, 0.5, 2, -3],
    ]);
    const y = layer.call(x);
    const w = layer.weight.data.map((v, i) => (kept[i] === 1 ? v : 0));
    const want = [0, 1].flatMap((r) =>
      [0, 1].map((o) => [0, 1, 2, 3].reduce((s, i) => s + x.data[r * 4 + i]! * w[o * 4 + i]!, layer.bias!.data[o]!)),
    );
    expectClose(y.data, Float32Array.from(want), { atol: 1e-6 });
    expect(noGrad(() => layer.call(x)).data).toEqual(y.data); // deterministic
    expect(layer.sparsity()).toEqual({ total: 8, kept: 4, sparsity: 0.5 });
    expectClose(layer.prunedWeight().data, w);
    const model = new nn.Sequential(new nn.LinearSVDO(4, 4), new nn.ReLU(), layer);
    const report = nn.sparsity(model);
    expect(report.layers.map((l) => [l.name, l.layer, l.kept, l.total])).toEqual([
      ['0', 'LinearSVDO(4→4)', 16, 16],
      ['2', 'LinearSVDO(4→2)', 4, 8],
    ]);
    expect(report.compression).toBeCloseTo(24 / 20, 12);
  });

  it('with a different threshold prunes at that threshold', () => {
    const layer = unitWeights([-1, 0, 1, 2]);
    expect(layer.sparsity().kept).toBe(4);
    const strict = new nn.LinearSVDO(4, 1, { threshold: 0.5, bias: false });
    strict.loadStateDict(layer.stateDict());
    expect(Array.from(strict.keptMask().data)).toEqual([1, 1, 0, 0]);
  });

  it('trainClip prunes the mean in training too (the noise stays)', () => {
    const rows = 10_000;
    const x = new Tensor(new Float32Array(rows).fill(1), [rows, 1]);
    const meanOf = (trainClip: boolean): number => {
      const layer = new nn.LinearSVDO(1, 1, { trainClip, bias: false, seed: 1 });
      layer.weight.data[0] = 2;
      layer.log_sigma2.data[0] = 3.5 + Math.log(4); // log α = 3.5: pruned; noise std 2·e^1.75 ≈ 11.5
      return noGrad(() => layer.call(x)).data.reduce((s, v) => s + v, 0) / rows;
    };
    // Standard error 11.5 / 100: the clipped mean is 0, the unclipped one 2.
    expect(Math.abs(meanOf(true))).toBeLessThan(0.5);
    expect(Math.abs(meanOf(false) - 2)).toBeLessThan(0.5);
  });

  it('exports a pruned state dict that loads into the Linear architecture and computes what eval does', () => {
    const sparse = new nn.Sequential(new nn.LinearSVDO(5, 4), new nn.ReLU(), new nn.LinearSVDO(4, 3));
    for (const p of [sparse.at(0), sparse.at(2)] as nn.LinearSVDO[])
      p.log_sigma2.data.forEach((_, i, a) => {
        a[i] = (i % 3) * 4 - 4 + Math.log(p.weight.data[i]! ** 2);
      });
    const state = nn.prunedStateDict(sparse);
    expect(Object.keys(state)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const dense = new nn.Sequential(new nn.Linear(5, 4), new nn.ReLU(), new nn.Linear(4, 3));
    dense.loadStateDict(state);
    const x = leaf([6, 5], 3).detach();
    expectClose(dense.predict(x).data, sparse.predict(x).data, { atol: 1e-6 });
    expect(Array.from(state['0.weight']!.data).filter((v) => v === 0).length).toBe(
      nn.sparsity(sparse).layers[0]!.total - nn.sparsity(sparse).layers[0]!.kept,
    );
  });

  it('has the gradients of finite differences through the noisy forward (x, θ, log σ², b)', () => {
    const layer = new nn.LinearSVDO(4, 3, { seed: 5, logSigma2Init: -1 });
    const x = leaf([2, 4], 9);
    const fn = (input: Tensor): Tensor => {
      layer.noiseGenerator.offset = 0; // the same ε on every evaluation
      return layer.call(input);
    };
    const params = [x, layer.weight, layer.log_sigma2, layer.bias!];
    const n = gradcheck((...ts) => fn(ts[0]!), params);
    expect(n).toBe(8 + 12 + 12 + 3);
  });

  it('checks its arguments', () => {
    expect(() => new nn.LinearSVDO(0, 2)).toThrow(
      new RangeError('Expected positive integer for inFeatures but received 0 of type number'),
    );
    expect(() => new nn.LinearSVDO(2, 2, { threshold: Number.NaN })).toThrow(
      new RangeError('Expected finite number for threshold but received NaN of type number'),
    );
    expect(() => new nn.LinearSVDO(2, 2, { treshold: 3 } as never)).toThrow('LinearSVDO: unknown option "treshold"');
    expect(() => new nn.LinearSVDO(2, 2, { seed: 1, noiseGenerator: new Generator(1) })).toThrow(TypeError);
    expect(() => new nn.LinearSVDO(3, 2).call(tensor([[1, 2]]))).toThrow(
      'LinearSVDO(3→2) expected input [*, 3] but received [1, 2]',
    );
    expect(() => nn.sparsity({} as never)).toThrow(new TypeError('Expected Module for model but received object'));
  });
});

describe('Conv2dSVDO', () => {
  it('in eval is conv2d with the pruned kernel; keys and shape checks are Conv2d-like', () => {
    const layer = new nn.Conv2dSVDO(2, 3, 3, { padding: 1, seed: 2 });
    expect(Object.keys(layer.stateDict())).toEqual(['weight', 'log_sigma2', 'bias']);
    layer.log_sigma2.data.forEach((_, i, a) => {
      a[i] = (i % 2 === 0 ? 5 : -5) + Math.log(layer.weight.data[i]! ** 2);
    });
    layer.eval();
    const x = leaf([2, 2, 5, 5], 4).detach();
    const y = layer.call(x);
    const want = ops.conv2d(x, layer.prunedWeight(), layer.bias!.detach(), { padding: 1 });
    expectClose(y.data, want.data, { atol: 1e-6 });
    expect(layer.sparsity()).toEqual({ total: 54, kept: 27, sparsity: 0.5 });
    expect(() => layer.call(leaf([1, 3, 5, 5], 1))).toThrow(
      'Conv2dSVDO(2→3, 3x3) expected input [*, 2, *, *] but received [1, 3, 5, 5]',
    );
  });

  it('samples outputs of mean conv(x, θ) + b and variance conv(x⊙x, exp(log σ²))', () => {
    const layer = new nn.Conv2dSVDO(1, 1, 2, { seed: 3, logSigma2Init: -1 });
    const rows = 50_000;
    const patch = [0.5, -1, 2, 0.25];
    const x = new Tensor(
      new Float32Array(rows * 4).map((_, i) => patch[i % 4]!),
      [rows, 1, 2, 2],
    );
    const y = noGrad(() => layer.call(x));
    expect(y.shape).toEqual([rows, 1, 1, 1]);
    const mean = patch.reduce((s, v, i) => s + v * layer.weight.data[i]!, layer.bias!.data[0]!);
    const variance = patch.reduce((s, v) => s + v * v * Math.exp(-1), 0);
    const m = y.data.reduce((s, v) => s + v, 0) / rows;
    const v = y.data.reduce((s, t) => s + (t - m) ** 2, 0) / (rows - 1);
    expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(variance / rows));
    expect(Math.abs(v - variance)).toBeLessThan(4 * variance * Math.sqrt(2 / rows));
  });

  it('has the gradients of finite differences (x, θ, log σ², b) and a KL term', () => {
    const layer = new nn.Conv2dSVDO(2, 2, 2, { seed: 5, logSigma2Init: -1, stride: 1 });
    const x = leaf([1, 2, 3, 3], 2);
    const fn = (input: Tensor): Tensor => {
      layer.noiseGenerator.offset = 0;
      return layer.call(input);
    };
    const n = gradcheck((...ts) => fn(ts[0]!), [x, layer.weight, layer.log_sigma2, layer.bias!]);
    expect(n).toBe(18 + 16 + 16 + 2);
    expect(layer.regularizationTerms().map((t) => [t.kind, t.value.item()])).toEqual([['kl', layer.kl().item()]]);
    expect(layer.kl().item()).toBeGreaterThan(0);
  });
});
