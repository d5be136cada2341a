// sgemm on every ISA of this machine against the reference backend (test/helpers/gemm.ts has the
// error bound): sweeps around each micro-kernel's register tile (m up to 2*MR+1, n up to 2*NR+1),
// k below, at and above the packed depth kc, all four transpose combinations, alpha and beta
// including 0 and 1 (beta = 0 over a NaN-filled C), leading dimensions longer than the rows with
// NaN in the gaps (which must stay NaN), a guard zone past C's end, and random shapes up to 300.
// Crossing every parameter with every other would take minutes; each sweep crosses the two it
// is about and rotates the others through their values, so every value meets every tile edge.
import { describe, expect, it } from 'vitest';
import { kernels, type Backend } from '../../lib/index.js';
import {
  describeCase,
  expected,
  expectGemmClose,
  type Expected,
  type GemmCase,
  operands,
  runSgemm,
} from '../helpers/gemm.js';
import { testedIsas, withIsa, withThreads } from '../helpers/isa.js';
import { seededRandom } from '../helpers/rng.js';
import { GEMM_TILES } from '../helpers/shapes.js';

const TRANS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
const ALPHAS = [1, -0.75, 0, 2.5];
const BETAS = [0, 1, -0.5, 0, 0.25];
const PADS: [number, number, number][] = [
  [0, 0, 0],
  [3, 1, 2],
  [1, 5, 0],
  [0, 0, 9],
];

function rotate(i: number, m: number, n: number, k: number): GemmCase {
  const [ta, tb] = TRANS[i % 4]!;
  return {
    ta,
    tb,
    m,
    n,
    k,
    alpha: ALPHAS[(i >> 2) % ALPHAS.length]!,
    beta: BETAS[i % BETAS.length]!,
    pad: PADS[(i >> 1) % PADS.length]!,
    exact: i % 3 === 2,
  };
}

/** Around the tile: every m in 1..2MR+1 against every n in 1..2NR+1, small k. */
function tileSweep(mr: number, nr: number): GemmCase[] {
  const cases: GemmCase[] = [];
  let i = 0;
  for (let m = 1; m <= 2 * mr + 1; m++)
    for (let n = 1; n <= 2 * nr + 1; n++) cases.push(rotate(i++, m, n, 1 + (i % 5)));
  return cases;
}

/** Depth below, at and above kc (one and two K slices), against tile edges in m and n. */
function depthSweep(mr: number, nr: number, kc: number): GemmCase[] {
  const cases: GemmCase[] = [];
  let i = 0;
  for (const k of [0, 1, 2, 3, 16, kc - 1, kc, kc + 1, 2 * kc + 3]) {
    for (const m of [1, mr - 1, mr + 1, 2 * mr + 1]) {
      for (const n of [1, nr - 1, nr, 2 * nr + 1]) if (m >= 1 && n >= 1) cases.push(rotate(i++, m, n, k));
    }
  }
  return cases;
}

/** Every transpose combination with every alpha and beta on two shapes with edge tiles. */
function scalingSweep(mr: number, nr: number, kc: number): GemmCase[] {
  const cases: GemmCase[] = [];
  for (const [m, n, k] of [
    [2 * mr + 1, 2 * nr - 1, 37],
    [mr - 1 || 1, nr + 3, kc + 5],
  ] as const) {
    for (const [ta, tb] of TRANS) {
      for (const alpha of [1, 0, -0.5]) {
        for (const beta of [0, 1, 0.75])
          cases.push({ ta, tb, m, n, k, alpha, beta, pad: [2, 3, 4], exact: beta === 1 });
      }
    }
  }
  return cases;
}

function randomShapes(count: number, seed: number): GemmCase[] {
  const r = seededRandom(seed);
  const pick = (n: number): number => Math.floor(r() * n);
  return Array.from({ length: count }, (_, i) => ({
    ta: r() < 0.5,
    tb: r() < 0.5,
    m: 1 + pick(300),
    n: 1 + pick(300),
    k: 1 + pick(300),
    alpha: [1, -1.5, 0.5][pick(3)]!,
    beta: [0, 1, 0.3][pick(3)]!,
    pad: [pick(4), pick(4), pick(4)] as [number, number, number],
    seed: 1000 + i,
    exact: i % 2 === 1,
  }));
}

// Reference results depend on the case only, not on the ISA: compute each one once.
const ref: Backend = kernels('js');
const memo = new Map<string, [ReturnType<typeof operands>, Expected]>();
function reference(c: GemmCase): [ReturnType<typeof operands>, Expected] {
  const key = `${describeCase(c)} seed=${c.seed ?? ''}`;
  let hit = memo.get(key);
  if (hit === undefined) {
    const ops = operands(c);
    hit = [ops, expected(ref, c, ops)];
    memo.set(key, hit);
  }
  return hit;
}

