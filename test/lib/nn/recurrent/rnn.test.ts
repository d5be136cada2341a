/**
 * nn.RNN / LSTM / GRU and the cells beyond the torch fixtures: constructor forms and checks,
 * layouts (bidirectional, batchFirst, unbatched), errors naming the layer and the shapes,
 * PyTorch's initialisation, the inter-layer dropout, and finite-difference gradients.
 */
import { describe, expect, it, vi } from 'vitest';
import { Generator, nn, noGrad, ops, ShapeError, Tensor, zeros } from '../../../../lib/index.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';
import { randomFloats } from '../../../helpers/rng.js';

const g = (seed: number): { generator: Generator } => ({ generator: new Generator(seed) });
const x3 = (T: number, B: number, I: number, seed = 1): Tensor => new Tensor(randomFloats(T * B * I, seed), [T, B, I]);
/** Element [i, j, k] of a (A, B, C) tensor. */
const at = (t: Tensor, i: number, j: number, k: number): number => t.data[(i * t.shape[1]! + j) * t.shape[2]! + k]!;

describe('constructors', () => {
  it("take PyTorch's positional order, an options object, or both", () => {
    const a = new nn.LSTM(3, 5, 2, false, true, 0.25, true, 2);
    expect([a.numLayers, a.bias, a.batchFirst, a.dropout, a.bidirectional, a.projSize]).toEqual([
      2,
      false,
      true,
      0.25,
      true,
      2,
    ]);
    const b = new nn.LSTM({
      inputSize: 3,
      hiddenSize: 5,
      numLayers: 2,
      bias: false,
      batchFirst: true,
      dropout: 0.25,
      bidirectional: true,
      projSize: 2,
    });
    expect(b.getConfig()).toEqual(a.getConfig());
    const r = new nn.RNN(3, 4, 1, 'relu', true, false, 0, true);
    expect([r.nonlinearity, r.bidirectional]).toEqual(['relu', true]);
    expect(new nn.RNN(3, 4, 2, { nonlinearity: 'relu' }).nonlinearity).toBe('relu');
    const gru = new nn.GRU(3, 4, { numLayers: 3, recurrentDropout: 0.2 });
    expect([gru.numLayers, gru.recurrentDropout, gru.maskPerGate]).toEqual([3, 0.2, true]);
    expect(new nn.LSTMCell(3, 4, false).bias).toBe(false);
    expect(new nn.RNNCell(3, 4, true, 'relu').nonlinearity).toBe('relu');
  });

  it('reject arguments they do not take (TypeError)', () => {
    expect(() => new nn.GRU(3, 4, { projSize: 2 } as never)).toThrow(TypeError);
    expect(() => new nn.GRU(3, 4, { projSize: 2 } as never)).toThrow(/GRU: unknown option "projSize"/);
    expect(() => new nn.RNN(3, 4, { nonLinearity: 'relu' } as never)).toThrow(/unknown option "nonLinearity"/);
    expect(() => new nn.LSTM(3, 4, 1, true, false, 0, false, 0, 'extra' as never)).toThrow(
      /at most 8 positional arguments/,
    );
    expect(() => new nn.LSTM(3, 4, 2, { numLayers: 2 })).toThrow(/numLayers was given both/);
    expect(() => new nn.LSTMCell(3, 4, { nonlinearity: 'relu' } as never)).toThrow(/LSTMCell: unknown option/);
    expect(() => new nn.LSTM(3, 4, { zoneout: { cell: 0.1, hiden: 0.1 } as never })).toThrow(
      /unknown zoneout rate "hiden"/,
    );
  });

  it('check values as PyTorch does: rates in [0, 1] (a bool is a TypeError), projSize below hiddenSize', () => {
    expect(() => new nn.LSTM(3, 4, { dropout: 1.5 })).toThrow(RangeError);
    expect(() => new nn.LSTM(3, 4, { dropout: -0.1 })).toThrow(RangeError);
    expect(() => new nn.LSTM(3, 4, { dropout: true as never })).toThrow(TypeError);
    expect(() => new nn.LSTM(3, 4, { projSize: 4 })).toThrow(/projSize/);
    expect(() => new nn.LSTM(3, 4, { projSize: -1 })).toThrow(RangeError);
    expect(() => new nn.RNN(3, 4, 1, 'sigmoid' as never)).toThrow(/'tanh' or 'relu' for nonlinearity/);
    for (const key of ['inputDropout', 'recurrentDropout', 'weightDropout', 'zoneout'] as const) {
      expect(() => new nn.GRU(3, 4, { [key]: 1.01 })).toThrow(RangeError);
      expect(() => new nn.GRU(3, 4, { [key]: Number.NaN })).toThrow(RangeError);
    }
    expect(() => new nn.LSTM(3, 4, { zoneout: { cell: 2 } })).toThrow(/zoneout\.cell/);
    expect(() => new nn.GRU(0, 4)).toThrow(/inputSize/);
  });

  it('warn when dropout is set with one layer (PyTorch does too)', () => {
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      new nn.LSTM(3, 4, { dropout: 0.5 });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0]![0])).toMatch(
        /non-zero dropout expects numLayers greater than 1, but got dropout=0.5 and numLayers=1/,
      );
      new nn.LSTM(3, 4, { dropout: 0.5, numLayers: 2 });
      new nn.LSTM(3, 4);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('initialise every parameter U(-1/sqrt(H), 1/sqrt(H)) (Kolmogorov-Smirnov, p > 0.001)', () => {
    const m = new nn.LSTM(7, 16, { numLayers: 2, bidirectional: true, projSize: 5, ...g(3) });
    const bound = 1 / 4;
    const v = m
      .parameters()
      .flatMap((p) => [...p.data])
      .sort((a, b) => a - b);
    expect(v.length).toBe(m.parameters().reduce((s, p) => s + p.size, 0));
    let d = 0;
    v.forEach((x, i) => {
      expect(Math.abs(x)).toBeLessThanOrEqual(bound);
      const cdf = (x + bound) / (2 * bound);
      d = Math.max(d, Math.abs(cdf - i / v.length), Math.abs(cdf - (i + 1) / v.length));
    });
    // Critical value of the one-sample KS statistic at alpha = 0.001: 1.949 / sqrt(n).
    expect(d).toBeLessThan(1.949 / Math.sqrt(v.length));
  });
});

