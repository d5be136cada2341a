// binaryCrossEntropy and binaryCrossEntropyWithLogits beyond the PyTorch fixtures: the two
// agree, gradients by finite differences, extreme logits stay finite, and argument errors.
import { describe, expect, it } from 'vitest';
import { losses, ops, ShapeError, tensor, zeros } from '../../../../lib/index.js';
import { expectThrows } from '../../../helpers/errors.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';

describe('binary cross-entropy', () => {
  it('on probabilities equals the logits form after a sigmoid', () => {
    const z = leaf([4, 2], 3, -3, 3);
    const t = tensor([
      [1, 0],
      [0, 1],
      [1, 1],
      [0.25, 0],
    ]);
    const a = losses.binaryCrossEntropy(ops.sigmoid(z), t).item();
    const b = losses.binaryCrossEntropyWithLogits(z, t).item();
    expect(a).toBeCloseTo(b, 5);
  });

  it('gradients by finite differences (logits: input and target; weights and posWeight)', () => {
    const z = leaf([3, 2], 4, -2, 2);
    const t = leaf([3, 2], 5, 0, 1);
    const options = { weight: tensor([0.5, 2]), posWeight: tensor([3, 0.5]) };
    expect(gradcheck((a, b) => losses.binaryCrossEntropyWithLogits(a!, b!, options), [z, t])).toBe(12);
    const p = leaf([3, 2], 6, 0.1, 0.9);
    const y = tensor([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    expect(gradcheck((a) => losses.binaryCrossEntropy(a!, y, { reduction: 'sum' }), [p])).toBe(6);
  });

  it('stays finite for huge logits and for probabilities of exactly 0 and 1', () => {
    expect(
      losses.binaryCrossEntropyWithLogits(tensor([1000, -1000]), tensor([0, 1]), { reduction: 'none' }).toArray(),
    ).toEqual([1000, 1000]);
    // log clamped at -100: a certain, wrong prediction costs 100
    expect(losses.binaryCrossEntropy(tensor([0, 1]), tensor([1, 0]), { reduction: 'none' }).toArray()).toEqual([
      100, 100,
    ]);
  });

  it('rejects bad probabilities, shapes, weights and a target that wants a gradient', () => {
    expectThrows(
      () => losses.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1])),
      RangeError,
      'Expected probability in [0, 1] for input[1] but received 1.5 of type number',
    );
    expectThrows(
      () => losses.binaryCrossEntropy(tensor([[0.5], [Number.NaN]]), tensor([[0], [1]])),
      RangeError,
      'Expected probability in [0, 1] for input[1, 0] but received NaN of type number',
    );
    expectThrows(
      () => losses.binaryCrossEntropyWithLogits(zeros([2, 3]), zeros([2, 3]), { posWeight: zeros([2]) }),
      ShapeError,
      'binaryCrossEntropyWithLogits: posWeight of shape [2] does not broadcast to the input shape [2, 3]',
    );
    expectThrows(
      () => losses.binaryCrossEntropy(zeros([2]), zeros([2]), { weight: [1, 2] as never }),
      TypeError,
      'Expected Tensor or null for weight but received Array(2)',
    );
    const t = zeros([2], { requiresGrad: true });
    expectThrows(
      () => losses.binaryCrossEntropy(tensor([0.5, 0.5]), t),
      Error,
      'binaryCrossEntropy: the gradient with respect to the target is not implemented (nor in PyTorch); pass target.detach()',
    );
    expect(() => losses.binaryCrossEntropy(tensor([0.5, 0.5]), t.detach())).not.toThrow();
  });
});
