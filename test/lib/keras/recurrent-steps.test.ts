// The Keras recurrent layers the fused kernels lack, run step by step: GRU with resetAfter false
// and hard-sigmoid gates (tfjs's / Keras 2's 0.2x + 0.5, Keras 3's x/6 + 0.5) against references
// written from Keras's equations; with sigmoid gates the step-by-step run equals the fused kernels
// (masks, dropout streams and both directions included); gradients by finite differences.
import { describe, expect, it } from 'vitest';
import { Generator, layers, manualSeed, nn, noGrad, sequential, Tensor } from '../../../lib/index.js';
import { KerasRecurrent } from '../../../lib/keras/recurrent-layers.js';
import { runStepwise } from '../../../lib/keras/recurrent-steps.js';
import { expectClose } from '../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';
import { randomFloats } from '../../helpers/rng.js';

type Params = Record<string, Tensor>;
const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const hard2 = (v: number): number => Math.min(1, Math.max(0, 0.2 * v + 0.5));
const hard3 = (v: number): number => Math.min(1, Math.max(0, v / 6 + 0.5));

/** Row q*H + j of W (G*H, n) times v, plus the bias. */
function dot(w: Float32Array, n: number, row: number, v: ArrayLike<number>, bias: Float32Array | null): number {
  let s = bias === null ? 0 : bias[row]!;
  for (let i = 0; i < n; i++) s += w[row * n + i]! * v[i]!;
  return s;
}

/**
 * Keras's GRU (gates r, z, n in PyTorch's row order) and LSTM (i, f, g, o) from their equations,
 * one direction, batch first: outputs (B, T, H). GRU resetAfter false:
 * hh = tanh(W_n x + b_n + U_n (r * h)); true: hh = tanh(W_n x + b_in + r * (U_n h + b_hn)).
 */
function reference(
  kind: 'gru' | 'lstm',
  p: Params,
  x: Tensor,
  gate: (v: number) => number,
  resetAfter: boolean,
): number[] {
  const [B, T, I] = x.shape as [number, number, number];
  const wi = p.weight_ih_l0!.data;
  const wh = p.weight_hh_l0!.data;
  const bi = p.bias_ih_l0!.data;
  const bh = p.bias_hh_l0!.data;
  const H = bi.length / (kind === 'gru' ? 3 : 4);
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    let h = new Array<number>(H).fill(0);
    let c = new Array<number>(H).fill(0);
    for (let t = 0; t < T; t++) {
      const xt = x.data.subarray((b * T + t) * I, (b * T + t + 1) * I);
      const pre = (q: number, j: number, hv: number[] = h): number =>
        dot(wi, I, q * H + j, xt, bi) + dot(wh, H, q * H + j, hv, bh);
      if (kind === 'gru') {
        const r = h.map((_, j) => gate(pre(0, j)));
        const z = h.map((_, j) => gate(pre(1, j)));
        const rh = h.map((v, j) => r[j]! * v);
        const n = h.map((_, j) =>
          Math.tanh(
            dot(wi, I, 2 * H + j, xt, bi) +
              (resetAfter ? r[j]! * dot(wh, H, 2 * H + j, h, bh) : dot(wh, H, 2 * H + j, rh, null)),
          ),
        );
        h = h.map((v, j) => z[j]! * v + (1 - z[j]!) * n[j]!);
      } else {
        const g4 = h.map((_, j) => [gate(pre(0, j)), gate(pre(1, j)), Math.tanh(pre(2, j)), gate(pre(3, j))]);
        c = c.map((v, j) => g4[j]![1]! * v + g4[j]![0]! * g4[j]![2]!);
        h = c.map((v, j) => g4[j]![3]! * Math.tanh(v));
      }
      out.push(...h);
    }
  }
  return out;
}

const input = (B: number, T: number, F: number, seed: number): Tensor =>
  new Tensor(randomFloats(B * T * F, seed), [B, T, F]);

