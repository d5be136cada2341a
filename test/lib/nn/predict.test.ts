// Module.predict on large inputs: slices of batchSize joined by sample, equal to one call;
// other argument lists untouched; errors.
import { describe, expect, it } from 'vitest';
import { nn, ops, ShapeError, type Tensor, randn } from '../../../lib/index.js';
import { expectThrows } from '../../helpers/errors.js';
import { mlp } from '../../helpers/train.js';

describe('predict in batches', () => {
  it('gives the same output as one call, for any batch size', () => {
    const model = mlp(5, 7, 3);
    const x = randn([70, 5]);
    const whole = model.predict(x, { batchSize: Infinity });
    for (const batchSize of [1, 32, 69, 70]) {
      const y = model.predict(x, { batchSize });
      expect(y.shape).toEqual([70, 3]);
      expect(Array.from(y.data)).toEqual(Array.from(whole.data));
    }
    expect(Array.from(model.predict(x).data)).toEqual(Array.from(whole.data));
  });

  it('calls forward once per slice of at most batchSize samples (32 by default)', () => {
    const sizes: number[] = [];
    const model = new (class extends nn.Module {
      forward(input: Tensor): Tensor {
        sizes.push(input.shape[0]!);
        return ops.mul(input, 2);
      }
    })();
    model.predict(randn([70, 2]));
    expect(sizes).toEqual([32, 32, 6]);
    sizes.length = 0;
    model.predict(randn([70, 2]), { batchSize: 50 });
    expect(sizes).toEqual([50, 20]);
  });

  it('passes other argument lists to forward as they are', () => {
    const model = new (class extends nn.Module {
      forward(a: Tensor, b?: unknown): Tensor {
        return b === undefined ? a : ops.add(a, b as Tensor);
      }
    })();
    const a = randn([40, 2]);
    const sum = (model.predict as (a: Tensor, b: Tensor) => Tensor)(a, a);
    expect(sum.data[0]).toBeCloseTo(2 * a.data[0]!, 6);
  });

  it('refuses to join outputs that have no sample dimension, and checks batchSize', () => {
    const model = new (class extends nn.Module {
      forward(input: Tensor): Tensor {
        return ops.sum(input);
      }
    })();
    expectThrows(
      () => model.predict(randn([40, 2])),
      ShapeError,
      'predict: a batch of 32 samples gave shape [], so outputs cannot be joined by sample; pass { batchSize: Infinity } to run the input in one call'.replace(
        'predict',
        `${model.layerName}.predict`,
      ),
    );
    expect(model.predict(randn([40, 2]), { batchSize: Infinity }).shape).toEqual([]);
    expectThrows(
      () => mlp(2, 2, 2).predict(randn([4, 2]), { batchSize: 0 }),
      RangeError,
      'Expected positive integer or Infinity for batchSize but received 0 of type number',
    );
  });
});
