/**
 * Reference 2-D convolution: direct loops over the definition, float64 accumulation.
 *   out[n, k, oy, ox] = bias[k] + sum_{c in group(k), ky, kx} w[k, c', ky, kx] * x[n, c, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw]
 * Backward-data scatters dy through the same index map; backward-weight gathers over n, oy, ox.
 */
import type { ConvKernels } from './backend.js';
import * as check from './check.js';
import { resolveConv2d, type ResolvedConv2d } from './conv-geometry.js';

/**
 * Calls fn(xIndex, wIndex, outIndex) for every term of the convolution sum; a tap that falls in
 * the padding has xIndex -1. Padding is zeros that take part in the sum, as in PyTorch: a
 * padded tap adds 0 * w, so an infinite or NaN weight makes the outputs whose window reaches
 * the padding NaN (docs/robustness.md, "Non-finite values in convolution"); the native kernels do the same.
 */
function forEachTerm(g: ResolvedConv2d, fn: (xi: number, wi: number, oi: number) => void): void {
  for (let n = 0; n < g.n; n++) {
    for (let k = 0; k < g.k; k++) {
      const group = Math.floor(k / g.kg);
      for (let oy = 0; oy < g.oh; oy++) {
        for (let ox = 0; ox < g.ow; ox++) {
          const oi = ((n * g.k + k) * g.oh + oy) * g.ow + ox;
          for (let cg = 0; cg < g.cg; cg++) {
            const c = group * g.cg + cg;
            for (let ky = 0; ky < g.kh; ky++) {
              const y = oy * g.sh - g.pt + ky * g.dh;
              const rowIn = y >= 0 && y < g.h;
              for (let kx = 0; kx < g.kw; kx++) {
                const x = ox * g.sw - g.pl + kx * g.dw;
                const wi = ((k * g.cg + cg) * g.kh + ky) * g.kw + kx;
                fn(rowIn && x >= 0 && x < g.w ? ((n * g.c + c) * g.h + y) * g.w + x : -1, wi, oi);
              }
            }
          }
        }
      }
    }
  }
}

export const referenceConv: ConvKernels = {
  convPlan(geometry) {
    check.expectArgs(arguments, 1, 'convPlan(geometry)');
    resolveConv2d(geometry);
    return { forward: 'reference', backwardData: 'reference', backwardWeight: 'reference' };
  },
  conv2dForward(out, x, weight, bias, geometry) {
    check.expectArgs(arguments, 5, 'conv2dForward(out, x, weight, bias, geometry)');
    check.f32(out, 'out');
    check.f32(x, 'x');
    check.f32(weight, 'weight');
    const b = check.f32OrNull(bias, 'bias');
    const g = resolveConv2d(geometry);
    check.expectLength(x, g.xSize, 'x');
    check.expectLength(weight, g.wSize, 'weight');
    if (b !== null) check.expectLength(b, g.k, 'bias');
    check.expectLength(out, g.outSize, 'out');
    for (const [v, name] of [
      [x, 'x'],
      [weight, 'weight'],
      [b, 'bias'],
    ] as const)
      if (v !== null) check.expectDisjoint(out, 'out', v, name);
    const acc = new Float64Array(g.outSize);
    forEachTerm(g, (xi, wi, oi) => {
      acc[oi]! += (xi < 0 ? 0 : x[xi]!) * weight[wi]!;
    });
    const plane = g.oh * g.ow;
    for (let i = 0; i < g.outSize; i++) out[i] = acc[i]! + (b === null ? 0 : b[Math.floor(i / plane) % g.k]!);
  },

  conv2dBackwardData(dx, dy, weight, geometry) {
    check.expectArgs(arguments, 4, 'conv2dBackwardData(dx, dy, weight, geometry)');
    check.f32(dx, 'dx');
    check.f32(dy, 'dy');
    check.f32(weight, 'weight');
    const g = resolveConv2d(geometry);
    check.expectLength(dx, g.xSize, 'dx');
    check.expectLength(dy, g.outSize, 'dy');
    check.expectLength(weight, g.wSize, 'weight');
    check.expectDisjoint(dx, 'dx', dy, 'dy');
    check.expectDisjoint(dx, 'dx', weight, 'weight');
    const acc = new Float64Array(g.xSize);
    forEachTerm(g, (xi, wi, oi) => {
      if (xi >= 0) acc[xi]! += dy[oi]! * weight[wi]!; // a padded tap has no input to flow to
    });
    dx.set(acc);
  },

  conv2dBackwardWeight(dweight, dbias, dy, x, geometry) {
    check.expectArgs(arguments, 5, 'conv2dBackwardWeight(dweight, dbias, dy, x, geometry)');
    check.f32(dweight, 'dweight');
    const db = check.f32OrNull(dbias, 'dbias');
    check.f32(dy, 'dy');
    check.f32(x, 'x');
    const g = resolveConv2d(geometry);
    check.expectLength(dweight, g.wSize, 'dweight');
    if (db !== null) check.expectLength(db, g.k, 'dbias');
    check.expectLength(dy, g.outSize, 'dy');
    check.expectLength(x, g.xSize, 'x');
    for (const [v, name] of [
      [dy, 'dy'],
      [x, 'x'],
      [db, 'dbias'],
    ] as const)
      if (v !== null) check.expectDisjoint(dweight, 'dweight', v, name);
    if (db !== null) {
      check.expectDisjoint(db, 'dbias', dy, 'dy');
      check.expectDisjoint(db, 'dbias', x, 'x');
    }
    const acc = new Float64Array(g.wSize);
    forEachTerm(g, (xi, wi, oi) => {
      acc[wi]! += dy[oi]! * (xi < 0 ? 0 : x[xi]!);
    });
    dweight.set(acc);
    if (db !== null) {
      const plane = g.oh * g.ow;
      for (let k = 0; k < g.k; k++) {
        let s = 0;
        for (let n = 0; n < g.n; n++) for (let p = 0; p < plane; p++) s += dy[(n * g.k + k) * plane + p]!;
        db[k] = s;
      }
    }
  },
};
