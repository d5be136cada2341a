// The local reparameterisation's noise pass (lrtNoise: out = mean + sqrt(variance + 1e-8)·ε,
// half = ε / (2·sqrt(variance + 1e-8))) on every ISA of this machine against the reference
// backend, whose ε is randnFill's: sizes around every vector width, the 512-element tile and the
// thread grain, odd and large stream offsets; the accuracy of the kernel's own Box-Muller (log,
// sin, cos in float) over many draws; independence from the thread count; the argument checks.
import { describe, expect, it } from 'vitest';
import { kernels, type Backend } from '../../lib/index.js';
import { testedIsas, withIsa } from '../helpers/isa.js';
import { nans, seededRandom } from '../helpers/rng.js';

const GUARD = 3;
const SIZES = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 255, 511, 512, 513, 1023, 1031, 4099, 9973];
const OFFSETS = [0, 5, 2 ** 32 + 1];
const SEED = 0x1234_5678_9abcn;

/** Means in [-3, 3] and variances of every magnitude (log-uniform in [1e-12, 1e2]), some exactly 0. */
function inputs(n: number, seed: number): [Float32Array, Float32Array] {
  const rand = seededRandom(seed);
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    m[i] = -3 + 6 * rand();
    v[i] = i % 13 === 0 ? 0 : Math.exp(Math.log(1e-12) + Math.log(1e14) * rand());
  }
  return [m, v];
}

function run(k: Backend, m: Float32Array, v: Float32Array, n: number, offset: number) {
  const out = nans(n + GUARD);
  const half = nans(n + GUARD);
  k.lrtNoise(out, half, m, v, SEED, offset, n);
  return { out, half };
}

/** |got − want| within what an ε off by 2e-6·(1 + |ε|) (a few float32 ulp) allows, plus rounding. */
function expectNear(got: ReturnType<typeof run>, want: ReturnType<typeof run>, m: Float32Array, v: Float32Array, context: object) {
  for (let i = 0; i < m.length; i++) {
    const s = Math.sqrt(v[i]! + 1e-8);
    const eps = (want.out[i]! - m[i]!) / s;
    const epsTol = 2e-6 * (1 + Math.abs(eps));
    const outTol = s * epsTol + 2 * 2 ** -23 * (Math.abs(m[i]!) + s * Math.abs(eps));
    expect(Math.abs(got.out[i]! - want.out[i]!), `out[${i}] ${JSON.stringify(context)}`).toBeLessThanOrEqual(outTol);
    const halfTol = epsTol / (2 * s) + 4 * 2 ** -23 * Math.abs(want.half[i]!);
    expect(Math.abs(got.half[i]! - want.half[i]!), `half[${i}] ${JSON.stringify(context)}`).toBeLessThanOrEqual(halfTol);
  }
  for (let i = m.length; i < m.length + GUARD; i++) {
    expect(Number.isNaN(got.out[i]) && Number.isNaN(got.half[i]), `guard element ${i} written`).toBe(true);
  }
}

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`lrtNoise on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it.each(SIZES)('n=%i matches the reference (randnFill normals) to a few ulp at every offset', (n) => {
      const [m, v] = inputs(n, 300 + n);
      for (const offset of OFFSETS) {
        const want = run(kernels('js'), m, v, n, offset);
        const got = withIsa(isa, (native) => run(native, m, v, n, offset));
        expectNear(got, want, m, v, { isa, n, offset });
      }
    });

    it("its normals are randnFill's to 2e-6 (1 + |ε|) over 200,000 draws, every quadrant of the angle", () => {
      const n = 200_001;
      const m = new Float32Array(n);
      const v = new Float32Array(n).fill(1 - 1e-8);
      const want = new Float32Array(n);
      kernels('js').randnFill(want, 0, 1, SEED, 11, n);
      const got = { out: new Float32Array(n), half: new Float32Array(n) };
      withIsa(isa, (native) => native.lrtNoise(got.out, got.half, m, v, SEED, 11, n));
      let worst = 0;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        worst = Math.max(worst, Math.abs(got.out[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
        sum += got.out[i]!;
        sq += got.out[i]! * got.out[i]!;
      }
      expect(worst).toBeLessThanOrEqual(2e-6);
      // And they are standard normal: mean 0 and variance 1 within 5 standard errors.
      expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
      expect(Math.abs(sq / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    });

    it('gives the same bits on 1 and 2 threads and when split into calls at tile-aligned offsets', () => {
      const n = 3 * 4096 + 37;
      const [m, v] = inputs(n, 9);
      withIsa(isa, (native) => {
        const before = native.numThreads();
        try {
          native.setNumThreads(1);
          const one = run(native, m, v, n, 3);
          native.setNumThreads(2);
          const two = run(native, m, v, n, 3);
          expect(Array.from(two.out)).toEqual(Array.from(one.out));
          expect(Array.from(two.half)).toEqual(Array.from(one.half));
          const cut = 2048;
          const tail = run(native, m.subarray(cut), v.subarray(cut), n - cut, 3 + cut);
          expect(Array.from(tail.out.subarray(0, n - cut))).toEqual(Array.from(one.out.subarray(cut, n)));
        } finally {
          native.setNumThreads(before);
        }
      });
    });
  });
}

describe('lrtNoise argument checks, the same on both backends', () => {
  const backends = (['js', 'native'] as const).filter((b) => b === 'js' || testedIsas().some((c) => c.skip === ''));
  const f = (n: number) => new Float32Array(n);
  it.each(backends)('%s: plain arguments are checked first, then arrays, lengths and overlaps', (name) => {
    const k: Backend = name === 'js' ? kernels('js') : kernels('native');
    const call =
      (...args: unknown[]) =>
      () =>
        (k.lrtNoise as (...a: unknown[]) => void)(...args);
    expect(call(f(4), f(4), f(4), f(4), 1, 0)).toThrow(/lrtNoise\(out, half, mean, variance, seed, offset, n\)/);
    // The seed, offset and n are read before the (invalid) arrays.
    expect(call('o', f(4), f(4), f(4), -1, 0, 4)).toThrow(/seed/);
    expect(call('o', f(4), f(4), f(4), 1, 0.5, 4)).toThrow(/offset/);
    expect(call('o', f(4), f(4), f(4), 1, 0, -1)).toThrow(RangeError);
    expect(call('o', f(4), f(4), f(4), 1, 0, 4)).toThrow(TypeError);
    expect(call(f(4), f(4), f(4), f(3), 1, 0, 4)).toThrow(/variance/);
    expect(call(f(3), f(4), f(4), f(4), 1, 0, 4)).toThrow(/out/);
    const a = f(4);
    expect(call(a, a, f(4), f(4), 1, 0, 4)).toThrow(/not to overlap/);
    expect(call(f(4), a, a, f(4), 1, 0, 4)).toThrow(/not to overlap/);
    const buf = f(8);
    expect(call(buf.subarray(0, 4), f(4), f(4), buf.subarray(3, 7), 1, 0, 4)).toThrow(/not to overlap/);
    // mean and variance may be one array; n = 0 writes nothing.
    const out = nans(2);
    const half = f(2);
    const mv = Float32Array.of(1, 4);
    k.lrtNoise(out, half, mv, mv, 1, 0, 2);
    expect(out.every(Number.isFinite)).toBe(true);
    const untouched = nans(1);
    k.lrtNoise(untouched, f(1), f(1), f(1), 1, 0, 0);
    expect(untouched[0]).toBeNaN();
  });
});
