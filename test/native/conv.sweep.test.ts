// Native convolution against the reference over a geometry sweep on every ISA: batch 1 and odd,
// channels 1/3/odd, kernels 1-7, strides 1-3, paddings up to beyond half the kernel, dilation
// 1-3, groups 1/2/C, images smaller than the kernel, non-square everything; forward and both
// backward passes; outputs pre-filled with NaN; and the same bits on 1 and 2 threads.
import { describe, expect, it } from 'vitest';
import { convOutSize, type Conv2dGeometry } from '../../lib/backend/conv-geometry.js';
import { testedIsas, withIsa } from '../helpers/isa.js';
import { seededPick } from '../helpers/rng.js';
import { expectConvParity, expectThreadInvariance, runConv } from '../helpers/conv.js';

function sweep(count: number, seed: number): Conv2dGeometry[] {
  const pick = seededPick(seed);
  const out: Conv2dGeometry[] = [];
  while (out.length < count) {
    const groups = pick([1, 1, 2, 3]);
    const cg = pick([1, 2, 3, 5]);
    const kg = pick([1, 2, 4, 7]);
    const kh = pick([1, 2, 3, 5, 7]);
    const kw = pick([1, 3, 4, 6]);
    const g: Conv2dGeometry = {
      n: pick([1, 2, 3]),
      c: cg * groups,
      h: pick([1, 3, 5, 8, 13]),
      w: pick([2, 4, 7, 11]),
      k: kg * groups,
      kh,
      kw,
      sh: pick([1, 2, 3]),
      sw: pick([1, 2, 3]),
      pt: pick([0, 1, 2, 4]),
      pb: pick([0, 1, 3]),
      pl: pick([0, 2, 5]),
      pr: pick([0, 1]),
      dh: pick([1, 2, 3]),
      dw: pick([1, 2]),
      groups,
    };
    if (convOutSize(g.h, g.kh, g.sh, g.pt, g.pb, g.dh) >= 1 && convOutSize(g.w, g.kw, g.sw, g.pl, g.pr, g.dw) >= 1)
      out.push(g);
  }
  // Depthwise and pointwise cases, and a 1x1 with unit stride (the no-copy path).
  out.push({
    n: 2,
    c: 6,
    h: 9,
    w: 7,
    k: 6,
    kh: 3,
    kw: 3,
    sh: 1,
    sw: 1,
    pt: 1,
    pb: 1,
    pl: 1,
    pr: 1,
    dh: 1,
    dw: 1,
    groups: 6,
  });
  out.push({
    n: 3,
    c: 5,
    h: 6,
    w: 10,
    k: 7,
    kh: 1,
    kw: 1,
    sh: 1,
    sw: 1,
    pt: 0,
    pb: 0,
    pl: 0,
    pr: 0,
    dh: 1,
    dw: 1,
    groups: 1,
  });
  out.push({
    n: 1,
    c: 4,
    h: 17,
    w: 19,
    k: 9,
    kh: 3,
    kw: 3,
    sh: 1,
    sw: 1,
    pt: 1,
    pb: 1,
    pl: 1,
    pr: 1,
    dh: 1,
    dw: 1,
    groups: 1,
  });
  // Left padding wider than the image with im2col blocks that end mid-row inside it: a block's
  // last segment lies wholly in the padding (576-row columns make blocks of about 128 outputs).
  out.push({
    n: 2,
    c: 64,
    h: 3,
    w: 10,
    k: 2,
    kh: 3,
    kw: 3,
    sh: 1,
    sw: 1,
    pt: 1,
    pb: 1,
    pl: 20,
    pr: 3,
    dh: 1,
    dw: 1,
    groups: 1,
  });
  return out;
}

const geometries = sweep(60, 11);

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`conv2d on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it(`matches the reference on ${geometries.length} geometries, forward and backward`, () => {
      for (const g of geometries) {
        withIsa(isa, (native) => expectConvParity(native, g, { isa }, g.k));
      }
    });
  });
}

describe.skipIf(testedIsas().every((c) => c.skip !== ''))('conv2d across thread counts', () => {
  it('gives the same bits on 1 and 2 threads', () => {
    const cases: Conv2dGeometry[] = [
      {
        n: 4,
        c: 8,
        h: 20,
        w: 20,
        k: 16,
        kh: 3,
        kw: 3,
        sh: 1,
        sw: 1,
        pt: 1,
        pb: 1,
        pl: 1,
        pr: 1,
        dh: 1,
        dw: 1,
        groups: 1,
      },
      {
        n: 1,
        c: 16,
        h: 40,
        w: 40,
        k: 16,
        kh: 3,
        kw: 3,
        sh: 2,
        sw: 2,
        pt: 1,
        pb: 1,
        pl: 1,
        pr: 1,
        dh: 1,
        dw: 1,
        groups: 2,
      },
      {
        n: 3,
        c: 32,
        h: 14,
        w: 14,
        k: 64,
        kh: 1,
        kw: 1,
        sh: 1,
        sw: 1,
        pt: 0,
        pb: 0,
        pl: 0,
        pr: 0,
        dh: 1,
        dw: 1,
        groups: 1,
      },
    ];
    expectThreadInvariance(cases);
  });
});

// An empty batch (n = 0 is a valid geometry) on every algorithm: nothing written forward or to
// the input gradient, zero weight and bias gradients (the Winograd weight gradients once
// divided by the tile count here).
describe('conv2d on an empty batch', () => {
  const at = (c: number, k: number, kh: number, s: number, p: number, h = 12): Conv2dGeometry => ({
    n: 0,
    c,
    h,
    w: h,
    k,
    kh,
    kw: kh,
    sh: s,
    sw: s,
    pt: p,
    pb: p,
    pl: p,
    pr: p,
    dh: 1,
    dw: 1,
    groups: 1,
  });
  const cases = [at(8, 24, 3, 1, 1), at(16, 16, 3, 2, 1), at(3, 5, 5, 3, 2), at(3, 16, 3, 1, 1, 32), at(4, 6, 1, 1, 0)];
  for (const { isa, skip } of testedIsas()) {
    it.skipIf(skip !== '')(`gives zero weight and bias gradients on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
      for (const g of cases) {
        const got = withIsa(isa, (native) => runConv(native, g));
        expect(got.out.length + got.dx.length).toBe(0);
        expect(Array.from(got.dw)).toEqual(new Array(got.dw.length).fill(0));
        expect(Array.from(got.db)).toEqual(new Array(g.k).fill(0));
      }
    });
  }
});
