// Dropout kernels on every ISA of this machine against the reference backend: masks and forward
// outputs bit for bit, for sizes around every step width, offsets that start mid-block or far out
// in the stream, p from 0 to 1, NaN-prefilled outputs with guard zones, masks prefilled with a
// marker that must survive past the last word.
import { describe, expect, it } from 'vitest';
import { kernels, type Backend } from '../../lib/index.js';
import {
  dropoutInput,
  dropoutSizes,
  expectGuardNaN,
  expectMaskEqual,
  maskFilled,
  maskWords,
  nanFilled,
  OFFSETS,
  PROBABILITIES,
} from '../helpers/dropout.js';
import { expectBitEqual } from '../helpers/expect-close.js';
import { testedIsas, withIsa, withThreads } from '../helpers/isa.js';
import { randomFloats } from '../helpers/rng.js';

const SEED = 0x1234_5678_9abcn;
const js = kernels('js');

interface Forward {
  out: Float32Array;
  mask: Uint32Array;
}

function forward(k: Backend, n: number, offset: number, p: number, seed: number | bigint = SEED): Forward {
  const x = dropoutInput(n, n + 17);
  const out = nanFilled(n);
  const mask = maskFilled(n);
  k.dropoutForward(out, mask, x, p, seed, offset, n);
  return { out, mask };
}

const refCache = new Map<string, Forward>();
function reference(n: number, offset: number, p: number): Forward {
  const key = `${n}|${offset}|${p}`;
  let r = refCache.get(key);
  if (r === undefined) {
    r = forward(js, n, offset, p);
    refCache.set(key, r);
  }
  return r;
}

function expectForwardEqual(got: Forward, want: Forward, n: number, context: object): void {
  expectBitEqual(got.out.subarray(0, n), want.out.subarray(0, n), context as Record<string, unknown>);
  expectGuardNaN(got.out, n, context);
  expectMaskEqual(got.mask, want.mask, n, context);
}

