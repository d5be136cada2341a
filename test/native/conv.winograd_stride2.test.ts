// The stride-2 Winograd path (winograd_stride2_* in native/kernels/conv/conv_plan.h; 16 or
// more channels in and out per group make the planner pick it, asserted per geometry; its
// backward-data only where the planner does, which some geometries' 128 outputs make so on
// every ISA) against the reference on every ISA: odd and
// even output sizes (partial tiles), input sizes whose last row or column no output reads,
// planes smaller than the kernel, paddings 0..9 on each side, groups, channel counts that are
// not multiples of any micro-tile, GEMM depths over one slice (4 x 80 input channels), rows of
// more than 16 tiles (the vector transforms' masked edges and whole groups), more tiles than one
// block, weight gradients summed in several ranges; and thread invariance. The forward pass
// takes tiles of 2x2 outputs in the sweep (winograd_stride2_f2x2) and tiles of 4x4 in the
// list after it (winograd_stride2_f4x2): output sides that are multiples of 4 or not, rows of 8, 17
// and 18 tiles, padding on one side or far past the kernel, groups, two GEMM depth slices.
import { describe, expect, it } from 'vitest';
import { testedIsas, withIsa } from '../helpers/isa.js';
import { conv3x3, expectConvParity, expectThreadInvariance, type Pads, random3x3 } from '../helpers/conv.js';

const s2 = (n: number, c: number, h: number, w: number, k: number, pads: Pads, groups = 1) =>
  conv3x3(2, n, c, h, w, k, pads, groups);

function sweep(count: number, seed: number) {
  const out = random3x3(count, seed, 2, {
    c: [16, 17, 24, 33],
    h: [1, 2, 3, 5, 8, 11, 14],
    w: [1, 2, 4, 7, 12, 13],
    k: [16, 19, 24, 48],
  });
  out.push(s2(1, 80, 9, 10, 16, [1, 1, 1, 1])); // forward depth 320: two slices
  out.push(s2(1, 16, 7, 9, 80, [1, 1, 1, 1])); // backward-data depth 80, 320 rows at one point
  out.push(s2(2, 16, 45, 38, 50, [1, 1, 1, 1])); // several tile blocks, cout past one panel
  out.push(s2(1, 16, 2, 2, 16, [4, 4, 4, 4])); // padding larger than the kernel
  out.push(s2(2, 16, 3, 5, 18, [7, 5, 6, 9])); // padding far past the kernel: whole tiles of zeros
  // Rows of more than 16 tiles, with padding on one side only.
  out.push(s2(1, 17, 6, 75, 16, [2, 1, 3, 0]));
  out.push(s2(1, 16, 5, 140, 17, [0, 2, 0, 4]));
  out.push(s2(1, 16, 12, 70, 16, [1, 0, 4, 1])); // padding over 4: tiles of the input gradient start inside it
  out.push(s2(40, 16, 16, 16, 16, [1, 1, 1, 1])); // 2560 tiles: the weight gradient in two ranges
  // 128 outputs and more: backward-data on every ISA, rows of many tiles, odd edges.
  out.push(s2(1, 16, 9, 70, 128, [1, 0, 4, 1]));
  out.push(s2(2, 17, 11, 37, 130, [2, 1, 3, 0]));
  out.push(s2(1, 16, 5, 140, 128, [0, 2, 0, 4]));
  out.push(s2(1, 32, 6, 6, 256, [1, 1, 1, 1], 2));
  return out;
}

// Tiles of 4x4 outputs in the forward pass: 32 input channels or more per group, and at least
// 256 tiles of 4 in the call (fewer take tiles of 2).
const tiles4 = [
  s2(4, 32, 64, 64, 16, [1, 1, 1, 1]), // 32x32 outputs: whole tiles, rows of one vector group
  s2(1, 33, 127, 130, 17, [1, 1, 1, 1]), // 64x65: a partial tile column, rows of 17 tiles
  s2(8, 32, 16, 140, 16, [0, 2, 0, 4]), // rows of 18 tiles, padding on one side only
  s2(64, 32, 3, 5, 16, [8, 6, 5, 7]), // padding far past the kernel: whole tiles of zeros
  s2(10, 36, 33, 50, 16, [1, 0, 0, 1]), // 16x25, the input's last row unread
  s2(4, 64, 64, 64, 32, [1, 1, 1, 1], 2), // two groups of 32
  s2(4, 68, 64, 64, 16, [1, 1, 1, 1]), // depth 272: two GEMM slices
];

const sweepGeometries = sweep(24, 11);
const geometries = [...sweepGeometries, ...tiles4];

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`conv2d stride-2 Winograd path on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it(`matches the reference on ${geometries.length} geometries, forward and backward`, () => {
      let dxRuns = 0;
      for (const g of geometries) {
        withIsa(isa, (native) => {
          expectConvParity(native, g, { isa });
          const ran = native.convLastRun();
          const tile = sweepGeometries.includes(g) ? 'winograd_stride2_f2x2' : 'winograd_stride2_f4x2';
          expect([ran.forward, ran.backwardWeight], JSON.stringify(g)).toEqual([tile, 'winograd_stride2_f2x2']);
          expect(ran.backwardData).toBe(native.convPlan(g).backwardData);
          if (ran.backwardData === 'winograd_stride2_f2x2') dxRuns++;
        });
      }
      expect(dxRuns).toBeGreaterThanOrEqual(4);
    });
  });
}

describe.skipIf(testedIsas().every((c) => c.skip !== ''))('conv2d stride-2 Winograd path across thread counts', () => {
  it('gives the same bits on 1 and 2 threads', () => {
    const cases = [
      s2(3, 24, 23, 30, 24, [1, 1, 1, 1]),
      s2(4, 32, 64, 64, 16, [1, 1, 1, 1]),
      s2(1, 50, 9, 9, 50, [2, 0, 0, 2], 2),
      s2(2, 16, 45, 38, 50, [1, 1, 1, 1]),
      s2(40, 16, 16, 16, 16, [1, 0, 1, 1]),
    ];
    expectThreadInvariance(cases);
  });
});
