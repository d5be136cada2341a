/**
 * Non-finite values in convolution follow one rule on both backends and every path: each output
 * is the sum of all its taps, a tap in the padding adding 0 * w (as PyTorch). So an infinite
 * weight gives NaN where the window reaches the padding and +-Inf where it stays in the image
 * (docs/robustness.md). Winograd would spread NaN further; such calls take im2col.
 */
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable, type Backend } from '../../lib/index.js';
import type { Conv2dGeometry } from '../../lib/backend/conv-geometry.js';
import { testedIsas, withIsa } from '../helpers/isa.js';

const geometries: [string, Conv2dGeometry][] = [
  [
    '3x3 stride 1, 1 -> 1 channel',
    { n: 1, c: 1, h: 6, w: 6, k: 1, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 1 },
  ],
  [
    '3x3 stride 1, 32 -> 32 (Winograd-sized)',
    { n: 1, c: 32, h: 8, w: 8, k: 32, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 1 },
  ],
  [
    '3x3 stride 2, 64 -> 64 (Winograd-sized)',
    { n: 1, c: 64, h: 9, w: 9, k: 64, kh: 3, kw: 3, sh: 2, sw: 2, pt: 1, pb: 1, pl: 1, pr: 1, dh: 1, dw: 1, groups: 1 },
  ],
  [
    '5x5 padding 2, 3 -> 16',
    { n: 2, c: 3, h: 9, w: 11, k: 16, kh: 5, kw: 5, sh: 1, sw: 1, pt: 2, pb: 2, pl: 2, pr: 2, dh: 1, dw: 1, groups: 1 },
  ],
];

const ohOf = (g: Conv2dGeometry) => Math.floor((g.h + g.pt + g.pb - g.dh * (g.kh - 1) - 1) / g.sh) + 1;
const owOf = (g: Conv2dGeometry) => Math.floor((g.w + g.pl + g.pr - g.dw * (g.kw - 1) - 1) / g.sw) + 1;

/** All three passes with x = 1, an infinite top-left weight tap in output channel 0, dy = 1 except one Inf. */
function run(k: Backend, g: Conv2dGeometry) {
  const cg = g.c / g.groups;
  const x = new Float32Array(g.n * g.c * g.h * g.w).fill(1);
  const w = new Float32Array(g.k * cg * g.kh * g.kw).fill(0.25);
  w[0] = Infinity; // output channel 0, input channel 0, tap (0, 0)
  const oh = ohOf(g),
    ow = owOf(g);
  const out = new Float32Array(g.n * g.k * oh * ow);
  k.conv2dForward(out, x, w, null, g);
  const dy = new Float32Array(out.length).fill(1);
  dy[0] = Infinity; // the corner output, whose window reaches the padding
  const dx = new Float32Array(x.length);
  k.conv2dBackwardData(dx, dy, w, g);
  const dw = new Float32Array(w.length);
  k.conv2dBackwardWeight(dw, null, dy, x, g);
  return { out, dx, dw };
}

/** NaN, +Inf, -Inf or finite, per element. */
const classes = (a: Float32Array) =>
  Array.from(a, (v) => (Number.isNaN(v) ? 'nan' : v === Infinity ? '+inf' : v === -Infinity ? '-inf' : 'finite'));

describe('non-finite values in convolution', () => {
  for (const [label, g] of geometries) {
    const ref = run(kernels('js'), g);
    it(`reference, ${label}: padded taps add 0 * w (NaN where the Inf tap falls in the padding, +Inf elsewhere)`, () => {
      const oh = ohOf(g),
        ow = owOf(g);
      // Output channel 0 of image 0: its top-left tap (0, 0) is Inf. Output (oy, ox) reads that
      // tap at input (oy*sh - pt, ox*sw - pl): in the padding it adds 0 * Inf = NaN, inside +Inf.
      let nan = 0,
        inf = 0;
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const v = ref.out[oy * ow + ox]!;
          const padded = oy * g.sh - g.pt < 0 || ox * g.sw - g.pl < 0;
          if (padded) expect(v, `(${oy}, ${ox})`).toBeNaN();
          else expect(v, `(${oy}, ${ox})`).toBe(Infinity);
          if (padded) nan++;
          else inf++;
        }
      expect(nan).toBeGreaterThan(0);
      expect(inf).toBeGreaterThan(0);
      // Output channels with finite weights give finite outputs.
      if (g.k > 1) expect(ref.out.subarray(oh * ow, 2 * oh * ow).every((v) => Number.isFinite(v))).toBe(true);
      // The weight gradient: dy is Inf at the corner output, whose window reaches the padding, so
      // every weight of output channel 0 on a padded tap of that window gets 0 * Inf = NaN.
      expect(classes(ref.dw.subarray(0, g.kh * g.kw))).toContain('nan');
    });

    describe.runIf(nativeAvailable())(`native agrees with the reference, ${label}`, () => {
      for (const { isa, skip } of testedIsas()) {
        it.skipIf(skip !== '')(isa, () => {
          const got = withIsa(isa, (k) => run(k, g));
          expect(classes(got.out)).toEqual(classes(ref.out));
          expect(classes(got.dx)).toEqual(classes(ref.dx));
          expect(classes(got.dw)).toEqual(classes(ref.dw));
        });
      }
    });
  }
});
