// Keras's masks in a sequential model: an Embedding with maskZero marks id 0, the mask passes
// through the layers that support masking, and the recurrent layers consume it. Checked against a
// SimpleRNN written from its equation with Keras 3's masked step (backend rnn: the state and the
// output carry over a masked step; zeros instead with zeroOutputForMask, which Bidirectional sets
// to returnSequences), and against the same model run over the unpadded prefix.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { layers, loadModel, manualSeed, noGrad, optim, sequential, Tensor } from '../../../lib/index.js';
import { KerasRecurrent } from '../../../lib/keras/recurrent-layers.js';
import { MASK_DROPPED } from '../../../lib/keras/masking.js';
import { expectClose } from '../../helpers/expect-close.js';

type Params = Record<string, Tensor>;

/**
 * Keras's masked SimpleRNN over (B, T, F): steps taken in reading order (reversed when
 * `backwards`), h_t = tanh(W x_t + U h + b) where mask is 1, h unchanged where it is 0; the
 * output of a step is h, or 0 at a masked step with `zeroOutput`. Outputs (B, T, H) in reading order.
 */
function maskedSimpleRnn(
  x: Tensor,
  mask: number[][],
  p: Params,
  suffix: string,
  backwards: boolean,
  zeroOutput: boolean,
): number[][][] {
  const [B, T, F] = x.shape as [number, number, number];
  const W = p[`weight_ih${suffix}`]!.data;
  const U = p[`weight_hh${suffix}`]!.data;
  const b0 = p[`bias_ih${suffix}`]!.data;
  const b1 = p[`bias_hh${suffix}`]!.data;
  const H = b0.length;
  return Array.from({ length: B }, (_, b) => {
    let h = Array<number>(H).fill(0);
    const outs: number[][] = [];
    for (let s = 0; s < T; s++) {
      const t = backwards ? T - 1 - s : s;
      if (mask[b]![t] === 1) {
        h = h.map((_v, j) => {
          let a = b0[j]! + b1[j]!;
          for (let f = 0; f < F; f++) a += W[j * F + f]! * x.data[(b * T + t) * F + f]!;
          for (let k = 0; k < H; k++) a += U[j * H + k]! * h[k]!;
          return Math.tanh(a);
        });
        outs.push(h);
      } else outs.push(zeroOutput ? Array<number>(H).fill(0) : h);
    }
    return outs;
  });
}

// Ids (B = 3, T = 5): padding at the end, at the front, and in the middle.
const IDS = [
  [4, 2, 7, 0, 0],
  [0, 0, 3, 3, 1],
  [5, 0, 6, 0, 2],
];
const MASK = IDS.map((r) => r.map((v) => (v === 0 ? 0 : 1)));
const ids = (rows: number[][]): Tensor => new Tensor(Float32Array.from(rows.flat()), [rows.length, rows[0]!.length]);

function embedded(model: ReturnType<typeof sequential>, x: Tensor): Tensor {
  return noGrad(() => model.layers[0]!.forward(x) as Tensor);
}

const flat = (a: number[][][]): number[] => a.flat(2);
const lastOf = (a: number[][][]): number[] => a.map((rows) => rows.at(-1)!).flat();