function checkAll(isa: string, cases: GemmCase[]): void {
  withIsa(isa, (native) => {
    for (const c of cases) {
      const [ops, exp] = reference(c);
      expectGemmClose(runSgemm(native, c, ops), c, ops, exp, `${isa} ${describeCase(c)}`);
    }
  });
}

const RANDOM = randomShapes(6, 2024);

for (const { isa, skip } of testedIsas()) {
  const tile = GEMM_TILES[isa]!;
  describe.skipIf(skip !== '')(`sgemm on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it(`tile sweep: m = 1..${2 * tile.mr + 1} x n = 1..${2 * tile.nr + 1}`, () =>
      checkAll(isa, tileSweep(tile.mr, tile.nr)));
    it(`depth sweep: k below, at and above kc = ${tile.kc}`, () =>
      checkAll(isa, depthSweep(tile.mr, tile.nr, tile.kc)));
    it('every transpose combination x alpha in {1, 0, -0.5} x beta in {0, 1, 0.75}', () =>
      checkAll(isa, scalingSweep(tile.mr, tile.nr, tile.kc)));
    it('random shapes up to 300', () => checkAll(isa, RANDOM));

    it('ignores A and B when alpha = 0 (Inf and NaN in them do not reach C)', () => {
      const c: GemmCase = {
        ta: false,
        tb: true,
        m: tile.mr + 1,
        n: tile.nr + 1,
        k: 9,
        alpha: 0,
        beta: 0.5,
        pad: [1, 1, 1],
      };
      const ops = operands(c);
      ops.a.fill(Number.POSITIVE_INFINITY);
      ops.b.fill(Number.NaN);
      const got = withIsa(isa, (native) => runSgemm(native, c, ops));
      expectGemmClose(got, c, ops, expected(ref, c, ops), isa);
      for (let i = 0; i < c.m; i++)
        for (let j = 0; j < c.n; j++) expect(Number.isFinite(got[i * ops.ldc + j])).toBe(true);
    });

    it('reads and writes through byteOffset views', () => {
      const c: GemmCase = { ta: true, tb: false, m: 2 * tile.mr - 1, n: tile.nr + 5, k: 23, alpha: 1, beta: 1 };
      const ops = operands(c);
      const buf = new Float32Array(3 + ops.a.length + 5 + ops.b.length + 1 + ops.c0.length);
      const a = buf.subarray(3, 3 + ops.a.length);
      const b = buf.subarray(3 + ops.a.length + 5, 3 + ops.a.length + 5 + ops.b.length);
      const cv = buf.subarray(buf.length - ops.c0.length);
      a.set(ops.a);
      b.set(ops.b);
      cv.set(ops.c0);
      withIsa(isa, (native) =>
        native.sgemm(
          c.ta,
          c.tb,
          c.m,
          c.n,
          c.k,
          c.alpha,
          a,
          ops.lda,
          b,
          ops.ldb,
          c.beta,
          cv.subarray(0, ops.span),
          ops.ldc,
        ),
      );
      expectGemmClose(cv, c, ops, expected(ref, c, ops), isa);
    });

    it('gives the same bits on 1 and 2 threads (shapes split along M, along N, and both ways)', () => {
      const shapes: GemmCase[] = [
        { ta: false, tb: true, m: 200, n: 300, k: 300, alpha: 1, beta: 0 },
        { ta: false, tb: false, m: 16, n: 512, k: 300, alpha: 0.5, beta: 1, pad: [1, 0, 3] },
        { ta: true, tb: false, m: 300, n: 40, k: 2 * tile.kc + 7, alpha: 1, beta: 0.5 },
        { ta: true, tb: true, m: 97, n: 131, k: 211, alpha: -1, beta: 0 },
      ];
      withIsa(isa, (native) => {
        for (const c of shapes) {
          const ops = operands(c);
          const one = withThreads(1, () => runSgemm(native, c, ops));
          const two = withThreads(2, () => runSgemm(native, c, ops));
          for (let i = 0; i < one.length; i++) {
            if (!Object.is(one[i], two[i]) && !(Number.isNaN(one[i]) && Number.isNaN(two[i]))) {
              expect.fail(`${isa} ${describeCase(c)}: element ${i} is ${one[i]} on 1 thread, ${two[i]} on 2`);
            }
          }
        }
      });
    });
  });
}
