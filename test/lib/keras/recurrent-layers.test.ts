// Keras's recurrent layers (layers.simpleRNN / lstm / gru / bidirectional) over the native nn
// layers: Keras's defaults, shapes, what returnSequences / goBackwards / mergeMode return
// (checked against a SimpleRNN written from its equation), and the arguments they refuse.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layers, loadModel, manualSeed, noGrad, optim, sequential, Tensor } from '../../../lib/index.js';
import { KerasRecurrent } from '../../../lib/keras/recurrent-layers.js';
import { expectClose } from '../../helpers/expect-close.js';
import { randomFloats } from '../../helpers/rng.js';

type Params = Record<string, Tensor>;
const params = (m: KerasRecurrent): Params => m.rnn as unknown as Params;

/** SimpleRNN from its equation, one direction: h_t = tanh(W x_t + b_ih + U h_{t-1} + b_hh); outputs (B, T, H). */
function simpleRnnReference(x: Tensor, p: Params, suffix: string, backwards: boolean): Float32Array {
  const [B, T, F] = x.shape as [number, number, number];
  const W = p[`weight_ih${suffix}`]!.data;
  const U = p[`weight_hh${suffix}`]!.data;
  const bi = p[`bias_ih${suffix}`]!.data;
  const bh = p[`bias_hh${suffix}`]!.data;
  const H = bi.length;
  const out = new Float32Array(B * T * H);
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(H);
    for (let s = 0; s < T; s++) {
      const t = backwards ? T - 1 - s : s;
      const next = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        let a = bi[j]! + bh[j]!;
        for (let f = 0; f < F; f++) a += W[j * F + f]! * x.data[(b * T + t) * F + f]!;
        for (let k = 0; k < H; k++) a += U[j * H + k]! * h[k]!;
        next[j] = Math.tanh(a);
      }
      h = next;
      out.set(Array.from(h), (b * T + t) * H);
    }
  }
  return out;
}

const input = (B: number, T: number, F: number, seed: number): Tensor =>
  new Tensor(randomFloats(B * T * F, seed), [B, T, F]);
const step = (seq: Float32Array, B: number, T: number, H: number, t: number): number[] =>
  Array.from({ length: B }, (_, b) => Array.from(seq.subarray((b * T + t) * H, (b * T + t + 1) * H))).flat();