describe('maskZero masks consumed by the recurrent layers', () => {
  it('SimpleRNN after a maskZero Embedding carries the state and the output over padding, as Keras', () => {
    manualSeed(1);
    for (const goBackwards of [false, true]) {
      for (const returnSequences of [true, false]) {
        const model = sequential([
          layers.embedding({ inputDim: 8, outputDim: 3, inputShape: [5], maskZero: true }),
          layers.simpleRNN({ units: 4, returnSequences, goBackwards }),
        ]);
        const x = ids(IDS);
        const p = (model.layers[1] as KerasRecurrent).rnn as unknown as Params;
        const want = maskedSimpleRnn(embedded(model, x), MASK, p, '_l0', goBackwards, false);
        const got = noGrad(() => model.predict(x));
        expect(got.shape).toEqual(returnSequences ? [3, 5, 4] : [3, 4]);
        expectClose(got.data, returnSequences ? flat(want) : lastOf(want), {
          atol: 1e-5,
          context: { goBackwards, returnSequences },
        });
      }
    }
  });

  it('zeroOutputForMask gives zeros at masked steps; the last output of a padded sample is then 0', () => {
    manualSeed(2);
    for (const returnSequences of [true, false]) {
      const model = sequential([
        layers.embedding({ inputDim: 8, outputDim: 3, inputShape: [5], maskZero: true }),
        layers.simpleRNN({ units: 2, returnSequences, zeroOutputForMask: true }),
      ]);
      const x = ids(IDS);
      const p = (model.layers[1] as KerasRecurrent).rnn as unknown as Params;
      const want = maskedSimpleRnn(embedded(model, x), MASK, p, '_l0', false, true);
      const got = noGrad(() => model.predict(x)).data;
      expectClose(got, returnSequences ? flat(want) : lastOf(want), { atol: 1e-5, context: { returnSequences } });
      if (!returnSequences) expect(Array.from(got.subarray(0, 2)).every((v) => v === 0)).toBe(true);
    }
  });

  it('bidirectional: zeros at masked steps with returnSequences (Keras forces it), carried states without', () => {
    manualSeed(3);
    const seq = sequential([
      layers.embedding({ inputDim: 8, outputDim: 3, inputShape: [5], maskZero: true }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 2, returnSequences: true }) }),
    ]);
    const last = sequential([
      layers.embedding({ inputDim: 8, outputDim: 3, inputShape: [5], maskZero: true }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 2 }) }),
    ]);
    last.module.loadStateDict(seq.module.stateDict());
    const x = ids(IDS);
    const e = embedded(seq, x);
    const p = (seq.layers[1] as KerasRecurrent).rnn as unknown as Params;
    const fwd = maskedSimpleRnn(e, MASK, p, '_l0', false, true);
    const bwd = maskedSimpleRnn(e, MASK, p, '_l0_reverse', true, true);
    const want = fwd.map((rows, b) => rows.map((r, t) => [...r, ...bwd[b]![4 - t]!]));
    expectClose(noGrad(() => seq.predict(x)).data, flat(want), { atol: 1e-5 });
    const fwdKeep = maskedSimpleRnn(e, MASK, p, '_l0', false, false);
    const bwdKeep = maskedSimpleRnn(e, MASK, p, '_l0_reverse', true, false);
    const wantLast = fwdKeep.map((rows, b) => [...rows.at(-1)!, ...bwdKeep[b]!.at(-1)!]).flat();
    expectClose(noGrad(() => last.predict(x)).data, wantLast, { atol: 1e-5 });
  });

  it('the mask passes through dropout, layer normalization and dense layers to stacked LSTMs: padding changes nothing', () => {
    manualSeed(4);
    const build = (steps: number): ReturnType<typeof sequential> =>
      sequential([
        layers.embedding({ inputDim: 9, outputDim: 4, inputShape: [steps], maskZero: true }),
        layers.dropout({ rate: 0.3 }),
        layers.layerNormalization(),
        layers.dense({ units: 5 }),
        layers.gru({ units: 3, returnSequences: true }),
        layers.lstm({ units: 2 }),
      ]);
    const padded = build(6);
    const short = build(3);
    short.module.loadStateDict(padded.module.stateDict());
    const a = noGrad(() => padded.predict(ids([[3, 8, 1, 0, 0, 0]]))).data;
    const b = noGrad(() => short.predict(ids([[3, 8, 1]]))).data;
    expectClose(a, b, { atol: 1e-6 });
    // Without maskZero the padding steps do change the result.
    const plain = sequential([
      layers.embedding({ inputDim: 9, outputDim: 4, inputShape: [6] }),
      layers.dropout({ rate: 0.3 }),
      layers.layerNormalization(),
      layers.dense({ units: 5 }),
      layers.gru({ units: 3, returnSequences: true }),
      layers.lstm({ units: 2 }),
    ]);
    plain.module.loadStateDict(padded.module.stateDict());
    expect(Array.from(noGrad(() => plain.predict(ids([[3, 8, 1, 0, 0, 0]]))).data)).not.toEqual(Array.from(a));
  });

  it('trains and reloads with the mask threaded', async () => {
    manualSeed(5);
    // Label: whether id 1 occurs; sequences are post-padded to 6 steps.
    const rows: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < 48; i++) {
      const len = 2 + (i % 5);
      const row = Array.from({ length: 6 }, (_, t) => (t < len ? 2 + ((i * 7 + t * 3) % 6) : 0));
      if (i % 2 === 0) row[(i >> 1) % len] = 1;
      rows.push(row);
      ys.push(i % 2 === 0 ? 1 : 0);
    }
    const model = sequential([
      layers.embedding({ inputDim: 8, outputDim: 4, inputShape: [6], maskZero: true }),
      layers.lstm({ units: 6 }),
      layers.dense({ units: 2, activation: 'softmax' }),
    ]);
    model.compile({
      optimizer: new optim.Adam(model.module.parameters(), { lr: 0.03 }),
      loss: 'sparseCategoricalCrossentropy',
    });
    const h = await model.fit(ids(rows), Int32Array.from(ys), { epochs: 15, batchSize: 16, verbose: 0 });
    const loss = h.history.loss!;
    expect(loss.at(-1)!).toBeLessThan(loss[0]! * 0.7);
    const file = join(mkdtempSync(join(tmpdir(), 'dropnet-mask-')), 'model');
    await model.save(file);
    const again = await loadModel(file);
    const x = ids(rows.slice(0, 4));
    expectClose(noGrad(() => again.predict(x)).data, noGrad(() => model.predict(x)).data, { atol: 0 });
  });

  it('a layer without masking ends the mask with a warning, as Keras 3', () => {
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      sequential([
        layers.embedding({ inputDim: 8, outputDim: 3, inputShape: [5], maskZero: true }),
        layers.flatten(),
        layers.dense({ units: 2 }),
      ]);
      const dropped = spy.mock.calls.filter((c) => (c[1] as { code?: string } | undefined)?.code === MASK_DROPPED);
      expect(dropped.length).toBe(1);
      expect(String(dropped[0]![0])).toMatch(
        /layer 1 \(Flatten\) does not support masking.*layer 0 \(Embedding with maskZero\)/,
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('returnState: forwardWithState gives [output, h, c]; a sequential model refuses it; a bad mask names the layer', () => {
    manualSeed(6);
    const spec = layers.lstm({ units: 3, returnState: true });
    const m = spec.create([5, 2])!.module as KerasRecurrent;
    const x = new Tensor(
      Float32Array.from({ length: 2 * 5 * 2 }, (_, i) => Math.sin(i)),
      [2, 5, 2],
    );
    const mask = new Tensor(Float32Array.from([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]), [2, 5]);
    const [out, h, c] = noGrad(() => m.forwardWithState(x, mask));
    expect([out!.shape, h!.shape, c!.shape]).toEqual([
      [2, 3],
      [2, 3],
      [2, 3],
    ]);
    expect(Array.from(out!.data)).toEqual(Array.from(h!.data));
    // The padded sample's states are those after its third step.
    const prefix = new Tensor(x.data.slice(0, 6), [1, 3, 2]);
    const [, h3, c3] = noGrad(() => m.forwardWithState(prefix));
    expectClose(h!.data.subarray(0, 3), h3!.data, { atol: 1e-6 });
    expectClose(c!.data.subarray(0, 3), c3!.data, { atol: 1e-6 });
    expect(() => sequential([layers.lstm({ units: 3, returnState: true, inputShape: [5, 2] })])).toThrow(
      /returnState gives \[output, \.\.\.states\]/,
    );
    expect(() => m.forwardWithState(x, new Tensor(new Float32Array(5), [5]))).toThrow(
      /LSTM\(3\) expected a mask of shape \[2, 5\] \(batch, steps\) but received \[5\]/,
    );
  });
});