describe('layouts', () => {
  it('bidirectional: output[-1, :, :H] is hN[0], output[0, :, H:] is hN[1], hN[2l + d] orders layers and directions', () => {
    const m = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, ...g(1) });
    const [out, hN] = m.forward(x3(5, 2, 3));
    expect(out.shape).toEqual([5, 2, 8]);
    expect(hN.shape).toEqual([4, 2, 4]);
    for (let b = 0; b < 2; b++) {
      for (let j = 0; j < 4; j++) {
        expect(at(out, 4, b, j)).toBe(at(hN, 2, b, j));
        expect(at(out, 0, b, 4 + j)).toBe(at(hN, 3, b, j));
      }
    }
  });

  it('batchFirst transposes input and output only; h0 and hN stay (D * L, B, H)', () => {
    const tm = new nn.LSTM(3, 4, { numLayers: 2, ...g(2) });
    const bf = new nn.LSTM(3, 4, { numLayers: 2, batchFirst: true, ...g(2) });
    const x = x3(5, 2, 3);
    const h0 = new Tensor(randomFloats(16, 3), [2, 2, 4]);
    const c0 = new Tensor(randomFloats(16, 4), [2, 2, 4]);
    const [o1, [h1, c1]] = tm.forward(x, [h0, c0]);
    const [o2, [h2, c2]] = bf.forward(ops.transpose(x, 0, 1), [h0, c0]);
    expect(o2.shape).toEqual([2, 5, 4]);
    expect([...ops.transpose(o2, 0, 1).data]).toEqual([...o1.data]);
    expect([...h2.data]).toEqual([...h1.data]);
    expect([...c2.data]).toEqual([...c1.data]);
  });

  it('unbatched (T, I) input gives (T, D*H) and (D*L, H) and equals a batch of one', () => {
    const m = new nn.LSTM(3, 4, { bidirectional: true, projSize: 2, ...g(4) });
    const x = x3(6, 1, 3);
    const [ob, [hb, cb]] = m.forward(x);
    const [ou, [hu, cu]] = m.forward(ops.reshape(x, [6, 3]));
    expect(ou.shape).toEqual([6, 4]);
    expect(hu.shape).toEqual([2, 2]);
    expect(cu.shape).toEqual([2, 4]);
    expect([...ou.data]).toEqual([...ob.data]);
    expect([...hu.data]).toEqual([...hb.data]);
    expect([...cu.data]).toEqual([...cb.data]);
  });

  it('absent h0 and c0 are zeros', () => {
    const m = new nn.LSTM(3, 4, g(5));
    const x = x3(4, 2, 3);
    const [a] = m.forward(x);
    const [b] = m.forward(x, [zeros([1, 2, 4]), zeros([1, 2, 4])]);
    expect([...a.data]).toEqual([...b.data]);
  });

  it('cells take (B, I) or (I) and equal one step of the layer', () => {
    const layer = new nn.GRU(3, 4, g(6));
    const cell = new nn.GRUCell(3, 4, g(6));
    const x = x3(1, 2, 3);
    const [, hN] = layer.forward(x);
    expect([...cell.forward(ops.reshape(x, [2, 3])).data]).toEqual([...hN.data]);
    expect(cell.forward(ops.reshape(x, [2, 3]).detach(), zeros([2, 4])).shape).toEqual([2, 4]);
    const lc = new nn.LSTMCell(3, 4, g(7));
    const [h, c] = lc.forward(new Tensor(randomFloats(3, 8), [3]));
    expect([h.shape, c.shape]).toEqual([[4], [4]]);
  });
});

