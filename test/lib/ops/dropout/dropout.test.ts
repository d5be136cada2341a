// ops.dropout: argument checks (exact texts), the identity cases (same tensor, no draw), p = 1,
// the masks against an oracle built from the Generator's raw draws, the random stream (sequence
// from a generator, repetition with a functional seed, manualSeed), noiseShape against a
// coordinate loop for patterns that fit the broadcast kernel and patterns that do not, and
// gradients by finite differences with the mask fixed.
import { describe, expect, it } from 'vitest';
import { defaultGenerator, Generator, manualSeed, ops, Tensor, tensor } from '../../../../lib/index.js';
import { advance, keepBits, referenceDropout } from '../../../helpers/dropout-oracle.js';
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

/** dropout of x with mask shape `pattern`, drawn from Generator(seed) at offset 0, equals the reference. */
function expectNoiseDropout(x: Tensor, s: number[], pattern: number[], seed: number, p: number): void {
  const y = ops.dropout(x, { p, training: true, seed, noiseShape: pattern });
  const keep = keepBits(
    seed,
    0,
    pattern.reduce((a, b) => a * b, 1),
    p,
  );
  expectBitEqual(y.data, referenceDropout(x.data, s, pattern, keep, p), { pattern });
}

describe('dropout arguments', () => {
  const x = input([2, 3]);

  it('requires the training flag as a boolean', () => {
    expect(() => ops.dropout(x, {} as never)).toThrow(
      new TypeError('Expected boolean for training but received undefined'),
    );
    expect(() => (ops.dropout as (t: Tensor) => Tensor)(x)).toThrow(
      new TypeError('Expected boolean for training but received undefined'),
    );
    expect(() => ops.dropout(x, { training: 1 as never })).toThrow(
      new TypeError('Expected boolean for training but received 1 of type number'),
    );
    expect(() => ops.dropout(x, 'train' as never)).toThrow(
      new TypeError('Expected object for options but received "train" of type string'),
    );
  });

  it('rejects p outside [0, 1] and NaN, in eval too', () => {
    for (const training of [true, false]) {
      expect(() => ops.dropout(x, { p: 1.5, training })).toThrow(
        new RangeError('Expected number in [0, 1] for p but received 1.5 of type number'),
      );
      expect(() => ops.dropout(x, { p: -0.1, training })).toThrow(
        new RangeError('Expected number in [0, 1] for p but received -0.1 of type number'),
      );
      expect(() => ops.dropout(x, { p: Number.NaN, training })).toThrow(
        new RangeError('Expected number in [0, 1] for p but received NaN of type number'),
      );
      expect(() => ops.dropout(x, { p: '0.5' as never, training })).toThrow(
        new TypeError('Expected number in [0, 1] for p but received "0.5" of type string'),
      );
    }
    expect(() => ops.dropout([1, 2] as never, { training: true })).toThrow(
      new TypeError('Expected Tensor for x but received Array(2)'),
    );
  });

  it('takes a generator or a seed, not both', () => {
    expect(() => ops.dropout(x, { training: true, generator: new Generator(1), seed: 2 })).toThrow(
      new TypeError('Expected undefined (a generator is given) for seed but received 2 of type number'),
    );
    expect(() => ops.dropout(x, { training: true, generator: {} as never })).toThrow(
      new TypeError('Expected Generator for generator but received object'),
    );
    expect(() => ops.dropout(x, { training: true, seed: -1 })).toThrow(RangeError);
  });
});

