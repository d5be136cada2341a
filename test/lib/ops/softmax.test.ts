// softmax and logSoftmax: normalization, stability at large magnitudes, agreement with each
// other, gradients along every dimension.
import { describe, expect, it } from 'vitest';
import { ops, tensor } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';

describe('softmax and logSoftmax', () => {
  it('normalize along the dimension, stably', () => {
    const y = ops.softmax(
      tensor([
        [1000, 1001, 1002],
        [-5, 0, 5],
      ]),
      1,
    );
    expect(y.data.every(Number.isFinite)).toBe(true);
    expectClose(y.data.subarray(0, 3), [0.09003057, 0.24472847, 0.66524096], { rtol: 1e-6 });
    const byCol = ops.softmax(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      0,
    );
    expectClose(byCol.data, [0.11920292, 0.11920292, 0.88079708, 0.88079708], { rtol: 1e-6 });
    const l = ops.logSoftmax(tensor([[1000, 1001, 1002]]), -1);
    expectClose(l.data, [-2.40760596, -1.40760596, -0.40760596], { rtol: 1e-6 });
  });

  it('logSoftmax equals log(softmax) where the latter does not underflow', () => {
    const x = leaf([4, 6], 3, -4, 4);
    expectClose(ops.logSoftmax(x, 1).data, ops.log(ops.softmax(x, 1)).data, { atol: 1e-6, rtol: 1e-6 });
  });

  it('gives NaN for an all -Infinity lane, as PyTorch', () => {
    expect(Array.from(ops.softmax(tensor([-Infinity, -Infinity]), 0).data)).toEqual([NaN, NaN]);
  });

  it.each([0, 1, 2, -1])('gradients along dim %i', (dim) => {
    expect(gradcheck((t) => ops.softmax(t!, dim), [leaf([3, 4, 5], 8, -2, 2)])).toBe(60);
    expect(gradcheck((t) => ops.logSoftmax(t!, dim), [leaf([3, 4, 5], 9, -2, 2)])).toBe(60);
  });

  it('rejects a bad dim', () => {
    expect(() => ops.softmax(tensor([[1]]), 2)).toThrow(
      new RangeError('Expected integer in [-2, 1] for dim but received 2 of type number'),
    );
    expect(() => ops.logSoftmax(tensor([[1]]), undefined as never)).toThrow(
      new TypeError('Expected integer in [-2, 1] for dim but received undefined'),
    );
  });
});
