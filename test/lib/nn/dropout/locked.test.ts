// LockedDropout (and ops.lockedDropout): one mask per sample and feature shared by every time
// step, for (T, B, H) and (B, T, H); the mask is Philox draw offset + b * H + h on every ISA and
// thread count; a fresh mask per call; the identity in eval without drawing; rates checked.
import { describe, expect, it } from 'vitest';
import { Generator, kernels, nn, ops, ShapeError, Tensor } from '../../../../lib/index.js';
import { dropoutScale } from '../../../../lib/backend/philox.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';
import { testedIsas, withIsa, withThreads } from '../../../helpers/isa.js';
import { randomFloats } from '../../../helpers/rng.js';

const T = 7;
const B = 5;
const H = 13;

/** keep[b * H + h] from the reference backend's Philox masks. */
function expectedKeep(p: number, seed: bigint, offset: number): boolean[] {
  const bits = new Uint32Array(Math.ceil((B * H) / 32));
  kernels('js').dropoutMask(bits, p, seed, offset, B * H);
  return Array.from({ length: B * H }, (_, k) => ((bits[k >>> 5]! >>> (k & 31)) & 1) === 1);
}

function checkLocked(out: Float32Array, x: Float32Array, keep: boolean[], p: number, batchFirst: boolean): void {
  const scale = dropoutScale(p);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const at = batchFirst ? (b * T + t) * H + h : (t * B + b) * H + h;
        const want = keep[b * H + h] ? Math.fround(x[at]! * scale) : 0;
        if (out[at] !== want)
          expect.fail(`t=${t} b=${b} h=${h}: got ${out[at]}, want ${want} (batchFirst ${batchFirst})`);
      }
    }
  }
}

describe('ops.lockedDropout', () => {
  for (const { isa, skip } of testedIsas()) {
    it.skipIf(skip !== '')(
      `uses one mask (1, B, H) / (B, 1, H) for every step on ${isa}, for 1 and 2 threads${skip ? ` (${skip})` : ''}`,
      () => {
        for (const batchFirst of [false, true]) {
          const x = new Tensor(randomFloats(T * B * H, 3), batchFirst ? [B, T, H] : [T, B, H]);
          for (const threads of [1, 2]) {
            const out = withIsa(isa, () =>
              withThreads(threads, () => ops.lockedDropout(x, { p: 0.4, training: true, batchFirst, seed: 9 })),
            );
            checkLocked(out.data, x.data, expectedKeep(0.4, new Generator(9).seed, 0), 0.4, batchFirst);
          }
        }
      },
    );
  }

  it('draws B * H per call from the stream: a fresh mask each call, and per sample', () => {
    const g = new Generator(4);
    const x = new Tensor(new Float32Array(T * B * H).fill(1), [T, B, H]);
    const a = ops.lockedDropout(x, { p: 0.5, training: true, generator: g });
    expect(g.offset).toBe(Math.ceil((B * H) / 4) * 4);
    const b = ops.lockedDropout(x, { p: 0.5, training: true, generator: g });
    checkLocked(a.data, x.data, expectedKeep(0.5, g.seed, 0), 0.5, false);
    checkLocked(b.data, x.data, expectedKeep(0.5, g.seed, 68), 0.5, false);
    expect(Array.from(a.data)).not.toEqual(Array.from(b.data));
    // Samples differ from each other (one row of H features per sample at t = 0).
    const rows = Array.from({ length: B }, (_, s) => Array.from(a.data.subarray(s * H, (s + 1) * H)).join());
    expect(new Set(rows).size).toBeGreaterThan(1);
  });

  it('keeps about 1 - p of the (sample, feature) pairs', () => {
    const n = 200 * 100;
    const x = new Tensor(new Float32Array(3 * n).fill(1), [3, 200, 100]);
    const out = ops.lockedDropout(x, { p: 0.3, training: true, seed: 5 });
    let kept = 0;
    for (let k = 0; k < n; k++) if (out.data[k] !== 0) kept++;
    // Binomial(20000, 0.7): sd = 64.8; 4 sd.
    expect(Math.abs(kept - 0.7 * n)).toBeLessThan(4 * Math.sqrt(n * 0.21));
  });

  it('is the identity in eval and at p = 0 without drawing; p = 1 zeroes; gradients by finite differences', () => {
    const g = new Generator(1);
    const x = leaf([3, 2, 4], 2);
    expect(ops.lockedDropout(x, { p: 0.5, training: false, generator: g })).toBe(x);
    expect(ops.lockedDropout(x, { p: 0, training: true, generator: g })).toBe(x);
    expect(Array.from(ops.lockedDropout(x, { p: 1, training: true, generator: g }).data)).toEqual(
      new Array(24).fill(0),
    );
    expect(g.offset).toBe(0);
    expect(gradcheck((a) => ops.lockedDropout(a!, { p: 0.5, training: true, seed: 3 }), [x])).toBe(24);
    expect(
      gradcheck(
        (a) => ops.lockedDropout(a!, { p: 0.5, training: true, seed: 3, batchFirst: true }),
        [leaf([2, 3, 4], 3)],
      ),
    ).toBe(24);
  });

  it('rejects bad rates, ranks and flags', () => {
    const x = new Tensor(new Float32Array(24), [3, 2, 4]);
    expect(() => ops.lockedDropout(x, { p: 1.2, training: true })).toThrow(
      new RangeError('Expected number in [0, 1] for p but received 1.2 of type number'),
    );
    expect(() => ops.lockedDropout(x, { p: -0.5, training: true })).toThrow(RangeError);
    expect(() => ops.lockedDropout(x, { p: 0.5 } as never)).toThrow(
      new TypeError('Expected boolean for training but received undefined'),
    );
    expect(() => ops.lockedDropout(new Tensor(new Float32Array(6), [3, 2]), { p: 0.5, training: true })).toThrow(
      new ShapeError('lockedDropout: expected input (T, B, H) but received [3, 2]'),
    );
    expect(() => ops.lockedDropout(x, { p: 0.5, training: true, batchFirst: 1 as never })).toThrow(
      new TypeError('Expected boolean for batchFirst but received 1 of type number'),
    );
  });
});

