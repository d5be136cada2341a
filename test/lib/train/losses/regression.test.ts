// mseLoss, l1Loss, huberLoss, smoothL1Loss beyond the PyTorch fixtures: finite-difference
// gradients, the [N] against [N, 1] trap, and argument errors.
import { describe, expect, it } from 'vitest';
import { losses, ShapeError, tensor, zeros } from '../../../../lib/index.js';
import { expectThrows } from '../../../helpers/errors.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';

describe('regression losses', () => {
  it.each([
    ['mseLoss', losses.mseLoss],
    ['huberLoss', (x: never, t: never) => losses.huberLoss(x, t, { delta: 0.3 })],
    ['smoothL1Loss', (x: never, t: never) => losses.smoothL1Loss(x, t, { beta: 0.4, reduction: 'sum' })],
  ] as const)('%s: gradients for input and target by finite differences', (_name, fn) => {
    const x = leaf([3, 4], 1);
    const t = leaf([3, 4], 2);
    expect(gradcheck((a, b) => (fn as (a: unknown, b: unknown) => never)(a, b), [x, t])).toBe(24);
  });

  it('computes the textbook values', () => {
    const x = tensor([0, 1, 4]);
    const t = tensor([0, 3, 1]);
    expect(losses.mseLoss(x, t).item()).toBeCloseTo((0 + 4 + 9) / 3, 6);
    expect(losses.l1Loss(x, t, { reduction: 'sum' }).item()).toBe(5);
    expect(Array.from(losses.huberLoss(x, t, { reduction: 'none' }).data)).toEqual([0, 1.5, 2.5]);
    expect(Array.from(losses.smoothL1Loss(x, t, { reduction: 'none', beta: 2 }).data)).toEqual([0, 1, 2]);
  });

  it('refuses to broadcast a [N] target against a [N, 1] input', () => {
    expectThrows(
      () => losses.mseLoss(zeros([3, 1]), zeros([3])),
      ShapeError,
      'mseLoss: target shape [3] differs from input shape [3, 1]',
    );
  });

  it('checks its options', () => {
    expectThrows(
      () => losses.huberLoss(zeros([2]), zeros([2]), { delta: 0 }),
      RangeError,
      'Expected positive number for delta but received 0 of type number',
    );
    expectThrows(
      () => losses.smoothL1Loss(zeros([2]), zeros([2]), { beta: -1 }),
      RangeError,
      'Expected non-negative number for beta but received -1 of type number',
    );
    expectThrows(
      () => losses.l1Loss(zeros([2]), zeros([2]), { reduction: 'batchmean' as never }),
      RangeError,
      `Expected one of 'mean', 'sum', 'none' for reduction but received "batchmean" of type string`,
    );
    expectThrows(
      () => losses.mseLoss(zeros([2]), [1, 2] as never),
      TypeError,
      'Expected Tensor for target but received Array(2)',
    );
    expectThrows(
      () => losses.mseLoss(null as never, zeros([2])),
      TypeError,
      'Expected Tensor for input but received null',
    );
  });
});
