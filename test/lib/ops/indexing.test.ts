// gather: picks along a dimension, scatters gradients back (summing repeats), checks indices.
import { describe, expect, it } from 'vitest';
import { ops, ShapeError, tensor } from '../../../lib/index.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';

describe('gather', () => {
  it('picks one class per row (the cross-entropy building block)', () => {
    const logp = tensor([
      [0.1, 0.2, 0.7],
      [0.5, 0.4, 0.1],
    ]);
    expect(ops.gather(logp, 1, tensor([[2], [0]])).toArray()).toEqual([[Math.fround(0.7)], [0.5]]);
    expect(ops.gather(logp, 0, tensor([[1, 0, 1]])).toArray()).toEqual([[0.5, Math.fround(0.2), Math.fround(0.1)]]);
  });

  it('differentiates, adding the gradient of repeated indices', () => {
    const x = leaf([3, 4], 2);
    expect(
      gradcheck(
        (t, i) => ops.gather(t!, 1, i!),
        [
          x,
          tensor([
            [0, 0, 3],
            [2, 1, 2],
            [3, 3, 3],
          ]),
        ],
      ),
    ).toBe(12);
    const y = tensor([[1, 2]], { requiresGrad: true });
    ops.sum(ops.gather(y, 1, tensor([[1, 1, 1]]))).backward();
    expect(Array.from(y.grad!.data)).toEqual([0, 3]);
  });

  it('rejects out-of-range or fractional indices and mismatched ranks', () => {
    const x = tensor([[1, 2, 3]]);
    expect(() => ops.gather(x, 1, tensor([[0, 3]]))).toThrow(
      new RangeError('Expected integer in [0, 2] for index (element 1) but received 3 of type number'),
    );
    expect(() => ops.gather(x, 1, tensor([[0.5]]))).toThrow(RangeError);
    expect(() => ops.gather(x, 1, tensor([0]))).toThrow(
      new ShapeError(
        'gather: index of shape [1] does not fit x of shape [1, 3] along dim 1 (same rank, no larger in the other dimensions)',
      ),
    );
  });
});
