// alphaDropout and featureAlphaDropout: the constants (α' is SELU's saturation value), kept and
// dropped values against the formulas with the raw draws, whole channels, the identity cases,
// p = 1, gradients (a where kept, 0 where dropped) and by finite differences.
import { describe, expect, it } from 'vitest';
import { Generator, ops, Tensor } from '../../../../lib/index.js';
import { advance, keepBits } from '../../../helpers/dropout-oracle.js';
import { expectBitEqual } from '../../../helpers/expect-close.js';
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

/** PyTorch's coefficients, written out: a = ((1-p)(1 + p α'^2))^-1/2, b = -a α' p. */
function coefficients(p: number): { a: number; b: number } {
  const alpha = -1.0507009873554805 * 1.6732632423543772;
  const a = ((1 - p) * (1 + p * alpha ** 2)) ** -0.5;
  return { a, b: -a * alpha * p };
}

function reference(x: Float32Array, keep: (i: number) => boolean, p: number): Float32Array {
  const { a, b } = coefficients(p);
  return Float32Array.from(x, (v, i) => (keep(i) ? a * v + b : a * ops.ALPHA_PRIME + b));
}

describe('alphaDropout', () => {
  it("drops to SELU's negative saturation value -λα", () => {
    expect(ops.ALPHA_PRIME).toBe(-1.7580993408473766);
    const far = ops.selu(new Tensor(Float32Array.of(-40), [1])).item();
    expect(far).toBe(Math.fround(ops.ALPHA_PRIME));
  });

  it.each([0.1, 0.5, 0.8])("p=%s: kept a·x + b, dropped a·α' + b, as the raw draws say", (p) => {
    const x = input([9, 13], 3);
    const g = new Generator(40);
    const y = ops.alphaDropout(x, { p, training: true, generator: g });
    expect(g.offset).toBe(advance(x.size));
    const keep = keepBits(40, 0, x.size, p);
    expectBitEqual(
      y.data,
      reference(x.data, (i) => keep[i]!, p),
      { p },
    );
  });

  it('is the identity unless training and at p = 0 (no draw); zeros with zero gradients at p = 1', () => {
    const g = new Generator(1);
    const x = leaf([5, 4], 2);
    expect(ops.alphaDropout(x, { training: false, generator: g })).toBe(x);
    expect(ops.alphaDropout(x, { p: 0, training: true, generator: g })).toBe(x);
    const y = ops.alphaDropout(x, { p: 1, training: true, generator: g });
    expect(y.data.every((v) => Object.is(v, 0))).toBe(true);
    y.backward(new Tensor(new Float32Array(20).fill(1), [5, 4]));
    expect(x.grad!.data.every((v) => v === 0)).toBe(true);
    expect(g.offset).toBe(0);
  });

  it('has gradient a where kept and 0 where dropped, and passes finite differences', () => {
    const p = 0.3;
    const x = leaf([64], 5);
    const y = ops.alphaDropout(x, { p, training: true, seed: 6 });
    y.backward(new Tensor(new Float32Array(64).fill(1), [64]));
    const keep = keepBits(6, 0, 64, p);
    const a = Math.fround(coefficients(p).a);
    for (let i = 0; i < 64; i++) expect(x.grad!.data[i]).toBe(keep[i] ? a : 0);
    expect(gradcheck((t) => ops.alphaDropout(t, { p: 0.6, training: true, seed: 3 }), [leaf([3, 8], 9)])).toBe(24);
  });

  it('checks p and the training flag', () => {
    const x = input([2]);
    expect(() => ops.alphaDropout(x, { p: 2, training: true })).toThrow(
      new RangeError('Expected number in [0, 1] for p but received 2 of type number'),
    );
    expect(() => ops.alphaDropout(x, {} as never)).toThrow(
      new TypeError('Expected boolean for training but received undefined'),
    );
  });
});

describe('featureAlphaDropout', () => {
  it.each([[[4, 3, 5, 2]], [[3, 6]], [[2, 2, 2, 3, 2]]])(
    'on %j: whole (sample, channel) pairs, as the raw draws say',
    (shape) => {
      const p = 0.5;
      const x = input(shape, 8);
      const g = new Generator(12);
      const y = ops.featureAlphaDropout(x, { p, training: true, generator: g });
      const channels = shape[0]! * shape[1]!;
      const size = x.size / channels;
      expect(g.offset).toBe(advance(channels));
      const keep = keepBits(12, 0, channels, p);
      expectBitEqual(
        y.data,
        reference(x.data, (i) => keep[Math.floor(i / size)]!, p),
        { shape },
      );
    },
  );

  it('has finite-difference gradients; needs (N, C, ...)', () => {
    expect(
      gradcheck((t) => ops.featureAlphaDropout(t, { p: 0.5, training: true, seed: 4 }), [leaf([2, 3, 4], 1)]),
    ).toBe(24);
    expect(() => ops.featureAlphaDropout(input([5]), { training: true })).toThrow(
      'featureAlphaDropout: expected input (N, C, *) of rank >= 2 but received [5]',
    );
    const x = input([2, 3]);
    expect(ops.featureAlphaDropout(x, { training: false })).toBe(x);
  });
});
