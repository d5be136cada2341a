// TerminateOnNaN: training ends after the first batch with a NaN loss.
import { expect, it } from 'vitest';
import { callbacks, ops, type Tensor } from '../../../../lib/index.js';
import { blobs, capturePrinter, mlp } from '../../../helpers/train.js';

it('stops after the batch whose loss is NaN, saying which', async () => {
  const { x, y } = blobs(40, 2, 2, 1);
  const model = mlp(2, 3, 2);
  let batch = 0;
  const loss = (o: Tensor, t: Int32Array) => {
    const l = ops.mean(ops.mul(o, 0.01));
    return batch++ === 2 ? ops.mul(l, Number.NaN) : ops.add(l, t.length * 0);
  };
  const cb = new callbacks.TerminateOnNaN();
  const printer = capturePrinter();
  const h = await model.fit(x, y, { loss, epochs: 5, batchSize: 4, shuffle: false, printer, callbacks: [cb] });
  expect(batch).toBe(3);
  expect(cb.terminatedAt).toBe(2);
  expect(h.epoch).toEqual([0]);
  expect(h.history.loss[0]).toBeNaN();
  expect(printer.text).toMatch(/^Batch 2: invalid loss, terminating training\nEpoch 1\/5 - .* - loss: NaN\n$/);
});
