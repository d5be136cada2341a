// The sgemm driver's ways through a product (native/kernels/gemm/gemm_driver.h), on every ISA
// of this machine: the single-block path (one cache block on one task: k <= kc, m <= mc,
// n <= nc), the general blocked loops, and the narrow path (9..12 columns, on ISAs with a
// kernel vectorised along M: the same bits as the first columns of a wider product). Each sweep asserts which path ran, checks the result
// against the reference backend, and the last test checks that both paths give the same bits for
// the same product (the one that takes the single block on 1 thread takes the blocked, split
// loops on 2).
import { describe, expect, it } from 'vitest';
import { kernels, type NativeBackend } from '../../lib/index.js';
import { describeCase, expected, expectGemmClose, type GemmCase, operands, runSgemm } from '../helpers/gemm.js';
import { testedIsas, withIsa, withThreads } from '../helpers/isa.js';
import { GEMM_TILES } from '../helpers/shapes.js';

const TRANS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
const ALPHAS = [1, -0.75, 2.5, 0.5];
const BETAS = [0, 1, -0.5, 0.25, 0];
const PADS: [number, number, number][] = [
  [0, 0, 0],
  [3, 1, 2],
  [1, 5, 0],
  [0, 0, 9],
];

/** Sizes at 1, a prime, and one below, at and one above every multiple of the tile sizes used. */
function around(...units: number[]): number[] {
  const sizes = new Set<number>([1, 2, 3]);
  for (const u of units) for (const s of [u - 1, u, u + 1, 2 * u - 1, 2 * u + 1]) if (s >= 1) sizes.add(s);
  return [...sizes].sort((a, b) => a - b);
}

function sweep(ms: number[], ns: number[], ks: number[]): GemmCase[] {
  const cases: GemmCase[] = [];
  let i = 0;
  for (const m of ms) {
    for (const n of ns) {
      const k = ks[i % ks.length]!;
      const [ta, tb] = TRANS[i % 4]!;
      cases.push({
        ta,
        tb,
        m,
        n,
        k,
        alpha: ALPHAS[(i >> 2) % ALPHAS.length]!,
        beta: BETAS[i % BETAS.length]!,
        pad: PADS[(i >> 1) % PADS.length]!,
        exact: i % 3 === 2,
      });
      i++;
    }
  }
  return cases;
}

/** ISAs with a narrow kernel: products with 8 < n <= nr, m >= mr and k >= 64 take the narrow path. */
const NARROW: Record<string, { mr: number; nr: number } | undefined> = { avx2: { mr: 16, nr: 12 } };

function takesNarrow(isa: string, m: number, n: number, k: number): boolean {
  const t = NARROW[isa];
  return t !== undefined && n > 8 && n <= t.nr && m >= t.mr && k >= 64;
}

function checkPath(native: NativeBackend, isa: string, cases: GemmCase[], path: string): void {
  const ref = kernels('js');
  for (const c of cases) {
    const ops = operands(c);
    const got = runSgemm(native, c, ops);
    const want = takesNarrow(isa, c.m, c.n, c.k) ? 'narrow' : path;
    expect(native.gemmLastPath(), `${isa} ${describeCase(c)}`).toBe(want);
    expectGemmClose(got, c, ops, expected(ref, c, ops), `${isa} ${describeCase(c)}`);
  }
}

