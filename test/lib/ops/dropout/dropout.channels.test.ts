// Channel dropout: dropout1d/2d/3d (channels first, batched or not) and spatialDropout1d/2d/3d
// (channels last, Keras), each against a coordinate loop over the raw draws; channels-first and
// channels-last layouts agree through a transpose; rank errors; gradients by finite differences.
import { describe, expect, it } from 'vitest';
import { Generator, ops, Tensor } from '../../../../lib/index.js';
import { advance, coordsOf, keepBits, permute, referenceDropout } from '../../../helpers/dropout-oracle.js';
import { expectBitEqual } from '../../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';
import { randomFloats } from '../../../helpers/rng.js';

const input = (shape: number[], seed = 1): Tensor =>
  new Tensor(
    randomFloats(
      shape.reduce((a, b) => a * b, 1),
      seed,
      0.5,
      2,
    ),
    shape,
  );

type ChannelOp = (x: Tensor, o: { p?: number; training: boolean; generator?: Generator; seed?: number }) => Tensor;

const channelsFirst: [string, ChannelOp, number[][]][] = [
  [
    'dropout1d',
    ops.dropout1d,
    [
      [4, 6, 9],
      [6, 9],
    ],
  ],
  [
    'dropout2d',
    ops.dropout2d,
    [
      [3, 5, 4, 7],
      [5, 4, 7],
    ],
  ],
  [
    'dropout3d',
    ops.dropout3d,
    [
      [2, 4, 3, 2, 5],
      [4, 3, 2, 5],
    ],
  ],
];

describe('dropout1d / 2d / 3d (channels first)', () => {
  describe.each(channelsFirst)('%s', (name, op, shapes) => {
    it.each(shapes)('on %j: one draw per channel, as the raw draws say', (...shape) => {
      const p = 0.45;
      const x = input(shape, 2);
      const g = new Generator(31);
      const y = op(x, { p, training: true, generator: g });
      const spatial = shapes[0]!.length - 2;
      const noise = shape.map((d, i) => (i >= shape.length - spatial ? 1 : d));
      const channels = noise.reduce((a, b) => a * b, 1);
      expect(g.offset).toBe(advance(channels));
      expectBitEqual(y.data, referenceDropout(x.data, shape, noise, keepBits(31, 0, channels, p), p), { name, shape });
      // Every channel is all zeros or all kept (x is positive).
      const size = x.size / channels;
      for (let c = 0; c < channels; c++) {
        const ch = Array.from(y.data.subarray(c * size, (c + 1) * size));
        expect(ch.every((v) => v === 0) || ch.every((v) => v > 0), `channel ${c}`).toBe(true);
      }
    });

    it('is the identity unless training, and zeros at p = 1', () => {
      const x = input(shapes[0]!);
      expect(op(x, { training: false })).toBe(x);
      expect(op(x, { p: 0, training: true })).toBe(x);
      expect(op(x, { p: 1, training: true }).data.every((v) => v === 0)).toBe(true);
    });

    it('has finite-difference gradients', () => {
      expect(gradcheck((x) => op(x, { p: 0.5, training: true, seed: 12 }), [leaf(shapes[0]!, 4)])).toBe(
        shapes[0]!.reduce((a, b) => a * b, 1),
      );
    });
  });

  it('names the layouts it takes', () => {
    const x = input([2, 3]);
    expect(() => ops.dropout1d(input([2, 3, 4, 5]), { training: true })).toThrow(
      'dropout1d: expected input (N, C, L) or (C, L) but received [2, 3, 4, 5]',
    );
    expect(() => ops.dropout2d(x, { training: true })).toThrow(
      'dropout2d: expected input (N, C, H, W) or (C, H, W) but received [2, 3]',
    );
    expect(() => ops.dropout3d(x, { training: true })).toThrow(
      'dropout3d: expected input (N, C, D, H, W) or (C, D, H, W) but received [2, 3]',
    );
    expect(() => ops.dropout2d(x, { training: 'yes' as never })).toThrow(
      new TypeError('Expected boolean for training but received "yes" of type string'),
    );
  });

  it('reads a 3-D input to dropout2d as one unbatched (C, H, W) sample', () => {
    const x = input([4, 3, 5]);
    const y = ops.dropout2d(x, { training: true, seed: 3 });
    expectBitEqual(y.data, ops.dropout2d(x.reshape([1, 4, 3, 5]), { training: true, seed: 3 }).data);
  });
});

