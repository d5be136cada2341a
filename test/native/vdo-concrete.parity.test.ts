// Concrete dropout's relaxed-mask pass (concreteDropout: keep = (1 − z)/(1 − p), its derivative in
// p, out = x·keep) and its backward (concreteDropoutBackward: g·keep and Σ g·x·dKeep) on every ISA
// of this machine against the reference backend (double, V8's log and exp) over sizes around every
// vector width, the 256-value tile and the thread grain, per-element and per-channel masks, several
// rates and temperatures; independence from the thread count; the argument checks.
import { describe, expect, it } from 'vitest';
import { kernels, type Backend } from '../../lib/index.js';
import { testedIsas, withIsa } from '../helpers/isa.js';
import { nans, randomFloats } from '../helpers/rng.js';

const GUARD = 3;
const SIZES = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 255, 256, 257, 511, 513, 1031, 4099, 9973];
const CASES: [number, number][] = [
  [0.1, 0.1],
  [0.5, 0.1],
  [0.02, 1],
  [0.9, 0.05],
];
const SEED = 0x5eed_c0ffeen;
const EPS = 1e-7;

function forward(k: Backend, x: Float32Array, p: number, t: number, offset: number, masks: number, inner: number) {
  const o = { out: nans(masks * inner + GUARD), keep: nans(masks + GUARD), dKeep: nans(masks + GUARD) };
  k.concreteDropout(o.out, o.keep, o.dKeep, x, p, t, SEED, offset, masks, inner);
  return o;
}

/**
 * The native pass's error bound: its float log is within a few ulp, so the sigmoid's argument a is
 * off by at most δa = 2.4e-7·(|L| + |log(u + ε)| + |log(1 − u + ε)|)/t, which moves z by z(1 − z)·δa;
 * plus the float roundings of keep (3 ulp) and dKeep (4 ulp) and of subnormal results.
 */
function expectNear(
  got: ReturnType<typeof forward>,
  want: ReturnType<typeof forward>,
  u: Float32Array,
  p: number,
  t: number,
  context: object,
) {
  const q = 1 - p;
  const logit = Math.log(p + EPS) - Math.log(1 - p + EPS);
  const slope = ((1 / (p + EPS) + 1 / (1 - p + EPS)) * q) / t;
  const ulp = 2 ** -23;
  const tiny = 2 ** -149;
  const bad: string[] = [];
  for (let j = 0; j < u.length; j++) {
    const keep = want.keep[j]!;
    const kq = keep * q;
    const z = 1 - kq;
    const da = ((Math.abs(logit) + Math.abs(Math.log(u[j]! + EPS)) + Math.abs(Math.log(1 - u[j]! + EPS))) * 2.4e-7) / t;
    const dz = kq * (1 - kq) * da;
    const keepTol = dz / q + 3 * ulp * keep + (4 * tiny) / q;
    if (!(Math.abs(got.keep[j]! - keep) <= keepTol)) bad.push(`keep[${j}] ${got.keep[j]} vs ${keep}`);
    const dTol =
      ((dz / q) * (Math.abs(1 - z * slope) + kq * slope)) / q +
      4 * ulp * Math.abs(want.dKeep[j]!) +
      (3 * ulp * keep * (1 + z * slope)) / q +
      (4 * tiny * (1 + slope)) / (q * q);
    if (!(Math.abs(got.dKeep[j]! - want.dKeep[j]!) <= dTol)) bad.push(`dKeep[${j}] ${got.dKeep[j]} vs ${want.dKeep[j]}`);
  }
  expect(bad.slice(0, 5), JSON.stringify(context)).toEqual([]);
  for (let i = u.length; i < u.length + GUARD; i++) {
    expect(Number.isNaN(got.keep[i]) && Number.isNaN(got.dKeep[i]), `guard ${i} written`).toBe(true);
  }
}

/** out is x·keep with the pass's own keep: one float32 rounding, the same bits on every backend. */
function expectScaled(o: ReturnType<typeof forward>, x: Float32Array, masks: number, inner: number) {
  const want = new Float32Array(masks * inner);
  for (let i = 0; i < want.length; i++) want[i] = x[i]! * o.keep[Math.floor(i / inner)]!;
  expect(firstDiff(o.out.subarray(0, want.length), want)).toBe(-1);
  expect(o.out.subarray(want.length).every(Number.isNaN)).toBe(true);
}

