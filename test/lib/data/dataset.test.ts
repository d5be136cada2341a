import { describe, expect, it } from 'vitest';
import { data, ShapeError, tensor } from '../../../lib/index.js';

describe('TensorDataset', () => {
  const x = tensor(Float32Array.from({ length: 12 }, (_, i) => i), [4, 3]);
  const ds = new data.TensorDataset(x, Int32Array.of(7, 8, 9, 10));

  it('gathers rows in the order asked, copying them', () => {
    const b = ds.batch([3, 0, 3]);
    expect(b.x.shape).toEqual([3, 3]);
    expect([...b.x.data]).toEqual([9, 10, 11, 0, 1, 2, 9, 10, 11]);
    expect([...b.y]).toEqual([10, 7, 10]);
    b.x.data[0] = -1;
    expect(x.data[9]).toBe(9);
    expect(ds.batch([]).x.shape).toEqual([0, 3]);
  });

  it('rejects out-of-range indices and scalar inputs', () => {
    expect(() => ds.batch([4])).toThrow(new RangeError('Expected integer in [0, 4) for indices[0] but received 4 of type number'));
    expect(() => ds.batch([0, 1.5])).toThrow(new RangeError('Expected integer in [0, 4) for indices[1] but received 1.5 of type number'));
    expect(() => new data.TensorDataset(tensor(3), new Int32Array(0))).toThrow(new ShapeError('TensorDataset: x must have a sample dimension but has shape []'));
  });
});

describe('Subset and toTensorDataset', () => {
  it('view another dataset through an index list', () => {
    const ds = new data.TensorDataset(tensor([10, 11, 12, 13, 14], [5, 1]), Int32Array.of(0, 1, 2, 3, 4));
    const sub = new data.Subset(ds, [4, 2]);
    expect(sub.length).toBe(2);
    expect([...sub.batch([1, 0]).y]).toEqual([2, 4]);
    const t = data.toTensorDataset(sub);
    expect([...t.x.data]).toEqual([14, 12]);
    expect(() => new data.Subset(ds, [5])).toThrow(RangeError);
    expect(() => sub.batch([2])).toThrow(new RangeError('Expected integer in [0, 2) for indices[0] but received 2 of type number'));
  });
});

describe('permutation', () => {
  it('is a permutation, a pure function of (seed, offset), and roughly uniform', () => {
    const p = data.permutation(1000, 5);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(data.permutation(1000, 5)).toEqual(p);
    expect(data.permutation(1000, 5, 2000)).not.toEqual(p);
    expect(data.permutation(1, 5)).toEqual(Int32Array.of(0));
    // Where element 0 lands over 4000 permutations of 4: each position about 1000 times.
    const counts = [0, 0, 0, 0];
    for (let s = 0; s < 4000; s++) counts[data.permutation(4, s).indexOf(0)]!++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });
});
