// crossEntropy (fused kernel for class indices: one tape node, gradient by finite differences)
// and nllLoss: target forms, reductions, noGrad, and every argument error's exact text.
import { describe, expect, it } from 'vitest';
import { losses, noGrad, ops, ShapeError, tensor, zeros } from '../../../../lib/index.js';
import { expectClose } from '../../../helpers/expect-close.js';
import { expectThrows } from '../../../helpers/errors.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';

const { crossEntropy, nllLoss } = losses;

describe('crossEntropy with class indices', () => {
  it('records one node whose only input is the logits', () => {
    const z = leaf([4, 3], 1);
    const loss = crossEntropy(z, [0, 2, 1, 2]);
    expect(loss.gradFn?.name).toBe('crossEntropy');
    expect(loss.gradFn?.inputs).toEqual([z]);
    expect(loss.shape).toEqual([]);
  });

  it('takes a Tensor, an Int32Array or an array of numbers alike', () => {
    const z = leaf([4, 3], 2, -3, 3);
    const a = crossEntropy(z, tensor([0, 2, 1, 2])).item();
    expect(crossEntropy(z, Int32Array.of(0, 2, 1, 2)).item()).toBe(a);
    expect(crossEntropy(z, [0, 2, 1, 2]).item()).toBe(a);
    // the composed definition: -mean(logSoftmax(z)[i, y_i])
    const want = ops.neg(ops.mean(ops.gather(ops.logSoftmax(z, 1), 1, tensor([0, 2, 1, 2], [4, 1])))).item();
    expect(a).toBeCloseTo(want, 6);
  });

  const configs = [
    { name: 'mean', options: {} },
    { name: 'sum', options: { reduction: 'sum' as const } },
    { name: 'none', options: { reduction: 'none' as const } },
    {
      name: 'weights, smoothing, ignored rows',
      options: { weight: [0.5, 2, 1, 1.5], labelSmoothing: 0.2, ignoreIndex: 1 },
    },
  ];
  it.each(configs)('gradient by finite differences: $name', ({ options }) => {
    const z = leaf([5, 4], 3, -2, 2);
    const compared = gradcheck((x) => crossEntropy(x, [0, 1, 3, 1, 2], options), [z], { context: options });
    expect(compared).toBe(20);
  });

  it('gradient by finite differences: K-dimensional [N, C, d1, d2], weighted, mean', () => {
    const z = leaf([2, 3, 2, 2], 4, -2, 2);
    const y = tensor([0, 2, 1, 1, 2, 0, 0, 1], [2, 2, 2]);
    expect(gradcheck((x) => crossEntropy(x, y, { weight: [1, 2, 0.5] }), [z])).toBe(24);
    expect(gradcheck((x) => crossEntropy(x, y, { reduction: 'none', labelSmoothing: 0.1 }), [z])).toBe(24);
  });

  it('matches the per-row values under noGrad, recording nothing', () => {
    const z = leaf([3, 4], 5);
    const rows = crossEntropy(z, [1, 0, 3], { reduction: 'none' });
    const quiet = noGrad(() => crossEntropy(z, [1, 0, 3], { reduction: 'none' }));
    expect(quiet.requiresGrad).toBe(false);
    expect(Array.from(quiet.data)).toEqual(Array.from(rows.data));
    expect(rows.shape).toEqual([3]);
  });

  it('gives NaN for a mean over rows that are all ignored (0 / 0, as PyTorch)', () => {
    expect(crossEntropy(zeros([2, 3]), [-100, -100]).item()).toBeNaN();
  });
});

describe('crossEntropy with class probabilities', () => {
  it('equals the class-index loss for one-hot targets, gradients included', () => {
    const z1 = leaf([3, 4], 6);
    const z2 = leaf([3, 4], 6);
    const oneHot = tensor([
      [0, 1, 0, 0],
      [0, 0, 0, 1],
      [1, 0, 0, 0],
    ]);
    const a = crossEntropy(z1, oneHot);
    const b = crossEntropy(z2, [1, 3, 0]);
    expect(a.item()).toBeCloseTo(b.item(), 6);
    a.backward();
    b.backward();
    expectClose(z1.grad!.data, z2.grad!.data, { atol: 1e-7, rtol: 1e-5 });
  });
});