/** The first index where a and b differ (NaN equals NaN), or −1. */
function firstDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function uniforms(masks: number, offset: number): Float32Array {
  const u = new Float32Array(masks);
  kernels('js').uniformFill(u, 0, 1, SEED, offset, masks);
  return u;
}

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`concreteDropout on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it.each(SIZES)('masks=%i, per element and per channel of 5, matches the reference at every p and t', (masks) => {
      for (const inner of [1, 5]) {
        const x = randomFloats(masks * inner, 40 + masks);
        for (const [p, t] of CASES) {
          const offset = masks % 3 === 0 ? 2 ** 32 + 7 : 3;
          const want = forward(kernels('js'), x, p, t, offset, masks, inner);
          const got = withIsa(isa, (native) => forward(native, x, p, t, offset, masks, inner));
          expectNear(got, want, uniforms(masks, offset), p, t, { isa, masks, inner, p, t });
          expectScaled(got, x, masks, inner);
          expectScaled(want, x, masks, inner);
        }
      }
    });

    it.each(SIZES)('masks=%i: the backward is g·keep and Σ g·x·dKeep of the same keep and dKeep', (masks) => {
      for (const inner of [1, 3, 37]) {
        const n = masks * inner;
        const g = randomFloats(n, 7 + masks);
        const x = randomFloats(n, 8 + masks);
        const keep = randomFloats(masks, 9 + masks, 0, 1.2);
        const dKeep = randomFloats(masks, 10 + masks, -30, 2);
        const run = (k: Backend) => {
          const gx = nans(n + GUARD);
          const dp = k.concreteDropoutBackward(gx, g, x, keep, dKeep, true, masks, inner);
          return { gx, dp };
        };
        const want = run(kernels('js'));
        const got = withIsa(isa, run);
        expect(firstDiff(got.gx, want.gx)).toBe(-1);
        let scale = 0;
        for (let i = 0; i < n; i++) scale += Math.abs(g[i]! * x[i]! * dKeep[Math.floor(i / inner)]!);
        expect(Math.abs(got.dp - want.dp), JSON.stringify({ isa, masks, inner })).toBeLessThanOrEqual(4e-7 * scale);
        // Without gx, or without dp: the other is unchanged.
        const dpOnly = withIsa(isa, (k) => k.concreteDropoutBackward(null, g, x, keep, dKeep, true, masks, inner));
        expect(dpOnly).toBe(got.dp);
        const gxOnly = nans(n);
        expect(withIsa(isa, (k) => k.concreteDropoutBackward(gxOnly, g, x, keep, dKeep, false, masks, inner))).toBe(0);
        expect(firstDiff(gxOnly, got.gx.subarray(0, n))).toBe(-1);
      }
    });

    it('gives the same bits on 1 and 2 threads, and split into calls at any mask offset', () => {
      const masks = 3 * 4096 + 37;
      for (const inner of [1, 3]) {
        const n = masks * inner;
        const x = randomFloats(n, 5);
        const g = randomFloats(n, 6);
        withIsa(isa, (native) => {
          const before = native.numThreads();
          try {
            const both = (threads: number) => {
              native.setNumThreads(threads);
              const f = forward(native, x, 0.3, 0.1, 11, masks, inner);
              const gx = new Float32Array(n);
              const dp = native.concreteDropoutBackward(gx, g, x, f.keep, f.dKeep, true, masks, inner);
              return { ...f, gx, dp };
            };
            const one = both(1);
            const two = both(2);
            expect(firstDiff(two.out, one.out)).toBe(-1);
            expect(firstDiff(two.dKeep, one.dKeep)).toBe(-1);
            expect(firstDiff(two.gx, one.gx)).toBe(-1);
            expect(two.dp).toBe(one.dp);
            const cut = 1001;
            const tail = forward(native, x.subarray(cut * inner), 0.3, 0.1, 11 + cut, masks - cut, inner);
            expect(firstDiff(tail.keep.subarray(0, masks - cut), one.keep.subarray(cut, masks))).toBe(-1);
          } finally {
            native.setNumThreads(before);
          }
        });
      }
    });
  });
}

describe('concreteDropout argument checks, the same on both backends', () => {
  const backends = (['js', 'native'] as const).filter((b) => b === 'js' || testedIsas().some((c) => c.skip === ''));
  const f = (n: number) => new Float32Array(n);
  it.each(backends)('%s: plain arguments are checked first, then arrays, lengths and overlaps', (name) => {
    const k: Backend = name === 'js' ? kernels('js') : kernels('native');
    const fwd =
      (...args: unknown[]) =>
      () =>
        (k.concreteDropout as (...a: unknown[]) => void)(...args);
    const bwd =
      (...args: unknown[]) =>
      () =>
        (k.concreteDropoutBackward as (...a: unknown[]) => number)(...args);
    expect(fwd(f(4), f(4), f(4), f(4), 0.1, 0.1, 1, 0, 4)).toThrow(/concreteDropout\(out, keep, dKeep, x, p/);
    expect(fwd('o', f(2), f(2), f(4), 0, 0.1, 1, 0, 2, 2)).toThrow(/p/);
    expect(fwd('o', f(2), f(2), f(4), 1, 0.1, 1, 0, 2, 2)).toThrow(RangeError);
    expect(fwd('o', f(2), f(2), f(4), 'a', 0.1, 1, 0, 2, 2)).toThrow(TypeError);
    expect(fwd('o', f(2), f(2), f(4), 0.5, 0, 1, 0, 2, 2)).toThrow(/temperature/);
    expect(fwd('o', f(2), f(2), f(4), 0.5, Infinity, 1, 0, 2, 2)).toThrow(/temperature/);
    expect(fwd('o', f(2), f(2), f(4), 0.5, 0.1, -1, 0, 2, 2)).toThrow(/seed/);
    expect(fwd('o', f(2), f(2), f(4), 0.5, 0.1, 1, 0.5, 2, 2)).toThrow(/offset/);
    expect(fwd('o', f(2), f(2), f(4), 0.5, 0.1, 1, 0, -2, 2)).toThrow(/masks/);
    expect(fwd('o', f(2), f(2), f(4), 0.5, 0.1, 1, 0, 2, 1.5)).toThrow(/inner/);
    expect(fwd('o', f(2), f(2), f(4), 0.5, 0.1, 1, 0, 2 ** 40, 2 ** 20)).toThrow(/masks \* inner/);
    expect(fwd('o', f(2), f(2), f(4), 0.5, 0.1, 1, 0, 2, 2)).toThrow(TypeError);
    expect(fwd(f(3), f(2), f(2), f(4), 0.5, 0.1, 1, 0, 2, 2)).toThrow(/out/);
    expect(fwd(f(4), f(1), f(2), f(4), 0.5, 0.1, 1, 0, 2, 2)).toThrow(/keep/);
    expect(fwd(f(4), f(2), f(1), f(4), 0.5, 0.1, 1, 0, 2, 2)).toThrow(/dKeep/);
    expect(fwd(f(4), f(2), f(2), f(3), 0.5, 0.1, 1, 0, 2, 2)).toThrow(/\bx\b/);
    const a = f(4);
    expect(fwd(a, f(2), f(2), a, 0.5, 0.1, 1, 0, 2, 2)).toThrow(/not to overlap/);
    const b = f(4);
    expect(fwd(f(4), b.subarray(0, 2), b.subarray(1, 3), f(4), 0.5, 0.1, 1, 0, 2, 2)).toThrow(/not to overlap/);

    expect(bwd(f(4), f(4), f(4), f(2), f(2), true, 2)).toThrow(/concreteDropoutBackward\(gx, g, x/);
    expect(bwd('g', f(4), f(4), f(2), f(2), 1, 2, 2)).toThrow(/withDp/);
    expect(bwd('g', f(4), f(4), f(2), f(2), true, -1, 2)).toThrow(/masks/);
    expect(bwd('g', f(4), f(4), f(2), f(2), true, 2, 2)).toThrow(TypeError);
    expect(bwd(f(4), f(3), f(4), f(2), f(2), true, 2, 2)).toThrow(/\bg\b/);
    expect(bwd(f(4), f(4), f(4), f(2), f(1), true, 2, 2)).toThrow(/dKeep/);
    const c = f(4);
    expect(bwd(c, c, f(4), f(2), f(2), true, 2, 2)).toThrow(/not to overlap/);
    // Zero elements write nothing and give 0.
    const untouched = nans(1);
    k.concreteDropout(untouched, f(0), f(0), f(0), 0.5, 0.1, 1, 0, 0, 3);
    expect(untouched[0]).toBeNaN();
    expect(k.concreteDropoutBackward(null, f(0), f(0), f(0), f(0), true, 0, 1)).toBe(0);
  });
});
