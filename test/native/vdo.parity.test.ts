// Sparse variational dropout's fused per-weight pass (sparseVd) on every ISA of this machine
// against the reference backend, over sizes around every vector width and the 256-element
// summation block; the accuracy of the kernels' own exp and log, measured in float32 ulps over
// the ranges the layers use; special values; the binding's argument checks.
import { describe, expect, it } from 'vitest';
import { kernels, type Backend } from '../../lib/index.js';
import { expectClose } from '../helpers/expect-close.js';
import { testedIsas, withIsa } from '../helpers/isa.js';
import { nans, seededRandom } from '../helpers/rng.js';

const GUARD = 3;
const SIZES = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 255, 256, 257, 271, 1009, 5003];

interface Outputs {
  sigma2: Float32Array;
  logAlpha: Float32Array;
  dls: Float32Array;
  dw: Float32Array;
  kl: number;
}

/** Weights of every magnitude (log-uniform in [e^-7, e^2], random sign) and log σ² in [-14, 4],
 *  kept 1e-3 away from the clip edges so that both sides agree on which weights get a gradient. */
function inputs(n: number, seed: number): [Float32Array, Float32Array] {
  const rand = seededRandom(seed);
  const w = new Float32Array(n + GUARD);
  const ls = new Float32Array(n + GUARD);
  for (let i = 0; i < n + GUARD; i++) {
    w[i] = (rand() < 0.5 ? -1 : 1) * Math.exp(-7 + 9 * rand());
    ls[i] = -14 + 18 * rand();
    const raw = ls[i]! - 2 * Math.log(Math.abs(w[i]!));
    if (Math.abs(Math.abs(raw) - 8) < 1e-3) ls[i] = ls[i]! + 0.01;
  }
  return [w, ls];
}

function run(k: Backend, w: Float32Array, ls: Float32Array, n: number): Outputs {
  const o = { sigma2: nans(n + GUARD), logAlpha: nans(n + GUARD), dls: nans(n + GUARD), dw: nans(n + GUARD), kl: 0 };
  o.kl = k.sparseVd(o.sigma2, o.logAlpha, o.dls, o.dw, w, ls, true, n);
  return o;
}

/** The float32 ulp at x (the spacing of floats around |x|; subnormal spacing below 2^-126). */
function ulp(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

function maxUlpError(got: Float32Array, want: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const w = Math.fround(want[i]!);
    worst = Math.max(worst, Math.abs(got[i]! - w) / ulp(w));
  }
  return worst;
}

