/**
 * Reference pooling: plain loops with the native kernels' semantics and summation order
 * (native/kernels/conv/pool2d.h), so results match bit for bit.
 */
import type { PoolKernels } from './backend.js';
import * as check from './check.js';
import { resolveAdaptive2d, resolvePool2d, type ResolvedPool2d } from './pool-geometry.js';

const f = Math.fround;

function avgWindow(g: ResolvedPool2d, oy: number, ox: number): [number, number, number, number, number] {
  let y0 = oy * g.sh - g.ph;
  let x0 = ox * g.sw - g.pw;
  let y1 = Math.min(y0 + g.kh, g.h + g.ph);
  let x1 = Math.min(x0 + g.kw, g.w + g.pw);
  const padded = (y1 - y0) * (x1 - x0);
  y0 = Math.max(y0, 0);
  x0 = Math.max(x0, 0);
  y1 = Math.min(y1, g.h);
  x1 = Math.min(x1, g.w);
  const inside = (y1 - y0) * (x1 - x0);
  const divisor = g.divisor > 0 ? g.divisor : g.countIncludePad ? padded : inside;
  return [y0, y1, x0, x1, divisor];
}

const adaptiveStart = (o: number, input: number, out: number) => Math.floor((o * input) / out);
const adaptiveEnd = (o: number, input: number, out: number) => Math.ceil(((o + 1) * input) / out);

function sizes(g: ResolvedPool2d): [number, number] {
  return [g.planes * g.h * g.w, g.planes * g.oh * g.ow];
}

