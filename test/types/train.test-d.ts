// Typings of the training API: fit/evaluate/predict on modules, losses, callbacks.
import { describe, expectTypeOf, it } from 'vitest';
import { callbacks, type History, type Logs, losses, nn, optim, type Tensor, zeros } from '../../lib/index.js';

declare const x: Tensor<readonly [number, 784]>;
declare const labels: Int32Array;

describe('training API types', () => {
  const model = new nn.Sequential(new nn.Linear(784, 10));

  it('fit resolves with a History, evaluate with logs', () => {
    expectTypeOf(model.fit(x, labels, { loss: 'crossEntropy' })).toEqualTypeOf<Promise<History>>();
    expectTypeOf(model.evaluate(x, labels, { metrics: ['accuracy'] })).toEqualTypeOf<Promise<Logs>>();
    expectTypeOf(
      model.fit(x, labels, { loss: 'crossEntropy', optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }) }),
    ).toEqualTypeOf<Promise<History>>();
    // @ts-expect-error fit needs a loss
    void model.fit(x, labels, {});
    // @ts-expect-error verbose is 0, 1 or 2
    void model.fit(x, labels, { loss: 'mse', verbose: 3 });
  });

  it('predict keeps its shape typing and takes { batchSize }', () => {
    expectTypeOf(model.predict(zeros([5, 784]))).toEqualTypeOf<Tensor<readonly [5, 10]>>();
    expectTypeOf(model.predict(x, { batchSize: 256 })).toEqualTypeOf<Tensor>();
  });

  it('losses return tensors and resolve by name', () => {
    expectTypeOf(losses.crossEntropy(x, labels)).toEqualTypeOf<Tensor>();
    expectTypeOf(losses.resolveLoss('mse').lossName).toEqualTypeOf<string>();
    expectTypeOf(new callbacks.EarlyStopping({ patience: 2 })).toMatchTypeOf<callbacks.Callback>();
  });
});