describe('dropout identity cases', () => {
  it('returns x itself without drawing when not training, at p = 0, and for an empty tensor', () => {
    const g = new Generator(3);
    const x = input([4, 5]);
    expect(ops.dropout(x, { p: 0.5, training: false, generator: g })).toBe(x);
    expect(ops.dropout(x, { p: 0, training: true, generator: g })).toBe(x);
    const empty = new Tensor(new Float32Array(0), [0, 5]);
    expect(ops.dropout(empty, { training: true, generator: g })).toBe(empty);
    expect(g.offset).toBe(0);
  });

  it('gives zeros and zero gradients at p = 1, without drawing', () => {
    const g = new Generator(3);
    const x = leaf([3, 4], 2);
    const y = ops.dropout(x, { p: 1, training: true, generator: g });
    expect(Array.from(y.data)).toEqual(new Array(12).fill(0));
    y.backward(new Tensor(new Float32Array(12).fill(1), [3, 4]));
    expect(Array.from(x.grad!.data)).toEqual(new Array(12).fill(0));
    expect(g.offset).toBe(0);
  });
});

describe('dropout masks', () => {
  it.each([0.1, 0.3, 0.5, 0.9])('p=%s: kept elements scaled by 1/(1-p), dropped ones +0, as the raw draws say', (p) => {
    const shape = [7, 37];
    const x = input(shape, 5);
    x.data[3] = Number.NaN;
    x.data[4] = Number.POSITIVE_INFINITY;
    const g = new Generator(11);
    const y1 = ops.dropout(x, { p, training: true, generator: g });
    expect(g.offset).toBe(advance(x.size));
    const y2 = ops.dropout(x, { p, training: true, generator: g });
    expect(g.offset).toBe(2 * advance(x.size));
    expectBitEqual(y1.data, referenceDropout(x.data, shape, shape, keepBits(11, 0, x.size, p), p), { p, call: 1 });
    expectBitEqual(y2.data, referenceDropout(x.data, shape, shape, keepBits(11, advance(x.size), x.size, p), p), {
      p,
      call: 2,
    });
    expect(Array.from(y1.data)).not.toEqual(Array.from(y2.data));
    expect(y1.shape).toEqual(shape);
  });

  it('with a seed repeats its mask on every call (a fresh Generator(seed) each call)', () => {
    const x = input([50]);
    const a = ops.dropout(x, { training: true, seed: 5 });
    const b = ops.dropout(x, { training: true, seed: 5 });
    expectBitEqual(b.data, a.data);
    expectBitEqual(ops.dropout(x, { training: true, generator: new Generator(5) }).data, a.data);
    expect(Array.from(ops.dropout(x, { training: true, seed: 6 }).data)).not.toEqual(Array.from(a.data));
  });

  it('draws from the default generator otherwise: manualSeed makes it reproducible', () => {
    const x = input([64]);
    manualSeed(1);
    const a = ops.dropout(x, { training: true });
    const next = ops.dropout(x, { training: true });
    manualSeed(1);
    const b = ops.dropout(x, { training: true });
    expectBitEqual(b.data, a.data);
    expect(Array.from(next.data)).not.toEqual(Array.from(a.data));
    expect(defaultGenerator.offset).toBe(advance(64));
  });

  it('has the gradient of its mask (finite differences, the mask fixed by the seed)', () => {
    for (const p of [0.2, 0.7]) {
      const n = gradcheck((x) => ops.dropout(x, { p, training: true, seed: 9 }), [leaf([4, 7], 1)], { context: { p } });
      expect(n).toBe(28);
    }
    const x = leaf([40], 3);
    const y = ops.dropout(x, { p: 0.5, training: true, seed: 2 });
    y.backward(new Tensor(new Float32Array(40).fill(1), [40]));
    for (let i = 0; i < 40; i++) expect(x.grad!.data[i]).toBe(y.data[i] === 0 ? 0 : 2);
  });
});