const channelsLast: [string, ChannelOp, number[]][] = [
  ['spatialDropout1d', ops.spatialDropout1d, [3, 8, 5]],
  ['spatialDropout2d', ops.spatialDropout2d, [2, 4, 3, 6]],
  ['spatialDropout3d', ops.spatialDropout3d, [2, 3, 2, 4, 5]],
];

describe('spatialDropout1d / 2d / 3d (channels last, Keras)', () => {
  describe.each(channelsLast)('%s', (name, op, shape) => {
    it(`on ${JSON.stringify(shape)}: one draw per (sample, channel), shared over every position`, () => {
      const p = 0.3;
      const x = input(shape, 6);
      const y = op(x, { p, training: true, seed: 17 });
      const noise = shape.map((d, i) => (i === 0 || i === shape.length - 1 ? d : 1));
      const bits = shape[0]! * shape.at(-1)!;
      expectBitEqual(y.data, referenceDropout(x.data, shape, noise, keepBits(17, 0, bits, p), p), { name });
      // A (sample, channel) pair is zero at every position or at none.
      const zeroAt = new Map<string, Set<boolean>>();
      y.data.forEach((v, i) => {
        const c = coordsOf(i, shape);
        const key = `${c[0]},${c.at(-1)}`;
        zeroAt.set(key, (zeroAt.get(key) ?? new Set()).add(v === 0));
      });
      expect([...zeroAt.values()].every((s) => s.size === 1)).toBe(true);
    });

    it('equals the channels-first op on the transposed input (same seed, same channel order)', () => {
      const x = input(shape, 9);
      const rank = shape.length;
      const toFirst = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
      const toLast = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
      const first = channelsFirst[rank - 3]![1];
      const viaFirst = permute(first(permute(x, toFirst), { p: 0.5, training: true, seed: 8 }), toLast);
      expectBitEqual(op(x, { p: 0.5, training: true, seed: 8 }).data, viaFirst.data, { name });
      expectBitEqual(
        (op as typeof ops.spatialDropout2d)(permute(x, toFirst), {
          p: 0.5,
          training: true,
          seed: 8,
          dataFormat: 'channelsFirst',
        }).data,
        first(permute(x, toFirst), { p: 0.5, training: true, seed: 8 }).data,
        { name, dataFormat: 'channelsFirst' },
      );
    });

    it('has finite-difference gradients', () => {
      expect(gradcheck((x) => op(x, { p: 0.4, training: true, seed: 2 }), [leaf(shape, 7)])).toBe(
        shape.reduce((a, b) => a * b, 1),
      );
    });
  });

  it('takes batched input only, and names the layout', () => {
    expect(() => ops.spatialDropout1d(input([8, 5]), { training: true })).toThrow(
      'spatialDropout1d: expected input (N, L, C) but received [8, 5]',
    );
    expect(() => ops.spatialDropout2d(input([4, 3, 6]), { training: true })).toThrow(
      'spatialDropout2d: expected input (N, H, W, C) but received [4, 3, 6]',
    );
    expect(() => ops.spatialDropout3d(input([4, 3, 6]), { training: true, dataFormat: 'channelsFirst' })).toThrow(
      'spatialDropout3d: expected input (N, C, D, H, W) but received [4, 3, 6]',
    );
    expect(() => ops.spatialDropout2d(input([1, 2, 2, 2]), { training: true, dataFormat: 'nhwc' as never })).toThrow(
      new RangeError(`Expected 'channelsLast' or 'channelsFirst' for dataFormat but received "nhwc" of type string`),
    );
  });
});
