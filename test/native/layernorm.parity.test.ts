// The layer-norm kernels: native against the reference backend on every ISA, over widths of 1,
// primes and sizes off every multiple of 4 (the partial-sum width), with and without weight and
// bias, for 1 and 2 threads; and their argument checks on both backends (same classes, same texts).
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable, type Backend } from '../../lib/index.js';
import { expectClose } from '../helpers/expect-close.js';
import { testedIsas, withIsa, withThreads } from '../helpers/isa.js';
import { nans, randomFloats } from '../helpers/rng.js';

const SHAPES: [number, number][] = [
  [1, 1],
  [3, 1],
  [1, 2],
  [5, 3],
  [2, 4],
  [7, 5],
  [4, 13],
  [3, 37],
  [17, 64],
  [9, 131],
  [1, 1021],
  [300, 7],
  [65, 257],
];

interface Run {
  y: Float32Array;
  dx: Float32Array;
  dw: Float32Array;
  db: Float32Array;
}

function run(k: Backend, rows: number, n: number, affine: boolean, seed: number): Run {
  // A row offset of 100 on some rows: the statistics must not lose the deviations to the mean.
  const x = randomFloats(rows * n, seed, -3, 3).map((v, i) => (Math.floor(i / n) % 3 === 1 ? v + 100 : v));
  const w = affine ? randomFloats(n, seed + 1, 0.5, 1.5) : null;
  const b = affine ? randomFloats(n, seed + 2) : null;
  const dy = randomFloats(rows * n, seed + 3);
  const y = nans(rows * n);
  const dx = nans(rows * n);
  const dw = nans(n);
  const db = nans(n);
  k.layerNormForward(y, x, w, b, rows, n, 1e-5);
  k.layerNormBackward(dx, dw, db, dy, x, w, rows, n, 1e-5);
  return { y, dx, dw, db };
}

function compare(got: Run, want: Run, context: Record<string, unknown>): void {
  // Same double operations in the same order: bit-identical on x86-64, whose baseline build has no
  // fused multiply-add; other targets may contract a * b + c, so they get a tolerance.
  const tol = process.arch === 'x64' ? { atol: 0, rtol: 0 } : { atol: 1e-6, rtol: 1e-6 };
  expectClose(got.y, want.y, { ...tol, context: { ...context, what: 'y' } });
  expectClose(got.dx, want.dx, { ...tol, context: { ...context, what: 'dx' } });
  expectClose(got.dw, want.dw, { ...tol, context: { ...context, what: 'dweight' } });
  expectClose(got.db, want.db, { ...tol, context: { ...context, what: 'dbias' } });
}

describe('layerNorm kernels: native against the reference', () => {
  for (const { isa, skip } of testedIsas()) {
    it.skipIf(skip !== '')(`agrees on ${isa} for 1 and 2 threads${skip ? ` (${skip})` : ''}`, () => {
      let compared = 0;
      SHAPES.forEach(([rows, n], i) => {
        for (const affine of [true, false]) {
          const want = run(kernels('js'), rows, n, affine, 10 + i);
          for (const threads of [1, 2]) {
            const got = withIsa(isa, (native) => withThreads(threads, () => run(native, rows, n, affine, 10 + i)));
            compare(got, want, { isa, threads, rows, n, affine });
            compared++;
          }
        }
      });
      expect(compared).toBe(SHAPES.length * 4);
    });
  }

  it.skipIf(!nativeAvailable())('skips outputs given as null and handles rows = 0', () => {
    const k = kernels('native');
    const x = randomFloats(12, 1);
    const dy = randomFloats(12, 2);
    const dw = nans(4);
    k.layerNormBackward(null, dw, null, dy, x, null, 3, 4, 1e-5);
    const want = nans(4);
    kernels('js').layerNormBackward(null, want, null, dy, x, null, 3, 4, 1e-5);
    expectClose(dw, want, { atol: 1e-6 });
    const y = nans(4);
    k.layerNormForward(y, x, null, null, 0, 4, 1e-5);
    expect(Number.isNaN(y[0])).toBe(true);
  });
});

const backends: [string, () => Backend][] = [['js', () => kernels('js')]];
if (nativeAvailable()) backends.push(['native', () => kernels('native')]);

for (const [name, get] of backends) {
  describe(`${name} layerNorm argument checks`, () => {
    it('checks counts, sizes and eps before the arrays, then lengths and overlaps', () => {
      const k = get();
      const x = new Float32Array(6);
      const y = new Float32Array(6);
      expect(() => (k.layerNormForward as (...a: unknown[]) => void)(y, x, null, null, 2, 3)).toThrow(
        new TypeError('layerNormForward(y, x, weight, bias, rows, n, eps): expected 7 arguments but received 6'),
      );
      expect(() => k.layerNormForward(y, x, null, null, 2, 0, 1e-5)).toThrow(
        new RangeError('Expected integer in [1, 2147483647] for n but received 0 of type number'),
      );
      expect(() => k.layerNormForward(y, x, null, null, -1, 3, 1e-5)).toThrow(
        new RangeError('Expected non-negative safe integer for rows but received -1 of type number'),
      );
      expect(() => k.layerNormForward(y, x, null, null, 2, 3, 0)).toThrow(
        new RangeError('Expected positive finite number for eps but received 0 of type number'),
      );
      expect(() => k.layerNormForward(y, x, null, null, 2, 3, Number.NaN)).toThrow(RangeError);
      // A bad plain argument is reported even when an array is wrong too: plain arguments come first.
      expect(() => k.layerNormForward('y' as never, x, null, null, 2, 3, -1)).toThrow(RangeError);
      expect(() => k.layerNormForward('y' as never, x, null, null, 2, 3, 1e-5)).toThrow(
        new TypeError('Expected Float32Array for y but received "y" of type string'),
      );
      expect(() => k.layerNormForward(y, new Float32Array(5), null, null, 2, 3, 1e-5)).toThrow(
        new RangeError('Expected Float32Array of at least 6 elements for x but received Float32Array(5)'),
      );
      expect(() => k.layerNormForward(y, x, new Float32Array(2), null, 2, 3, 1e-5)).toThrow(
        new RangeError('Expected Float32Array of at least 3 elements for weight but received Float32Array(2)'),
      );
      expect(() => k.layerNormForward(x, x, null, null, 2, 3, 1e-5)).toThrow(
        new RangeError('Expected y and x not to overlap but they share memory'),
      );
      expect(() => k.layerNormBackward(null, null, null, x, y, [1, 2, 3] as never, 2, 3, 1e-5)).toThrow(
        new TypeError('Expected Float32Array or null for weight but received Array(3)'),
      );
      const shared = new Float32Array(6);
      expect(() => k.layerNormBackward(shared, null, null, shared, x, null, 2, 3, 1e-5)).toThrow(
        new RangeError('Expected dx and dy not to overlap but they share memory'),
      );
      const both = new Float32Array(3);
      expect(() => k.layerNormBackward(null, both, both, y, x, null, 2, 3, 1e-5)).toThrow(
        new RangeError('Expected dweight and dbias not to overlap but they share memory'),
      );
    });
  });
}
