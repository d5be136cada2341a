// resolveLoss: PyTorch and Keras names, what each resolved loss expects, functions, and errors.
import { describe, expect, it } from 'vitest';
import { losses, ops, tensor } from '../../../../lib/index.js';
import { expectThrows } from '../../../helpers/errors.js';

describe('resolveLoss', () => {
  it('knows PyTorch and Keras spellings', () => {
    const cases: [string, string, string, string][] = [
      ['crossEntropy', 'crossEntropy', 'logits', 'classIndicesOrProbabilities'],
      ['CrossEntropyLoss', 'crossEntropy', 'logits', 'classIndicesOrProbabilities'],
      ['cross_entropy', 'crossEntropy', 'logits', 'classIndicesOrProbabilities'],
      ['NLLLoss', 'nllLoss', 'logProbabilities', 'classIndices'],
      ['BCEWithLogitsLoss', 'binaryCrossEntropyWithLogits', 'logits', 'binary'],
      ['mse', 'mseLoss', 'values', 'values'],
      ['meanSquaredError', 'mseLoss', 'values', 'values'],
      ['mean_absolute_error', 'l1Loss', 'values', 'values'],
      ['mae', 'l1Loss', 'values', 'values'],
      ['categoricalCrossentropy', 'categoricalCrossentropy', 'probabilities', 'probabilities'],
      ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy', 'probabilities', 'classIndices'],
      ['binaryCrossentropy', 'binaryCrossentropy', 'probabilities', 'binary'],
      ['KLDivLoss', 'klDiv', 'logProbabilities', 'probabilities'],
    ];
    for (const [name, lossName, output, target] of cases) {
      const loss = losses.resolveLoss(name as losses.LossName);
      expect({ name, lossName: loss.lossName, output: loss.output, target: loss.target }).toEqual({
        name,
        lossName,
        output,
        target,
      });
    }
  });

  it('fromLogits switches Keras losses to logits', () => {
    const loss = losses.resolveLoss('sparseCategoricalCrossentropy', { fromLogits: true });
    expect(loss.output).toBe('logits');
    const z = tensor([
      [1, 2, 0.5],
      [0.1, -1, 2],
    ]);
    expect(loss(z, Int32Array.of(1, 2)).item()).toBeCloseTo(losses.crossEntropy(z, [1, 2]).item(), 6);
    expect(losses.resolveLoss('binaryCrossEntropyWithLogits', { fromLogits: true }).output).toBe('logits');
  });

  it('wraps a function, keeping its name', () => {
    function myLoss(o: ReturnType<typeof tensor>, t: ReturnType<typeof tensor>) {
      return ops.mean(ops.mul(ops.sub(o, t), ops.sub(o, t)));
    }
    const loss = losses.resolveLoss(myLoss);
    expect([loss.lossName, loss.output, loss.target]).toEqual(['myLoss', 'values', 'any']);
    expect(loss(tensor([1, 2]), tensor([1, 4])).item()).toBe(2);
    expect(losses.resolveLoss(loss)).toBe(loss);
  });

  it('rejects unknown names and misplaced fromLogits', () => {
    const names =
      'crossEntropy, nllLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, mseLoss, l1Loss, huberLoss, smoothL1Loss, klDiv, categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy';
    expectThrows(
      () => losses.resolveLoss('crossentropy' as never),
      RangeError,
      `Expected loss function or loss name (${names}, or their PyTorch/Keras spellings) for loss but received "crossentropy" of type string (did you mean "crossEntropy"?)`,
    );
    expectThrows(
      () => losses.resolveLoss(3 as never),
      TypeError,
      `Expected loss function or loss name (${names}, or their PyTorch/Keras spellings) for loss but received 3 of type number`,
    );
    expectThrows(
      () => losses.resolveLoss('mse', { fromLogits: true }),
      RangeError,
      "fromLogits applies to Keras's categoricalCrossentropy, sparseCategoricalCrossentropy and binaryCrossentropy, not to mseLoss",
    );
    expectThrows(
      () => losses.resolveLoss('crossEntropy', { fromLogits: false }),
      RangeError,
      'crossEntropy takes logits; fromLogits: false does not apply to it',
    );
  });
});
