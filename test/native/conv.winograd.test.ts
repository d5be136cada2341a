// The Winograd F(2x2, 3x3) path (3x3 kernels, unit stride and dilation, >= 8 channels in and out
// per group, and output channels that use at least 3/4 of the rows the micro-kernel computes for
// them: 24, 27, 48 and 50 do for 4, 6, 8 and 12 rows alike, so each ISA's table takes the path;
// backward-data swaps the roles, so the input channels are drawn from the same counts half of the
// time) against the reference on every ISA: odd and even output sizes (partial tiles),
// planes smaller than the kernel, paddings 0..4 on each side (backward-data then reads with a
// positive offset), groups, channel counts that are not multiples of any micro-tile, more
// input channels than one GEMM depth slice, more tiles than one block, weight gradients summed in
// several ranges; and thread invariance.
import { describe, it } from 'vitest';
import { convOutSize, type Conv2dGeometry } from '../../lib/backend/conv-geometry.js';
import { testedIsas, withIsa } from '../helpers/isa.js';
import { seededPick } from '../helpers/rng.js';
import { expectConvParity, expectThreadInvariance } from '../helpers/conv.js';

const g3 = (n: number, c: number, h: number, w: number, k: number, pads: [number, number, number, number], groups = 1): Conv2dGeometry => ({
  n, c, h, w, k, kh: 3, kw: 3, sh: 1, sw: 1, pt: pads[0], pb: pads[1], pl: pads[2], pr: pads[3], dh: 1, dw: 1, groups,
});

function sweep(count: number, seed: number): Conv2dGeometry[] {
  const pick = seededPick(seed);
  const out: Conv2dGeometry[] = [];
  while (out.length < count) {
    const groups = pick([1, 1, 2]);
    const g = g3(pick([1, 2, 3]), pick([8, 9, 24, 27]) * groups, pick([1, 2, 3, 5, 8, 11]), pick([1, 2, 4, 7, 12]),
      pick([24, 27, 48, 50]) * groups, [pick([0, 1, 2, 3]), pick([0, 1, 4]), pick([0, 1, 2]), pick([0, 1, 3])], groups);
    if (convOutSize(g.h, 3, 1, g.pt, g.pb, 1) >= 1 && convOutSize(g.w, 3, 1, g.pl, g.pr, 1) >= 1) out.push(g);
  }
  out.push(g3(1, 300, 6, 5, 27, [1, 1, 1, 1]));     // cin over one depth slice
  out.push(g3(2, 8, 45, 38, 50, [1, 1, 1, 1]));     // several tile blocks, cout past one panel
  out.push(g3(1, 24, 2, 2, 24, [4, 4, 4, 4]));      // padding larger than the kernel
  // Rows wider than two vectors of tiles, with padding on one side only: the input transform's
  // masked loads at either edge and whole groups inside.
  out.push(g3(2, 9, 5, 37, 24, [2, 1, 3, 0]));
  out.push(g3(1, 27, 6, 40, 27, [0, 2, 0, 4]));
  out.push(g3(1, 16, 7, 36, 16, [1, 1, 1, 1]));     // 16 outputs: a 12-row and a 4-row panel on AVX-512
  out.push(g3(10, 9, 32, 30, 24, [1, 1, 1, 1]));    // 2400 tiles: the weight gradient in two ranges
  return out;
}

const geometries = sweep(24, 5);

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`conv2d Winograd path on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it(`matches the reference on ${geometries.length} geometries, forward and backward`, () => {
      for (const g of geometries) {
        withIsa(isa, (native) => expectConvParity(native, g, { isa }));
      }
    });
  });
}

describe.skipIf(testedIsas().every((c) => c.skip !== ''))('conv2d Winograd path across thread counts', () => {
  it('gives the same bits on 1 and 2 threads', () => {
    const cases = [g3(3, 24, 23, 30, 24, [1, 1, 1, 1]), g3(1, 50, 9, 9, 50, [2, 0, 0, 2], 2), g3(2, 8, 45, 38, 50, [1, 1, 1, 1]),
      g3(9, 16, 40, 36, 24, [1, 0, 1, 1])];
    expectThreadInvariance(cases);
  });
});
