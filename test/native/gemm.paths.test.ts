// The sgemm driver's two ways through a product (native/kernels/gemm/gemm_driver.h), on every ISA
// of this machine: the single-block path (one cache block on one task: k <= kc, m <= mc,
// n <= nc) and the general blocked loops. Each sweep asserts which path ran, checks the result
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

function checkPath(native: NativeBackend, isa: string, cases: GemmCase[], path: string): void {
  const ref = kernels('js');
  for (const c of cases) {
    const ops = operands(c);
    const got = runSgemm(native, c, ops);
    expect(native.gemmLastPath(), `${isa} ${describeCase(c)}`).toBe(path);
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