describe('errors name the layer and the shapes', () => {
  it('a 4-D or wrongly sized input is a ShapeError naming the layer', () => {
    const m = new nn.LSTM(3, 4);
    expect(() => m.forward(zeros([2, 2, 2, 3]))).toThrow(ShapeError);
    expect(() => m.forward(zeros([2, 2, 2, 3]))).toThrow(
      /^LSTM\(3→4\) expected input \[\*, \*, 3\] but received \[2, 2, 2, 3\]/,
    );
    expect(() => m.forward(zeros([5, 2, 4]))).toThrow(
      /LSTM\(3→4\) expected input \[\*, \*, 3\] but received \[5, 2, 4\]/,
    );
    expect(() => m.forward([1, 2] as never)).toThrow(TypeError);
    expect(() => new nn.GRUCell(3, 4).forward(zeros([2, 5]))).toThrow(
      /GRUCell\(3→4\) expected input \[\*, 3\] but received \[2, 5\]/,
    );
  });

  it('a wrong hx shape names the expected and received shapes', () => {
    const m = new nn.GRU(3, 4, { numLayers: 2 });
    expect(() => m.forward(zeros([5, 2, 3]), zeros([1, 2, 4]))).toThrow(
      /GRU\(3→4, 2 layers\) expected hx of shape \[2, 2, 4\] but received \[1, 2, 4\]/,
    );
    const l = new nn.LSTM(3, 4, { projSize: 2 });
    expect(() => l.forward(zeros([5, 2, 3]), [zeros([1, 2, 2]), zeros([1, 2, 2])])).toThrow(
      /expected hx\[1\] of shape \[1, 2, 4\] but received \[1, 2, 2\]/,
    );
    expect(() => l.forward(zeros([5, 3]), [zeros([1, 2, 2]), zeros([1, 4])])).toThrow(
      /expected hx\[0\] of shape \[1, 2\] but received \[1, 2, 2\]/,
    );
    expect(() => l.forward(zeros([5, 2, 3]), zeros([1, 2, 2]) as never)).toThrow(TypeError);
    expect(() => new nn.LSTMCell(3, 4).forward(zeros([2, 3]), [zeros([2, 4]), zeros([4])])).toThrow(
      /LSTMCell\(3→4\) expected hx\[1\] of shape \[2, 4\]/,
    );
  });
});