for (const { isa, skip } of testedIsas()) {
  const tile = GEMM_TILES[isa]!;
  describe.skipIf(skip !== '')(`sgemm paths on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it("single block: m, n, k around 6/12/16/32 and this ISA's tile, every transpose, alpha, beta and padding", () => {
      const ms = around(6, 12, 16, tile.mr);
      const ns = around(6, 16, 32, tile.nr);
      const ks = [1, 2, 7, 12, 13, 31, 97, tile.kc - 1, tile.kc];
      withIsa(isa, (native) => withThreads(1, () => checkPath(native, isa, sweep(ms, ns, ks), 'single_block')));
    });

    it('blocked: k above kc (two K slices) on the same small m and n', () => {
      const cases = sweep(
        [1, tile.mr - 1, tile.mr + 1, 13],
        [1, tile.nr - 1, tile.nr + 1, 17],
        [tile.kc + 1, 2 * tile.kc + 3],
      );
      withIsa(isa, (native) => withThreads(1, () => checkPath(native, isa, cases, 'blocked')));
    });

    // Only ISAs with a narrow kernel register these (no skipped cases elsewhere).
    if (NARROW[isa] !== undefined)
      it(
      'narrow: n = 9..12 against m around 16 and 32, k from 64 (tails of 8) to past kc, every transpose, alpha and beta',
      () => {
        const cases = sweep(
          [16, 17, 23, 25, 31, 32, 33, 37],
          [9, 10, 11, 12],
          [64, 65, 71, 97, 130, tile.kc, tile.kc + 1, 2 * tile.kc + 3],
        );
        withIsa(isa, (native) => withThreads(1, () => checkPath(native, isa, cases, 'narrow')));
        const two = sweep([16, 97, 200], [9, 12], [67, 300]);
        withIsa(isa, (native) => withThreads(2, () => checkPath(native, isa, two, 'narrow')));
      },
    );

    // Only ISAs with a narrow kernel register these (no skipped cases elsewhere).
    if (NARROW[isa] !== undefined)
      it(
      'narrow: the same bits as the first columns of a wider product, on 1 and 2 threads',
      () => {
        withIsa(isa, (native) => {
          for (const [m, n, k, ta, tb, beta] of [
            [37, 10, 300, false, false, 0],
            [24, 9, 67, true, false, 0.5],
            [200, 12, 129, false, true, 1],
            [17, 11, 64, true, true, -0.25],
          ] as [number, number, number, boolean, boolean, number][]) {
            const wide = 40;
            const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37));
            const b = Float32Array.from({ length: k * wide }, (_, i) => Math.cos(i * 0.11));
            const c0 = Float32Array.from({ length: m * wide }, (_, i) => Math.sin(i * 0.05));
            const lda = ta ? m : k;
            const ldb = tb ? k : wide;
            const run = (cols: number, threads: number): Float32Array => {
              const c = c0.slice();
              withThreads(threads, () => native.sgemm(ta, tb, m, cols, k, 1.5, a, lda, b, ldb, beta, c, wide));
              return c;
            };
            const full = run(wide, 1);
            expect(native.gemmLastPath()).not.toBe('narrow');
            for (const threads of [1, 2]) {
              const part = run(n, threads);
              expect(native.gemmLastPath()).toBe('narrow');
              for (let i = 0; i < m; i++) {
                for (let j = 0; j < wide; j++) {
                  const want = j < n ? full[i * wide + j] : c0[i * wide + j];
                  if (!Object.is(part[i * wide + j], want)) {
                    expect.fail(`${isa} m=${m} n=${n} k=${k} (${threads} threads): C[${i}][${j}] is ${part[i * wide + j]}, want ${want}`);
                  }
                }
              }
            }
          }
        });
      },
    );

    it('leaves the path alone for products that multiply nothing (k = 0 or alpha = 0)', () => {
      withIsa(isa, (native) => {
        const tiny: GemmCase = { ta: false, tb: false, m: 3, n: 3, k: 3, alpha: 1, beta: 0 };
        runSgemm(native, tiny, operands(tiny));
        expect(native.gemmLastPath()).toBe('single_block');
        const c: GemmCase = { ta: false, tb: false, m: 3, n: 3, k: 300, alpha: 0, beta: 0.5 };
        runSgemm(native, c, operands(c));
        expect(native.gemmLastPath()).toBe('single_block');
      });
    });

    it('gives the same bits on both paths (1 thread: single block; 2 threads: blocked and split)', () => {
      const shapes: GemmCase[] = [
        { ta: false, tb: false, m: 64, n: 64, k: 33, alpha: 1, beta: 0 },
        {
          ta: true,
          tb: true,
          m: 2 * tile.mr + 1,
          n: 4 * tile.nr - 1,
          k: tile.kc,
          alpha: -0.5,
          beta: 0.75,
          pad: [1, 2, 3],
        },
        { ta: false, tb: true, m: 97, n: 41, k: 131, alpha: 2, beta: 1 },
      ];
      withIsa(isa, (native) => {
        for (const c of shapes) {
          const ops = operands(c);
          const one = withThreads(1, () => runSgemm(native, c, ops));
          expect(native.gemmLastPath()).toBe('single_block');
          const two = withThreads(2, () => runSgemm(native, c, ops));
          expect(native.gemmLastPath()).toBe('blocked');
          for (let i = 0; i < one.length; i++) {
            if (!Object.is(one[i], two[i]) && !(Number.isNaN(one[i]) && Number.isNaN(two[i]))) {
              expect.fail(
                `${isa} ${describeCase(c)}: element ${i} is ${one[i]} on the single block, ${two[i]} blocked`,
              );
            }
          }
        }
      });
    });
  });
}
