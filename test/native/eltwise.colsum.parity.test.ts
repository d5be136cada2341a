// The column-sum kernel (colSum, the bias gradient of linear) on every ISA of this machine
// against the reference backend: bit-identical results for rows and columns of 0, 1, primes and
// non-multiples of every vector width (and of the 4-vector pass), for 1 and 2 threads; outputs
// pre-filled with NaN and a guard zone past cols that must stay untouched.
import { describe, expect, it } from 'vitest';
import { kernels, type Backend } from '../../lib/index.js';
import { expectBitEqual } from '../helpers/expect-close.js';
import { testedIsas, withIsa, withThreads } from '../helpers/isa.js';
import { nans, randomFloats } from '../helpers/rng.js';

const GUARD = 5;
const ROWS = [0, 1, 2, 3, 7, 13, 64, 131];
// Around every vector width (4, 8, 16 lanes) and the 4-vector pass (16, 32, 64 columns).
const COLS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 67, 97, 129];

function input(rows: number, cols: number, seed: number): Float32Array {
  const x = randomFloats(rows * cols, seed, -3, 3);
  // Special values: each column's sum must treat them as the ordered double sum does.
  const specials = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e-40, 3e38];
  for (let i = 0; i < Math.min(x.length, specials.length); i++) x[(i * 11) % x.length] = specials[i]!;
  return x;
}

function run(k: Backend, x: Float32Array, rows: number, cols: number): Float32Array {
  const out = nans(cols + GUARD);
  k.colSum(out, x, rows, cols);
  return out;
}

describe('colSum order (both backends)', () => {
  it('the reference sums each column in float64, rows in order, rounded once', () => {
    // In float32, 1e8 + 1 rounds back to 1e8 and the column would sum to 0; in double it is 1.
    const x = Float32Array.of(1e8, 2, 1, 3, -1e8, 4);
    const out = new Float32Array(2);
    kernels('js').colSum(out, x, 3, 2);
    expect([...out]).toEqual([1, 9]);
    const rows = 37;
    const cols = 11;
    const y = input(rows, cols, 5);
    const want = new Float32Array(cols);
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += y[r * cols + j]!;
      want[j] = Math.fround(s);
    }
    expectBitEqual(run(kernels('js'), y, rows, cols).subarray(0, cols), want, { rows, cols });
  });

  it('both backends reject bad arguments, with the same class and text, naming the argument', () => {
    const x = new Float32Array(6);
    const bad: Array<[string, (k: Backend) => void]> = [
      ['colSum(out, x, rows, cols)', (k) => (k.colSum as (...a: unknown[]) => void)(new Float32Array(3), x, 2)],
      ['out', (k) => k.colSum([0, 0] as unknown as Float32Array, x, 3, 2)],
      ['rows', (k) => k.colSum(new Float32Array(2), x, -1, 2)],
      ['cols', (k) => k.colSum(new Float32Array(2), x, 3, 1.5)],
      ['out', (k) => k.colSum(new Float32Array(1), x, 3, 2)],
      ['x', (k) => k.colSum(new Float32Array(2), x, 4, 2)],
      ['overlap', (k) => k.colSum(x.subarray(4), x, 2, 2)],
    ];
    const backends: Backend[] = [kernels('js')];
    if (testedIsas().some((c) => c.skip === '')) backends.push(kernels('native'));
    for (const [part, call] of bad) {
      const errors = backends.map((k) => {
        try {
          call(k);
        } catch (error) {
          return error as Error;
        }
        return null;
      });
      for (const e of errors) {
        expect(e, part).toBeInstanceOf(Error);
        expect(e!.message).toContain(part);
      }
      if (errors.length === 2) {
        expect(errors[1]!.constructor).toBe(errors[0]!.constructor);
        expect(errors[1]!.message).toBe(errors[0]!.message);
      }
    }
  });
});

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`colSum on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it.each(ROWS)('rows=%i, every column count, matches the reference bit for bit', (rows) => {
      for (const cols of COLS) {
        const x = input(rows, cols, rows * 1000 + cols);
        const want = run(kernels('js'), x, rows, cols);
        const got = withIsa(isa, (native) => run(native, x, rows, cols));
        expectBitEqual(got.subarray(0, cols), want.subarray(0, cols), { isa, rows, cols });
        for (let i = cols; i < cols + GUARD; i++) expect(Number.isNaN(got[i]), `guard element ${i} written`).toBe(true);
      }
    });

    it('gives the same bits on 1 and 2 threads', () => {
      const rows = 29;
      const cols = 9001; // large enough for the binding to split the columns between 2 threads
      const x = input(rows, cols, 3);
      const want = run(kernels('js'), x, rows, cols);
      for (const threads of [1, 2]) {
        const got = withThreads(threads, () => withIsa(isa, (native) => run(native, x, rows, cols)));
        expectBitEqual(got.subarray(0, cols), want.subarray(0, cols), { isa, threads });
      }
    });
  });
}