function guardUntouched(a: Float32Array, n: number): void {
  for (let i = n; i < n + GUARD; i++) expect(Number.isNaN(a[i]), `guard element ${i} written`).toBe(true);
}

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`sparseVd on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it.each(SIZES)('n=%i matches the reference to a few ulp', (n) => {
      const [w, ls] = inputs(n, 100 + n);
      const want = run(kernels('js'), w, ls, n);
      const got = withIsa(isa, (native) => run(native, w, ls, n));
      const context = { isa, n };
      expectClose(got.sigma2, want.sigma2, { rtol: 3e-7, context: { ...context, out: 'sigma2' } });
      // log α = log σ² − 2 log|θ| cancels: its error is a few ulp of the larger term.
      for (let i = 0; i < n; i++) {
        const scale = Math.abs(ls[i]!) + Math.abs(2 * Math.log(Math.abs(w[i]!)));
        expect(
          Math.abs(got.logAlpha[i]! - want.logAlpha[i]!),
          `logAlpha[${i}] ${JSON.stringify(context)}`,
        ).toBeLessThanOrEqual(4 * ulp(scale));
      }
      expectClose(got.dls, want.dls, { rtol: 2e-6, atol: 1e-7, context: { ...context, out: 'dLogSigma2' } });
      expectClose(got.dw, want.dw, { rtol: 2e-6, atol: 1e-7, context: { ...context, out: 'dWeight' } });
      expect(Math.abs(got.kl - want.kl), `kl ${JSON.stringify(context)}`).toBeLessThanOrEqual(
        2e-6 * Math.abs(want.kl) + 1e-7,
      );
      for (const a of [got.sigma2, got.logAlpha, got.dls, got.dw]) guardUntouched(a, n);
    });

    it('computes only the outputs asked for, and the KL alone matches the full pass', () => {
      const n = 263;
      const [w, ls] = inputs(n, 7);
      withIsa(isa, (native) => {
        const full = run(native, w, ls, n);
        const s2 = nans(n);
        expect(native.sparseVd(s2, null, null, null, w, ls, false, n)).toBe(0);
        expectClose(s2, full.sigma2.subarray(0, n), { context: { isa } });
        expect(native.sparseVd(null, null, null, null, w, ls, true, n)).toBe(full.kl);
        const la = nans(n);
        native.sparseVd(null, la, null, null, w, ls, false, n);
        expectClose(la, full.logAlpha.subarray(0, n), { context: { isa } });
      });
    });

    it('exp is within 2 ulp over [-87, 88], +inf above 88.73, rounds into the subnormals, passes NaN', () => {
      const n = 100_003;
      const ls = new Float32Array(n);
      for (let i = 0; i < n; i++) ls[i] = -87 + (175 * i) / (n - 1);
      const w = new Float32Array(n).fill(1);
      const got = new Float32Array(n);
      withIsa(isa, (native) => native.sparseVd(got, null, null, null, w, ls, false, n));
      expect(maxUlpError(got, Array.from(ls, Math.exp))).toBeLessThanOrEqual(2);
      const specials = Float32Array.of(88.8, 100, Infinity, -Infinity, Number.NaN, -104, -120, -100, -95, -88, 0, -0);
      const out = new Float32Array(specials.length);
      withIsa(isa, (native) =>
        native.sparseVd(
          out,
          null,
          null,
          null,
          new Float32Array(specials.length).fill(1),
          specials,
          false,
          specials.length,
        ),
      );
      expect(Array.from(out.subarray(0, 5))).toEqual([Infinity, Infinity, Infinity, 0, Number.NaN]);
      expect(out[5]).toBe(0);
      expect(out[6]).toBe(0);
      for (let i = 7; i < 10; i++)
        expect(Math.abs(out[i]! - Math.fround(Math.exp(specials[i]!)))).toBeLessThanOrEqual(
          2 * 2 ** -149 + 2 * ulp(Math.exp(specials[i]!)),
        );
      expect(out[10]).toBe(1);
      expect(out[11]).toBe(1);
    });

    it('log is within 2 ulp for |θ| in [e^-4, e^4] (every mantissa), and handles subnormal, zero, infinite and NaN weights', () => {
      const n = 100_003;
      const w = new Float32Array(n);
      for (let i = 0; i < n; i++) w[i] = (i % 2 === 0 ? 1 : -1) * Math.exp(-3.999 + (7.998 * i) / (n - 1));
      const la = new Float32Array(n);
      // log σ² = 0: log α = −2 log|θ|, inside the clip range.
      withIsa(isa, (native) => native.sparseVd(null, la, null, null, w, new Float32Array(n), false, n));
      expect(
        maxUlpError(
          la,
          Array.from(w, (v) => -2 * Math.log(Math.abs(v))),
        ),
      ).toBeLessThanOrEqual(2);

      const sub = Float32Array.of(1e-40, -3e-42, 1.1e-38, 2 ** -149);
      const lsSub = Float32Array.from(sub, (v) => 2 * Math.log(Math.abs(v)) + 1.5);
      const laSub = new Float32Array(sub.length);
      withIsa(isa, (native) => native.sparseVd(null, laSub, null, null, sub, lsSub, false, sub.length));
      // raw = log σ² − log θ² ≈ 1.5 after cancelling terms near −190: a few ulp of 190.
      for (let i = 0; i < sub.length; i++) {
        expect(Math.abs(laSub[i]! - (lsSub[i]! - 2 * Math.log(Math.abs(sub[i]!))))).toBeLessThanOrEqual(4 * ulp(200));
      }

      const w2 = Float32Array.of(0, -0, Infinity, Number.NaN);
      const ls2 = new Float32Array(4).fill(-3);
      const o = { la: new Float32Array(4), dls: new Float32Array(4), dw: new Float32Array(4) };
      const kl = withIsa(isa, (native) => native.sparseVd(null, o.la, o.dls, o.dw, w2, ls2, true, 4));
      expect(Array.from(o.la)).toEqual([8, 8, -8, Number.NaN]);
      expect(Array.from(o.dls)).toEqual([0, 0, 0, 0]);
      expect(Array.from(o.dw)).toEqual([0, 0, 0, 0]);
      expect(kl).toBeNaN();
    });

    it('gives the KL and its derivative of the closed form across every polynomial piece of log α in [−8, 8]', () => {
      // θ = 1, so log α = log σ²: each piece's two ends, points just inside them, and 7 interior points.
      const points: number[] = [];
      for (let b = -8; b <= 8; b++) {
        points.push(b, Math.fround(b - 1e-6), Math.fround(b + 1e-6));
        if (b < 8) for (let q = 1; q <= 7; q++) points.push(Math.fround(b + q / 8 + 0.01));
      }
      const ls = Float32Array.from(points.filter((t) => t >= -8 && t <= 8));
      const n = ls.length;
      const w = new Float32Array(n).fill(1);
      const want = run(kernels('js'), w, ls, n);
      withIsa(isa, (native) => {
        const got = run(native, w, ls, n);
        for (let i = 0; i < n; i++) {
          const one = native.sparseVd(null, null, null, null, w.subarray(i, i + 1), ls.subarray(i, i + 1), true, 1);
          const wantOne = kernels('js').sparseVd(null, null, null, null, w.subarray(i, i + 1), ls.subarray(i, i + 1), true, 1);
          expect(Math.abs(one - wantOne), `KL at log α = ${ls[i]}`).toBeLessThanOrEqual(5e-7 * wantOne);
        }
        expectClose(got.dls, want.dls, { rtol: 1e-6, atol: 0, context: { isa, out: 'dLogSigma2' } });
        expectClose(got.dw, want.dw, { rtol: 1e-6, atol: 0, context: { isa, out: 'dWeight' } });
      });
    });

    it('gives the KL values of the spec at log α = −8, −3, 0, 3, 8', () => {
      const la = [-8, -3, 0, 3, 8];
      const want = [4.635899, 2.11559, 0.431239, 0.02542, 0.000168];
      withIsa(isa, (native) => {
        la.forEach((a, i) => {
          // θ = 1: log α = log σ².
          const kl = native.sparseVd(null, null, null, null, Float32Array.of(1), Float32Array.of(a), true, 1);
          expect(Math.abs(kl - want[i]!), `log α = ${a}`).toBeLessThanOrEqual(1e-6);
        });
      });
    });
  });
}

describe('sparseVd argument checks, the same on both backends', () => {
  const backends = (['js', 'native'] as const).filter((b) => b === 'js' || testedIsas().some((c) => c.skip === ''));
  const f = (n: number) => new Float32Array(n);
  it.each(backends)('%s: plain arguments are checked first, then arrays, pairs and overlaps', (name) => {
    const k: Backend = name === 'js' ? kernels('js') : kernels('native');
    const call =
      (...args: unknown[]) =>
      () =>
        (k.sparseVd as (...a: unknown[]) => number)(...args);
    expect(call(f(4), null, null, null, f(4), f(4), true)).toThrow(
      /sparseVd\(sigma2, logAlpha, dLogSigma2, dWeight, weight, logSigma2, withKl, n\)/,
    );
    // withKl is read before the (invalid) weight.
    expect(call(null, null, null, null, 'w', f(4), 1, 4)).toThrow(TypeError);
    expect(call(null, null, null, null, 'w', f(4), 1, 4)).toThrow(/withKl/);
    expect(call(null, null, null, null, 'w', f(4), true, -1)).toThrow(RangeError);
    expect(call(null, null, null, null, 'w', f(4), true, 4)).toThrow(/weight/);
    expect(call(null, null, f(4), null, f(4), f(4), true, 4)).toThrow(/both Float32Array or both null/);
    expect(call(f(3), null, null, null, f(4), f(4), true, 4)).toThrow(/sigma2/);
    expect(call(null, null, null, null, f(4), f(3), true, 4)).toThrow(RangeError);
    const w = f(4);
    expect(call(w, null, null, null, w, f(4), true, 4)).toThrow(/not to overlap/);
    const buf = f(8);
    expect(call(null, null, buf.subarray(0, 4), buf.subarray(2, 6), f(4), f(4), true, 4)).toThrow(/not to overlap/);
    expect(k.sparseVd(null, null, null, null, f(0), f(0), true, 0)).toBe(0);
  });
});
