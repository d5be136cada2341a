// tf.logSumExp, tf.moments and tf.squaredDifference against @tensorflow/tfjs: values, shapes,
// dtypes, and gradients (through tf.grad).
import { describe, expect, it } from 'vitest';
import { expectSame, tf, type Lib } from './compare.js';

type T = ReturnType<Lib['tensor']>;

const x = (tf: Lib): T =>
  tf.tensor2d([
    [1, 2, 3, 100],
    [-5, 0, 0.5, 2],
    [90, 91, -1, 0],
  ]);

describe('composite ops', () => {
  it('logSumExp over all, one axis, several axes, keepDims; stable for large values; int32 input', () => {
    expectSame((tf) => tf.logSumExp(x(tf)));
    expectSame((tf) => tf.logSumExp(x(tf), 1));
    expectSame((tf) => tf.logSumExp(x(tf), 0, true));
    expectSame((tf) => tf.logSumExp(x(tf), [0, 1], true));
    expectSame((tf) => tf.logSumExp(x(tf), -1));
    expectSame((tf) => tf.logSumExp(tf.tensor1d([1, 2, 3], 'int32')));
    expectSame((tf) => tf.grad((v: T) => tf.logSumExp(v, 1).sum())(x(tf)));
  });

  it('moments: mean and biased variance over axes, keepDims', () => {
    for (const [axes, keep] of [
      [null, false],
      [0, false],
      [1, true],
      [[0, 1], false],
    ] as const) {
      expectSame((tf) => tf.moments(x(tf), axes as never, keep).mean);
      expectSame((tf) => tf.moments(x(tf), axes as never, keep).variance, { atol: 1e-4, rtol: 1e-5 });
    }
    expectSame((tf) => tf.grad((v: T) => tf.moments(v, 0).variance.sum())(x(tf)), { atol: 1e-4, rtol: 1e-5 });
  });

  it('squaredDifference broadcasts and keeps int32', () => {
    expectSame((tf) => tf.squaredDifference(x(tf), tf.tensor1d([1, 0, -1, 2])));
    expectSame((tf) => tf.squaredDifference(tf.tensor1d([1, 5], 'int32'), tf.tensor1d([3, 2], 'int32')));
    expect(() => tf.squaredDifference(tf.ones([2, 3]), tf.ones([4]))).toThrow();
  });
});
