// ops.dropConnectLinear: linear with the full weights outside training; in training, linear
// with explicitly masked and scaled weights from the raw draws; gradients (dW masked, the bias
// not) against formulas and finite differences; p = 1; a shared scratch buffer never mixes up
// the masks of two calls made before their backward passes.
import { describe, expect, it } from 'vitest';
import { Generator, ops, Tensor } from '../../../../lib/index.js';
import { advance, keepBits } from '../../../helpers/dropout-oracle.js';
import { expectBitEqual } from '../../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';
import { randomFloats } from '../../../helpers/rng.js';

const IN = 7;
const OUT = 5;

function setup(seed = 1): { x: Tensor; w: Tensor; b: Tensor } {
  return { x: leaf([4, IN], seed), w: leaf([OUT, IN], seed + 1), b: leaf([OUT], seed + 2) };
}

/** W with dropped weights zeroed and kept ones scaled by fround(1/(1-p)). */
function maskedWeight(w: Float32Array, keep: boolean[], p: number): Float32Array {
  const scale = Math.fround(1 / (1 - p));
  return Float32Array.from(w, (v, i) => (keep[i] ? v * scale : 0));
}

describe('dropConnectLinear', () => {
  it('is linear with the full weights unless training, and at p = 0, without drawing', () => {
    const { x, w, b } = setup();
    const g = new Generator(3);
    const plain = ops.linear(x, w, b);
    expectBitEqual(ops.dropConnectLinear(x, w, b, { p: 0.5, training: false, generator: g }).data, plain.data);
    expectBitEqual(ops.dropConnectLinear(x, w, b, { p: 0, training: true, generator: g }).data, plain.data);
    expect(g.offset).toBe(0);
  });

  it.each([0.2, 0.5, 0.9])(
    'p=%s: equals linear with the weights masked by the raw draws and scaled by 1/(1-p)',
    (p) => {
      const { x, w, b } = setup(4);
      const g = new Generator(13);
      const y = ops.dropConnectLinear(x, w, b, { p, training: true, generator: g });
      expect(g.offset).toBe(advance(OUT * IN));
      const keep = keepBits(13, 0, OUT * IN, p);
      expectBitEqual(
        y.data,
        ops.linear(x.detach(), new Tensor(maskedWeight(w.data, keep, p), [OUT, IN]), b.detach()).data,
        { p },
      );
      // The next call draws the next mask.
      const y2 = ops.dropConnectLinear(x, w, b, { p, training: true, generator: g });
      const keep2 = keepBits(13, advance(OUT * IN), OUT * IN, p);
      expectBitEqual(
        y2.data,
        ops.linear(x.detach(), new Tensor(maskedWeight(w.data, keep2, p), [OUT, IN]), b.detach()).data,
        { p, call: 2 },
      );
    },
  );

  it('masks and scales the weight gradient; the bias gradient is not masked', () => {
    const p = 0.4;
    const { x, w, b } = setup(7);
    const y = ops.dropConnectLinear(x, w, b, { p, training: true, seed: 5 });
    const v = randomFloats(y.size, 3);
    y.backward(new Tensor(v, y.shape));
    const keep = keepBits(5, 0, OUT * IN, p);
    const scale = Math.fround(1 / (1 - p));
    for (let o = 0; o < OUT; o++) {
      let db = 0;
      for (let r = 0; r < 4; r++) db += v[r * OUT + o]!;
      expect(b.grad!.data[o]).toBeCloseTo(db, 5);
      for (let i = 0; i < IN; i++) {
        let dw = 0;
        for (let r = 0; r < 4; r++) dw += v[r * OUT + o]! * x.data[r * IN + i]!;
        const want = keep[o * IN + i] ? dw * scale : 0;
        if (!keep[o * IN + i]) expect(w.grad!.data[o * IN + i]).toBe(0);
        else expect(w.grad!.data[o * IN + i]).toBeCloseTo(want, 5);
      }
    }
  });

  it('has finite-difference gradients for x, weight and bias', () => {
    for (const p of [0.3, 0.7]) {
      const { x, w, b } = setup(11);
      const n = gradcheck(
        (xx, ww, bb) => ops.dropConnectLinear(xx!, ww!, bb, { p, training: true, seed: 21 }),
        [x, w, b],
        { context: { p } },
      );
      expect(n).toBe(4 * IN + OUT * IN + OUT);
    }
  });

  it('at p = 1 drops every weight: the output is the bias, dx and dW are 0, db is not', () => {
    const { x, w, b } = setup(2);
    const g = new Generator(1);
    const y = ops.dropConnectLinear(x, w, b, { p: 1, training: true, generator: g });
    expect(g.offset).toBe(0);
    for (let r = 0; r < 4; r++) expectBitEqual(y.data.subarray(r * OUT, (r + 1) * OUT), b.data);
    y.backward(new Tensor(new Float32Array(4 * OUT).fill(1), [4, OUT]));
    expect(x.grad!.data.every((v) => v === 0)).toBe(true);
    expect(w.grad!.data.every((v) => v === 0)).toBe(true);
    expect(Array.from(b.grad!.data)).toEqual(new Array(OUT).fill(4));
  });

  it('keeps each call its own mask when two calls share a scratch buffer before their backward passes', () => {
    const scratch = new Float32Array(OUT * IN);
    const fresh = setup(5);
    const alone = ops.dropConnectLinear(fresh.x, fresh.w, fresh.b, { p: 0.5, training: true, seed: 1 });
    alone.backward(new Tensor(new Float32Array(4 * OUT).fill(1), [4, OUT]));
    const { x, w, b } = setup(5);
    const first = ops.dropConnectLinear(x, w, b, { p: 0.5, training: true, seed: 1 }, scratch);
    ops.dropConnectLinear(x.detach(), w.detach(), b.detach(), { p: 0.5, training: true, seed: 2 }, scratch);
    expectBitEqual(first.data, alone.data);
    first.backward(new Tensor(new Float32Array(4 * OUT).fill(1), [4, OUT]));
    expectBitEqual(x.grad!.data, fresh.x.grad!.data);
    expectBitEqual(w.grad!.data, fresh.w.grad!.data);
  });

  it('checks its arguments', () => {
    const { x, w, b } = setup();
    expect(() => ops.dropConnectLinear(x, w, b, { p: 1.1, training: true })).toThrow(
      new RangeError('Expected number in [0, 1] for p but received 1.1 of type number'),
    );
    expect(() => ops.dropConnectLinear(x, w, b, {} as never)).toThrow(
      new TypeError('Expected boolean for training but received undefined'),
    );
    expect(() => ops.dropConnectLinear(x, leaf([IN], 1), b, { training: true })).toThrow(
      'dropConnectLinear: expected weight of shape [out, in] but received [7]',
    );
    expect(() => ops.dropConnectLinear(leaf([2, 3], 1), w, b, { training: true })).toThrow(
      'linear: expected input [*, 7] but received [2, 3]',
    );
  });
});
