/**
 * Reference pooling: plain loops with the native kernels' semantics and summation order
 * (native/kernels/conv/pool2d.h), so results match bit for bit.
 */
import type { PoolKernels } from './backend.js';
import * as check from './check.js';
import { resolveAdaptive2d, resolvePool2d, type ResolvedPool2d } from './pool-geometry.js';

const f = Math.fround;

/** A mean-pooling window: rows [y0, y1), columns [x0, x1) of the image, and its divisor. */
type Window = (g: ResolvedPool2d, oy: number, ox: number) => [number, number, number, number, number];

/** avgPool2d's window, clipped to the image; its divisor per countIncludePad / divisorOverride. */
const avgWindow: Window = (g, oy, ox) => {
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
};

/** PyTorch's adaptive windows: floor(o * in / out) to ceil((o + 1) * in / out), divided by their size. */
const adaptiveWindow: Window = (g, oy, ox) => {
  const y0 = Math.floor((oy * g.h) / g.oh),
    y1 = Math.ceil(((oy + 1) * g.h) / g.oh);
  const x0 = Math.floor((ox * g.w) / g.ow),
    x1 = Math.ceil(((ox + 1) * g.w) / g.ow);
  return [y0, y1, x0, x1, (y1 - y0) * (x1 - x0)];
};

function sizes(g: ResolvedPool2d): [number, number] {
  return [g.planes * g.h * g.w, g.planes * g.oh * g.ow];
}

/**
 * The checks of a mean-pooling entry (a, b, geometry), in the native binding's order: both
 * float32, the geometry, the image-sized array's length then the output-sized one's, disjoint.
 * aIsImage: a is the image-sized array (dx in backward), else b is (x in forward).
 */
function checkMeanPool(
  args: IArguments,
  signature: string,
  a: Float32Array,
  aName: string,
  b: Float32Array,
  bName: string,
  aIsImage: boolean,
  resolve: () => ResolvedPool2d,
): ResolvedPool2d {
  check.expectArgs(args, 3, signature);
  check.f32(a, aName);
  check.f32(b, bName);
  const g = resolve();
  const [inSize, outSize] = sizes(g);
  if (aIsImage) {
    check.expectLength(a, inSize, aName);
    check.expectLength(b, outSize, bName);
  } else {
    check.expectLength(b, inSize, bName);
    check.expectLength(a, outSize, aName);
  }
  check.expectDisjoint(a, aName, b, bName);
  return g;
}

/** out = each window's float32 sum, in window order, over its divisor. */
function meanPoolForward(out: Float32Array, x: Float32Array, g: ResolvedPool2d, window: Window): void {
  for (let plane = 0; plane < g.planes; plane++) {
    const xb = plane * g.h * g.w;
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++) {
        const [y0, y1, x0, x1, divisor] = window(g, oy, ox);
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) sum = f(sum + x[xb + y * g.w + xx]!);
        out[plane * g.oh * g.ow + oy * g.ow + ox] = sum / f(divisor);
      }
    }
  }
}

/** dx = 0, then each window's share dy / divisor added to every element it covers, windows in order. */
function meanPoolBackward(dx: Float32Array, dy: Float32Array, g: ResolvedPool2d, window: Window): void {
  dx.fill(0, 0, g.planes * g.h * g.w);
  for (let plane = 0; plane < g.planes; plane++) {
    const xb = plane * g.h * g.w;
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++) {
        const [y0, y1, x0, x1, divisor] = window(g, oy, ox);
        const share = f(dy[plane * g.oh * g.ow + oy * g.ow + ox]! / f(divisor));
        for (let y = y0; y < y1; y++)
          for (let xx = x0; xx < x1; xx++) dx[xb + y * g.w + xx] = f(dx[xb + y * g.w + xx]! + share);
      }
    }
  }
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
        if (at >= 0 && at < inPlane)
          dx[plane * inPlane + at] = f(dx[plane * inPlane + at]! + dy[plane * outPlane + o]!);
      }
    }
  },

  avgPool2dForward(out, x, geometry) {
    const g = checkMeanPool(arguments, 'avgPool2dForward(out, x, geometry)', out, 'out', x, 'x', false, () =>
      resolvePool2d(geometry, false),
    );
    meanPoolForward(out, x, g, avgWindow);
  },

  avgPool2dBackward(dx, dy, geometry) {
    const g = checkMeanPool(arguments, 'avgPool2dBackward(dx, dy, geometry)', dx, 'dx', dy, 'dy', true, () =>
      resolvePool2d(geometry, false),
    );
    meanPoolBackward(dx, dy, g, avgWindow);
  },

  adaptiveAvgPool2dForward(out, x, geometry) {
    const g = checkMeanPool(arguments, 'adaptiveAvgPool2dForward(out, x, geometry)', out, 'out', x, 'x', false, () =>
      resolveAdaptive2d(geometry),
    );
    meanPoolForward(out, x, g, adaptiveWindow);
  },

  adaptiveAvgPool2dBackward(dx, dy, geometry) {
    const g = checkMeanPool(arguments, 'adaptiveAvgPool2dBackward(dx, dy, geometry)', dx, 'dx', dy, 'dy', true, () =>
      resolveAdaptive2d(geometry),
    );
    meanPoolBackward(dx, dy, g, adaptiveWindow);
  },
};
