// compile(): names checked at compile time with exact messages, Keras's optimizer defaults,
// and regularizers that add exactly their penalty to the loss and its gradient.
import { describe, expect, it } from 'vitest';
import {
  l2,
  layers,
  losses,
  manualSeed,
  ops,
  optim,
  randn,
  regularizers,
  sequential,
  Tensor,
} from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';

const small = () =>
  sequential([
    layers.dense({ units: 4, activation: 'relu', inputShape: [3] }),
    layers.dense({ units: 2, activation: 'softmax' }),
  ]);

describe('compile', () => {
  it('rejects unknown optimizer, loss and metric names at compile time', () => {
    const m = small();
    expect(() => m.compile({ optimizer: 'adamx' as never, loss: 'mse' })).toThrow(
      new RangeError(
        'Expected optimizer name (adam, adamw, sgd, rmsprop, adagrad) or Optimizer for optimizer but received "adamx" of type string',
      ),
    );
    expect(() => m.compile({ optimizer: 'adam', loss: 'categoricalCrossEntropyy' as never })).toThrow(
      new RangeError(
        'Expected loss function or loss name (crossEntropy, nllLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, mseLoss, l1Loss, huberLoss, smoothL1Loss, klDiv, categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy, or their PyTorch/Keras spellings) for loss but received "categoricalCrossEntropyy" of type string (did you mean "categoricalCrossentropy"?)',
      ),
    );
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['accuracy', 'f1'] })).toThrow(
      new RangeError(
        'Expected metric function, Metric or metric name (accuracy, acc, sparseCategoricalAccuracy, sparse_categorical_accuracy, categoricalAccuracy, categorical_accuracy, binaryAccuracy, binary_accuracy, mse, meanSquaredError, mean_squared_error, mae, meanAbsoluteError, mean_absolute_error) for metric but received "f1" of type string',
      ),
    );
    expect(() => m.compile({ optimizer: 42 as never, loss: 'mse' })).toThrow(
      new TypeError(
        'Expected optimizer name (adam, adamw, sgd, rmsprop, adagrad) or Optimizer for optimizer but received 42 of type number',
      ),
    );
    expect(() => m.compile({ loss: 'mse', lossWeights: [1] } as never)).toThrow(
      new RangeError('compile: unknown option "lossWeights"; the options are optimizer, loss, metrics'),
    );
    expect(() => m.compile({} as never)).toThrow(TypeError);
    expect(m.optimizer).toBeNull();
  });

  it('creates optimizers by name with Keras defaults', () => {
    const m = small();
    const defaults = (name: string): Record<string, unknown> => {
      m.compile({ optimizer: name as never, loss: 'mse' });
      return m.optimizer!.paramGroups[0]! as unknown as Record<string, unknown>;
    };
    expect(defaults('adam')).toMatchObject({ lr: 0.001, eps: 1e-7 });
    expect(defaults('sgd')).toMatchObject({ lr: 0.01 });
    expect(defaults('rmsprop')).toMatchObject({ lr: 0.001, alpha: 0.9, eps: 1e-7 });
    expect(defaults('RMSprop')).toMatchObject({ lr: 0.001, alpha: 0.9 });
    expect(defaults('adagrad')).toMatchObject({ lr: 0.001, initialAccumulatorValue: 0.1 });
    expect(defaults('adamw')).toMatchObject({ lr: 0.001, weightDecay: 0.004 });
    m.compile({ loss: 'mse' });
    expect(m.optimizer).toBeInstanceOf(optim.RMSprop);
    const mine = new optim.SGD(m.module.parameters(), { lr: 0.5, momentum: 0.9 });
    m.compile({ optimizer: mine, loss: 'mse' });
    expect(m.optimizer).toBe(mine);
    expect(m.optimizer!.paramGroups[0]!.params).toHaveLength(4);
  });

  it('fit before compile, or with compile options, fails clearly', async () => {
    const m = small();
    const x = randn([4, 3]);
    await expect(m.fit(x, [0, 1, 0, 1])).rejects.toThrow(
      new Error('fit: the model is not compiled; call model.compile({ optimizer, loss, metrics }) first'),
    );
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await expect(m.fit(x, [0, 1, 0, 1], { loss: 'mse' } as never)).rejects.toThrow(
      new RangeError('fit: loss is set by compile(), not by fit()'),
    );
    await expect(m.fit(x, [0, 1, 0, 1], { batch_size: 2 } as never)).rejects.toThrow(
      'unknown option "batch_size" (did you mean batchSize?)',
    );
  });
});

