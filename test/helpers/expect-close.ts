/**
 * Array comparison that says where and how it failed: the first bad index, both values, and the
 * context (ISA, shape) given by the caller.
 */
import { expect } from 'vitest';

export interface CloseOptions {
  /** Absolute tolerance (0 with rtol 0 demands bit equality, NaN matching NaN). */
  atol?: number;
  rtol?: number;
  /** Printed with a failure: e.g. { isa, m, n, k }. */
  context?: Record<string, unknown>;
}

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, options: CloseOptions = {}): void {
  const { atol = 0, rtol = 0, context = {} } = options;
  const ctx = JSON.stringify(context);
  expect(got.length, `length ${ctx}`).toBe(want.length);
  const exact = atol === 0 && rtol === 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const ok = exact ? same(g, w) : same(g, w) || Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) {
      expect.fail(`mismatch at index ${i}: reference = ${w}, got = ${g} (atol ${atol}, rtol ${rtol}) ${ctx}`);
    }
  }
}

/** Bit equality of two float arrays (NaN payloads aside), with the first differing index on failure. */
export function expectBitEqual(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  context: Record<string, unknown> = {},
): void {
  expectClose(got, want, { context });
}
