import { describe, expect, it } from 'vitest';
import { data, manualSeed, tensor } from '../../../lib/index.js';

const n = 23;
const ds = { x: tensor(Float32Array.from({ length: n }, (_, i) => i), [n, 1]), y: Int32Array.from({ length: n }, (_, i) => i) };

describe('splitSizes', () => {
  it('takes counts or fractions (remainder to the first parts, as PyTorch)', () => {
    expect(data.splitSizes(10, [7, 3])).toEqual([7, 3]);
    expect(data.splitSizes(10, [0.8, 0.2])).toEqual([8, 2]);
    expect(data.splitSizes(23, [0.5, 0.3, 0.2])).toEqual([12, 7, 4]);
    expect(data.splitSizes(3, [1 / 3, 1 / 3, 1 / 3])).toEqual([1, 1, 1]);
  });

  it('rejects lengths that are neither', () => {
    expect(() => data.splitSizes(10, [5, 4])).toThrow(new RangeError('Expected counts summing to 10 or fractions summing to 1 for lengths but received Array(2)'));
    expect(() => data.splitSizes(10, [0.5, -0.5, 1])).toThrow(new RangeError('Expected non-negative number for lengths[1] but received -0.5 of type number'));
    expect(() => data.splitSizes(10, [])).toThrow(TypeError);
  });
});

describe('randomSplit', () => {
  it('partitions the samples, reproducibly for a seed', () => {
    const parts = data.randomSplit(ds, [0.8, 0.2], { seed: 7 });
    expect(parts.map((p) => p.length)).toEqual([19, 4]);
    const all = parts.flatMap((p) => [...p.batch(Array.from({ length: p.length }, (_, i) => i)).y]);
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(data.randomSplit(ds, [0.8, 0.2], { seed: 7 })[1]!.indices).toEqual(parts[1]!.indices);
    expect(data.randomSplit(ds, [0.8, 0.2], { seed: 8 })[1]!.indices).not.toEqual(parts[1]!.indices);
    manualSeed(4);
    const a = data.randomSplit(ds, [20, 3]);
    manualSeed(4);
    expect(data.randomSplit(ds, [20, 3])[1]!.indices).toEqual(a[1]!.indices);
  });
});

describe('trainTestSplit', () => {
  it('returns disjoint tensor datasets covering every sample, x and y still paired', () => {
    const { train, test } = data.trainTestSplit(ds, { testSize: 0.25, seed: 1 });
    expect(train.length).toBe(17);
    expect(test.length).toBe(6);
    for (const part of [train, test]) expect([...part.x.data]).toEqual([...part.y]);
    expect([...train.y, ...test.y].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('takes a count, or the last samples without shuffle', () => {
    expect(data.trainTestSplit(ds, { testSize: 5, seed: 1 }).test.length).toBe(5);
    expect([...data.trainTestSplit(ds, { testSize: 3, shuffle: false }).test.y]).toEqual([20, 21, 22]);
    expect(() => data.trainTestSplit(ds, { testSize: 1.5 })).toThrow(new RangeError('Expected fraction in (0, 1) or count in [0, 23] for testSize but received 1.5 of type number'));
  });
});
