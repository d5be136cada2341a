import { describe, expect, it } from 'vitest';
import { full, manualSeed, ones, rand, randn, ShapeError, Tensor, tensor, zeros, Generator } from '../../lib/index.js';

describe('tensor()', () => {
  it('wraps a Float32Array without copying and defaults the shape to its length', () => {
    const data = Float32Array.of(1, 2, 3, 4, 5, 6);
    const t = tensor(data, [2, 3]);
    expect(t.data).toBe(data);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(tensor(data).shape).toEqual([6]);
  });

  it('copies plain arrays and infers shapes from nested arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect([...t.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor(7).shape).toEqual([]);
    expect(tensor(7).toArray()).toBe(7);
  });

  it('rejects ragged arrays, mismatched shapes and bad dimensions', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      new ShapeError('tensor: nested arrays are ragged: data[1] has 1 elements but [2, 2] needs 2'),
    );
    expect(() => tensor(Float32Array.of(1, 2, 3), [2, 2])).toThrow(
      new ShapeError('Expected 4 elements for shape [2, 2] but data has 3'),
    );
    expect(() => tensor([1, 2], [2.5] as never)).toThrow(
      new RangeError('Expected non-negative integer for shape[0] but received 2.5 of type number'),
    );
    expect(() => tensor([1, 2], [-2] as never)).toThrow(RangeError);
    expect(() => tensor('abc' as never)).toThrow(TypeError);
    expect(() => zeros([2 ** 30, 2 ** 30])).toThrow(RangeError);
  });

  it('freezes the shape', () => {
    const t = zeros([2, 2]);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });
});

describe('reshape()', () => {
  it('shares data and infers one -1', () => {
    const t = tensor(
      Float32Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    const r = t.reshape([6, -1]);
    expect(r.shape).toEqual([6, 4]);
    expect(r.data).toBe(t.data);
    expect(t.reshape([24]).shape).toEqual([24]);
  });

  it('rejects shapes of another size and two -1s', () => {
    const t = zeros([2, 3]);
    expect(() => t.reshape([4, 2])).toThrow(new ShapeError('reshape: cannot reshape [2, 3] (6 elements) to [4, 2]'));
    expect(() => t.reshape([-1, -1])).toThrow(ShapeError);
    expect(() => t.reshape([5, -1])).toThrow(ShapeError);
  });
});

describe('factories', () => {
  it('zeros, ones and full fill every element', () => {
    expect([...zeros([3]).data]).toEqual([0, 0, 0]);
    expect([...ones([2, 2]).data]).toEqual([1, 1, 1, 1]);
    expect([...full([3], 0.1).data]).toEqual([Math.fround(0.1), Math.fround(0.1), Math.fround(0.1)]);
    expect(full([0, 5], 2).size).toBe(0);
  });

  it('rand is uniform in [0, 1) and reproducible under manualSeed', () => {
    manualSeed(42);
    const a = rand([1000]);
    manualSeed(42);
    const b = rand([1000]);
    const c = rand([1000]);
    expect([...a.data]).toEqual([...b.data]);
    expect([...c.data]).not.toEqual([...a.data]);
    const mean = a.data.reduce((s, v) => s + v, 0) / a.size;
    expect(Math.min(...a.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.data)).toBeLessThan(1);
    // Mean of U(0,1) over 1000 samples: sd = sqrt(1/12/1000) ~ 0.0091; 5 sd.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.046);
  });

  it('randn has mean 0 and variance 1 and takes a generator', () => {
    const g = new Generator(7);
    const x = randn([100_001], { generator: g }).data;
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(x.length));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / x.length));
    const again = randn([100_001], { generator: new Generator(7) }).data;
    expect(again).toEqual(x);
    expect(g.offset).toBe(100_004); // 2 draws per pair, rounded up to whole 4-draw blocks
  });

  it('the Tensor constructor checks its data', () => {
    expect(() => new Tensor([1, 2] as never, [2])).toThrow(
      new TypeError('Expected Float32Array for data but received Array(2)'),
    );
  });
});