describe('categoricalCrossentropy after a softmax layer', () => {
  it('has the gradient (p - t) / N at the pre-softmax values, and stays finite when saturated', () => {
    const m = sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const d = m.layers[0]!.parameters() as [Tensor, Tensor];
    const x = new Tensor(Float32Array.of(0.5, -1, 2, 0.25), [2, 2]);
    const t = new Tensor(Float32Array.of(1, 0, 0, 0, 0, 1), [2, 3]);
    const p = m.module.call(x);
    m.loss!(p, t).backward();
    // dL/dz = (p - t) / N, so dL/db = column sums of that.
    const want = [0, 1, 2].map((c) => (p.data[c]! - t.data[c]! + (p.data[3 + c]! - t.data[3 + c]!)) / 2);
    expectClose(d[1].grad!.data, Float32Array.from(want), { rtol: 1e-4, atol: 1e-6 });
    const saturated = new Tensor(Float32Array.of(1, 0, 0), [1, 3]);
    const loss = m.loss!(saturated, new Tensor(Float32Array.of(0, 1, 0), [1, 3])).item();
    expect(loss).toBeCloseTo(-Math.log(1e-7), 3);
  });
});

describe('regularizers', () => {
  it('add exactly l2 * sum(w²) + l1 * sum(|b|) to the loss, and 2·l2·w, l1·sign(b) to the gradient', () => {
    manualSeed(2);
    const m = sequential([
      layers.dense({
        units: 5,
        activation: 'tanh',
        inputShape: [3],
        kernelRegularizer: l2(0.01),
        biasRegularizer: regularizers.l1(0.05),
      }),
      layers.dense({ units: 3, activation: 'softmax', kernelRegularizer: regularizers.l1l2({ l1: 0.02, l2: 0.03 }) }),
    ]);
    const d0 = m.layers[0]!.parameters();
    const [w0, b0] = d0 as [Tensor, Tensor];
    b0.data.set([0.3, -0.2, 0.1, -0.4, 0.5]);
    const [w1] = m.layers[1]!.parameters() as [Tensor];
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const x = randn([6, 3]);
    const y = new Tensor(
      Float32Array.from({ length: 18 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)),
      [6, 3],
    );

    const sumSq = (t: Tensor): number => t.data.reduce((s, v) => s + v * v, 0);
    const sumAbs = (t: Tensor): number => t.data.reduce((s, v) => s + Math.abs(v), 0);
    const penalty = 0.01 * sumSq(w0) + 0.05 * sumAbs(b0) + 0.02 * sumAbs(w1) + 0.03 * sumSq(w1);

    const out = m.module.call(x);
    const base = losses.categoricalCrossentropy(out, y);
    const total = m.loss!(out, y);
    expect(total.item()).toBeCloseTo(base.item() + penalty, 5);

    m.module.zeroGrad();
    base.backward();
    const baseGrads = m.module.parameters().map((p) => Float32Array.from(p.grad!.data));
    m.module.zeroGrad();
    m.loss!(m.module.call(x), y).backward();
    const grads = m.module.parameters().map((p) => p.grad!.data);
    expectClose(
      grads[0]!.map((g, i) => g - baseGrads[0]![i]!),
      w0.data.map((w) => 2 * 0.01 * w),
      { rtol: 1e-3, atol: 1e-6 },
    );
    expectClose(
      grads[1]!.map((g, i) => g - baseGrads[1]![i]!),
      b0.data.map((b) => 0.05 * Math.sign(b)),
      { rtol: 1e-3, atol: 1e-6 },
    );
    expectClose(
      grads[2]!.map((g, i) => g - baseGrads[2]![i]!),
      w1.data.map((w) => 0.02 * Math.sign(w) + 2 * 0.03 * w),
      { rtol: 1e-3, atol: 1e-6 },
    );
    expectClose(grads[3]!, baseGrads[3]!, { rtol: 1e-6, atol: 1e-7 });
  });

  it('the penalty gradient matches finite differences', () => {
    const w = new Tensor(Float32Array.of(0.7, -1.2, 0.4), [3], { requiresGrad: true });
    const reg = regularizers.l1l2({ l1: 0.1, l2: 0.2 });
    reg.penalty(w).backward();
    const h = 1e-3;
    const f = (v: Float32Array): number => reg.penalty(new Tensor(v, [3])).item();
    const numeric = [0, 1, 2].map((i) => {
      const p = Float32Array.from(w.data);
      const q = Float32Array.from(w.data);
      p[i]! += h;
      q[i]! -= h;
      return (f(p) - f(q)) / (2 * h);
    });
    expectClose(w.grad!.data, Float32Array.from(numeric), { rtol: 1e-2, atol: 1e-4 });
  });

  it('evaluate reports the loss with the penalty, as Keras; l2 is not weight decay', async () => {
    manualSeed(4);
    const m = sequential([layers.dense({ units: 2, inputShape: [3], kernelRegularizer: l2(0.5) })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = randn([5, 3]);
    const y = randn([5, 2]);
    const w = m.layers[0]!.parameters()[0]!;
    const mse = ops.mean(ops.pow(ops.sub(m.predict(x), y), 2)).item();
    const loss = await m.evaluate(x, y);
    expect(loss).toBeCloseTo(mse + 0.5 * w.data.reduce((s, v) => s + v * v, 0), 5);
    expect(m.optimizer!.paramGroups[0]!).toMatchObject({ weightDecay: 0 });
    expect(() => l2(-1)).toThrow(
      new RangeError('Expected non-negative finite number for l2 but received -1 of type number'),
    );
  });
});
