// tf.losses and tf.metrics with tfjs's argument order (labels, predictions), against
// @tensorflow/tfjs; and the gradient of a tf.losses value through a dropnet layer.
import { describe, expect, it } from 'vitest';
import { expectBothThrow, expectSame, tf, type Lib } from './compare.js';

const labels = (lib: Lib) =>
  lib.tensor2d([
    [0, 1, 0],
    [1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
  ]);
const probs = (lib: Lib) =>
  lib.tensor2d([
    [0.2, 0.7, 0.1],
    [0.5, 0.3, 0.2],
    [0.3, 0.3, 0.4],
    [0.6, 0.3, 0.1],
  ]);
const logits = (lib: Lib) =>
  lib.tensor2d([
    [1, 3, -1],
    [0.5, 0.1, -2],
    [0, 0, 2],
    [2, 1, 0],
  ]);
const reg = (lib: Lib) =>
  lib.tensor2d([
    [1.5, -2],
    [0.3, 4],
    [2, 2],
  ]);
const regPred = (lib: Lib) =>
  lib.tensor2d([
    [1, -1],
    [0.5, 3],
    [2.5, 2],
  ]);
const binary = (lib: Lib) =>
  lib.tensor2d([
    [1, 0],
    [0, 1],
    [1, 1],
  ]);
const binProbs = (lib: Lib) =>
  lib.tensor2d([
    [0.9, 0.4],
    [0.2, 0.6],
    [0.7, 0.3],
  ]);

describe('tf.losses (labels, predictions)', () => {
  it.each<[string, (lib: Lib) => unknown]>([
    ['meanSquaredError', (lib) => lib.losses.meanSquaredError(reg(lib), regPred(lib))],
    ['absoluteDifference', (lib) => lib.losses.absoluteDifference(reg(lib), regPred(lib))],
    ['huberLoss', (lib) => lib.losses.huberLoss(reg(lib), regPred(lib))],
    ['huberLoss delta 0.5', (lib) => lib.losses.huberLoss(reg(lib), regPred(lib), undefined, 0.5)],
    ['logLoss', (lib) => lib.losses.logLoss(binary(lib), binProbs(lib))],
    ['hingeLoss', (lib) => lib.losses.hingeLoss(binary(lib), regPred(lib))],
    ['softmaxCrossEntropy', (lib) => lib.losses.softmaxCrossEntropy(labels(lib), logits(lib))],
    [
      'softmaxCrossEntropy label smoothing',
      (lib) => lib.losses.softmaxCrossEntropy(labels(lib), logits(lib), undefined, 0.1),
    ],
    ['sigmoidCrossEntropy', (lib) => lib.losses.sigmoidCrossEntropy(binary(lib), regPred(lib))],
    ['cosineDistance', (lib) => lib.losses.cosineDistance(reg(lib), regPred(lib), 1)],
    [
      'meanSquaredError, Reduction.NONE',
      (lib) => lib.losses.meanSquaredError(reg(lib), regPred(lib), undefined, lib.Reduction.NONE),
    ],
    [
      'absoluteDifference, Reduction.SUM',
      (lib) => lib.losses.absoluteDifference(reg(lib), regPred(lib), undefined, lib.Reduction.SUM),
    ],
  ])('%s', (_n, program) => expectSame(program, { atol: 1e-5, rtol: 1e-5 }));

  it('rejects mismatched shapes as tfjs does, and names unsupported weights', () => {
    expectBothThrow((lib) => lib.losses.meanSquaredError(reg(lib), labels(lib)));
    expect(() => tf.losses.meanSquaredError(reg(tf), regPred(tf), tf.ones([3, 2]))).toThrow(
      'dropnet/tfjs: tf.losses.meanSquaredError with weights is not supported',
    );
  });

  it('a tf.losses value is differentiable through dropnet: a custom loss trains', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: (yTrue, yPred) => tf.losses.absoluteDifference(yTrue, yPred) });
    const x = tf.tensor2d([[1], [2], [3], [4]]);
    const h = await model.fit(x, x.mul(2).add(1), { epochs: 30, batchSize: 4, verbose: 0 });
    expect(h.history.loss[29]!).toBeLessThan(h.history.loss[0]! / 4);
  });
});

describe('tf.metrics (yTrue, yPred)', () => {
  it.each<[string, (lib: Lib) => unknown]>([
    ['binaryAccuracy', (lib) => lib.metrics.binaryAccuracy(binary(lib), binProbs(lib))],
    ['categoricalAccuracy', (lib) => lib.metrics.categoricalAccuracy(labels(lib), probs(lib))],
    [
      'sparseCategoricalAccuracy',
      (lib) => lib.metrics.sparseCategoricalAccuracy(lib.tensor1d([1, 0, 2, 0]), probs(lib)),
    ],
    ['meanSquaredError', (lib) => lib.metrics.meanSquaredError(reg(lib), regPred(lib))],
    ['meanAbsoluteError', (lib) => lib.metrics.meanAbsoluteError(reg(lib), regPred(lib))],
    ['meanAbsolutePercentageError', (lib) => lib.metrics.meanAbsolutePercentageError(reg(lib), regPred(lib))],
    ['binaryCrossentropy', (lib) => lib.metrics.binaryCrossentropy(binary(lib), binProbs(lib))],
    ['categoricalCrossentropy', (lib) => lib.metrics.categoricalCrossentropy(labels(lib), probs(lib))],
    [
      'precision',
      (lib) =>
        lib.metrics.precision(
          lib.tensor2d([
            [1, 0],
            [0, 1],
            [1, 1],
          ]),
          lib.tensor2d([
            [1, 1],
            [0, 1],
            [0, 1],
          ]),
        ),
    ],
    [
      'recall',
      (lib) =>
        lib.metrics.recall(
          lib.tensor2d([
            [1, 0],
            [0, 1],
            [1, 1],
          ]),
          lib.tensor2d([
            [1, 1],
            [0, 1],
            [0, 1],
          ]),
        ),
    ],
    ['cosineProximity', (lib) => lib.metrics.cosineProximity(reg(lib), regPred(lib))],
  ])('%s', (_n, program) => expectSame(program, { atol: 1e-5, rtol: 1e-5 }));
});
