/**
 * Reference normalization kernels: the formulas of native/kernels/norm/layernorm.h with the same
 * double operations in the same order (four partial sums per row, element j into partial j % 4,
 * combined as (p0 + p1) + (p2 + p3); dweight and dbias summed over rows in row order), so the two
 * backends agree bit for bit where the native build does not fuse multiply-adds.
 */
import type { NormKernels } from './backend.js';
import * as check from './check.js';
import { describe } from '../errors.js';

function sum4(n: number, value: (j: number) => number): number {
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  let p3 = 0;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    p0 += value(j);
    p1 += value(j + 1);
    p2 += value(j + 2);
    p3 += value(j + 3);
  }
  if (j < n) p0 += value(j);
  if (j + 1 < n) p1 += value(j + 1);
  if (j + 2 < n) p2 += value(j + 2);
  return p0 + p1 + (p2 + p3);
}

/** mean and rstd of row `at` .. at + n of x. */
function rowStats(x: Float32Array, at: number, n: number, eps: number): [number, number] {
  const m = sum4(n, (j) => x[at + j]!) / n;
  const q = sum4(n, (j) => {
    const c = x[at + j]! - m;
    return c * c;
  });
  return [m, 1 / Math.sqrt(q / n + eps)];
}

/** rows, n, eps: checked first, as the binding does, before any typed array. */
function dims(rows: unknown, n: unknown, eps: unknown): { rows: number; n: number; eps: number; total: number } {
  const r = check.size(rows, 'rows');
  const k = check.int(n, 'n', 1, 2147483647);
  const e = check.num(eps, 'eps');
  if (!(e > 0) || !Number.isFinite(e))
    throw new RangeError(`Expected positive finite number for eps but received ${describe(eps)}`);
  return { rows: r, n: k, eps: e, total: check.checkedMul(r, k, 'rows * n') };
}

export const referenceNorm: NormKernels = {
  layerNormForward(y, x, weight, bias, rows, n, eps) {
    check.expectArgs(arguments, 7, 'layerNormForward(y, x, weight, bias, rows, n, eps)');
    const d = dims(rows, n, eps);
    check.f32(y, 'y');
    check.f32(x, 'x');
    const w = check.f32OrNull(weight, 'weight');
    const b = check.f32OrNull(bias, 'bias');
    check.expectLength(y, d.total, 'y');
    check.expectLength(x, d.total, 'x');
    if (w !== null) {
      check.expectLength(w, d.n, 'weight');
      check.expectDisjoint(y, 'y', w, 'weight');
    }
    if (b !== null) {
      check.expectLength(b, d.n, 'bias');
      check.expectDisjoint(y, 'y', b, 'bias');
    }
    check.expectDisjoint(y, 'y', x, 'x');
    const k = d.n;
    for (let r = 0, at = 0; r < d.rows; r++, at += k) {
      const [m, rs] = rowStats(x, at, k, d.eps);
      for (let j = 0; j < k; j++) {
        let v = (x[at + j]! - m) * rs;
        if (w !== null) v *= w[j]!;
        if (b !== null) v += b[j]!;
        y[at + j] = v;
      }
    }
  },

  layerNormBackward(dx, dweight, dbias, dy, x, weight, rows, n, eps) {
    check.expectArgs(arguments, 9, 'layerNormBackward(dx, dweight, dbias, dy, x, weight, rows, n, eps)');
    const d = dims(rows, n, eps);
    const gx = check.f32OrNull(dx, 'dx');
    const gw = check.f32OrNull(dweight, 'dweight');
    const gb = check.f32OrNull(dbias, 'dbias');
    check.f32(dy, 'dy');
    check.f32(x, 'x');
    const w = check.f32OrNull(weight, 'weight');
    check.expectLength(dy, d.total, 'dy');
    check.expectLength(x, d.total, 'x');
    if (w !== null) check.expectLength(w, d.n, 'weight');
    if (gx !== null) check.expectLength(gx, d.total, 'dx');
    if (gw !== null) check.expectLength(gw, d.n, 'dweight');
    if (gb !== null) check.expectLength(gb, d.n, 'dbias');
    const outs: [Float32Array | null, string][] = [
      [gx, 'dx'],
      [gw, 'dweight'],
      [gb, 'dbias'],
    ];
    outs.forEach(([o, name], i) => {
      if (o === null) return;
      check.expectDisjoint(o, name, dy, 'dy');
      check.expectDisjoint(o, name, x, 'x');
      if (w !== null) check.expectDisjoint(o, name, w, 'weight');
      for (const [o2, name2] of outs.slice(i + 1)) if (o2 !== null) check.expectDisjoint(o, name, o2, name2);
    });
    const k = d.n;
    const mean = new Float64Array(d.rows);
    const rstd = new Float64Array(d.rows);
    for (let r = 0; r < d.rows; r++) [mean[r], rstd[r]] = rowStats(x, r * k, k, d.eps);
    if (gx !== null) {
      for (let r = 0, at = 0; r < d.rows; r++, at += k) {
        const m = mean[r]!;
        const rs = rstd[r]!;
        const g = w === null ? (j: number) => dy[at + j]! : (j: number) => dy[at + j]! * w[j]!;
        const mg = sum4(k, g) * (1 / k);
        const mgx = sum4(k, (j) => g(j) * ((x[at + j]! - m) * rs)) * (1 / k);
        for (let j = 0; j < k; j++) {
          const xhat = (x[at + j]! - m) * rs;
          gx[at + j] = rs * (g(j) - mg - xhat * mgx);
        }
      }
    }
    if (gw !== null || gb !== null) {
      const sw = new Float64Array(k);
      const sb = new Float64Array(k);
      for (let r = 0, at = 0; r < d.rows; r++, at += k) {
        const m = mean[r]!;
        const rs = rstd[r]!;
        if (gw !== null) for (let j = 0; j < k; j++) sw[j] = sw[j]! + dy[at + j]! * ((x[at + j]! - m) * rs);
        if (gb !== null) for (let j = 0; j < k; j++) sb[j] = sb[j]! + dy[at + j]!;
      }
      if (gw !== null) gw.set(sw);
      if (gb !== null) gb.set(sb);
    }
  },
};
