// Keras's classification losses: probabilities in (clipped to [1e-7, 1 - 1e-7]), logits with
// fromLogits, and their agreement with the PyTorch-style losses where the two coincide.
import { describe, expect, it } from 'vitest';
import { losses, ops, tensor } from '../../../../lib/index.js';
import { expectClose } from '../../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';

const oneHot = tensor([
  [0, 1, 0],
  [1, 0, 0],
  [0, 0, 1],
  [0, 1, 0],
]);
const indices = Int32Array.of(1, 0, 2, 1);

describe('Keras classification losses', () => {
  it('categoricalCrossentropy on softmax outputs equals crossEntropy on the logits', () => {
    const z = leaf([4, 3], 1, -2, 2);
    const want = losses.crossEntropy(z, indices).item();
    expect(losses.categoricalCrossentropy(ops.softmax(z, 1), oneHot).item()).toBeCloseTo(want, 5);
    expect(losses.categoricalCrossentropy(z, oneHot, { fromLogits: true }).item()).toBeCloseTo(want, 6);
    expect(losses.sparseCategoricalCrossentropy(ops.softmax(z, 1), indices).item()).toBeCloseTo(want, 5);
    expect(losses.sparseCategoricalCrossentropy(z, indices, { fromLogits: true }).item()).toBeCloseTo(want, 6);
  });

  it('normalizes rows and clips probabilities as Keras does', () => {
    // A zero probability on the true class costs -log(1e-7), not Infinity.
    const p = tensor([[1, 0]]);
    expect(losses.categoricalCrossentropy(p, tensor([[0, 1]])).item()).toBeCloseTo(-Math.log(1e-7), 4);
    // Rows that do not sum to 1 are normalized first.
    const q = tensor([
      [0.2, 0.6],
      [1, 1],
    ]);
    const t = tensor([
      [0, 1],
      [1, 0],
    ]);
    expect(losses.categoricalCrossentropy(q, t).item()).toBeCloseTo(-(Math.log(0.75) + Math.log(0.5)) / 2, 6);
    // label smoothing mixes in the uniform distribution over the classes
    const smooth = losses.categoricalCrossentropy(q, t, { labelSmoothing: 0.2 }).item();
    const row = (p0: number, t0: number) =>
      -((t0 * 0.8 + 0.1) * Math.log(p0) + ((1 - t0) * 0.8 + 0.1) * Math.log(1 - p0));
    expect(smooth).toBeCloseTo((row(0.25, 0) + row(0.5, 1)) / 2, 6);
  });

  it('binaryCrossentropy clips with Keras epsilon and agrees with the logits form', () => {
    const eps = 1e-7;
    const got = losses.binaryCrossentropy(tensor([1, 0.25]), tensor([0, 1]), {}).item();
    const want = (-Math.log(1 - (1 - eps) + eps) - Math.log(0.25 + eps)) / 2;
    expect(got).toBeCloseTo(want, 4);
    const z = leaf([3, 2], 2, -3, 3);
    const t = tensor([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    expect(losses.binaryCrossentropy(ops.sigmoid(z), t).item()).toBeCloseTo(
      losses.binaryCrossEntropyWithLogits(z, t).item(),
      5,
    );
    expect(losses.binaryCrossentropy(z, t, { fromLogits: true }).item()).toBeCloseTo(
      losses.binaryCrossEntropyWithLogits(z, t).item(),
      6,
    );
  });

  it('gradients by finite differences', () => {
    const p = leaf([3, 3], 3, 0.1, 0.9);
    expect(
      gradcheck(
        (x) =>
          losses.categoricalCrossentropy(
            x!,
            tensor([
              [0, 1, 0],
              [1, 0, 0],
              [0, 0, 1],
            ]),
          ),
        [p],
      ),
    ).toBe(9);
    const q = leaf([3, 2], 4, 0.1, 0.9);
    expect(
      gradcheck(
        (x) =>
          losses.binaryCrossentropy(
            x!,
            tensor([
              [1, 0],
              [0, 1],
              [1, 1],
            ]),
          ),
        [q],
      ),
    ).toBe(6);
  });

  it('sparseCategoricalCrossentropy flattens leading dimensions (classes last)', () => {
    const z = leaf([2, 3, 4], 5);
    const y = tensor([
      [0, 3, 1],
      [2, 2, 0],
    ]);
    const flat = losses.crossEntropy(z.reshape([6, 4]), y.reshape([6]));
    expectClose([losses.sparseCategoricalCrossentropy(z, y, { fromLogits: true }).item()], [flat.item()], {
      atol: 1e-7,
    });
  });
});