export const referencePool: PoolKernels = {
  maxPool2dForward(out, indices, x, geometry) {
    check.expectArgs(arguments, 4, 'maxPool2dForward(out, indices, x, geometry)');
    check.f32(out, 'out');
    check.i32(indices, 'indices');
    check.f32(x, 'x');
    const g = resolvePool2d(geometry, true);
    const [inSize, outSize] = sizes(g);
    check.expectLength(x, inSize, 'x');
    check.expectLength(out, outSize, 'out');
    check.expectLength(indices, outSize, 'indices');
    check.expectDisjoint(out, 'out', x, 'x');
    check.expectDisjoint(indices, 'indices', x, 'x');
    check.expectDisjoint(out, 'out', indices, 'indices');
    for (let plane = 0; plane < g.planes; plane++) {
      const xb = plane * g.h * g.w;
      const ob = plane * g.oh * g.ow;
      for (let oy = 0; oy < g.oh; oy++) {
        const y0 = oy * g.sh - g.ph;
        for (let ox = 0; ox < g.ow; ox++) {
          const x0 = ox * g.sw - g.pw;
          let ys = y0;
          let xs = x0;
          while (ys < 0) ys += g.dh;
          while (xs < 0) xs += g.dw;
          let best = Number.NEGATIVE_INFINITY;
          let bestAt = ys * g.w + xs;
          for (let ky = 0; ky < g.kh; ky++) {
            const y = y0 + ky * g.dh;
            if (y < 0 || y >= g.h) continue;
            for (let kx = 0; kx < g.kw; kx++) {
              const xx = x0 + kx * g.dw;
              if (xx < 0 || xx >= g.w) continue;
              const v = x[xb + y * g.w + xx]!;
              if (v > best || Number.isNaN(v)) {
                best = v;
                bestAt = y * g.w + xx;
              }
            }
          }
          out[ob + oy * g.ow + ox] = best;
          indices[ob + oy * g.ow + ox] = bestAt;
        }
      }
    }
  },

  maxPool2dBackward(dx, dy, indices, geometry) {
    check.expectArgs(arguments, 4, 'maxPool2dBackward(dx, dy, indices, geometry)');
    check.f32(dx, 'dx');
    check.f32(dy, 'dy');
    check.i32(indices, 'indices');
    const g = resolvePool2d(geometry, true);
    const [inSize, outSize] = sizes(g);
    check.expectLength(dx, inSize, 'dx');
    check.expectLength(dy, outSize, 'dy');
    check.expectLength(indices, outSize, 'indices');
    check.expectDisjoint(dx, 'dx', dy, 'dy');
    check.expectDisjoint(dx, 'dx', indices, 'indices');
    const inPlane = g.h * g.w;
    const outPlane = g.oh * g.ow;
    dx.fill(0, 0, inSize);
    for (let plane = 0; plane < g.planes; plane++) {
      for (let o = 0; o < outPlane; o++) {
        const at = indices[plane * outPlane + o]!;
        if (at >= 0 && at < inPlane) dx[plane * inPlane + at] = f(dx[plane * inPlane + at]! + dy[plane * outPlane + o]!);
      }
    }
  },

  avgPool2dForward(out, x, geometry) {
    check.expectArgs(arguments, 3, 'avgPool2dForward(out, x, geometry)');
    check.f32(out, 'out');
    check.f32(x, 'x');
    const g = resolvePool2d(geometry, false);
    const [inSize, outSize] = sizes(g);
    check.expectLength(x, inSize, 'x');
    check.expectLength(out, outSize, 'out');
    check.expectDisjoint(out, 'out', x, 'x');
    for (let plane = 0; plane < g.planes; plane++) {
      const xb = plane * g.h * g.w;
      for (let oy = 0; oy < g.oh; oy++) {
        for (let ox = 0; ox < g.ow; ox++) {
          const [y0, y1, x0, x1, divisor] = avgWindow(g, oy, ox);
          let sum = 0;
          for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) sum = f(sum + x[xb + y * g.w + xx]!);
          out[plane * g.oh * g.ow + oy * g.ow + ox] = sum / f(divisor);
        }
      }
    }
  },

  avgPool2dBackward(dx, dy, geometry) {
    check.expectArgs(arguments, 3, 'avgPool2dBackward(dx, dy, geometry)');
    check.f32(dx, 'dx');
    check.f32(dy, 'dy');
    const g = resolvePool2d(geometry, false);
    const [inSize, outSize] = sizes(g);
    check.expectLength(dx, inSize, 'dx');
    check.expectLength(dy, outSize, 'dy');
    check.expectDisjoint(dx, 'dx', dy, 'dy');
    dx.fill(0, 0, inSize);
    for (let plane = 0; plane < g.planes; plane++) {
      const xb = plane * g.h * g.w;
      for (let oy = 0; oy < g.oh; oy++) {
        for (let ox = 0; ox < g.ow; ox++) {
          const [y0, y1, x0, x1, divisor] = avgWindow(g, oy, ox);
          const share = f(dy[plane * g.oh * g.ow + oy * g.ow + ox]! / f(divisor));
          for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) dx[xb + y * g.w + xx] = f(dx[xb + y * g.w + xx]! + share);
        }
      }
    }
  },

  adaptiveAvgPool2dForward(out, x, geometry) {
    check.expectArgs(arguments, 3, 'adaptiveAvgPool2dForward(out, x, geometry)');
    check.f32(out, 'out');
    check.f32(x, 'x');
    const g = resolveAdaptive2d(geometry);
    const [inSize, outSize] = sizes(g);
    check.expectLength(x, inSize, 'x');
    check.expectLength(out, outSize, 'out');
    check.expectDisjoint(out, 'out', x, 'x');
    for (let plane = 0; plane < g.planes; plane++) {
      const xb = plane * g.h * g.w;
      for (let oy = 0; oy < g.oh; oy++) {
        const y0 = adaptiveStart(oy, g.h, g.oh);
        const y1 = adaptiveEnd(oy, g.h, g.oh);
        for (let ox = 0; ox < g.ow; ox++) {
          const x0 = adaptiveStart(ox, g.w, g.ow);
          const x1 = adaptiveEnd(ox, g.w, g.ow);
          let sum = 0;
          for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) sum = f(sum + x[xb + y * g.w + xx]!);
          out[plane * g.oh * g.ow + oy * g.ow + ox] = sum / f((y1 - y0) * (x1 - x0));
        }
      }
    }
  },

  adaptiveAvgPool2dBackward(dx, dy, geometry) {
    check.expectArgs(arguments, 3, 'adaptiveAvgPool2dBackward(dx, dy, geometry)');
    check.f32(dx, 'dx');
    check.f32(dy, 'dy');
    const g = resolveAdaptive2d(geometry);
    const [inSize, outSize] = sizes(g);
    check.expectLength(dx, inSize, 'dx');
    check.expectLength(dy, outSize, 'dy');
    check.expectDisjoint(dx, 'dx', dy, 'dy');
    dx.fill(0, 0, inSize);
    for (let plane = 0; plane < g.planes; plane++) {
      const xb = plane * g.h * g.w;
      for (let oy = 0; oy < g.oh; oy++) {
        const y0 = adaptiveStart(oy, g.h, g.oh);
        const y1 = adaptiveEnd(oy, g.h, g.oh);
        for (let ox = 0; ox < g.ow; ox++) {
          const x0 = adaptiveStart(ox, g.w, g.ow);
          const x1 = adaptiveEnd(ox, g.w, g.ow);
          const share = f(dy[plane * g.oh * g.ow + oy * g.ow + ox]! / f((y1 - y0) * (x1 - x0)));
          for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) dx[xb + y * g.w + xx] = f(dx[xb + y * g.w + xx]! + share);
        }
      }
    }
  },
};
