// klDiv beyond the PyTorch fixtures: batchmean is the KL divergence per row averaged, logTarget
// is the same divergence, finite-difference gradients, and argument errors.
import { describe, expect, it } from 'vitest';
import { losses, ops, tensor, zeros } from '../../../../lib/index.js';
import { expectThrows } from '../../../helpers/errors.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';

describe('klDiv', () => {
  const p = tensor([
    [0.1, 0.6, 0.3],
    [0.5, 0.25, 0.25],
  ]);
  const q = tensor([
    [0.2, 0.5, 0.3],
    [0.4, 0.4, 0.2],
  ]);
  const kl = (a: number[], b: number[]): number =>
    a.reduce((s, v, i) => s + (v === 0 ? 0 : v * Math.log(v / b[i]!)), 0);

  it("'batchmean' is KL(target || exp(input)) per row, averaged over rows", () => {
    const got = losses.klDiv(ops.log(q), p, { reduction: 'batchmean' }).item();
    const want = (kl([0.1, 0.6, 0.3], [0.2, 0.5, 0.3]) + kl([0.5, 0.25, 0.25], [0.4, 0.4, 0.2])) / 2;
    expect(got).toBeCloseTo(want, 6);
    expect(losses.klDiv(ops.log(q), ops.log(p), { reduction: 'batchmean', logTarget: true }).item()).toBeCloseTo(
      want,
      6,
    );
    expect(losses.klDiv(ops.log(q), p).item()).toBeCloseTo((want * 2) / 6, 6);
  });

  it('gradients by finite differences', () => {
    const x = leaf([2, 3], 8, -2, -0.5);
    const t = leaf([2, 3], 9, 0.1, 0.9);
    expect(gradcheck((a, b) => losses.klDiv(a!, b!, { reduction: 'sum' }), [x, t])).toBe(12);
    expect(
      gradcheck((a, b) => losses.klDiv(a!, b!, { logTarget: true, reduction: 'none' }), [x, leaf([2, 3], 10, -2, 0)]),
    ).toBe(12);
  });

  it('checks its options', () => {
    expectThrows(
      () => losses.klDiv(zeros([2]), zeros([2]), { reduction: 'avg' as never }),
      RangeError,
      `Expected one of 'mean', 'batchmean', 'sum', 'none' for reduction but received "avg" of type string`,
    );
    expectThrows(
      () => losses.klDiv(zeros([2]), zeros([2]), { logTarget: 1 as never }),
      TypeError,
      'Expected boolean for logTarget but received 1 of type number',
    );
  });
});
