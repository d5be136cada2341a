// tf.logSumExp, tf.moments and tf.squaredDifference against @tensorflow/tfjs: values, shapes,
// dtypes, and gradients (through tf.grad).
import { describe, expect, it } from 'vitest';
import { expectSame, real, tf, type Lib } from './compare.js';

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

describe('tf.multinomial', () => {
  it('draws class ids with the frequencies of softmax(logits), or of probabilities when normalized', () => {
    const probs = [0.1, 0.6, 0.3];
    const logits = tf.log(tf.tensor2d([probs, [0.5, 0, 0.5]]));
    const draws = tf.multinomial(logits, 3000, 7);
    const theirs = real.multinomial(real.log(real.tensor2d([probs, [0.5, 0, 0.5]])), 3000, 7);
    expect(draws.shape).toEqual(theirs.shape);
    expect(draws.dtype).toBe(theirs.dtype);
    const d = Array.from(draws.dataSync());
    const freq = (row: number, c: number): number =>
      d.slice(row * 3000, (row + 1) * 3000).filter((v) => v === c).length / 3000;
    probs.forEach((p, c) => expect(Math.abs(freq(0, c) - p)).toBeLessThan(0.03));
    expect(freq(1, 1)).toBe(0); // probability 0 is never drawn
    const one = tf.multinomial(tf.tensor1d([0, 0.2, 0.8]), 2000, 3, true);
    expect(one.shape).toEqual([2000]);
    expect(Array.from(one.dataSync()).filter((v) => v === 2).length / 2000).toBeGreaterThan(0.75);
    // A seed reproduces the draws.
    expect(Array.from(tf.multinomial(logits, 50, 11).dataSync())).toEqual(
      Array.from(tf.multinomial(logits, 50, 11).dataSync()),
    );
  });

  it('rejects what tfjs rejects: a rank other than 1 or 2, numSamples that is not a positive integer', () => {
    expect(() => tf.multinomial(tf.ones([1, 2, 3]), 1)).toThrow(/1D or 2D/);
    expect(() => tf.multinomial(tf.ones([3]), 0)).toThrow(RangeError);
  });
});
