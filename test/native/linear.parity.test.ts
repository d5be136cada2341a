// linearForward (x · wᵀ + bias, then an activation, in one pass) on every ISA against the
// reference: every activation, with and without bias, odd sizes around each tile, out
// pre-filled with NaN plus a guard zone that must stay NaN; bit-identical on 1 and 2 threads.
//
// Tolerance: the pre-activation value carries the GEMM bound of test/helpers/gemm.ts,
// (2k + 8) * 2^-24 * (sum_i |x_bi||w_oi| + |bias_o|). Every activation here is Lipschitz with a
// constant of at most 1.13 (GELU's steepest slope; relu, tanh 1; sigmoid 1/4), so that bound
// times 1.2 plus one rounding of the result (2^-23 * |value|) covers the output.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, kernels, type Activation, type Backend } from '../../lib/index.js';
import { erf } from '../../lib/backend/activation.js';
import { expectBitEqual } from '../helpers/expect-close.js';
import { testedIsas, withIsa, withThreads } from '../helpers/isa.js';
import { nans, randomFloats } from '../helpers/rng.js';
import { GEMM_TILES } from '../helpers/shapes.js';

const GUARD = 5;
const ref: Backend = kernels('js');

interface LinearCase {
  batch: number;
  inF: number;
  outF: number;
  bias: boolean;
  act: Activation;
}

function inputs(c: LinearCase): { x: Float32Array; w: Float32Array; bias: Float32Array | null } {
  const seed = c.batch * 131 + c.inF * 17 + c.outF;
  // Inputs around +-3 so that sigmoid, tanh and GELU are exercised on both their flat and steep parts.
  return {
    x: randomFloats(c.batch * c.inF, seed, -1.5, 1.5),
    w: randomFloats(
      c.outF * c.inF,
      seed + 1,
      (-1.5 / Math.sqrt(Math.max(1, c.inF))) * 2,
      (1.5 / Math.sqrt(Math.max(1, c.inF))) * 2,
    ),
    bias: c.bias ? randomFloats(c.outF, seed + 2, -1, 1) : null,
  };
}

function run(
  k: Backend,
  c: LinearCase,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  act: Activation = c.act,
): Float32Array {
  const out = nans(c.batch * c.outF + GUARD);
  k.linearForward(out.subarray(0, c.batch * c.outF), x, w, bias, c.batch, c.inF, c.outF, act);
  return out;
}

function check(isa: string, c: LinearCase): void {
  const { x, w, bias } = inputs(c);
  const want = run(ref, c, x, w, bias);
  const abs = (v: Float32Array): Float32Array => v.map(Math.abs);
  const mag = run(ref, c, abs(x), abs(w), bias && abs(bias), 'none');
  const got = withIsa(isa, (native) => run(native, c, x, w, bias));
  const slack = (2 * c.inF + 8) * 2 ** -24 * 1.2;
  const n = c.batch * c.outF;
  for (let i = 0; i < n; i++) {
    const tol = slack * mag[i]! + 2 ** -23 * Math.abs(want[i]!) + 1e-30;
    if (!(Math.abs(got[i]! - want[i]!) <= tol) && !Object.is(got[i], want[i])) {
      expect.fail(`${isa} ${JSON.stringify(c)}: out[${i}] reference = ${want[i]}, got = ${got[i]} (tolerance ${tol})`);
    }
  }
  for (let i = n; i < n + GUARD; i++)
    if (!Number.isNaN(got[i]!)) expect.fail(`${isa} ${JSON.stringify(c)}: guard ${i - n} written`);
}

for (const { isa, skip } of testedIsas()) {
  const { mr, nr, kc } = GEMM_TILES[isa]!;
  // 1x1x1, sizes below / at / around the tile, and a depth beyond kc (two K slices, so bias
  // and activation must wait for the last one).
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 7, 5],
    [mr + 1, 33, nr - 1],
    [2 * mr + 1, kc + 11, 2 * nr + 1],
    [17, 0, 3],
  ];
  describe.skipIf(skip !== '')(`linearForward on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    for (const act of ACTIVATIONS) {
      it(`${act}, with and without bias`, () => {
        for (const [batch, inF, outF] of sizes)
          for (const bias of [true, false]) check(isa, { batch, inF, outF, bias, act });
      });
    }

    it('gives the same bits on 1 and 2 threads (fused and driver-applied activations)', () => {
      for (const act of ['leaky_relu', 'gelu'] as const) {
        const c: LinearCase = { batch: 64, inF: 300, outF: 257, bias: true, act };
        const { x, w, bias } = inputs(c);
        withIsa(isa, (native) => {
          const one = withThreads(1, () => run(native, c, x, w, bias));
          const two = withThreads(2, () => run(native, c, x, w, bias));
          for (let i = 0; i < one.length; i++) {
            if (!Object.is(one[i], two[i]) && !(Number.isNaN(one[i]) && Number.isNaN(two[i]))) {
              expect.fail(`${isa} ${act}: out[${i}] is ${one[i]} on 1 thread, ${two[i]} on 2`);
            }
          }
        });
      }
    });

    it('gives a row the same bits in a small batch (weights read in place) as in a large one', () => {
      // batch <= out / 2 takes the transposed product; rows are independent, so the first rows of
      // a large batch (the direct product) must match bit for bit, over two K slices.
      const inF = kc + 37,
        outF = 2 * nr + 3,
        small = 5,
        large = outF;
      for (const act of ['none', 'relu', 'gelu'] as const) {
        const c: LinearCase = { batch: large, inF, outF, bias: true, act };
        const { x, w, bias } = inputs(c);
        withIsa(isa, (native) => {
          const all = run(native, c, x, w, bias);
          const few = run(native, { ...c, batch: small }, x.subarray(0, small * inF), w, bias);
          expectBitEqual(few.subarray(0, small * outF), all.subarray(0, small * outF), { isa, act });
        });
      }
    });

    it('relu and leaky_relu give the reference bits, NaN passing through', () => {
      // Row 0 of x holds a NaN (its outputs are NaN); row 1 gives a positive and a negative sum.
      const x = new Float32Array([Number.NaN, 1, 1, 0.5]);
      const w = new Float32Array([1, 1, -2, 1]);
      for (const act of ['relu', 'leaky_relu'] as const) {
        const want = new Float32Array(4);
        ref.linearForward(want, x, w, null, 2, 2, 2, act);
        const got = withIsa(isa, (native) => {
          const o = new Float32Array(4);
          native.linearForward(o, x, w, null, 2, 2, 2, act);
          return o;
        });
        expect(Number.isNaN(got[0]) && Number.isNaN(got[1]), act).toBe(true);
        expect([got[2], got[3]], act).toEqual([want[2], want[3]]);
      }
    });
  });
}

describe('the reference erf', () => {
  it('matches tabulated values to 1e-15', () => {
    // erf at these points, to 17 significant digits (Abramowitz & Stegun table 7.1 extended).
    const table: [number, number][] = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [1.5, 0.9661051464753108],
      [2, 0.9953222650189527],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [4, 0.9999999845827421],
      [6.5, 1],
    ];
    for (const [x, v] of table) {
      expect(Math.abs(erf(x) - v), `erf(${x})`).toBeLessThanOrEqual(1e-15);
      expect(Math.abs(erf(-x) + v), `erf(${-x})`).toBeLessThanOrEqual(1e-15);
    }
    expect(Number.isNaN(erf(Number.NaN))).toBe(true);
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
  });
});