describe('nn.LockedDropout', () => {
  it('is a dropout layer: same shape, identity in eval, one mask per sequence in training', () => {
    const layer = new nn.LockedDropout(0.5, { seed: 2 });
    expect(layer.dropoutRate).toBe(0.5);
    expect(layer.category).toBe('dropout');
    const x = new Tensor(new Float32Array(T * B * H).fill(1), [T, B, H]);
    const y = layer.call(x);
    for (let t = 1; t < T; t++)
      expect(Array.from(y.data.subarray(t * B * H, (t + 1) * B * H))).toEqual(Array.from(y.data.subarray(0, B * H)));
    const y2 = layer.call(x);
    expect(Array.from(y2.data)).not.toEqual(Array.from(y.data));
    layer.eval();
    expect(layer.call(x)).toBe(x);
    const bf = new nn.LockedDropout(0.5, { batchFirst: true, seed: 2 });
    const z = bf.call(new Tensor(new Float32Array(B * T * H).fill(1), [B, T, H]));
    for (let b = 0; b < B; b++) {
      const first = Array.from(z.data.subarray(b * T * H, b * T * H + H));
      for (let t = 1; t < T; t++)
        expect(Array.from(z.data.subarray((b * T + t) * H, (b * T + t + 1) * H))).toEqual(first);
    }
    expect(bf.toString()).toBe('LockedDropout(p=0.5, batchFirst=true)');
    expect(bf.getConfig()).toEqual({ p: 0.5, seed: 2, batchFirst: true });
  });

  it('names itself on a wrong rank and rejects bad arguments', () => {
    const layer = new nn.LockedDropout(0.25);
    expect(() => layer.call(new Tensor(new Float32Array(6), [2, 3]))).toThrow(
      /^LockedDropout\(p=0\.25\) expected input \[\*, \*, \*\] but received \[2, 3\]$/,
    );
    expect(() => new nn.LockedDropout(2)).toThrow(
      new RangeError('Expected number in [0, 1] for p but received 2 of type number'),
    );
    expect(() => new nn.LockedDropout(0.5, { batch_first: true } as never)).toThrow(
      new TypeError('LockedDropout: unknown option "batch_first"; the options are batchFirst, seed, generator'),
    );
    expect(() => new nn.LockedDropout(0.5, { batchFirst: 'yes' } as never)).toThrow(TypeError);
  });
});
