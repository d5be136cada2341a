// The stride-2 Winograd path (3x3 kernels, stride 2, unit dilation, >= 16 channels in and out
// per group; backward-data needs 128 output channels where the micro-kernel is narrower than
// AVX-512's, so some geometries have that many) against the reference on every ISA: odd and
// even output sizes (partial tiles), input sizes whose last row or column no output reads,
// planes smaller than the kernel, paddings 0..9 on each side, groups, channel counts that are
// not multiples of any micro-tile, GEMM depths over one slice (4 x 80 input channels), rows of
// more than 16 tiles (the vector transforms' masked edges and whole groups), more tiles than one
// block, weight gradients summed in several ranges; and thread invariance. The forward pass
// takes tiles of 2x2 outputs below 32 input channels per group (the first sweep) and tiles of
// 4x4 from 32 where they need at least 10% fewer multiplies (the second sweep and the list
// after it: output sides that are multiples of 4 or not, rows of more than 8 and 16 tiles,
// padding on one side or far past the kernel).
import { describe, it } from 'vitest';
import { convOutSize, type Conv2dGeometry } from '../../lib/backend/conv-geometry.js';
import { testedIsas, withIsa } from '../helpers/isa.js';
import { seededPick } from '../helpers/rng.js';
import { expectConvParity, expectThreadInvariance } from '../helpers/conv.js';

type Pads = [number, number, number, number];
const s2 = (n: number, c: number, h: number, w: number, k: number, pads: Pads, groups = 1): Conv2dGeometry => ({
  n, c, h, w, k, kh: 3, kw: 3, sh: 2, sw: 2, pt: pads[0], pb: pads[1], pl: pads[2], pr: pads[3], dh: 1, dw: 1, groups,
});

function sweep(count: number, seed: number): Conv2dGeometry[] {
  const pick = seededPick(seed);
  const out: Conv2dGeometry[] = [];
  while (out.length < count) {
    const groups = pick([1, 1, 2]);
    const g = s2(pick([1, 2, 3]), pick([16, 17, 24, 33]) * groups, pick([1, 2, 3, 5, 8, 11, 14]),
      pick([1, 2, 4, 7, 12, 13]), pick([16, 19, 24, 48]) * groups,
      [pick([0, 1, 2, 3]), pick([0, 1, 4]), pick([0, 1, 2]), pick([0, 1, 3])], groups);
    if (convOutSize(g.h, 3, 2, g.pt, g.pb, 1) >= 1 && convOutSize(g.w, 3, 2, g.pl, g.pr, 1) >= 1) out.push(g);
  }
  out.push(s2(1, 80, 9, 10, 16, [1, 1, 1, 1]));     // forward depth 320: two slices
  out.push(s2(1, 16, 7, 9, 80, [1, 1, 1, 1]));      // backward-data depth 80, 320 rows at one point
  out.push(s2(2, 16, 45, 38, 50, [1, 1, 1, 1]));    // several tile blocks, cout past one panel
  out.push(s2(1, 16, 2, 2, 16, [4, 4, 4, 4]));      // padding larger than the kernel
  out.push(s2(2, 16, 3, 5, 18, [7, 5, 6, 9]));      // padding far past the kernel: whole tiles of zeros
  // Rows of more than 16 tiles, with padding on one side only.
  out.push(s2(1, 17, 6, 75, 16, [2, 1, 3, 0]));
  out.push(s2(1, 16, 5, 140, 17, [0, 2, 0, 4]));
  out.push(s2(1, 16, 12, 70, 16, [1, 0, 4, 1]));    // padding over 4: tiles of the input gradient start inside it
  out.push(s2(40, 16, 16, 16, 16, [1, 1, 1, 1]));   // 2560 tiles: the weight gradient in two ranges
  // 128 outputs and more: backward-data on every ISA, rows of many tiles, odd edges.
  out.push(s2(1, 16, 9, 70, 128, [1, 0, 4, 1]));
  out.push(s2(2, 17, 11, 37, 130, [2, 1, 3, 0]));
  out.push(s2(1, 16, 5, 140, 128, [0, 2, 0, 4]));
  out.push(s2(1, 32, 6, 6, 256, [1, 1, 1, 1], 2));
  return out;
}

// Tiles of 4x4 outputs in the forward pass (sides whose tiles of 2 would need 10% more
// multiplies fall back to those, so a few of the random ones test tiles of 2 with 32 channels).
function sweep4(count: number, seed: number): Conv2dGeometry[] {
  const pick = seededPick(seed);
  const out: Conv2dGeometry[] = [];
  while (out.length < count) {
    const groups = pick([1, 1, 2]);
    const g = s2(pick([1, 2, 3]), pick([32, 35, 48]) * groups, pick([2, 7, 8, 15, 16, 23]), pick([7, 8, 9, 16, 17, 31]),
      pick([16, 19, 40]) * groups, [pick([0, 1, 2, 3]), pick([0, 1, 4]), pick([0, 1, 2]), pick([0, 1, 3])], groups);
    if (convOutSize(g.h, 3, 2, g.pt, g.pb, 1) >= 1 && convOutSize(g.w, 3, 2, g.pl, g.pr, 1) >= 1) out.push(g);
  }
  out.push(s2(1, 32, 16, 16, 16, [1, 1, 1, 1]));     // 8x8 outputs: whole tiles
  out.push(s2(2, 33, 15, 14, 17, [1, 1, 1, 1]));     // 8x7: a partial tile column
  out.push(s2(1, 32, 16, 70, 16, [1, 1, 1, 1]));     // rows of 9 tiles: a whole vector group and one tile
  out.push(s2(1, 40, 8, 140, 20, [0, 2, 0, 4]));     // rows of 18 tiles, padding on one side only
  out.push(s2(1, 32, 2, 2, 16, [4, 4, 4, 4]));       // padding larger than the kernel
  out.push(s2(2, 32, 3, 5, 18, [8, 6, 5, 7]));       // padding far past the kernel: whole tiles of zeros
  out.push(s2(3, 36, 17, 25, 24, [1, 0, 0, 1]));     // 8x12
  out.push(s2(1, 64, 16, 16, 32, [1, 1, 1, 1], 2));  // two groups of 32
  out.push(s2(1, 80, 16, 16, 16, [1, 1, 1, 1]));     // depth 320: two slices
  out.push(s2(2, 32, 45, 38, 50, [1, 1, 1, 1]));     // two tile blocks, output channels past one panel
  return out;
}

const geometries = [...sweep(24, 11), ...sweep4(16, 12)];

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`conv2d stride-2 Winograd path on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it(`matches the reference on ${geometries.length} geometries, forward and backward`, () => {
      for (const g of geometries) {
        withIsa(isa, (native) => expectConvParity(native, g, { isa }));
      }
    });
  });
}

describe.skipIf(testedIsas().every((c) => c.skip !== ''))('conv2d stride-2 Winograd path across thread counts', () => {
  it('gives the same bits on 1 and 2 threads', () => {
    const cases = [s2(3, 24, 23, 30, 24, [1, 1, 1, 1]), s2(3, 32, 23, 30, 24, [1, 1, 1, 1]), s2(1, 50, 9, 9, 50, [2, 0, 0, 2], 2),
      s2(2, 16, 45, 38, 50, [1, 1, 1, 1]), s2(40, 16, 16, 16, 16, [1, 0, 1, 1])];
    expectThreadInvariance(cases);
  });
});
