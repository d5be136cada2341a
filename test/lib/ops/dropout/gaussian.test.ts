// gaussianDropout and gaussianNoise (Keras semantics): the noise is the backend's randnFill at
// the generator's offset (and close to the Generator's own normal draws), the identity cases,
// argument checks, and gradients: gaussianDropout's backward regenerates its noise bit for bit.
import { describe, expect, it } from 'vitest';
import { Generator, kernels, ops, Tensor } from '../../../../lib/index.js';
import { expectBitEqual, expectClose } from '../../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';
import { randomFloats } from '../../../helpers/rng.js';

const input = (shape: number[], seed = 1): Tensor =>
  new Tensor(
    randomFloats(
      shape.reduce((a, b) => a * b, 1),
      seed,
      -2,
      2,
    ),
    shape,
  );

function normals(n: number, mean: number, std: number, seed: number, offset: number): Float32Array {
  const out = new Float32Array(n);
  kernels().randnFill(out, mean, std, seed, offset, n);
  return out;
}

describe('gaussianDropout', () => {
  it('multiplies by N(1, rate / (1 - rate)) drawn at the generator offset, and advances by whole blocks', () => {
    const rate = 0.3;
    const std = Math.sqrt(rate / (1 - rate));
    const x = input([5, 7]);
    const g = new Generator(9);
    g.offset = 12;
    const y = ops.gaussianDropout(x, { rate, training: true, generator: g });
    expect(g.offset).toBe(12 + 36);
    const e = normals(35, 1, std, 9, 12);
    expectBitEqual(
      y.data,
      Float32Array.from(x.data, (v, i) => v * e[i]!),
    );
    // The same numbers as the Generator's own normal draws (up to the last bit of log/sin/cos).
    const own = new Generator(9);
    own.offset = 12;
    expectClose(e, own.normal(new Float32Array(35), 1, std), { atol: 1e-6, rtol: 1e-6 });
  });

  it('regenerates the same noise for backward: the gradient is the noise, bit for bit', () => {
    const x = new Tensor(new Float32Array(101).fill(1), [101], { requiresGrad: true });
    const y = ops.gaussianDropout(x, { rate: 0.5, training: true, seed: 4 });
    y.backward(new Tensor(new Float32Array(101).fill(1), [101]));
    expectBitEqual(x.grad!.data, y.data);
    expect(gradcheck((t) => ops.gaussianDropout(t, { rate: 0.4, training: true, seed: 2 }), [leaf([3, 5], 3)])).toBe(
      15,
    );
  });

  it('is the identity unless training and at rate 0, without drawing', () => {
    const g = new Generator(1);
    const x = input([4]);
    expect(ops.gaussianDropout(x, { rate: 0.5, training: false, generator: g })).toBe(x);
    expect(ops.gaussianDropout(x, { rate: 0, training: true, generator: g })).toBe(x);
    expect(g.offset).toBe(0);
  });

  it('takes rate in [0, 1): at 1 the noise variance is infinite', () => {
    const x = input([4]);
    expect(() => ops.gaussianDropout(x, { rate: 1, training: true })).toThrow(
      new RangeError('Expected number in [0, 1) for rate but received 1 of type number'),
    );
    expect(() => ops.gaussianDropout(x, { rate: Number.NaN, training: true })).toThrow(
      new RangeError('Expected number in [0, 1) for rate but received NaN of type number'),
    );
    expect(() => ops.gaussianDropout(x, { training: true } as never)).toThrow(
      new TypeError('Expected number in [0, 1) for rate but received undefined'),
    );
    expect(() => ops.gaussianDropout(x, { rate: 0.5 } as never)).toThrow(
      new TypeError('Expected boolean for training but received undefined'),
    );
  });
});

describe('gaussianNoise', () => {
  it('adds N(0, stddev^2) drawn at the generator offset; the gradient passes unchanged', () => {
    const x = input([6, 3], 5);
    x.requiresGrad = true;
    const g = new Generator(77);
    const y = ops.gaussianNoise(x, { stddev: 0.25, training: true, generator: g });
    expect(g.offset).toBe(20);
    const e = normals(18, 0, 0.25, 77, 0);
    expectBitEqual(
      y.data,
      Float32Array.from(x.data, (v, i) => v + e[i]!),
    );
    const v = randomFloats(18, 2);
    y.backward(new Tensor(v, [6, 3]));
    expectBitEqual(x.grad!.data, v);
    expect(gradcheck((t) => ops.gaussianNoise(t, { stddev: 1, training: true, seed: 8 }), [leaf([7], 4)])).toBe(7);
  });

  it('is the identity unless training and at stddev 0; stddev must be finite and >= 0', () => {
    const x = input([3]);
    expect(ops.gaussianNoise(x, { stddev: 0.1, training: false })).toBe(x);
    expect(ops.gaussianNoise(x, { stddev: 0, training: true })).toBe(x);
    expect(() => ops.gaussianNoise(x, { stddev: -1, training: true })).toThrow(
      new RangeError('Expected finite number >= 0 for stddev but received -1 of type number'),
    );
    expect(() => ops.gaussianNoise(x, { stddev: Infinity, training: true })).toThrow(
      new RangeError('Expected finite number >= 0 for stddev but received Infinity of type number'),
    );
  });
});
