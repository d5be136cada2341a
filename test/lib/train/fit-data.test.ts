// Data checks before training: x fits the model, x and y agree in length, labels are in range,
// no NaN or Infinity, targets suit the loss; exact messages, nothing trained.
import { describe, expect, it } from 'vitest';
import { nn, ShapeError, Tensor, tensor, zeros } from '../../../lib/index.js';
import { expectRejects } from '../../helpers/errors.js';
import { blobs, mlp, weightsOf } from '../../helpers/train.js';

const { x, y } = blobs(10, 3, 2, 1);

async function rejects(
  model: nn.Module,
  args: unknown[],
  ctor: new (...a: never[]) => Error,
  message: string,
): Promise<void> {
  const before = weightsOf(model);
  let called = false;
  const options = {
    verbose: 0,
    callbacks: [
      {
        onTrainBegin: () => {
          called = true;
        },
      },
    ],
    ...(args[2] as object),
  };
  await expectRejects(model.fit(args[0] as never, args[1] as never, options as never), ctor, message);
  expect(called).toBe(false);
  expect(weightsOf(model)).toEqual(before);
}

describe('fit data errors', () => {
  it('x that does not fit the model names the layer', async () => {
    await rejects(
      mlp(4, 4, 2),
      [x, y, { loss: 'crossEntropy' }],
      ShapeError,
      'Linear(4→4) at layer 0 expected input [*, 4] but received [*, 3]',
    );
  });

  it('mismatched x and y lengths', async () => {
    await rejects(
      mlp(3, 4, 2),
      [x, Int32Array.of(0, 1), { loss: 'crossEntropy' }],
      ShapeError,
      'fit: x has 10 samples but y has 2',
    );
    await rejects(mlp(3, 4, 2), [x, zeros([11, 2]), { loss: 'mse' }], ShapeError, 'fit: x has 10 samples but y has 11');
  });

  it('labels out of range, naming the sample', async () => {
    const bad = Int32Array.from(y);
    bad[7] = 2;
    await rejects(
      mlp(3, 4, 2),
      [x, bad, { loss: 'crossEntropy' }],
      RangeError,
      'Expected class index in [0, 1] for y[7] but received 2 of type number',
    );
    await rejects(
      mlp(3, 4, 2),
      [x, [0, 1, 0, 1, 0, 1, 0, 1, 0, -1], { loss: 'sparseCategoricalCrossentropy' }],
      RangeError,
      'Expected class index in [0, 1] for y[9] but received -1 of type number',
    );
    await rejects(
      mlp(3, 4, 2),
      [x, tensor([0, 1, 0, 1, 0.5, 1, 0, 1, 0, 1]), { loss: 'crossEntropy' }],
      RangeError,
      'Expected class index in [0, 1] for y[4] but received 0.5 of type number',
    );
  });

  it('NaN or Infinity in x, y or the validation data', async () => {
    const nanX = new Tensor(x.data.slice(), x.shape);
    nanX.data[2 * 3 + 1] = Number.NaN;
    await rejects(
      mlp(3, 4, 2),
      [nanX, y, { loss: 'crossEntropy' }],
      RangeError,
      'Expected finite number for x[2, 1] but received NaN of type number',
    );
    const infY = tensor(Array.from({ length: 10 }, (_, i) => (i === 5 ? Infinity : i)));
    await rejects(
      mlp(3, 4, 1),
      [x, infY, { loss: 'mse' }],
      RangeError,
      'Expected finite number for y[5, 0] but received Infinity of type number',
    );
    const valX = new Tensor(x.data.slice(), x.shape);
    valX.data[0] = -Infinity;
    await rejects(
      mlp(3, 4, 2),
      [x, y, { loss: 'crossEntropy', validationData: [valX, y] }],
      RangeError,
      'Expected finite number for validationData[0][0, 0] but received -Infinity of type number',
    );
  });

  it('targets of the wrong kind or shape for the loss', async () => {
    await rejects(
      mlp(3, 4, 2),
      [x, zeros([10, 3]), { loss: 'crossEntropy' }],
      ShapeError,
      'fit: crossEntropy needs y of shape [10] (class indices) or [*, 2] (class probabilities) but received [10, 3]',
    );
    await rejects(
      mlp(3, 4, 2),
      [x, zeros([10, 3]), { loss: 'mse' }],
      ShapeError,
      'fit: y has shape [10, 3] but the model outputs [*, 2] (mseLoss compares them element by element)',
    );
    await rejects(
      mlp(3, 4, 2),
      [x, 'labels', { loss: 'crossEntropy' }],
      TypeError,
      'Expected Tensor, Int32Array or array of numbers for y but received "labels" of type string',
    );
    await rejects(
      mlp(3, 4, 2),
      [x, y, { loss: 'crossEntropy', validationData: [zeros([4, 5]), y.subarray(0, 4)] }],
      ShapeError,
      'Linear(3→4) at layer 0 expected input [*, 3] but received [*, 5]',
    );
    await rejects(
      mlp(3, 4, 2),
      [x, y, { loss: 'crossEntropy', validationData: [x] }],
      TypeError,
      'Expected [x, y] or Dataset for validationData but received Array(1)',
    );
  });

  it('data that is neither a tensor nor a dataset', async () => {
    await rejects(
      mlp(3, 4, 2),
      ['x', { loss: 'crossEntropy' }],
      TypeError,
      'Expected Tensor or nested arrays (with y), or Dataset for x but received "x" of type string',
    );
    // An array without y after it is not converted: there is nothing to pair it with.
    await expectRejects(
      mlp(3, 4, 2).fit([[1, 2, 3]] as never, { loss: 'crossEntropy', verbose: 0 } as never),
      TypeError,
      'Expected Tensor or nested arrays (with y), or Dataset for x but received Array(1)',
    );
  });
});
