/**
 * The recurrent dropout family inside nn.RNN / LSTM / GRU (spec section 7 C, D, F):
 * variational input and recurrent masks (one per sample per call, reused at every step, per
 * gate or tied), DropConnect on weight_hh, and zoneout (keep the previous state with
 * probability z, fresh per step; the expectation in eval). Gradients by finite differences with
 * the masks fixed by seed.
 */
import { describe, expect, it } from 'vitest';
import { Generator, nn, ops, Tensor, zeros } from '../../../../lib/index.js';
import { dropWeight, variationalMask } from '../../../../lib/ops/recurrent.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';
import { randomFloats } from '../../../helpers/rng.js';

const g = (seed: number): { generator: Generator } => ({ generator: new Generator(seed) });
const x3 = (T: number, B: number, I: number, seed = 1): Tensor => new Tensor(randomFloats(T * B * I, seed), [T, B, I]);
const eye = (n: number): Tensor => {
  const d = new Float32Array(n * n);
  for (let i = 0; i < n; i++) d[i * n + i] = 1;
  return new Tensor(d, [n, n]);
};
type Layer = { forward(x: Tensor, hx?: unknown): [Tensor, unknown] };
const run = (m: unknown, x: Tensor, hx?: unknown): Tensor => (m as Layer).forward(x, hx)[0];
const same = (a: Tensor, b: Tensor): boolean => a.data.every((v, i) => Object.is(v, b.data[i]));

/** A linear probe: relu RNN with identity weights and no bias; x_0 = 1, later inputs 0. */
function probe(H: number, T: number, options: Record<string, unknown>): { m: nn.RNN; x: Tensor } {
  const m = new nn.RNN(H, H, { nonlinearity: 'relu', bias: false, ...options });
  m.loadStateDict({ weight_ih_l0: eye(H), weight_hh_l0: eye(H) });
  const x = zeros([T, 1, H]);
  x.data.fill(1, 0, H);
  return { m, x };
}

