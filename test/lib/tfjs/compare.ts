// Runs the same tfjs program on dropnet/tfjs and on @tensorflow/tfjs (pure JS) and compares
// what a program can observe: shape, dtype and values of tensors, thrown errors.
import * as real from '@tensorflow/tfjs';
import { expect } from 'vitest';
import * as tf from '../../../lib/tfjs/index.js';

export { real, tf };

// The CPU backend without the "install tfjs-node" banner.
real.env().set('IS_TEST', true);
await real.setBackend('cpu');

export type Lib = typeof tf;

interface Observed {
  shape: number[];
  dtype: string;
  values: number[];
}

function observe(t: unknown): Observed {
  const x = t as { shape: number[]; dtype: string; dataSync(): ArrayLike<number> };
  return { shape: [...x.shape], dtype: x.dtype, values: Array.from(x.dataSync()) };
}

/** Runs `program` on both libraries and expects equal shapes, dtypes and values (to rtol/atol). */
export function expectSame(program: (lib: Lib) => unknown, tol = { atol: 1e-6, rtol: 1e-5 }): void {
  const got = observe(program(tf));
  const want = observe(program(real as unknown as Lib));
  expect(got.shape, 'shape').toEqual(want.shape);
  expect(got.dtype, 'dtype').toBe(want.dtype);
  expect(got.values.length).toBe(want.values.length);
  got.values.forEach((g, i) => {
    const w = want.values[i]!;
    if (Number.isNaN(w)) expect(g, `value ${i}`).toBeNaN();
    else
      expect(Math.abs(g - w), `value ${i}: got ${g}, tfjs ${w}`).toBeLessThanOrEqual(tol.atol + tol.rtol * Math.abs(w));
  });
}

/** Expects both libraries to throw on `program`; returns both messages. */
export function expectBothThrow(program: (lib: Lib) => unknown): { got: string; want: string } {
  let got = '';
  let want = '';
  expect(() => {
    try {
      program(tf);
    } catch (e) {
      got = (e as Error).message;
      throw e;
    }
  }).toThrow();
  expect(() => {
    try {
      program(real as unknown as Lib);
    } catch (e) {
      want = (e as Error).message;
      throw e;
    }
  }).toThrow();
  return { got, want };
}