describe('dropout noiseShape (Keras)', () => {
  const shape = [3, 4, 5, 2];
  // [pattern, whether it is one contiguous run of broadcast dimensions (the broadcast kernel)]
  const patterns: [(number | null)[], string][] = [
    [[3, 1, 5, 2], 'fits [outer, mid, inner]'],
    [[1, 4, 5, 2], 'fits, outer = 1'],
    [[3, 4, 5, 1], 'fits, inner = 1'],
    [[3, 1, 1, 2], 'fits, two dimensions shared'],
    [[1, 1, 1, 1], 'one draw for everything'],
    [[3, 1, 5, 1], 'does not fit: dimensions 1 and 3'],
    [[1, 4, 1, 2], 'does not fit: dimensions 0 and 2'],
    [[null, 1, null, 1], 'does not fit, with nulls'],
  ];

  it.each(patterns)('%j (%s) against a coordinate loop, with its gradient', (pattern) => {
    const noise = pattern.map((d, i) => d ?? shape[i]!);
    const bits = noise.reduce((a, b) => a * b, 1);
    const p = 0.4;
    const x = input(shape, 8);
    x.requiresGrad = true;
    const g = new Generator(21);
    g.offset = 8;
    const y = ops.dropout(x, { p, training: true, generator: g, noiseShape: pattern });
    expect(g.offset).toBe(8 + advance(bits));
    const keep = keepBits(21, 8, bits, p);
    expectBitEqual(y.data, referenceDropout(x.data, shape, noise, keep, p), { pattern });
    const v = randomFloats(x.size, 4);
    y.backward(new Tensor(v, shape));
    expectBitEqual(x.grad!.data, referenceDropout(v, shape, noise, keep, p), { pattern, grad: true });
  });

  it('handles dimensions of size 1 in x on either side of the run', () => {
    const s = [3, 1, 5, 1, 2];
    const x = input(s, 2);
    for (const pattern of [
      [3, 1, 1, 1, 2],
      [1, 1, 5, 1, 1],
      [3, 1, 1, 1, 1],
    ]) {
      expectNoiseDropout(x, s, pattern, 4, 0.5);
    }
  });

  it('merges neighbouring drawn dimensions and neighbouring broadcast ones (rank 5)', () => {
    const s = [2, 3, 4, 5, 2];
    const x = input(s, 5);
    for (const pattern of [
      [1, 3, 4, 1, 2],
      [2, 1, 1, 5, 1],
      [1, 3, 1, 1, 2],
      [2, 3, 1, 5, 2],
    ]) {
      expectNoiseDropout(x, s, pattern, 8, 0.6);
    }
  });

  it('equal to x.shape (or all null) is plain dropout', () => {
    const x = input(shape, 3);
    const plain = ops.dropout(x, { training: true, seed: 7 });
    expectBitEqual(ops.dropout(x, { training: true, seed: 7, noiseShape: [3, 4, 5, 2] }).data, plain.data);
    expectBitEqual(ops.dropout(x, { training: true, seed: 7, noiseShape: [null, null, null, null] }).data, plain.data);
  });

  it('has finite-difference gradients on a pattern that does not fit the kernel', () => {
    const n = gradcheck(
      (x) => ops.dropout(x, { p: 0.3, training: true, seed: 3, noiseShape: [2, 1, 3, 1] }),
      [leaf([2, 3, 3, 2], 6)],
    );
    expect(n).toBe(36);
  });

  it('rejects shapes that do not broadcast to x', () => {
    const x = input([3, 4]);
    expect(() => ops.dropout(x, { training: true, noiseShape: [3] })).toThrow(
      new RangeError("Expected array of 2 sizes (x's sizes, 1 or null) for noiseShape but received Array(1)"),
    );
    expect(() => ops.dropout(x, { training: true, noiseShape: [3, 2] })).toThrow(
      new RangeError('Expected 1, 4 or null for noiseShape[1] but received 2 of type number'),
    );
    expect(() => ops.dropout(x, { training: true, noiseShape: ['3', 4] as never })).toThrow(
      new TypeError('Expected 1, 3 or null for noiseShape[0] but received "3" of type string'),
    );
    expect(() => ops.dropout(x, { training: true, noiseShape: 3 as never })).toThrow(
      new TypeError("Expected array of 2 sizes (x's sizes, 1 or null) for noiseShape but received 3 of type number"),
    );
    expect(() => ops.dropout(tensor([1]), { training: true, noiseShape: [2] })).toThrow(
      new RangeError('Expected 1 or null for noiseShape[0] but received 2 of type number'),
    );
  });
});