describe('layers.simpleRNN / lstm / gru', () => {
  it("return the last output, or every step with returnSequences, as SimpleRNN's equation gives", () => {
    manualSeed(3);
    for (const [B, T, F, H] of [
      [1, 1, 1, 1],
      [2, 5, 3, 4],
      [3, 7, 5, 2],
    ] as const) {
      const seqModel = sequential([layers.simpleRNN({ units: H, returnSequences: true, inputShape: [T, F] })]);
      const lastModel = sequential([layers.simpleRNN({ units: H, inputShape: [T, F] })]);
      lastModel.module.loadStateDict(seqModel.module.stateDict());
      const x = input(B, T, F, B * 100 + T);
      const want = simpleRnnReference(x, params(seqModel.layers[0] as KerasRecurrent), '_l0', false);
      const all = noGrad(() => seqModel.predict(x));
      expect(all.shape).toEqual([B, T, H]);
      expectClose(all.data, want, { atol: 1e-5, context: { B, T, F, H } });
      expectClose(noGrad(() => lastModel.predict(x)).data, step(want, B, T, H, T - 1), { atol: 1e-5 });
    }
  });

  it('goBackwards reads the sequence from its end and returns the outputs in that order', () => {
    manualSeed(4);
    const [B, T, F, H] = [2, 6, 3, 5];
    const model = sequential([
      layers.simpleRNN({ units: H, returnSequences: true, goBackwards: true, inputShape: [T, F] }),
    ]);
    const x = input(B, T, F, 7);
    const want = simpleRnnReference(x, params(model.layers[0] as KerasRecurrent), '_l0', true);
    const got = noGrad(() => model.predict(x)).data;
    // Output step s is the state after reading steps T-1 ... T-1-s.
    for (let s = 0; s < T; s++)
      expectClose(step(got, B, T, H, s), step(want, B, T, H, T - 1 - s), { atol: 1e-5, context: { s } });
  });

  it('bidirectional merges the two directions by concat, sum, mul or ave', () => {
    const [B, T, F, H] = [2, 4, 3, 3];
    const x = input(B, T, F, 11);
    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      manualSeed(5);
      const model = sequential([
        layers.bidirectional({
          layer: layers.simpleRNN({ units: H, returnSequences: true }),
          mergeMode,
          inputShape: [T, F],
        }),
      ]);
      const p = params(model.layers[0] as KerasRecurrent);
      const fwd = simpleRnnReference(x, p, '_l0', false);
      const bwd = simpleRnnReference(x, p, '_l0_reverse', true);
      const got = noGrad(() => model.predict(x));
      const width = mergeMode === 'concat' ? 2 * H : H;
      expect(got.shape).toEqual([B, T, width]);
      const want = new Float32Array(B * T * width);
      for (let i = 0; i < B * T; i++) {
        for (let j = 0; j < H; j++) {
          const a = fwd[i * H + j]!;
          const b = bwd[i * H + j]!;
          if (mergeMode === 'concat') {
            want[i * width + j] = a;
            want[i * width + H + j] = b;
          } else want[i * width + j] = mergeMode === 'sum' ? a + b : mergeMode === 'mul' ? a * b : (a + b) / 2;
        }
      }
      expectClose(got.data, want, { atol: 1e-5, context: { mergeMode } });
      // Without returnSequences: the forward direction's last step and the backward direction's first.
      const last = sequential([
        layers.bidirectional({ layer: layers.simpleRNN({ units: H }), mergeMode, inputShape: [T, F] }),
      ]);
      last.module.loadStateDict(model.module.stateDict());
      const lastOut = noGrad(() => last.predict(x));
      expect(lastOut.shape).toEqual([B, width]);
      for (let b = 0; b < B; b++) {
        const f = fwd.subarray((b * T + T - 1) * H, (b * T + T) * H);
        const r = bwd.subarray(b * T * H, (b * T + 1) * H);
        const row = Array.from(lastOut.data.subarray(b * width, (b + 1) * width));
        const expected =
          mergeMode === 'concat'
            ? [...f, ...r]
            : Array.from(f, (v, j) =>
                mergeMode === 'sum' ? v + r[j]! : mergeMode === 'mul' ? v * r[j]! : (v + r[j]!) / 2,
              );
        expectClose(row, expected, { atol: 1e-5, context: { mergeMode, b } });
      }
    }
  });

  it("start from Keras's initializers: orthogonal recurrent kernel, zero biases, forget-gate bias 1", () => {
    manualSeed(6);
    const model = sequential([layers.lstm({ units: 6, inputShape: [4, 5] }), layers.dense({ units: 2 })]);
    const p = params(model.layers[0] as KerasRecurrent);
    const U = p.weight_hh_l0!; // (4H, H): orthonormal columns
    const [rows, cols] = U.shape as [number, number];
    for (let i = 0; i < cols; i++) {
      for (let j = 0; j < cols; j++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += U.data[r * cols + i]! * U.data[r * cols + j]!;
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
    const limit = Math.sqrt(6 / (5 + 24));
    expect(Math.max(...p.weight_ih_l0!.data.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Array.from(p.bias_ih_l0!.data)).toEqual([...Array(6).fill(0), ...Array(6).fill(1), ...Array(12).fill(0)]);
    expect(p.bias_hh_l0!.requiresGrad).toBe(false);
    expect(model.outputShape).toEqual([2]);
  });

  it('train: an LSTM and a GRU with dropout learn which half of the sequence holds the signal', async () => {
    for (const kind of ['lstm', 'gru'] as const) {
      manualSeed(7);
      const n = 64;
      const xs = new Float32Array(n * 6);
      const ys = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        ys[i] = i % 2;
        xs[i * 6 + (ys[i] === 0 ? 1 : 4)] = 1;
      }
      const model = sequential([
        layers[kind]({ units: 8, dropout: 0.1, recurrentDropout: 0.1, inputShape: [6, 1] }),
        layers.dense({ units: 2, activation: 'softmax' }),
      ]);
      model.compile({
        optimizer: new optim.Adam(model.module.parameters(), { lr: 0.02 }),
        loss: 'sparseCategoricalCrossentropy',
        metrics: ['accuracy'],
      });
      const before = Array.from(params(model.layers[0] as KerasRecurrent).bias_hh_l0!.data);
      const h = await model.fit(new Tensor(xs, [n, 6, 1]), ys, { epochs: 30, batchSize: 16, verbose: 0 });
      const loss = h.history.loss!;
      expect(loss.at(-1)!, kind).toBeLessThan(loss[0]! * 0.5);
      const after = Array.from(params(model.layers[0] as KerasRecurrent).bias_hh_l0!.data);
      // The LSTM's recurrent bias is out of training (Keras has one bias); the GRU keeps both, as Keras's resetAfter GRU.
      if (kind === 'lstm') expect(after).toEqual(before);
      else expect(after).not.toEqual(before);
    }
  });

  it('save and reload, bidirectional included', async () => {
    manualSeed(8);
    const model = sequential([
      layers.bidirectional({
        layer: layers.gru({ units: 3, returnSequences: true }),
        mergeMode: 'ave',
        inputShape: [5, 2],
      }),
      layers.lstm({ units: 2 }),
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'dropnet-rnn-')), 'model');
    await model.save(file);
    const again = await loadModel(file);
    const x = input(3, 5, 2, 9);
    expectClose(noGrad(() => again.predict(x)).data, noGrad(() => model.predict(x)).data, { atol: 0 });
  });

  it('stateful carries the final states into the next call until resetStates(), fused or step by step', () => {
    const x = input(2, 6, 3, 12);
    const half = (from: number): Tensor => {
      const out = new Float32Array(2 * 3 * 3);
      for (let b = 0; b < 2; b++) out.set(x.data.subarray((b * 6 + from) * 3, (b * 6 + from + 3) * 3), b * 9);
      return new Tensor(out, [2, 3, 3]);
    };
    for (const extra of [{}, { resetAfter: false }] as const) {
      manualSeed(13);
      const whole = sequential([layers.gru({ units: 4, returnSequences: true, ...extra, inputShape: [6, 3] })]);
      const split = sequential([
        layers.gru({ units: 4, returnSequences: true, stateful: true, ...extra, inputShape: [3, 3] }),
      ]);
      split.module.loadStateDict(whole.module.stateDict());
      const all = noGrad(() => whole.predict(x)).data;
      const first = noGrad(() => split.predict(half(0))).data;
      const second = noGrad(() => split.predict(half(3))).data;
      for (let b = 0; b < 2; b++) {
        expectClose(first.subarray(b * 12, b * 12 + 12), all.subarray(b * 24, b * 24 + 12), { atol: 1e-5 });
        expectClose(second.subarray(b * 12, b * 12 + 12), all.subarray(b * 24 + 12, b * 24 + 24), { atol: 1e-5 });
      }
      (split.layers[0] as KerasRecurrent).resetStates();
      expectClose(noGrad(() => split.predict(half(0))).data, first, { atol: 0 });
      expect(() => noGrad(() => split.predict(input(1, 3, 3, 14)))).toThrow(
        /GRU\(4\) is stateful and carries states for a batch of 2 but receives a batch of 1/,
      );
    }
  });

  it('refuse what they cannot do, naming the argument', () => {
    expect(() => layers.simpleRNN({ units: 4, activation: 'sigmoid' })).toThrow(/'tanh' or 'relu'.*activation/);
    expect(() => layers.gru({ units: 4, resetAfter: 'no' as never })).toThrow(/resetAfter/);
    expect(() => layers.lstm({ units: 4, dropout: 1.5 })).toThrow(/dropout/);
    expect(() => layers.lstm({ units: 0 })).toThrow(/units/);
    expect(() => layers.lstm({ units: 4, stateful: 1 } as never)).toThrow(/stateful/);
    expect(() => layers.gru({} as never)).toThrow(/needs units/);
    expect(() => layers.bidirectional({ layer: layers.dense({ units: 3 }) })).toThrow(/layer/);
    expect(() => layers.bidirectional({ layer: layers.lstm({ units: 3 }), mergeMode: 'max' as never })).toThrow(
      /mergeMode/,
    );
    expect(() => sequential([layers.lstm({ units: 3, inputShape: [4] })])).toThrow(/samples of \(steps, features\)/);
  });
});