const BROADCAST_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [2, 3, 1],
  [3, 5, 7],
  [4, 1, 33],
  [2, 1000, 1],
  [3, 17, 70],
  [0, 5, 3],
  [3, 0, 5],
  [3, 5, 0],
  [6, 30011, 1],
  [5, 300, 67],
  [1, 9, 100],
];

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`dropout kernels on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    for (const p of PROBABILITIES) {
      it.each(dropoutSizes())(`dropoutForward p=${p} n=%i matches the reference at every offset`, (n) => {
        for (const offset of OFFSETS) {
          const got = withIsa(isa, (native) => forward(native, n, offset, p));
          expectForwardEqual(got, reference(n, offset, p), n, { isa, n, offset, p });
        }
      });
    }

    it.each([2 ** -33, 1e-9, 0.3, 1 - 2 ** -31, 1 - 2 ** -34, 1 - 2 ** -40])('thresholds at the edges: p=%s', (p) => {
      for (const n of [1, 33, 1000]) {
        for (const offset of [0, 3]) {
          const got = withIsa(isa, (native) => forward(native, n, offset, p));
          expectForwardEqual(got, forward(js, n, offset, p), n, { isa, n, offset, p });
        }
      }
    });

    it('dropoutMask gives the bits dropoutForward writes', () => {
      for (const n of [1, 31, 32, 33, 257, 4099, 70001]) {
        for (const offset of [0, 1, 6]) {
          for (const p of [0, 0.3, 1]) {
            const mask = maskFilled(n);
            withIsa(isa, (native) => native.dropoutMask(mask, p, SEED, offset, n));
            expectMaskEqual(mask, reference(n, offset, p).mask, n, { isa, n, offset, p });
          }
        }
      }
    });

    it('dropoutBackward matches the reference (dy with NaN, mask from forward)', () => {
      for (const n of dropoutSizes()) {
        for (const p of [0, 0.5, 1]) {
          const { mask } = reference(n, 3, p);
          const dy = dropoutInput(n, 99);
          const want = nanFilled(n);
          js.dropoutBackward(want, dy, mask, p, n);
          const got = nanFilled(n);
          withIsa(isa, (native) => native.dropoutBackward(got, dy, mask, p, n));
          expectBitEqual(got.subarray(0, n), want.subarray(0, n), { isa, n, p });
          expectGuardNaN(got, n, { isa, n, p });
        }
      }
    });

    it('p = 1 backward writes zeros whatever the mask holds', () => {
      const n = 100;
      const mask = new Uint32Array(maskWords(n)).fill(0xffffffff);
      const dx = nanFilled(n);
      withIsa(isa, (native) => native.dropoutBackward(dx, dropoutInput(n, 1), mask, 1, n));
      expect(Array.from(dx.subarray(0, n))).toEqual(new Array(n).fill(0));
    });

    it.each(BROADCAST_SHAPES)('broadcast forward and backward [%i, %i, %i]', (outer, mid, inner) => {
      const n = outer * mid * inner;
      const bits = outer * inner;
      for (const offset of [0, 3]) {
        for (const p of [0.5, 0.9, 1]) {
          const ctx = { isa, outer, mid, inner, offset, p };
          const x = dropoutInput(n, 7);
          const want = nanFilled(n),
            wantMask = maskFilled(bits);
          js.dropoutBroadcastForward(want, wantMask, x, p, SEED, offset, outer, mid, inner);
          const got = nanFilled(n),
            gotMask = maskFilled(bits);
          withIsa(isa, (native) => native.dropoutBroadcastForward(got, gotMask, x, p, SEED, offset, outer, mid, inner));
          expectBitEqual(got.subarray(0, n), want.subarray(0, n), ctx);
          expectGuardNaN(got, n, ctx);
          expectMaskEqual(gotMask, wantMask, bits, ctx);

          const dy = dropoutInput(n, 8);
          const wantDx = nanFilled(n),
            gotDx = nanFilled(n);
          js.dropoutBroadcastBackward(wantDx, dy, wantMask, p, outer, mid, inner);
          withIsa(isa, (native) => native.dropoutBroadcastBackward(gotDx, dy, wantMask, p, outer, mid, inner));
          expectBitEqual(gotDx.subarray(0, n), wantDx.subarray(0, n), ctx);
          expectGuardNaN(gotDx, n, ctx);
        }
      }
    });

    // No guard words here: under AddressSanitizer (typed arrays above 64 bytes live in malloc'd
    // memory) any read or write past an array's end is reported.
    it('exact-size arrays: forward, backward and broadcast touch nothing past the ends', () => {
      for (const n of [97, 128, 129, 255, 1000, 1023, 4097]) {
        for (const offset of [0, 1, 3]) {
          const x = dropoutInput(n, n).slice(0, n);
          const want = new Float32Array(n),
            wantMask = new Uint32Array(maskWords(n));
          js.dropoutForward(want, wantMask, x, 0.5, SEED, offset, n);
          const out = new Float32Array(n),
            mask = new Uint32Array(maskWords(n));
          withIsa(isa, (native) => native.dropoutForward(out, mask, x, 0.5, SEED, offset, n));
          expectBitEqual(out, want, { isa, n, offset });
          expect(Array.from(mask)).toEqual(Array.from(wantMask));
          const dx = new Float32Array(n),
            wantDx = new Float32Array(n);
          js.dropoutBackward(wantDx, x, mask, 0.5, n);
          withIsa(isa, (native) => native.dropoutBackward(dx, x, mask, 0.5, n));
          expectBitEqual(dx, wantDx, { isa, n, offset });
        }
        for (const [outer, mid, inner] of [
          [1, 3, n],
          [n, 2, 1],
          [3, 1, n],
        ] as const) {
          const total = outer * mid * inner,
            bits = outer * inner;
          const x = randomFloats(total, 3);
          const want = new Float32Array(total),
            wantMask = new Uint32Array(maskWords(bits));
          js.dropoutBroadcastForward(want, wantMask, x, 0.5, SEED, 1, outer, mid, inner);
          const out = new Float32Array(total),
            mask = new Uint32Array(maskWords(bits));
          withIsa(isa, (native) => native.dropoutBroadcastForward(out, mask, x, 0.5, SEED, 1, outer, mid, inner));
          expectBitEqual(out, want, { isa, outer, mid, inner });
          expect(Array.from(mask)).toEqual(Array.from(wantMask));
        }
      }
    });

    it('works in place (out is x, dx is dy)', () => {
      const n = 1031;
      const x = dropoutInput(n, 5);
      const want = nanFilled(n),
        wantMask = maskFilled(n);
      js.dropoutForward(want, wantMask, x, 0.4, SEED, 1, n);
      const inPlace = x.slice();
      const mask = maskFilled(n);
      withIsa(isa, (native) => native.dropoutForward(inPlace, mask, inPlace, 0.4, SEED, 1, n));
      expectBitEqual(inPlace.subarray(0, n), want.subarray(0, n), { isa });
      expectMaskEqual(mask, wantMask, n, { isa });
      const dy = randomFloats(n, 6);
      const wantDx = new Float32Array(n);
      js.dropoutBackward(wantDx, dy, mask, 0.4, n);
      withIsa(isa, (native) => native.dropoutBackward(dy, dy, mask, 0.4, n));
      expectBitEqual(dy, wantDx, { isa });
    });

    it('reads and writes through byteOffset views (unaligned to 64 bytes)', () => {
      const n = 333;
      const buf = new ArrayBuffer(4 * (2 * n + 20));
      const x = new Float32Array(buf, 4, n);
      const out = new Float32Array(buf, 4 * (n + 3), n);
      const mask = new Uint32Array(buf, 4 * (2 * n + 7), maskWords(n));
      x.set(randomFloats(n, 3));
      const want = new Float32Array(n),
        wantMask = new Uint32Array(maskWords(n));
      js.dropoutForward(want, wantMask, x, 0.5, 9, 2, n);
      withIsa(isa, (native) => native.dropoutForward(out, mask, x, 0.5, 9, 2, n));
      expectBitEqual(out, want, { isa });
      expect(Array.from(mask)).toEqual(Array.from(wantMask));
    });

    it('uniformFill matches the reference bit for bit; randnFill within an ulp', () => {
      for (const n of [1, 2, 3, 31, 513, 1001, 5000]) {
        for (const offset of [0, 1, 6, 2 ** 40 + 1]) {
          const ctx = { isa, n, offset };
          const wantU = nanFilled(n),
            gotU = nanFilled(n);
          js.uniformFill(wantU, -2, 5, SEED, offset, n);
          withIsa(isa, (native) => native.uniformFill(gotU, -2, 5, SEED, offset, n));
          expectBitEqual(gotU.subarray(0, n), wantU.subarray(0, n), ctx);
          expectGuardNaN(gotU, n, ctx);
          const wantN = nanFilled(n),
            gotN = nanFilled(n);
          js.randnFill(wantN, 0.5, 2, SEED, offset, n);
          withIsa(isa, (native) => native.randnFill(gotN, 0.5, 2, SEED, offset, n));
          // libm and V8 may differ in the last bit of a double before the float rounding.
          for (let i = 0; i < n; i++) {
            const tol = 2 ** -22 * Math.max(1, Math.abs(wantN[i]!));
            if (!(Math.abs(gotN[i]! - wantN[i]!) <= tol))
              expect.fail(`randn ${i}: ${wantN[i]} vs ${gotN[i]} ${JSON.stringify(ctx)}`);
          }
          expectGuardNaN(gotN, n, ctx);
        }
      }
    });
  });
}

const native = testedIsas().filter((c) => c.skip === '');
describe.skipIf(native.length === 0)('dropout kernels across ISAs and thread counts', () => {
  it('give the same bits on every ISA and on 1 and 2 threads (forward, mask, backward, fills)', () => {
    const n = 300_007;
    const x = dropoutInput(n, 4);
    const dy = dropoutInput(n, 5);
    const runs: {
      label: string;
      out: Float32Array;
      mask: Uint32Array;
      dx: Float32Array;
      g: Float32Array;
      u: Float32Array;
    }[] = [];
    for (const { isa } of native) {
      for (const threads of [1, 2]) {
        withIsa(isa, (k) =>
          withThreads(threads, () => {
            const out = nanFilled(n),
              mask = maskFilled(n),
              dx = nanFilled(n),
              g = nanFilled(n),
              u = nanFilled(n);
            k.dropoutForward(out, mask, x, 0.3, SEED, 5, n);
            k.dropoutBackward(dx, dy, mask, 0.3, n);
            k.randnFill(g, 0, 1, SEED, 3, n);
            k.uniformFill(u, 0, 1, SEED, 3, n);
            runs.push({ label: `${isa}/${threads}`, out, mask, dx, g, u });
          }),
        );
      }
    }
    const first = runs[0]!;
    for (const r of runs.slice(1)) {
      const ctx = { base: first.label, run: r.label };
      expectBitEqual(r.out, first.out, ctx);
      expectMaskEqual(r.mask, first.mask, n, ctx);
      expectBitEqual(r.dx, first.dx, ctx);
      expectBitEqual(r.g, first.g, ctx);
      expectBitEqual(r.u, first.u, ctx);
    }
    const want = nanFilled(n),
      wantMask = maskFilled(n);
    js.dropoutForward(want, wantMask, x, 0.3, SEED, 5, n);
    expectForwardEqual(first, { out: want, mask: wantMask }, n, { run: 'reference' });
  });
});
