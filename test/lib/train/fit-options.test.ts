// Bad options fail before training starts, with exact messages: nothing trains, no callback runs.
import { describe, expect, it } from 'vitest';
import { metrics, losses, optim, ShapeError } from '../../../lib/index.js';
import { expectRejects } from '../../helpers/errors.js';
import { blobs, mlp, weightsOf } from '../../helpers/train.js';

const { x, y } = blobs(10, 3, 2, 1);

/** fit(x, y, options) must reject with exactly this error, leaving the model untouched and calling no callback. */
async function rejectsBeforeTraining(
  options: Record<string, unknown>,
  ctor: new (...a: never[]) => Error,
  message: string,
  data: [unknown, unknown] = [x, y],
): Promise<void> {
  const model = mlp(3, 4, 2);
  const before = weightsOf(model);
  let called = false;
  const spy = {
    onTrainBegin: () => {
      called = true;
    },
  };
  const callbacks = Array.isArray(options.callbacks) ? options.callbacks : [spy];
  await expectRejects(
    model.fit(data[0] as never, data[1] as never, { verbose: 0, ...options, callbacks } as never),
    ctor,
    message,
  );
  expect(called).toBe(false);
  expect(weightsOf(model)).toEqual(before);
}

describe('fit option errors', () => {
  it('a missing or unknown loss', async () => {
    await rejectsBeforeTraining(
      {},
      TypeError,
      "fit needs a loss: pass { loss: 'crossEntropy' }, another loss name, or a function (output, target) => scalar tensor",
    );
    await rejectsBeforeTraining(
      { loss: 'crossentropy' },
      RangeError,
      `Expected loss function or loss name (${losses.LOSS_NAMES.join(', ')}, or their PyTorch/Keras spellings) for loss but received "crossentropy" of type string (did you mean "crossEntropy"?)`,
    );
  });

  it('an unknown optimizer or metric name', async () => {
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', optimizer: 'adma' },
      RangeError,
      'Expected Optimizer or optimizer name (adam, adamw, sgd, rmsprop, adagrad) for optimizer but received "adma" of type string',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', optimizer: {} },
      TypeError,
      'Expected Optimizer or optimizer name (adam, adamw, sgd, rmsprop, adagrad) for optimizer but received object',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', metrics: ['accuracy', 'accuarcy'] },
      RangeError,
      `Expected metric function, Metric or metric name (${metrics.METRIC_NAMES.join(', ')}) for metric but received "accuarcy" of type string`,
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', metrics: ['acc', 'acc'] },
      RangeError,
      'metrics: the name "acc" is used twice (or clashes with loss); every logged value needs its own name',
    );
  });

  it('batchSize, epochs and the other numbers', async () => {
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', batchSize: 0 },
      RangeError,
      'Expected positive integer for batchSize but received 0 of type number',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', batchSize: 2.5 },
      RangeError,
      'Expected positive integer for batchSize but received 2.5 of type number',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', batchSize: '32' },
      TypeError,
      'Expected positive integer for batchSize but received "32" of type string',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', epochs: -1 },
      RangeError,
      'Expected positive integer for epochs but received -1 of type number',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', epochs: 2, initialEpoch: 3 },
      RangeError,
      'Expected integer in [0, 2] (epochs) for initialEpoch but received 3 of type number',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', validationSplit: 1 },
      RangeError,
      'Expected number in [0, 1) for validationSplit but received 1 of type number',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', validationSplit: 0.95 },
      RangeError,
      'fit: validationSplit 0.95 of 10 samples leaves no training samples',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', validationSplit: 0.2, validationData: [x, y] },
      RangeError,
      'fit: pass validationSplit or validationData, not both',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', verbose: 3 },
      RangeError,
      'Expected 0, 1 or 2 for verbose but received 3 of type number',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', yieldEveryMs: -1 },
      RangeError,
      'Expected non-negative number or Infinity for yieldEveryMs but received -1 of type number',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', clipGradNorm: 0 },
      RangeError,
      'Expected positive number for clipGradNorm but received 0 of type number',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', shuffle: 'yes' },
      TypeError,
      'Expected boolean for shuffle but received "yes" of type string',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', signal: {} },
      TypeError,
      'Expected AbortSignal for signal but received object',
    );
  });

  it('unknown option names, with the camelCase hint for Keras spellings', async () => {
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', validation_split: 0.2 },
      RangeError,
      'fit: unknown option "validation_split" (did you mean validationSplit?); the options are batchSize, loss, metrics, signal, yieldEveryMs, optimizer, epochs, initialEpoch, shuffle, seed, validationSplit, validationData, callbacks, verbose, clipGradNorm, clipGradValue, printer, datasetSize, klWeight',
    );
  });

  it('callbacks that are not callbacks', async () => {
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', callbacks: [{ onEpochEnd: 1 }] },
      TypeError,
      'Expected function for callbacks[0].onEpochEnd but received 1 of type number',
    );
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', callbacks: [{ onEpochEnds() {} }] },
      TypeError,
      'Expected callback (an object with at least one of onTrainBegin, onTrainEnd, onEpochBegin, onEpochEnd, onBatchBegin, onBatchEnd) for callbacks[0] but received object',
    );
  });

  it('an optimizer over another model, or a model with nothing to train', async () => {
    const other = mlp(3, 4, 2, 1);
    await rejectsBeforeTraining(
      { loss: 'crossEntropy', optimizer: new optim.SGD(other.parameters()) },
      RangeError,
      "fit: the optimizer holds none of Sequential's trainable parameters (was it created for another model?)",
    );
    const frozen = mlp(3, 4, 2);
    for (const p of frozen.parameters()) p.requiresGrad = false;
    await expectRejects(
      frozen.fit(x, y, { loss: 'crossEntropy', verbose: 0 }),
      RangeError,
      'fit: Sequential has no trainable parameters (none with requiresGrad)',
    );
  });

  it('an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await rejectsBeforeTraining({ loss: 'crossEntropy', signal: controller.signal }, Error, 'stop');
  });

  it('shape errors come as ShapeError', async () => {
    await rejectsBeforeTraining({ loss: 'crossEntropy' }, ShapeError, 'fit: x has 10 samples but y has 9', [
      x,
      y.subarray(0, 9),
    ]);
  });
});
