// Variational dropout's per-weight pass (kingmaVd: α θ², its derivatives, Kingma's KL polynomial
// and its derivative, with α = min(exp(log α), 1)) on every ISA of this machine against the
// reference backend, over sizes around every vector width and the 256-element summation block;
// the clamp at log α = 0, special values; the binding's argument checks.
import { describe, expect, it } from 'vitest';
import { kernels, type Backend } from '../../lib/index.js';
import { expectClose } from '../helpers/expect-close.js';
import { testedIsas, withIsa } from '../helpers/isa.js';
import { nans, seededRandom } from '../helpers/rng.js';

const GUARD = 3;
const SIZES = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 255, 256, 257, 271, 1009, 5003];

/** Weights in [-1, 1] and log α in [-12, 3] (a quarter above 0, where α is clamped), some exactly 0. */
function inputs(n: number, seed: number): [Float32Array, Float32Array] {
  const rand = seededRandom(seed);
  const w = new Float32Array(n);
  const la = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    w[i] = -1 + 2 * rand();
    la[i] = i % 17 === 0 ? 0 : -12 + 15 * rand();
  }
  return [w, la];
}

function run(k: Backend, w: Float32Array, la: Float32Array, n: number) {
  const o = { v: nans(n + GUARD), dvw: nans(n + GUARD), dvl: nans(n + GUARD), dkl: nans(n + GUARD), sum: 0 };
  o.sum = k.kingmaVd(o.v, o.dvw, o.dvl, o.dkl, w, la, true, n);
  return o;
}

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`kingmaVd on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it.each(SIZES)('n=%i matches the reference to a few ulp', (n) => {
      const [w, la] = inputs(n, 500 + n);
      const want = run(kernels('js'), w, la, n);
      const got = withIsa(isa, (native) => run(native, w, la, n));
      const context = { isa, n };
      expectClose(got.v, want.v, { rtol: 1e-6, atol: 1e-30, context: { ...context, out: 'variance' } });
      expectClose(got.dvw, want.dvw, { rtol: 1e-6, atol: 1e-30, context: { ...context, out: 'dVarDWeight' } });
      expectClose(got.dvl, want.dvl, { rtol: 1e-6, atol: 1e-30, context: { ...context, out: 'dVarDLogAlpha' } });
      expectClose(got.dkl, want.dkl, { rtol: 1e-6, atol: 1e-7, context: { ...context, out: 'dKlDLogAlpha' } });
      // Each term is at most |0.5·log α| + 1.3: the float lanes round each to a few ulp of that.
      let scale = 0;
      for (let i = 0; i < n; i++) scale += Math.abs(0.5 * Math.min(la[i]!, 0)) + 1.3;
      expect(Math.abs(got.sum - want.sum), `sum ${JSON.stringify(context)}`).toBeLessThanOrEqual(1e-6 * scale);
      for (let i = 0; i < n; i++) {
        if (la[i]! > 0) {
          expect(got.dvl[i], `dVarDLogAlpha[${i}] clamped`).toBe(0);
          expect(got.dkl[i], `dKlDLogAlpha[${i}] clamped`).toBe(0);
        }
      }
      for (const a of [got.v, got.dvw, got.dvl, got.dkl]) {
        for (let i = n; i < n + GUARD; i++) expect(Number.isNaN(a[i]), `guard element ${i} written`).toBe(true);
      }
    });

    it('the sum alone, without weights, equals the full pass; the polynomial values of the spec', () => {
      const n = 263;
      const [w, la] = inputs(n, 3);
      withIsa(isa, (native) => {
        const full = run(native, w, la, n);
        expect(native.kingmaVd(null, null, null, null, null, la, true, n)).toBe(full.sum);
        const v = nans(n);
        expect(native.kingmaVd(v, null, null, null, w, la, false, n)).toBe(0);
        expect(Array.from(v)).toEqual(Array.from(full.v.subarray(0, n)));
        // −poly at α = 0.1, 0.25, 0.5, 1 (the spec's −1.049582, −0.487501, −0.068071, 0.245709 negated).
        const alphas = [0.1, 0.25, 0.5, 1];
        const want = [1.049582, 0.487501, 0.068071, -0.245709];
        alphas.forEach((a, i) => {
          const sum = native.kingmaVd(null, null, null, null, null, Float32Array.of(Math.log(a)), true, 1);
          expect(Math.abs(sum - want[i]!), `α = ${a}`).toBeLessThanOrEqual(1e-6);
        });
      });
    });

    it('log α above 0 is α = 1; NaN propagates; −inf gives α ≈ 0 and an infinite KL', () => {
      const la = Float32Array.of(0.5, 7, Number.NaN, -Infinity);
      const w = Float32Array.of(2, 2, 2, 2);
      const o = { v: new Float32Array(4), dvw: new Float32Array(4), dvl: new Float32Array(4), dkl: new Float32Array(4) };
      withIsa(isa, (native) => {
        expect(native.kingmaVd(o.v, o.dvw, o.dvl, o.dkl, w, la.subarray(0, 2), true, 2)).toBeCloseTo(2 * -0.245709, 5);
        expect(Array.from(o.v.subarray(0, 2))).toEqual([4, 4]);
        expect(Array.from(o.dvw.subarray(0, 2))).toEqual([4, 4]);
        expect(Array.from(o.dvl.subarray(0, 2))).toEqual([0, 0]);
        expect(native.kingmaVd(o.v, null, null, null, w, la.subarray(2, 3), true, 1)).toBeNaN();
        expect(o.v[0]).toBeNaN();
        expect(native.kingmaVd(o.v, null, null, null, w, la.subarray(3), true, 1)).toBe(Infinity);
        expect(o.v[0]).toBeLessThan(1e-40);
      });
    });
  });
}

describe('kingmaVd argument checks, the same on both backends', () => {
  const backends = (['js', 'native'] as const).filter((b) => b === 'js' || testedIsas().some((c) => c.skip === ''));
  const f = (n: number) => new Float32Array(n);
  it.each(backends)('%s: plain arguments are checked first, then arrays, lengths and overlaps', (name) => {
    const k: Backend = name === 'js' ? kernels('js') : kernels('native');
    const call =
      (...args: unknown[]) =>
      () =>
        (k.kingmaVd as (...a: unknown[]) => number)(...args);
    expect(call(f(4), null, null, null, f(4), f(4), true)).toThrow(
      /kingmaVd\(variance, dVarDWeight, dVarDLogAlpha, dKlDLogAlpha, weight, logAlpha, withKl, n\)/,
    );
    expect(call(null, null, null, null, null, 'la', 1, 4)).toThrow(/withKl/);
    expect(call(null, null, null, null, null, 'la', true, -1)).toThrow(RangeError);
    expect(call(null, null, null, null, null, 'la', true, 4)).toThrow(/logAlpha/);
    expect(call(f(4), null, null, null, null, f(4), true, 4)).toThrow(/weight/);
    expect(call(f(3), null, null, null, f(4), f(4), true, 4)).toThrow(/variance/);
    expect(call(null, null, null, null, f(3), f(4), true, 4)).toThrow(RangeError);
    const a = f(4);
    expect(call(a, null, null, null, f(4), a, true, 4)).toThrow(/not to overlap/);
    expect(call(null, a, a, null, f(4), f(4), true, 4)).toThrow(/not to overlap/);
    expect(call(null, null, null, a, a, f(4), true, 4)).toThrow(/not to overlap/);
    expect(k.kingmaVd(null, null, null, null, null, f(0), true, 0)).toBe(0);
  });
});