describe('Keras recurrent layers beyond the fused kernels', () => {
  it('GRU resetAfter false: the equations, one bias (3u) in training, 3u(in+u)+3u trainable parameters', () => {
    manualSeed(1);
    const model = sequential([layers.gru({ units: 4, resetAfter: false, returnSequences: true, inputShape: [5, 3] })]);
    const m = model.layers[0] as KerasRecurrent;
    const p = m.rnn as unknown as Params;
    // Keras's one bias (3u) is the input bias; the recurrent one stays zero, out of training.
    p.bias_ih_l0!.data.set(randomFloats(12, 2));
    expect(Array.from(p.bias_hh_l0!.data)).toEqual(new Array(12).fill(0));
    expect(p.bias_hh_l0!.requiresGrad).toBe(false);
    const x = input(2, 5, 3, 3);
    const want = reference('gru', p, x, sig, false);
    expectClose(noGrad(() => model.predict(x)).data, want, { atol: 1e-5 });
    const trainable = m.parameters().filter((t) => t.requiresGrad);
    expect(trainable.reduce((s, t) => s + t.size, 0)).toBe(3 * 4 * (3 + 4) + 3 * 4);
  });

  it("hard-sigmoid gates: 'hardSigmoid' is 0.2x + 0.5 (tfjs, Keras 2), 'hard_sigmoid' is x/6 + 0.5 (Keras 3)", () => {
    for (const [name, fn] of [
      ['hardSigmoid', hard2],
      ['hard_sigmoid', hard3],
    ] as const) {
      for (const kind of ['lstm', 'gru'] as const) {
        manualSeed(4);
        const model = sequential([
          layers[kind]({ units: 3, recurrentActivation: name, returnSequences: true, inputShape: [6, 2] }),
        ]);
        const p = (model.layers[0] as KerasRecurrent).rnn as unknown as Params;
        // Weights large enough that the gates' pre-activations reach the clipped region.
        for (const k of ['weight_ih_l0', 'weight_hh_l0']) p[k]!.data.set(randomFloats(p[k]!.size, 5).map((v) => 4 * v));
        const x = input(2, 6, 2, 6);
        expectClose(noGrad(() => model.predict(x)).data, reference(kind, p, x, fn, true), {
          atol: 1e-5,
          context: { name, kind },
        });
      }
    }
  });

  it('with sigmoid gates the step-by-step run equals the fused kernels: masks, dropout streams, both directions', () => {
    const mask = new Tensor(Float32Array.from([1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1]), [2, 6]);
    for (const make of [
      (gen: Generator) =>
        new nn.LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true, bidirectional: true, maskGenerator: gen }),
      (gen: Generator) =>
        new nn.GRU({
          inputSize: 3,
          hiddenSize: 4,
          batchFirst: true,
          inputDropout: 0.3,
          recurrentDropout: 0.4,
          maskGenerator: gen,
        }),
      (gen: Generator) =>
        new nn.RNN({ inputSize: 3, hiddenSize: 4, batchFirst: true, recurrentDropout: 0.5, maskGenerator: gen }),
    ]) {
      const gen = new Generator(7);
      const m = make(gen) as unknown as nn.RNNBase;
      const x = input(2, 6, 3, 8);
      for (const keep of [null, mask]) {
        gen.manualSeed(9);
        const fused =
          keep === null
            ? m.forwardMasked(x, new Tensor(new Float32Array(12).fill(1), [2, 6]))
            : m.forwardMasked(x, keep);
        gen.manualSeed(9);
        const steps = runStepwise(m, x, keep, { gate: 'sigmoid', activation: 'tanh', resetAfter: true });
        expectClose(steps.output.data, fused.output.data, { atol: 1e-5 });
        expectClose(steps.h.data, fused.h.data, { atol: 1e-5 });
        if (fused.c !== null) expectClose(steps.c!.data, fused.c.data, { atol: 1e-5 });
      }
    }
  });

  it('has finite-difference gradients (GRU resetAfter false with a mask, LSTM with hard sigmoid)', () => {
    manualSeed(10);
    const gru = new nn.GRU({ inputSize: 2, hiddenSize: 3, batchFirst: true }) as unknown as nn.RNNBase;
    const lstm = new nn.LSTM({ inputSize: 2, hiddenSize: 3, batchFirst: true }) as unknown as nn.RNNBase;
    const mask = new Tensor(Float32Array.from([1, 0, 1, 1, 1, 0]), [2, 3]);
    for (const [m, o, keep] of [
      [gru, { gate: 'sigmoid', activation: 'tanh', resetAfter: false }, mask],
      [lstm, { gate: 'hard_sigmoid', activation: 'tanh', resetAfter: true }, null],
    ] as const) {
      const x = leaf([2, 3, 2], 11);
      const fn = (): Tensor => runStepwise(m, x, keep, o).output;
      expect(gradcheck(fn, [x, ...m.parameters()])).toBeGreaterThan(30);
    }
  });

  it('refuses other activations, naming the argument', () => {
    expect(() => layers.lstm({ units: 2, recurrentActivation: 'softsign' })).toThrow(
      /hardSigmoid.*recurrentActivation/,
    );
    expect(() => layers.gru({ units: 2, activation: 'sigmoid' })).toThrow(/'tanh' or 'relu'.*activation/);
  });
});
