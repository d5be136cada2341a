// evaluate(): loss and metrics averaged over samples in eval mode without gradients, modes
// restored, same checks as fit, and its own errors.
import { describe, expect, it } from 'vitest';
import { isGradEnabled, losses, metrics, nn, type Tensor } from '../../../lib/index.js';
import { expectRejects } from '../../helpers/errors.js';
import { blobs, mlp } from '../../helpers/train.js';

describe('evaluate', () => {
  it('averages loss and metrics over all samples, whatever the batch size', async () => {
    const { x, y } = blobs(23, 3, 3, 1);
    const model = mlp(3, 5, 3);
    const out = model.predict(x, { batchSize: Infinity });
    const want = { loss: losses.crossEntropy(out, y).item(), accuracy: metrics.sparseCategoricalAccuracy(out, y) };
    for (const batchSize of [1, 5, 23, 100]) {
      const got = await model.evaluate(x, y, { loss: 'crossEntropy', metrics: ['accuracy'], batchSize });
      expect(Object.keys(got)).toEqual(['loss', 'accuracy']);
      expect(got.loss).toBeCloseTo(want.loss, 5);
      expect(got.accuracy).toBe(want.accuracy);
    }
    expect(await model.evaluate(x, y, { metrics: ['acc'] })).toEqual({ acc: want.accuracy });
  });

  it('runs each batch in eval mode without recording, restoring every mode after it', async () => {
    const { x, y } = blobs(8, 2, 2, 2);
    const inner = mlp(2, 4, 2);
    const seen: [boolean, boolean, boolean][] = [];
    const model = new (class extends nn.Module {
      inner = inner;
      forward(input: Tensor): Tensor {
        seen.push([this.training, inner.at(0).training, isGradEnabled()]);
        return this.inner.call(input);
      }
    })();
    inner.at(2).eval();
    await model.evaluate(x, y, { loss: 'crossEntropy', batchSize: 4 });
    expect(seen.slice(-2)).toEqual([
      [false, false, false],
      [false, false, false],
    ]);
    expect([model.training, inner.at(0).training, inner.at(2).training]).toEqual([true, true, false]);
  });

  it('rejects without a loss or metrics, and on bad data', async () => {
    const { x, y } = blobs(4, 2, 2, 3);
    const model = mlp(2, 4, 2);
    await expectRejects(
      model.evaluate(x, y),
      TypeError,
      "evaluate needs a loss or metrics: pass { loss: 'crossEntropy' } and/or { metrics: ['accuracy'] }",
    );
    await expectRejects(
      model.evaluate(x, y, { loss: 'crossEntropy', epochs: 2 } as never),
      RangeError,
      'evaluate: unknown option "epochs"; the options are batchSize, loss, metrics, signal, yieldEveryMs, datasetSize, klWeight',
    );
    await expectRejects(
      model.evaluate(x, Int32Array.of(0, 1, 2, 0), { loss: 'crossEntropy' }),
      RangeError,
      'Expected class index in [0, 1] for y[2] but received 2 of type number',
    );
  });
});