describe("PyTorch's inter-layer dropout", () => {
  it('dropout = 1 in training equals the last layer applied to zeros', () => {
    const m = new nn.RNN(3, 4, { numLayers: 2, dropout: 1, ...g(9) });
    const last = new nn.RNN(4, 4, g(1));
    last.loadStateDict({
      weight_ih_l0: m.stateDict().weight_ih_l1!,
      weight_hh_l0: m.stateDict().weight_hh_l1!,
      bias_ih_l0: m.stateDict().bias_ih_l1!,
      bias_hh_l0: m.stateDict().bias_hh_l1!,
    });
    const [out] = m.forward(x3(5, 2, 3));
    const [want] = last.forward(zeros([5, 2, 4]));
    expect([...out.data]).toEqual([...want.data]);
  });

  it('eval is deterministic and equals dropout = 0', () => {
    const a = new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5, ...g(10) }).eval();
    const b = new nn.LSTM(3, 4, { numLayers: 2, ...g(10) }).eval();
    const x = x3(5, 2, 3);
    expect([...a.forward(x)[0].data]).toEqual([...b.forward(x)[0].data]);
    expect([...a.forward(x)[0].data]).toEqual([...b.forward(x)[0].data]);
  });

  it('drops afresh at every step: zero fraction per step about p, patterns differ between steps', () => {
    // A relu RNN whose first layer outputs are all positive: the second layer's input is the
    // dropped first-layer output, seen through a second layer with identity input weights and
    // no recurrence, so zeros of the dropout show as zeros of the output.
    const H = 64;
    const T = 8;
    const m = new nn.RNN(1, H, { numLayers: 2, nonlinearity: 'relu', dropout: 0.5, seed: 3, ...g(1) });
    const eye = new Float32Array(H * H);
    for (let i = 0; i < H; i++) eye[i * H + i] = 1;
    m.loadStateDict({
      weight_ih_l0: new Tensor(new Float32Array(H).fill(1), [H, 1]),
      weight_hh_l0: zeros([H, H]),
      bias_ih_l0: zeros([H]),
      bias_hh_l0: zeros([H]),
      weight_ih_l1: new Tensor(eye, [H, H]),
      weight_hh_l1: zeros([H, H]),
      bias_ih_l1: zeros([H]),
      bias_hh_l1: zeros([H]),
    });
    const [out] = m.forward(new Tensor(new Float32Array(T * 16).fill(1), [T, 16, 1]));
    const zerosAt = (t: number): boolean[] =>
      Array.from(out.data.subarray(t * 16 * H, (t + 1) * 16 * H), (v) => v === 0);
    const n = 16 * H;
    for (let t = 0; t < T; t++) {
      const frac = zerosAt(t).filter(Boolean).length / n;
      expect(Math.abs(frac - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
    }
    const same = zerosAt(0).filter((z, i) => z === zerosAt(1)[i]).length / n;
    expect(same).toBeLessThan(0.65);
  });
});

describe('gradients by finite differences', () => {
  const cases: [string, () => nn.RNNBase][] = [
    [
      'RNN tanh, 2 layers, bidirectional',
      () => new nn.RNN(2, 3, { numLayers: 2, bidirectional: true, ...g(11) }) as unknown as nn.RNNBase,
    ],
    [
      'LSTM with projection, 2 layers, bidirectional',
      () => new nn.LSTM(2, 3, { numLayers: 2, bidirectional: true, projSize: 2, ...g(12) }) as unknown as nn.RNNBase,
    ],
    [
      'GRU without bias, batchFirst',
      () => new nn.GRU(3, 3, { bias: false, batchFirst: true, ...g(13) }) as unknown as nn.RNNBase,
    ],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const m = make();
      const x = leaf(m.batchFirst ? [2, 3, m.inputSize] : [3, 2, m.inputSize], 20);
      const D = m.directions * m.numLayers;
      const h0 = leaf([D, 2, m.outSize], 21, -0.5, 0.5);
      const c0 = m.mode === 'lstm' ? leaf([D, 2, m.hiddenSize], 22, -0.5, 0.5) : null;
      const fn = (): Tensor => {
        const [out, h] = (m.forward as unknown as (x: Tensor, hx: unknown) => [Tensor, Tensor | [Tensor, Tensor]])(
          x,
          c0 ? [h0, c0] : h0,
        );
        const hN = Array.isArray(h) ? ops.concat([h[0], h[1]], 2) : h;
        return ops.concat([ops.reshape(out, [-1]), ops.reshape(hN, [-1])], 0);
      };
      const inputs = [x, h0, ...(c0 ? [c0] : []), ...m.parameters()];
      expect(gradcheck(fn, inputs, { context: { name } })).toBeGreaterThan(50);
    });
  }
});

describe('NaN', () => {
  it('a NaN input reaches every later step of its own sample only', () => {
    for (const m of [
      new nn.LSTM(3, 4, g(30)),
      new nn.GRU(3, 4, g(31)),
      new nn.RNN(3, 4, g(32)),
    ] as unknown as nn.RNNBase[]) {
      const x = x3(4, 2, 3);
      x.data[0] = Number.NaN;
      const [out] = (m.forward as unknown as (x: Tensor) => [Tensor])(x);
      for (let t = 0; t < 4; t++) {
        for (let j = 0; j < 4; j++) {
          expect(Number.isNaN(at(out, t, 0, j)), `${m.layerName} t=${t}`).toBe(true);
          expect(Number.isFinite(at(out, t, 1, j)), `${m.layerName} t=${t}`).toBe(true);
        }
      }
    }
  });
});

describe('no gradients recorded under noGrad', () => {
  it('outputs of a forward inside noGrad do not require grad', () => {
    const m = new nn.LSTM(3, 4);
    const [out, [h, c]] = noGrad(() => m.forward(zeros([2, 1, 3])));
    expect([out.requiresGrad, h.requiresGrad, c.requiresGrad]).toEqual([false, false, false]);
  });
});
