/**
 * GEMM test cases: operands with padded leading dimensions, C pre-filled with NaN wherever the
 * kernel must not look, and a per-element error bound for float32 accumulation.
 *
 * The bound. The reference accumulates in float64 (exact to ~k * 2^-53), so the difference is
 * the float32 kernel's own error. Summing k products in order in float32 errs by at most
 * gamma_k * sum_p |a_ip * b_pj| with gamma_k ~ k * u, u = 2^-24 (the classic recursive-summation
 * bound; 2k * u without FMA, where each product is rounded too). Scaling by alpha, adding
 * beta * c, K split into slices each added onto C, and the final store add a few roundings of
 * the same magnitude. So per element:
 *     |got - want| <= (2k + 8) * u * (|alpha| * sum_p |a_ip||b_pj| + |beta * c_ij|) + 1e-30
 * where the magnitude is computed exactly by running the reference on |A|, |B|, |C|. This is
 * tighter than a global k * 2^-23 * max|a| * max|b| and still cannot fail by rounding alone.
 */
import { expect } from 'vitest';
import type { Backend } from '../../lib/index.js';
import { randomFloats } from './rng.js';

export interface GemmCase {
  ta: boolean;
  tb: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  /** Extra elements per row beyond the minimum leading dimension of A, B and C. */
  pad?: [number, number, number];
  seed?: number;
  /**
   * C's array ends exactly at its last element (no guard zone). Without ASan only the guard
   * zone shows a write past the end; under ASan (npm run test:asan) an exact end shows reads too.
   */
  exact?: boolean;
}

export interface GemmOperands {
  a: Float32Array;
  lda: number;
  b: Float32Array;
  ldb: number;
  /** C's initial content: the m x n window finite (or NaN when beta = 0), NaN elsewhere. */
  c0: Float32Array;
  ldc: number;
  /** Elements C spans, (m - 1) * ldc + n; its array has GUARD more NaNs that must stay NaN (unless exact). */
  span: number;
}

export const GUARD = 7;
const U = 2 ** -24;

export function describeCase(c: GemmCase): string {
  const pad = c.pad ?? [0, 0, 0];
  return `${c.ta ? 'T' : 'N'}${c.tb ? 'T' : 'N'} m=${c.m} n=${c.n} k=${c.k} alpha=${c.alpha} beta=${c.beta} pad=${pad.join('/')}${c.exact ? ' exact' : ''}`;
}

export function operands(c: GemmCase): GemmOperands {
  const [pa, pb, pc] = c.pad ?? [0, 0, 0];
  const seed = c.seed ?? c.m * 7919 + c.n * 104729 + c.k * 31;
  const [aRows, aCols] = c.ta ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = c.tb ? [c.n, c.k] : [c.k, c.n];
  const lda = Math.max(1, aCols + pa);
  const ldb = Math.max(1, bCols + pb);
  const ldc = Math.max(1, c.n + pc);
  // Exactly as long as the matrices span: any read past the end would leave the array.
  const a = randomFloats(aRows === 0 || aCols === 0 ? 0 : (aRows - 1) * lda + aCols, seed);
  const b = randomFloats(bRows === 0 || bCols === 0 ? 0 : (bRows - 1) * ldb + bCols, seed + 1, -2, 2);
  const span = c.m === 0 || c.n === 0 ? 0 : (c.m - 1) * ldc + c.n;
  const c0 = new Float32Array(span + (c.exact ? 0 : GUARD)).fill(Number.NaN);
  if (c.beta !== 0) {
    const fill = randomFloats(c.m * c.n, seed + 2);
    for (let i = 0; i < c.m; i++) for (let j = 0; j < c.n; j++) c0[i * ldc + j] = fill[i * c.n + j]!;
  }
  return { a, lda, b, ldb, c0, ldc, span };
}

/** Runs sgemm on a copy of C (a view of exactly `span` elements over the guarded buffer). */
export function runSgemm(k: Backend, c: GemmCase, ops: GemmOperands): Float32Array {
  const out = ops.c0.slice();
  k.sgemm(
    c.ta,
    c.tb,
    c.m,
    c.n,
    c.k,
    c.alpha,
    ops.a,
    ops.lda,
    ops.b,
    ops.ldb,
    c.beta,
    out.subarray(0, ops.span),
    ops.ldc,
  );
  return out;
}

export interface Expected {
  want: Float32Array;
  /** |alpha| * |op(A)| |op(B)| + |beta * C| per element: the scale of the error bound. */
  mag: Float32Array;
}

export function expected(ref: Backend, c: GemmCase, ops: GemmOperands): Expected {
  const want = runSgemm(ref, c, ops);
  const abs = (x: Float32Array): Float32Array => x.map(Math.abs);
  const absC = ops.c0.map((v) => (Number.isNaN(v) ? 0 : Math.abs(v)));
  const mag = absC.slice();
  ref.sgemm(
    c.ta,
    c.tb,
    c.m,
    c.n,
    c.k,
    Math.abs(c.alpha),
    abs(ops.a),
    ops.lda,
    abs(ops.b),
    ops.ldb,
    Math.abs(c.beta),
    mag.subarray(0, ops.span),
    ops.ldc,
  );
  return { want, mag };
}

/** The kernel's result against the reference within the bound; everything outside the window untouched. */
export function expectGemmClose(
  got: Float32Array,
  c: GemmCase,
  ops: GemmOperands,
  exp: Expected,
  context: string,
): void {
  const slack = (2 * c.k + 8) * U;
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < ops.ldc; j++) {
      const at = i * ops.ldc + j;
      if (at >= ops.span) break;
      const g = got[at]!;
      if (j >= c.n) {
        if (!Number.isNaN(g))
          expect.fail(`${context}: wrote C[${i}][${j}] outside the ${c.m}x${c.n} window (ldc ${ops.ldc})`);
        continue;
      }
      const w = exp.want[at]!;
      const tol = slack * exp.mag[at]! + 1e-30;
      const ok = Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)) || Math.abs(g - w) <= tol;
      if (!ok) expect.fail(`${context}: C[${i}][${j}] reference = ${w}, got = ${g} (tolerance ${tol})`);
    }
  }
  for (let t = ops.span; t < got.length; t++) {
    if (!Number.isNaN(got[t]!)) expect.fail(`${context}: guard element ${t - ops.span} past C's end was written`);
  }
}
