/**
 * One convolution's forward and both backward passes on a backend, from seeded inputs, with
 * outputs pre-filled with NaN; the tolerance that float32 sums of n products get; and the
 * checks the convolution sweeps share (parity with the reference, thread invariance, random
 * 3x3 geometries).
 */
import { kernels } from '../../lib/index.js';
import { convOutSize, type Conv2dGeometry } from '../../lib/backend/conv-geometry.js';
import type { Backend } from '../../lib/backend/backend.js';
import { expectBitEqual, expectClose } from './expect-close.js';
import { withThreads } from './isa.js';
import { nans, randomFloats, seededPick } from './rng.js';

export function runConv(k: Backend, g: Conv2dGeometry) {
  const oh = convOutSize(g.h, g.kh, g.sh, g.pt, g.pb, g.dh);
  const ow = convOutSize(g.w, g.kw, g.sw, g.pl, g.pr, g.dw);
  const xs = g.n * g.c * g.h * g.w;
  const ws = g.k * (g.c / g.groups) * g.kh * g.kw;
  const os = g.n * g.k * oh * ow;
  const x = randomFloats(xs, xs + 1);
  const w = randomFloats(ws, ws + 2);
  const b = randomFloats(g.k, 3);
  const dy = randomFloats(os, os + 4);
  const out = nans(os);
  k.conv2dForward(out, x, w, b, g);
  const dx = nans(xs);
  k.conv2dBackwardData(dx, dy, w, g);
  const dw = nans(ws);
  const db = nans(g.k);
  k.conv2dBackwardWeight(dw, db, dy, x, g);
  return { out, dx, dw, db, depth: (g.c / g.groups) * g.kh * g.kw, terms: g.n * oh * ow };
}

// float32 sums of `depth` products (forward, backward-data) or `terms` products (weight) in
// another order than the float64 reference: error grows like sqrt(depth) ulps of the terms.
export const convTol = (n: number) => ({ atol: 2e-6 * Math.sqrt(n) * 4, rtol: 1e-5 });

// The reference backend's passes of each geometry, kept for the test file: the sweeps check
// every ISA against the same results (inputs depend only on the geometry), and the reference
// takes most of their time.
const referenceRuns = new Map<string, ReturnType<typeof runConv>>();
function referenceRun(g: Conv2dGeometry) {
  const key = JSON.stringify(g);
  let run = referenceRuns.get(key);
  if (run === undefined) {
    run = runConv(kernels('js'), g);
    referenceRuns.set(key, run);
  }
  return run;
}

/** Every pass of g on `native` against the reference backend, within convTol of each pass's
 *  sum depth (dxDepth for backward-data: by default the output channels per group times the
 *  kernel taps). */
export function expectConvParity(
  native: Backend,
  g: Conv2dGeometry,
  context: Record<string, unknown>,
  dxDepth = (g.k / g.groups) * g.kh * g.kw,
) {
  const want = referenceRun(g);
  const got = runConv(native, g);
  expectClose(got.out, want.out, { ...convTol(want.depth), context: { ...context, what: 'out', ...g } });
  expectClose(got.dx, want.dx, { ...convTol(dxDepth), context: { ...context, what: 'dx', ...g } });
  expectClose(got.dw, want.dw, { ...convTol(want.terms), context: { ...context, what: 'dw', ...g } });
  expectClose(got.db, want.db, { ...convTol(want.terms), context: { ...context, what: 'db', ...g } });
}

/** The same bits from every pass of each geometry on 1 and 2 threads. */
export function expectThreadInvariance(cases: Conv2dGeometry[]) {
  for (const g of cases) {
    const one = withThreads(1, () => runConv(kernels('native'), g));
    const two = withThreads(2, () => runConv(kernels('native'), g));
    for (const key of ['out', 'dx', 'dw', 'db'] as const) expectBitEqual(two[key], one[key], { key, ...g });
  }
}

export type Pads = [number, number, number, number];

/** A 3x3 kernel with unit dilation, the given stride along both axes. */
export function conv3x3(
  stride: number,
  n: number,
  c: number,
  h: number,
  w: number,
  k: number,
  pads: Pads,
  groups = 1,
): Conv2dGeometry {
  return {
    n,
    c,
    h,
    w,
    k,
    kh: 3,
    kw: 3,
    sh: stride,
    sw: stride,
    pt: pads[0],
    pb: pads[1],
    pl: pads[2],
    pr: pads[3],
    dh: 1,
    dw: 1,
    groups,
  };
}

/**
 * `count` seeded random 3x3 geometries with a non-empty output: 1..3 images, one group or two,
 * paddings 0..4 per side, channels per group (c, k) and plane sizes (h, w) drawn from `from`.
 */
export function random3x3(
  count: number,
  seed: number,
  stride: number,
  from: { c: number[]; h: number[]; w: number[]; k: number[] },
): Conv2dGeometry[] {
  const pick = seededPick(seed);
  const out: Conv2dGeometry[] = [];
  while (out.length < count) {
    const groups = pick([1, 1, 2]);
    const g = conv3x3(
      stride,
      pick([1, 2, 3]),
      pick(from.c) * groups,
      pick(from.h),
      pick(from.w),
      pick(from.k) * groups,
      [pick([0, 1, 2, 3]), pick([0, 1, 4]), pick([0, 1, 2]), pick([0, 1, 3])],
      groups,
    );
    if (convOutSize(g.h, 3, stride, g.pt, g.pb, 1) >= 1 && convOutSize(g.w, 3, stride, g.pl, g.pr, 1) >= 1) out.push(g);
  }
  return out;
}
