/**
 * forwardMasked: a step mask (Keras's masking) on nn.RNN / LSTM / GRU. A skipped step carries h
 * and c over and outputs the carried h, so a sample whose skipped steps are all at its end gives
 * the same states as the layer run over its kept steps alone, in every layer and direction.
 */
import { describe, expect, it } from 'vitest';
import { Generator, nn, ShapeError, Tensor } from '../../../../lib/index.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';
import { randomFloats } from '../../../helpers/rng.js';

const g = (seed: number): { generator: Generator } => ({ generator: new Generator(seed) });
type Layer = Omit<nn.RNNBase, 'forward'> & { forward(x: Tensor, hx?: unknown): [Tensor, Tensor | [Tensor, Tensor]] };

/** Steps [from, to) of sample b of a time-major (T, B, F) tensor, as (to - from, 1, F). */
function steps(x: Tensor, b: number, from: number, to: number): Tensor {
  const [, B, F] = x.shape as [number, number, number];
  const out = new Float32Array((to - from) * F);
  for (let t = from; t < to; t++) out.set(x.data.subarray((t * B + b) * F, (t * B + b + 1) * F), (t - from) * F);
  return new Tensor(out, [to - from, 1, F]);
}

const rows = (t: Tensor, index: number, width: number): number[] =>
  Array.from(t.data.subarray(index * width, (index + 1) * width));

describe('forwardMasked', () => {
  it('a sample padded at its end gives the states of its kept steps alone; padded steps output the carried h', () => {
    const T = 6;
    const lengths = [6, 3, 1];
    const B = lengths.length;
    const x = new Tensor(randomFloats(T * B * 3, 1), [T, B, 3]);
    const maskData = new Float32Array(T * B);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) maskData[t * B + b] = t < lengths[b]! ? 1 : 0;
    const mask = new Tensor(maskData, [T, B]);
    for (const make of [
      () => new nn.LSTM(3, 4, { numLayers: 2, ...g(2) }),
      () => new nn.GRU(3, 4, g(3)),
      () => new nn.RNN(3, 4, { bidirectional: true, ...g(4) }),
    ]) {
      const m = make() as unknown as Layer;
      const { output, h, c } = m.forwardMasked(x, mask);
      const D = m.directions;
      const L = m.numLayers;
      lengths.forEach((len, b) => {
        const [alone, state] = m.forward(steps(x, b, 0, len));
        const [hAlone, cAlone] = Array.isArray(state) ? state : [state, null];
        for (let k = 0; k < D * L; k++) {
          expect(rows(h, k * B + b, 4)).toEqual(rows(hAlone, k, 4).map((v) => expect.closeTo(v, 6)));
          if (cAlone !== null)
            expect(rows(c!, k * B + b, 4)).toEqual(rows(cAlone, k, 4).map((v) => expect.closeTo(v, 6)));
        }
        for (let t = 0; t < T; t++) {
          const got = rows(output, t * B + b, D * 4);
          if (t < len) {
            // The forward direction at a kept step is the run over the kept steps; so is the
            // reverse one, which starts at the last kept step because the padding carries h0.
            expect(got).toEqual(rows(alone, t, D * 4).map((v) => expect.closeTo(v, 6)));
          } else {
            // A padded step outputs the carried h: the forward direction's last kept output,
            // the reverse direction's h0 (zeros).
            const fwd = rows(alone, len - 1, D * 4).slice(0, 4);
            expect(got).toEqual([...fwd, ...(D === 2 ? [0, 0, 0, 0] : [])].map((v) => expect.closeTo(v, 6)));
          }
        }
      });
    }
  });

  it('takes the mask in the input layout: (B, T) with batchFirst, (T) unbatched; all ones is forward', () => {
    const m = new nn.GRU(2, 3, { batchFirst: true, ...g(5) }) as unknown as Layer;
    const x = new Tensor(randomFloats(2 * 4 * 2, 6), [2, 4, 2]);
    const mask = new Tensor(Float32Array.from([1, 1, 0, 0, 1, 0, 1, 1]), [2, 4]);
    const { output } = m.forwardMasked(x, mask);
    // Sample 0: steps 2 and 3 output the carried h of step 1. Sample 1: step 1 carries step 0.
    expect(rows(output, 2, 3)).toEqual(rows(output, 1, 3));
    expect(rows(output, 3, 3)).toEqual(rows(output, 1, 3));
    expect(rows(output, 5, 3)).toEqual(rows(output, 4, 3));
    expect(rows(output, 6, 3)).not.toEqual(rows(output, 5, 3));
    const ones = m.forwardMasked(x, new Tensor(new Float32Array(8).fill(1), [2, 4]));
    expect(Array.from(ones.output.data)).toEqual(Array.from(m.forward(x)[0].data));
    const u = new nn.LSTM(2, 3, g(7)) as unknown as Layer;
    const xu = new Tensor(randomFloats(4 * 2, 8), [4, 2]);
    const r = u.forwardMasked(xu, new Tensor(Float32Array.from([1, 0, 1, 0]), [4]));
    expect(r.output.shape).toEqual([4, 3]);
    expect(rows(r.output, 1, 3)).toEqual(rows(r.output, 0, 3));
  });

  it('rejects a mask of the wrong shape (naming the layer and both shapes) or with values other than 0 and 1', () => {
    const m = new nn.LSTM(2, 3, g(9)) as unknown as Layer;
    const x = new Tensor(randomFloats(4 * 2 * 2, 10), [4, 2, 2]);
    expect(() => m.forwardMasked(x, new Tensor(new Float32Array(8).fill(1), [2, 4]))).toThrow(ShapeError);
    expect(() => m.forwardMasked(x, new Tensor(new Float32Array(8).fill(1), [2, 4]))).toThrow(
      /LSTM\(2→3\) expected a mask of shape \[4, 2\].*received \[2, 4\]/,
    );
    const half = new Float32Array(8).fill(1);
    half[5] = 0.5;
    expect(() => m.forwardMasked(x, new Tensor(half, [4, 2]))).toThrow(
      /Expected 0 or 1 for mask of LSTM\(2→3\) at flat index 5 but received 0.5/,
    );
    expect(() => m.forwardMasked(x, [1, 0] as never)).toThrow(TypeError);
  });

  it('has finite-difference gradients through skipped steps (LSTM with zoneout, bidirectional GRU)', () => {
    const mask = new Tensor(Float32Array.from([1, 1, 0, 1, 1, 0, 0, 0]), [4, 2]);
    for (const m of [
      new nn.LSTM(2, 3, { zoneout: 0.3, ...g(11) }),
      new nn.GRU(2, 3, { bidirectional: true, ...g(12) }),
    ] as unknown as Layer[]) {
      m.eval();
      const x = leaf([4, 2, 2], 13);
      const fn = (): Tensor => {
        const r = m.forwardMasked(x, mask);
        return r.output;
      };
      expect(gradcheck(fn, [x, ...m.parameters()])).toBeGreaterThan(30);
    }
  });
});
