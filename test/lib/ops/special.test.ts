// erf/erfc (the library's one implementation, in lib/backend/activation.ts) against CPython's
// math.erf/math.erfc (double precision), across the series / continued-fraction switch at |x| = 2
// and far into the tail where erfc must keep relative
// precision.
import { describe, expect, it } from 'vitest';
import { erf, erfc } from '../../../lib/ops/special.js';

// [x, math.erf(x), math.erfc(x)] from Python 3.11.
const TABLE: [number, number, number][] = [
  [-4.0, -0.9999999845827421, 1.999999984582742],
  [-3.5, -0.9999992569016276, 1.9999992569016276],
  [-3.0, -0.9999779095030014, 1.9999779095030015],
  [-2.9, -0.9999589021219005, 1.9999589021219006],
  [-2.01, -0.9955248493552482, 1.9955248493552482],
  [-1.99, -0.995111413199617, 1.995111413199617],
  [-1.0, -0.8427007929497149, 1.842700792949715],
  [-0.3, -0.3286267594591274, 1.3286267594591274],
  [0.0, 0.0, 1.0],
  [1e-8, 1.1283791670955126e-8, 0.9999999887162083],
  [0.1, 0.1124629160182849, 0.8875370839817152],
  [0.5, 0.5204998778130465, 0.4795001221869535],
  [1.0, 0.8427007929497149, 0.15729920705028513],
  [1.99, 0.995111413199617, 0.004888586800383003],
  [2.0, 0.9953222650189527, 0.004677734981047265],
  [2.01, 0.9955248493552482, 0.004475150644751763],
  [2.99, 0.9999764743969194, 2.3525603080640195e-5],
  [3.0, 0.9999779095030014, 2.2090496998585438e-5],
  [3.01, 0.9999792610363629, 2.073896363713263e-5],
  [4.0, 0.9999999845827421, 1.541725790028002e-8],
  [5.0, 0.9999999999984626, 1.5374597944280351e-12],
  [6.0, 1.0, 2.1519736712498916e-17],
  [10.0, 1.0, 2.088487583762545e-45],
];

function rel(got: number, want: number): number {
  return want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
}

describe('erf and erfc', () => {
  it.each(TABLE)('x = %d', (x, e, c) => {
    expect(rel(erf(x), e)).toBeLessThan(1e-15);
    // 1 - erf cancels just below x = 2; 1e-12 relative is still far finer than float32's ulp.
    expect(rel(erfc(x), c)).toBeLessThan(x > 1 && x < 2 ? 1e-12 : 1e-14);
  });

  it('propagates NaN and is odd', () => {
    expect(erf(Number.NaN)).toBeNaN();
    expect(erfc(Number.NaN)).toBeNaN();
    for (const x of [0.2, 1.7, 3.4]) expect(erf(-x)).toBe(-erf(x));
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
  });
});
