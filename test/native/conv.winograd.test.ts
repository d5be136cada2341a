// The Winograd F(2x2, 3x3) path (winograd_f2x3 in native/kernels/conv/conv_plan.h; channel
// counts 24, 27, 48 and 50 make the planner pick it on every ISA, asserted per geometry:
// forward and weight gradient always, backward-data, which swaps the roles, where the input
// channels come from the same counts) against the reference on every ISA: odd and even output sizes (partial tiles),
// planes smaller than the kernel, paddings 0..4 on each side (backward-data then reads with a
// positive offset), groups, channel counts that are not multiples of any micro-tile, more
// input channels than one GEMM depth slice, more tiles than one block, weight gradients summed in
// several ranges; rows around AVX2's 8-tile groups; and thread invariance.
import { describe, expect, it } from 'vitest';
import { testedIsas, withIsa } from '../helpers/isa.js';
import { conv3x3, expectConvParity, expectThreadInvariance, type Pads, random3x3 } from '../helpers/conv.js';

const g3 = (n: number, c: number, h: number, w: number, k: number, pads: Pads, groups = 1) =>
  conv3x3(1, n, c, h, w, k, pads, groups);

function sweep(count: number, seed: number) {
  const out = random3x3(count, seed, 1, {
    c: [8, 9, 24, 27],
    h: [1, 2, 3, 5, 8, 11],
    w: [1, 2, 4, 7, 12],
    k: [24, 27, 48, 50],
  });
  out.push(g3(1, 300, 6, 5, 27, [1, 1, 1, 1])); // cin over one depth slice
  out.push(g3(2, 8, 45, 38, 50, [1, 1, 1, 1])); // several tile blocks, cout past one panel
  out.push(g3(1, 24, 2, 2, 24, [4, 4, 4, 4])); // padding larger than the kernel
  // Rows wider than two vectors of tiles, with padding on one side only: the input transform's
  // masked loads at either edge and whole groups inside.
  out.push(g3(2, 9, 5, 37, 24, [2, 1, 3, 0]));
  out.push(g3(1, 27, 6, 40, 27, [0, 2, 0, 4]));
  out.push(g3(1, 16, 7, 36, 16, [1, 1, 1, 1])); // 16 outputs: a 12-row and a 4-row panel on AVX-512
  // AVX2's 8-tile groups: rows of 7..9 and 16..17 tiles, padding on either side (masked loads
  // before the row and past its end, short last groups), and 32 channels on 28x28 (a 2-row panel).
  out.push(g3(1, 8, 4, 15, 24, [1, 0, 1, 0]));
  out.push(g3(1, 9, 3, 17, 24, [0, 1, 0, 2]));
  out.push(g3(1, 8, 5, 18, 27, [0, 0, 2, 1]));
  out.push(g3(1, 8, 3, 33, 24, [1, 1, 0, 1]));
  out.push(g3(1, 32, 28, 28, 32, [1, 1, 1, 1]));
  out.push(g3(10, 9, 32, 30, 24, [1, 1, 1, 1])); // 2400 tiles: the weight gradient in two ranges
  // Output channels one or two past a whole number of AVX2's 6-row panels (a last tile of 2
  // or 1 rows).
  out.push(g3(2, 9, 6, 13, 8, [1, 1, 1, 1]));
  out.push(g3(1, 8, 7, 30, 13, [1, 0, 0, 1]));
  return out;
}

const geometries = sweep(24, 5);

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`conv2d Winograd path on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it(`matches the reference on ${geometries.length} geometries, forward and backward`, () => {
      let dxRuns = 0;
      for (const g of geometries) {
        withIsa(isa, (native) => {
          expectConvParity(native, g, { isa });
          const ran = native.convLastRun();
          expect([ran.forward, ran.backwardWeight], JSON.stringify(g)).toEqual(['winograd_f2x3', 'winograd_f2x3']);
          expect(ran.backwardData).toBe(native.convPlan(g).backwardData);
          if (ran.backwardData === 'winograd_f2x3') dxRuns++;
        });
      }
      expect(dxRuns).toBeGreaterThan(geometries.length / 4);
    });
  });
}

describe.skipIf(testedIsas().every((c) => c.skip !== ''))('conv2d Winograd path across thread counts', () => {
  it('gives the same bits on 1 and 2 threads', () => {
    const cases = [
      g3(3, 24, 23, 30, 24, [1, 1, 1, 1]),
      g3(1, 50, 9, 9, 50, [2, 0, 0, 2], 2),
      g3(2, 8, 45, 38, 50, [1, 1, 1, 1]),
      g3(9, 16, 40, 36, 24, [1, 0, 1, 1]),
    ];
    expectThreadInvariance(cases);
  });
});
