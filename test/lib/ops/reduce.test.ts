// sum and mean: over all, one, several and negative dimensions, keepdim, float64 accumulation,
// gradients by finite differences, bad dimensions.
import { describe, expect, it } from 'vitest';
import { ops, tensor } from '../../../lib/index.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';

const X = tensor([
  [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
  ],
  [
    [13, 14, 15, 16],
    [17, 18, 19, 20],
    [21, 22, 23, 24],
  ],
]);

describe('sum and mean', () => {
  it('reduce over all dimensions to a scalar', () => {
    expect(ops.sum(X).shape).toEqual([]);
    expect(ops.sum(X).item()).toBe(300);
    expect(ops.mean(X).item()).toBe(12.5);
  });

  it('reduce over given dimensions, dropping them unless keepdim', () => {
    expect(ops.sum(X, 1).toArray()).toEqual([
      [15, 18, 21, 24],
      [51, 54, 57, 60],
    ]);
    expect(ops.sum(X, -1, true).shape).toEqual([2, 3, 1]);
    expect(ops.sum(X, [0, 2]).toArray()).toEqual([68, 100, 132]);
    expect(ops.mean(X, [0, 2], true).toArray()).toEqual([[[8.5], [12.5], [16.5]]]);
    expect(ops.sum(tensor([[1, 2]]), 0).toArray()).toEqual([1, 2]);
  });

  it('accumulate in float64', () => {
    expect(ops.sum(tensor([1e8, 1, -1e8])).item()).toBe(1);
    expect(ops.mean(tensor(new Float32Array(0))).item()).toBeNaN();
  });

  it.each([
    [undefined, false],
    [1, false],
    [-1, true],
    [[0, 2], false],
    [[0, 1, 2], true],
  ] as const)('gradients for dim=%j keepdim=%s', (dim, keepdim) => {
    for (const op of [ops.sum, ops.mean]) {
      const x = leaf([2, 3, 5], 21);
      const fn = dim === undefined ? () => op(x) : () => op(x, dim, keepdim);
      expect(gradcheck(fn, [x])).toBe(30);
    }
  });

  it('reject bad dimensions with exact messages', () => {
    expect(() => ops.sum(X, 3)).toThrow(
      new RangeError('Expected integer in [-3, 2] for dim but received 3 of type number'),
    );
    expect(() => ops.sum(X, [0, -3])).toThrow(
      new RangeError('Expected distinct dimensions for dim but received Array(2)'),
    );
    expect(() => ops.sum(X, [])).toThrow(
      new RangeError('Expected dimension or non-empty array of dimensions for dim but received Array(0)'),
    );
    expect(() => ops.mean(X, '1' as never)).toThrow(
      new TypeError('Expected integer or array of integers for dim but received "1" of type string'),
    );
    expect(() => ops.sum(X, 0, 1 as never)).toThrow(
      new TypeError('Expected boolean for keepdim but received 1 of type number'),
    );
  });
});
