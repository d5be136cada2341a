// Metrics: the accuracies (sparse, categorical, binary with its threshold), mse, mae; 'accuracy'
// chosen from the loss as Keras does; running means over batches; errors.
import { describe, expect, it } from 'vitest';
import { losses, metrics, ShapeError, tensor } from '../../../lib/index.js';
import { expectThrows } from '../../helpers/errors.js';

const logits = tensor([
  [2, 1, 0],
  [0, 3, 1],
  [1, 0, 5],
  [4, 4, 0],
]);

describe('accuracy functions', () => {
  it('sparse: argmax against class indices (first maximum on ties)', () => {
    expect(metrics.sparseCategoricalAccuracy(logits, Int32Array.of(0, 1, 0, 0))).toBe(0.75);
    expect(metrics.sparseCategoricalAccuracy(logits, [0, 1, 2, 1])).toBe(0.75);
    expect(metrics.sparseCategoricalAccuracy(logits, tensor([0, 1, 2, 0]))).toBe(1);
  });

  it('sparse over K-dimensional outputs: classes on dimension 1', () => {
    // [N=1, C=2, d=3]: argmax over the 2 classes at each of the 3 positions
    const out = tensor([
      [
        [0, 5, 1],
        [1, 0, 0],
      ],
    ]);
    expect(metrics.sparseCategoricalAccuracy(out, tensor([[1, 0, 0]]))).toBe(1);
  });

  it('categorical: argmax of output against argmax of one-hot or probability rows', () => {
    const t = tensor([
      [1, 0, 0],
      [0, 0.9, 0.1],
      [0.2, 0.5, 0.3],
      [1, 0, 0],
    ]);
    expect(metrics.categoricalAccuracy(logits, t)).toBe(0.75);
  });

  it('binary: threshold 0.5 on probabilities, 0 on logits; targets positive above 0.5', () => {
    const p = tensor([[0.9], [0.4], [0.6], [0.1]]);
    const y = tensor([[1], [1], [0], [0]]);
    expect(metrics.binaryAccuracy(p, y)).toBe(0.5);
    expect(metrics.binaryAccuracy(tensor([[2], [-1], [0.5], [-3]]), y, { threshold: 0 })).toBe(0.5);
    expect(metrics.accuracy(tensor([[2], [1], [-1], [-3]]), y, { fromLogits: true })).toBe(1);
  });

  it('accuracy picks its kind from the target', () => {
    expect(metrics.accuracy(logits, [0, 1, 2, 0])).toBe(1);
    expect(
      metrics.accuracy(
        logits,
        tensor([
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
          [0, 1, 0],
        ]),
      ),
    ).toBe(0.75);
    expect(metrics.accuracy(tensor([0.8, 0.2]), tensor([1, 0]))).toBe(1);
  });

  it('mse and mae', () => {
    expect(metrics.mse(tensor([1, 2, 3]), tensor([1, 0, 6]))).toBeCloseTo(13 / 3, 12);
    expect(metrics.mae(tensor([1, 2, 3]), tensor([1, 0, 6]))).toBeCloseTo(5 / 3, 12);
  });

  it('rejects shapes that do not match', () => {
    expectThrows(
      () => metrics.sparseCategoricalAccuracy(logits, [0, 1]),
      ShapeError,
      'sparseCategoricalAccuracy: expected 4 class indices for output [4, 3] but received 2',
    );
    expectThrows(
      () => metrics.mse(tensor([1, 2]), tensor([1, 2, 3])),
      ShapeError,
      'mse: target shape [3] differs from output shape [2]',
    );
    expectThrows(
      () => metrics.categoricalAccuracy(logits, [1, 2] as never),
      TypeError,
      'Expected Tensor for target but received Array(2)',
    );
  });
});

describe('resolveMetric', () => {
  it("chooses 'accuracy' from the loss, as Keras", () => {
    const y = tensor([[1], [0]]);
    const bceLogits = metrics.resolveMetric('accuracy', losses.resolveLoss('binaryCrossEntropyWithLogits'));
    bceLogits.update(tensor([[0.3], [-0.2]]), y);
    expect(bceLogits.result()).toBe(1); // threshold 0 for logits
    const bce = metrics.resolveMetric('acc', losses.resolveLoss('binaryCrossentropy'));
    bce.update(tensor([[0.3], [0.2]]), y);
    expect(bce.result()).toBe(0.5); // threshold 0.5 for probabilities
    const cat = metrics.resolveMetric('accuracy', losses.resolveLoss('categoricalCrossentropy'));
    cat.update(
      logits,
      tensor([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [0, 0, 1],
      ]),
    );
    expect(cat.result()).toBe(0.75);
  });

  it('keeps a running mean weighted by batch size', () => {
    const m = metrics.resolveMetric('sparseCategoricalAccuracy');
    expect(m.result()).toBeNaN();
    m.update(logits, [0, 1, 2, 0]); // 4 of 4
    m.update(tensor([[0, 1]]), [0]); // 0 of 1
    expect(m.result()).toBe(0.8);
    m.reset();
    m.update(tensor([[0, 1]]), [1]);
    expect(m.result()).toBe(1);
  });

  it('takes functions (named after them) and Metric objects', () => {
    function top(o: ReturnType<typeof tensor>): number {
      return o.data[0]!;
    }
    const m = metrics.resolveMetric(top);
    expect(m.name).toBe('top');
    m.update(tensor([[3], [0]]), tensor([[0], [0]])); // batch mean 3 over 2 samples
    m.update(tensor([[0]]), tensor([[0]])); // 0 over 1
    expect(m.result()).toBe(2);
    const own = { name: 'own', update() {}, result: () => 7, reset() {} };
    expect(metrics.resolveMetric(own)).toBe(own);
    expect(metrics.resolveMetric('mean_absolute_error').name).toBe('mean_absolute_error');
  });

  it('rejects unknown names', () => {
    const names = metrics.METRIC_NAMES.join(', ');
    expectThrows(
      () => metrics.resolveMetric('accuarcy'),
      RangeError,
      `Expected metric function, Metric or metric name (${names}) for metric but received "accuarcy" of type string`,
    );
    expectThrows(
      () => metrics.resolveMetric(5 as never),
      TypeError,
      `Expected metric function, Metric or metric name (${names}) for metric but received 5 of type number`,
    );
  });
});