describe('variational recurrent and input dropout', () => {
  it('C1: the same recurrent mask at every step (the identity probe keeps a constant set of units alive)', () => {
    const H = 64;
    const T = 20;
    const { m, x } = probe(H, T, { recurrentDropout: 0.5, seed: 4 });
    const out = run(m, x);
    const alive = (t: number): number[] =>
      [...out.data.subarray(t * H, (t + 1) * H)].flatMap((v, i) => (v !== 0 ? [i] : []));
    const first = alive(1);
    // About half survive the one mask; a fresh mask per step would leave about 64 / 2^19 alive.
    expect(first.length).toBeGreaterThan(16);
    expect(first.length).toBeLessThan(48);
    for (let t = 2; t < T; t++) expect(alive(t)).toEqual(first);
    // Kept values are scaled by 1/(1-p) at each step: 2^t.
    expect(out.data[19 * H + first[0]!]).toBe(2 ** 19);
  });

  it('C2: a fresh mask per call; the same seed repeats it', () => {
    const make = (): nn.GRU => new nn.GRU(4, 8, { recurrentDropout: 0.5, inputDropout: 0.3, seed: 9, ...g(1) });
    const a = make();
    const b = make();
    const x = x3(5, 3, 4);
    const a1 = run(a, x);
    const a2 = run(a, x);
    expect(same(a1, a2)).toBe(false);
    expect(same(run(b, x), a1)).toBe(true);
    expect(same(run(b, x), a2)).toBe(true);
  });

  it('C3: per-sample masks: identical sequences in a batch get different masks', () => {
    const m = new nn.LSTM(4, 8, { recurrentDropout: 0.5, seed: 2, ...g(2) });
    const one = x3(6, 1, 4);
    const x = ops.concat([one, one, one], 1);
    const out = run(m, x);
    const row = (b: number): number[] =>
      Array.from({ length: 6 * 8 }, (_, i) => out.data[(Math.floor(i / 8) * 3 + b) * 8 + (i % 8)]!);
    expect(row(0)).not.toEqual(row(1));
    expect(row(1)).not.toEqual(row(2));
    const masks = m.lastDropoutMasks[0]!.recurrent!;
    expect(masks.data.subarray(0, 32)).not.toEqual(masks.data.subarray(32, 64));
  });

  it('C4: per-gate masks by default (4 for LSTM, 3 for GRU, input and state); one when maskPerGate is false', () => {
    for (const [Layer, G] of [
      [nn.LSTM, 4],
      [nn.GRU, 3],
      [nn.RNN, 1],
    ] as const) {
      const m = new Layer(5, 6, { recurrentDropout: 0.4, inputDropout: 0.2, seed: 3 });
      run(m, x3(2, 3, 5));
      const { input, recurrent } = m.lastDropoutMasks[0]!;
      expect([input!.count, recurrent!.count]).toEqual([G, G]);
      expect(input!.data.length).toBe(3 * G * 5);
      expect(recurrent!.data.length).toBe(3 * G * 6);
      if (G > 1) expect(recurrent!.data.subarray(0, 6)).not.toEqual(recurrent!.data.subarray(6, 12));
      const tied = new Layer(5, 6, { recurrentDropout: 0.4, inputDropout: 0.2, maskPerGate: false, seed: 3 });
      run(tied, x3(2, 3, 5));
      expect([tied.lastDropoutMasks[0]!.input!.count, tied.lastDropoutMasks[0]!.recurrent!.count]).toEqual([1, 1]);
      const onlyInput = new Layer(5, 6, { inputDropout: 0.2, seed: 3 });
      run(onlyInput, x3(2, 3, 5));
      expect(onlyInput.lastDropoutMasks[0]!.recurrent).toBeNull();
    }
  });

  it('C5: eval and zero rates equal the plain layer bit for bit; recurrentDropout = 1 is the layer without W_hh', () => {
    const x = x3(5, 2, 3);
    const plain = new nn.LSTM(3, 4, g(5));
    const dropped = new nn.LSTM(3, 4, { recurrentDropout: 0.5, inputDropout: 0.5, weightDropout: 0.5, ...g(5) }).eval();
    expect(same(run(dropped, x), run(plain, x))).toBe(true);
    const all = new nn.GRU(3, 4, { recurrentDropout: 1, ...g(6) });
    const noRec = new nn.GRU(3, 4, g(6));
    noRec.stateDict().weight_hh_l0!.data.fill(0);
    const h0 = new Tensor(randomFloats(8, 3), [1, 2, 4]);
    const got = run(all, x, h0);
    expect(got.data.every(Number.isFinite)).toBe(true);
    expect(same(got, run(noRec, x, h0))).toBe(true);
    // weightDropout = 1: W_hh is all dropped.
    const wd = new nn.GRU(3, 4, { weightDropout: 1, ...g(6) });
    expect(same(run(wd, x, h0), run(noRec, x, h0))).toBe(true);
    // inputDropout = 1: the layer sees zeros.
    const zin = new nn.RNN(3, 4, { inputDropout: 1, ...g(7) });
    const ref = new nn.RNN(3, 4, g(7));
    expect(same(run(zin, x), run(ref, zeros([5, 2, 3])))).toBe(true);
  });

  it('C6: kept mask values are exactly 1/(1-p) and the mean mask is 1 within 4 sigma', () => {
    const p = 0.3;
    const n = 20000;
    const m = variationalMask(p, 100, 4, 50, new Generator(11));
    expect(m.data.length).toBe(n);
    const scale = Math.fround(1 / (1 - p));
    expect(m.data.every((v) => v === 0 || v === scale)).toBe(true);
    const mean = m.data.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(mean - 1)).toBeLessThan(4 * Math.sqrt(p / (1 - p) / n));
  });

  it('C7: GRU keeps its memory under recurrentDropout 0.9 with the update gate saturated', () => {
    const H = 8;
    const m = new nn.GRU(3, H, { recurrentDropout: 0.9, seed: 5, ...g(8) });
    const b = m.stateDict().bias_ih_l0!.data;
    b.fill(30, H, 2 * H); // z = sigmoid(30 + ...) = 1 in float32
    const h0 = new Tensor(randomFloats(2 * H, 4), [1, 2, H]);
    const out = run(m, x3(10, 2, 3), h0);
    for (let t = 0; t < 10; t++) {
      for (let i = 0; i < 2 * H; i++)
        expect(Math.abs(out.data[t * 2 * H + i]! - h0.data[i]!)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('C8: the mask stream does not depend on eval calls made in between', () => {
    const make = (): nn.LSTM =>
      new nn.LSTM(3, 4, { recurrentDropout: 0.5, zoneout: 0.2, weightDropout: 0.3, seed: 12, ...g(9) });
    const a = make();
    const b = make();
    const x = x3(4, 2, 3);
    run(a, x);
    run(b, x);
    b.eval();
    run(b, x);
    b.train();
    expect(same(run(a, x), run(b, x))).toBe(true);
  });

  it('rates outside [0, 1] are RangeErrors', () => {
    expect(() => new nn.LSTM(3, 4, { recurrentDropout: -0.5 })).toThrow(RangeError);
    expect(() => new nn.LSTM(3, 4, { inputDropout: 2 })).toThrow(RangeError);
  });
});

describe('weight dropout (DropConnect on weight_hh)', () => {
  it('D1: step 0 is the same across calls when h0 = 0 and step 1 differs; the mask is shared by the batch', () => {
    const m = new nn.LSTM(3, 6, { weightDropout: 0.5, seed: 1, ...g(10) });
    const one = x3(3, 1, 3);
    const x = ops.concat([one, one], 1);
    const a = run(m, x);
    const b = run(m, x);
    const step = (t: Tensor, s: number): number[] => [...t.data.subarray(s * 12, (s + 1) * 12)];
    expect(step(a, 0)).toEqual(step(b, 0));
    expect(step(a, 1)).not.toEqual(step(b, 1));
    // Both rows see the same dropped weights: identical rows stay identical at every step.
    for (let s = 0; s < 3; s++) expect(step(a, s).slice(0, 6)).toEqual(step(a, s).slice(6));
  });

  it('D2: eval uses the raw weights, which keep their names and values', () => {
    const m = new nn.GRU(3, 4, { weightDropout: 0.5, seed: 2, ...g(11) });
    const plain = new nn.GRU(3, 4, g(11));
    const before = [...m.stateDict().weight_hh_l0!.data];
    run(m, x3(4, 2, 3));
    expect(Object.keys(m.stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
    expect([...m.stateDict().weight_hh_l0!.data]).toEqual(before);
    m.eval();
    const x = x3(4, 2, 3);
    expect(same(run(m, x), run(plain, x))).toBe(true);
  });

  it('D3: weightDropoutRows zeroes whole rows of weight_hh (scaled 1/(1-p) otherwise), and is off in eval', () => {
    const w = new Tensor(randomFloats(12 * 5, 40), [12, 5]);
    const dropped = dropWeight(w, 0.5, new Generator(41), true);
    let kept = 0;
    for (let r = 0; r < 12; r++) {
      const row = [...dropped.data.subarray(r * 5, r * 5 + 5)];
      const raw = [...w.data.subarray(r * 5, r * 5 + 5)];
      if (row.every((v) => v === 0)) continue;
      kept++;
      expect(row).toEqual(raw.map((v) => Math.fround(v * 2)));
    }
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(12);
    // In a layer: the training output differs from eval; eval is the plain layer's output.
    const m = new nn.LSTM(3, 4, { weightDropout: 0.5, weightDropoutRows: true, seed: 5, ...g(13) });
    const plain = new nn.LSTM(3, 4, g(13));
    const x = x3(4, 2, 3);
    const train = run(m, x);
    m.eval();
    expect(same(run(m, x), run(plain, x))).toBe(true);
    expect(same(train, run(plain, x))).toBe(false);
    expect(m.getConfig()).toMatchObject({ weightDropout: 0.5, weightDropoutRows: true });
    expect(() => new nn.GRU(3, 4, { weightDropoutRows: 1 as never })).toThrow(TypeError);
  });

  it('D3: the gradient through row weight drop (finite differences, mask fixed by seed)', () => {
    const gen = new Generator(4);
    const m = new nn.GRU(2, 3, { weightDropout: 0.5, weightDropoutRows: true, maskGenerator: gen, ...g(14) });
    const x = leaf([3, 2, 2], 33);
    const fn = (): Tensor => {
      gen.manualSeed(4);
      return run(m, x);
    };
    expect(gradcheck(fn, [x, ...m.parameters()])).toBeGreaterThan(50);
  });

  it('D4: the raw weight gradient is the masked gradient (finite differences, mask fixed by seed)', () => {
    const gen = new Generator(3);
    const m = new nn.LSTM(2, 3, { weightDropout: 0.4, maskGenerator: gen, ...g(12) });
    const x = leaf([3, 2, 2], 30);
    const h0 = leaf([1, 2, 3], 31, -0.5, 0.5);
    const c0 = leaf([1, 2, 3], 32, -0.5, 0.5);
    const fn = (): Tensor => {
      gen.manualSeed(3);
      return run(m, x, [h0, c0]);
    };
    expect(gradcheck(fn, [x, h0, c0, ...m.parameters()])).toBeGreaterThan(100);
  });
});

describe('zoneout', () => {
  it('F1: eval gives the expectation: c = z_c c_prev + (1 - z_c) c~, h = z_h h_prev + (1 - z_h) h~ from the un-zoned c~', () => {
    const zc = 0.3;
    const zh = 0.6;
    const m = new nn.LSTM(3, 4, { zoneout: { cell: zc, hidden: zh }, ...g(13) }).eval();
    const cell = new nn.LSTMCell(3, 4, g(1));
    const sd = m.stateDict();
    cell.loadStateDict({
      weight_ih: sd.weight_ih_l0!,
      weight_hh: sd.weight_hh_l0!,
      bias_ih: sd.bias_ih_l0!,
      bias_hh: sd.bias_hh_l0!,
    });
    const x = x3(5, 2, 3);
    let h = new Tensor(randomFloats(8, 5), [2, 4]);
    let c = new Tensor(randomFloats(8, 6), [2, 4]);
    const [out, [hN, cN]] = m.forward(x, [ops.reshape(h, [1, 2, 4]), ops.reshape(c, [1, 2, 4])]);
    for (let t = 0; t < 5; t++) {
      const [hNew, cNew] = cell.forward(new Tensor(x.data.slice(t * 6, (t + 1) * 6), [2, 3]), [h, c]);
      c = new Tensor(
        c.data.map((v, i) => zc * v + (1 - zc) * cNew.data[i]!),
        [2, 4],
      );
      h = new Tensor(
        h.data.map((v, i) => zh * v + (1 - zh) * hNew.data[i]!),
        [2, 4],
      );
      for (let i = 0; i < 8; i++) expect(Math.abs(out.data[t * 8 + i]! - h.data[i]!)).toBeLessThan(1e-6);
    }
    for (let i = 0; i < 8; i++) {
      expect(Math.abs(hN.data[i]! - h.data[i]!)).toBeLessThan(1e-6);
      expect(Math.abs(cN.data[i]! - c.data[i]!)).toBeLessThan(1e-6);
    }
  });

  it('F2: zoneout 0 is the plain LSTM bit for bit; zoneout 1 in training freezes the state with dh_T/dh_0 = I', () => {
    const x = x3(4, 2, 3);
    const z0 = new nn.LSTM(3, 4, { zoneout: 0, ...g(14) });
    expect(same(run(z0, x), run(new nn.LSTM(3, 4, g(14)), x))).toBe(true);
    const z1 = new nn.LSTM(3, 4, { zoneout: 1, ...g(14) });
    const h0 = new Tensor(randomFloats(8, 7), [1, 2, 4], { requiresGrad: true });
    const c0 = new Tensor(randomFloats(8, 8), [1, 2, 4], { requiresGrad: true });
    const [, [hN, cN]] = z1.forward(x, [h0, c0]);
    expect([...hN.data]).toEqual([...h0.data]);
    expect([...cN.data]).toEqual([...c0.data]);
    const v = new Tensor(randomFloats(8, 9), [1, 2, 4]);
    ops.sum(ops.mul(hN, v)).backward();
    expect([...h0.grad!.data]).toEqual([...v.data]);
  });

  it('F3 and F5: masks are fresh per step, unit and sample; zoneout 0.9 keeps about 90% of units per step', () => {
    for (const z of [0.5, 0.9]) {
      const H = 32;
      const B = 16;
      const T = 6;
      const m = new nn.GRU(3, H, { zoneout: z, seed: 7, ...g(15) });
      const h0 = new Tensor(randomFloats(B * H, 10), [1, B, H]);
      const out = run(m, x3(T, B, 3, 11), h0);
      const kept = (t: number): boolean[] =>
        Array.from(
          { length: B * H },
          (_, i) => out.data[t * B * H + i] === (t === 0 ? h0.data[i] : out.data[(t - 1) * B * H + i]),
        );
      const n = B * H;
      for (let t = 0; t < T; t++) {
        const frac = kept(t).filter(Boolean).length / n;
        expect(Math.abs(frac - z)).toBeLessThan(4 * Math.sqrt((z * (1 - z)) / n));
      }
      const agree = kept(1).filter((k, i) => k === kept(2)[i]).length / n;
      expect(agree).toBeLessThan(z * z + (1 - z) * (1 - z) + 4 * Math.sqrt(0.25 / n));
      // Per sample: rows of one step differ.
      expect(kept(0).slice(0, H)).not.toEqual(kept(0).slice(H, 2 * H));
    }
  });

  it('F4: the mean over training draws of one step equals the eval output within 4 sigma', () => {
    const N = 4000;
    const H = 4;
    const z = 0.3;
    const m = new nn.RNN(3, H, { zoneout: z, seed: 8, ...g(16) });
    const x1 = randomFloats(3, 12);
    const h1 = randomFloats(H, 13);
    const x = new Tensor(
      new Float32Array(N * 3).map((_, i) => x1[i % 3]!),
      [1, N, 3],
    );
    const h0 = new Tensor(
      new Float32Array(N * H).map((_, i) => h1[i % H]!),
      [1, N, H],
    );
    const train = run(m, x, h0);
    m.eval();
    const evalOut = run(m, ops.reshape(new Tensor(x1, [3]), [1, 1, 3]), ops.reshape(new Tensor(h1, [H]), [1, 1, H]));
    for (let j = 0; j < H; j++) {
      let s = 0;
      for (let b = 0; b < N; b++) s += train.data[b * H + j]!;
      const spread = (Math.abs(evalOut.data[j]! - h1[j]!) / (1 - z)) * Math.sqrt(z * (1 - z));
      expect(Math.abs(s / N - evalOut.data[j]!)).toBeLessThanOrEqual((4 * spread) / Math.sqrt(N) + 1e-6);
    }
  });
});

describe('gradients with every mask on (finite differences, masks fixed by seed)', () => {
  const cases: [string, (gen: Generator) => unknown][] = [
    [
      'LSTM: input, recurrent (per gate), weight dropout, zoneout, projection',
      (gen) =>
        new nn.LSTM(3, 4, {
          projSize: 2,
          inputDropout: 0.3,
          recurrentDropout: 0.4,
          weightDropout: 0.3,
          zoneout: { cell: 0.3, hidden: 0.2 },
          maskGenerator: gen,
          ...g(17),
        }),
    ],
    [
      'GRU: tied masks, zoneout, 2 layers with inter-layer dropout',
      (gen) =>
        new nn.GRU(3, 4, {
          numLayers: 2,
          dropout: 0.3,
          inputDropout: 0.3,
          recurrentDropout: 0.4,
          maskPerGate: false,
          zoneout: 0.3,
          maskGenerator: gen,
          ...g(18),
        }),
    ],
    [
      'RNN: bidirectional with recurrent dropout and zoneout',
      (gen) =>
        new nn.RNN(3, 4, { bidirectional: true, recurrentDropout: 0.5, zoneout: 0.25, maskGenerator: gen, ...g(19) }),
    ],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const gen = new Generator(21);
      const m = make(gen) as nn.Module;
      const x = leaf([4, 2, 3], 40);
      const fn = (): Tensor => {
        gen.manualSeed(21);
        return run(m, x);
      };
      expect(gradcheck(fn, [x, ...m.parameters()], { context: { name } })).toBeGreaterThan(50);
    });
  }
});