describe('crossEntropy argument errors', () => {
  it('names what is wrong', () => {
    expect(() => crossEntropy('x' as never, [0])).toThrow(
      new TypeError('Expected Tensor for logits but received "x" of type string'),
    );
    expect(() => crossEntropy(zeros([2, 3]), [0, 3])).toThrow(
      new RangeError('Expected class index in [0, 2] for target[1] but received 3 of type number'),
    );
    expect(() => crossEntropy(zeros([2, 3]), tensor([0, -1]))).toThrow(
      new RangeError('Expected class index in [0, 2] for target[1] but received -1 of type number'),
    );
    expect(() =>
      crossEntropy(
        zeros([2, 3, 2]),
        tensor([
          [0, 1],
          [2, 0.5],
        ]),
      ),
    ).toThrow(new RangeError('Expected class index in [0, 2] for target[1, 1] but received 0.5 of type number'));
    expect(() => crossEntropy(zeros([2, 3]), [0, 5], { ignoreIndex: 5 })).not.toThrow();
    expect(() => crossEntropy(zeros([2, 3]), [0, 4], { ignoreIndex: 5 })).toThrow(
      new RangeError('Expected class index in [0, 2] or 5 (ignoreIndex) for target[1] but received 4 of type number'),
    );
    expectThrows(
      () => crossEntropy(zeros([2, 3]), Int32Array.of(0, 1, 2)),
      ShapeError,
      'crossEntropy: expected target of shape [2] (class indices) but received 3 indices',
    );
    expectThrows(
      () => crossEntropy(zeros([2, 3]), zeros([2, 2])),
      ShapeError,
      'crossEntropy: expected target of shape [2] (class indices) or [2, 3] (class probabilities) but received [2, 2]',
    );
    expectThrows(
      () => crossEntropy(zeros([2, 3]), [0, 1], { weight: [1, 2] }),
      ShapeError,
      'crossEntropy: expected weight of shape [3] (one per class) but received 2 values',
    );
    expect(() => crossEntropy(zeros([2, 3]), [0, 1], { labelSmoothing: 1.5 })).toThrow(
      new RangeError('Expected number in [0, 1] for labelSmoothing but received 1.5 of type number'),
    );
    expect(() => crossEntropy(zeros([2, 3]), [0, 1], { reduction: 'avg' as never })).toThrow(
      new RangeError(`Expected one of 'mean', 'sum', 'none' for reduction but received "avg" of type string`),
    );
    expect(() => crossEntropy(zeros([2, 3]), [0, 1], { ignoreIndex: 0.5 })).toThrow(
      new RangeError('Expected integer in [-2147483648, 2147483647] for ignoreIndex but received 0.5 of type number'),
    );
    expectThrows(
      () => crossEntropy(zeros([]), [0]),
      ShapeError,
      'Expected logits of rank at least 1 but received shape []',
    );
    expect(() => crossEntropy(zeros([2, 3]), 'abc' as never)).toThrow(
      new TypeError(
        'Expected Tensor, Int32Array or array of class indices for target but received "abc" of type string',
      ),
    );
  });
});

describe('nllLoss', () => {
  it('is crossEntropy after logSoftmax, in value and gradient', () => {
    const z1 = leaf([4, 5], 7);
    const z2 = leaf([4, 5], 7);
    const w = Float32Array.of(1, 2, 0.5, 1, 3);
    const a = nllLoss(ops.logSoftmax(z1, 1), [4, 0, -100, 2], { weight: w });
    const b = crossEntropy(z2, [4, 0, -100, 2], { weight: w });
    expect(a.item()).toBeCloseTo(b.item(), 6);
    a.backward();
    b.backward();
    expectClose(z1.grad!.data, z2.grad!.data, { atol: 1e-7, rtol: 1e-5 });
  });

  it('gradient by finite differences', () => {
    const x = leaf([3, 4], 8);
    expect(gradcheck((v) => nllLoss(v, [3, 1, 0], { reduction: 'none' }), [x])).toBe(12);
  });

  it('rejects indices out of range', () => {
    expect(() => nllLoss(zeros([2, 3]), [3, 0])).toThrow(
      new RangeError('Expected class index in [0, 2] for target[0] but received 3 of type number'),
    );
  });
});
