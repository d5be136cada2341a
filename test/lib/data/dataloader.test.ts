import { describe, expect, it } from 'vitest';
import { data, manualSeed, ShapeError, Tensor, tensor } from '../../../lib/index.js';

const { DataLoader } = data;

/** n samples of 3 features where sample i is [i, i + 0.5, -i], labels i % 4. */
function toy(n: number): { x: Tensor; y: Int32Array } {
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) x.set([i, i + 0.5, -i], 3 * i);
  return { x: tensor(x, [n, 3]), y: Int32Array.from({ length: n }, (_, i) => i % 4) };
}

/** The sample ids of every batch of one epoch, checking that x and y rows stay paired. */
function epochIds(loader: data.DataLoader<Int32Array>): number[][] {
  return [...loader].map(({ x, y }) => {
    const ids = Array.from({ length: x.shape[0]! }, (_, r) => x.data[3 * r]!);
    ids.forEach((id, r) => {
      expect([x.data[3 * r + 1], x.data[3 * r + 2]]).toEqual([id + 0.5, -id]);
      expect(y[r]).toBe(id % 4);
    });
    return ids;
  });
}

describe('DataLoader', () => {
  it('yields batches in order without shuffle, with the short last batch', () => {
    const loader = new DataLoader(toy(10), { batchSize: 4 });
    const batches = [...loader];
    expect(batches.map((b) => b.x.shape)).toEqual([[4, 3], [4, 3], [2, 3]]);
    expect(batches.map((b) => b.y.length)).toEqual([4, 4, 2]);
    expect(loader.length).toBe(3);
    expect(epochIds(loader).flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('drops the short last batch with dropLast', () => {
    const loader = new DataLoader(toy(10), { batchSize: 4, dropLast: true, shuffle: true, seed: 3 });
    expect(loader.length).toBe(2);
    for (let e = 0; e < 3; e++) {
      const ids = epochIds(loader);
      expect(ids.map((b) => b.length)).toEqual([4, 4]);
      expect(new Set(ids.flat()).size).toBe(8);
    }
    expect(new DataLoader(toy(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(new DataLoader(toy(3), { batchSize: 4, dropLast: true }).length).toBe(0);
  });

  it('visits every sample exactly once per shuffled epoch, in a new order each epoch', () => {
    const n = 97;
    const loader = new DataLoader(toy(n), { batchSize: 10, shuffle: true, seed: 42 });
    const orders: string[] = [];
    for (let e = 0; e < 5; e++) {
      expect(loader.epoch).toBe(e);
      const ids = epochIds(loader).flat();
      expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      orders.push(ids.join(','));
    }
    expect(new Set(orders).size).toBe(5);
    expect(loader.epoch).toBe(5);
  });

  it('gives the same order for the same (seed, epoch), however it got there', () => {
    const a = new DataLoader(toy(50), { batchSize: 7, shuffle: true, seed: 9n });
    const b = new DataLoader(toy(50), { batchSize: 13, shuffle: true, seed: 9 });
    const c = new DataLoader(toy(50), { batchSize: 7, shuffle: true, seed: 10 });
    const first = epochIds(a).flat();
    void [...a]; // the second epoch, consumed
    const third = epochIds(a).flat();
    b.setEpoch(2);
    expect(epochIds(b).flat()).toEqual(third);
    expect(b.order(0)).toEqual(Int32Array.from(first));
    expect(c.order(0)).not.toEqual(Int32Array.from(first));
  });

  it('resumes the data order from a checkpointed state', () => {
    const run = new DataLoader(toy(30), { batchSize: 8, shuffle: true, seed: 2n ** 63n + 5n });
    void [...run]; // two epochs, consumed
    void [...run];
    const state = JSON.parse(JSON.stringify(run.stateDict())) as data.DataLoaderState;
    expect(state).toEqual({ epoch: 2, seed: '9223372036854775813', offset: 2 * 60 });
    const expected = epochIds(run);
    const resumed = new DataLoader(toy(30), { batchSize: 8, shuffle: true, seed: BigInt(state.seed) });
    resumed.loadStateDict(state);
    expect(epochIds(resumed)).toEqual(expected);
  });

  it('refuses a state from another seed or another dataset size', () => {
    const loader = new DataLoader(toy(30), { batchSize: 8, shuffle: true, seed: 1 });
    expect(() => loader.loadStateDict({ epoch: 1, seed: '2', offset: 60 })).toThrow(new RangeError('DataLoader.loadStateDict: the state has seed 2 but this loader has 1; construct the loader with { seed: 2n }'));
    expect(() => loader.loadStateDict({ epoch: 1, seed: '1', offset: 64 })).toThrow(new RangeError('DataLoader.loadStateDict: offset 64 does not match epoch 1 for 30 samples (expected 60); was the state saved for a dataset of another size?'));
    expect(() => loader.loadStateDict({ epoch: -1, seed: '1', offset: 0 })).toThrow(new RangeError('Expected non-negative integer for state.epoch but received -1 of type number'));
  });

  it('advances the epoch when an iteration is abandoned', () => {
    const loader = new DataLoader(toy(10), { batchSize: 2, shuffle: true, seed: 1 });
    for (const _ of loader) break;
    expect(loader.epoch).toBe(1);
  });

  it('follows manualSeed when no seed is given', () => {
    manualSeed(123);
    const a = new DataLoader(toy(40), { batchSize: 5, shuffle: true });
    manualSeed(123);
    const b = new DataLoader(toy(40), { batchSize: 5, shuffle: true });
    expect(a.seed).toBe(b.seed);
    expect(epochIds(a)).toEqual(epochIds(b));
  });

  it('batches tensor targets and custom datasets', () => {
    const y = tensor(Float32Array.from({ length: 12 }, (_, i) => i), [6, 2]);
    const loader = new DataLoader({ x: tensor(new Float32Array(6 * 4), [6, 2, 2]), y }, { batchSize: 4 });
    const [first, second] = [...loader];
    expect(first!.x.shape).toEqual([4, 2, 2]);
    expect(first!.y.shape).toEqual([4, 2]);
    expect([...second!.y.data]).toEqual([8, 9, 10, 11]);
    const squares: data.Dataset<Int32Array> = {
      length: 5,
      batch: (idx) => ({ x: tensor(Array.from(idx, (i) => i * i), [idx.length]), y: Int32Array.from(idx) }),
    };
    expect([...new DataLoader(squares, { batchSize: 3 })].map((b) => [...b.x.data])).toEqual([[0, 1, 4], [9, 16]]);
  });

  it('handles an empty dataset and a batch larger than the dataset', () => {
    expect([...new DataLoader(toy(0), { batchSize: 4, shuffle: true, seed: 1 })]).toEqual([]);
    const [only] = [...new DataLoader(toy(3), { batchSize: 100 })];
    expect(only!.x.shape).toEqual([3, 3]);
  });

  it('rejects bad batch sizes, flags, seeds and mismatched x and y', () => {
    const d = toy(4);
    expect(() => new DataLoader(d, { batchSize: 0 })).toThrow(new RangeError('Expected positive integer for batchSize but received 0 of type number'));
    expect(() => new DataLoader(d, { batchSize: -2 })).toThrow(new RangeError('Expected positive integer for batchSize but received -2 of type number'));
    expect(() => new DataLoader(d, { batchSize: 1.5 })).toThrow(new RangeError('Expected positive integer for batchSize but received 1.5 of type number'));
    expect(() => new DataLoader(d, { batchSize: '4' as never })).toThrow(new TypeError('Expected positive integer for batchSize but received "4" of type string'));
    expect(() => new DataLoader(d, { batchSize: 2, shuffle: 'yes' as never })).toThrow(new TypeError('Expected boolean for shuffle but received "yes" of type string'));
    expect(() => new DataLoader(d, { batchSize: 2, seed: -1 })).toThrow(new RangeError('Expected integer in [0, 2^53) or bigint in [0, 2^64) for seed but received -1 of type number'));
    expect(() => new DataLoader({ x: d.x, y: new Int32Array(3) }, { batchSize: 2 })).toThrow(new ShapeError('TensorDataset: x has 4 samples (shape [4, 3]) but y has 3'));
    expect(() => new DataLoader({ x: d.x, y: [0, 1, 2, 3] as never }, { batchSize: 2 })).toThrow(new TypeError('Expected Int32Array of class indices or Tensor with a sample dimension for y but received Array(4)'));
    expect(() => new DataLoader(d, undefined as never)).toThrow(new TypeError('Expected object with batchSize for options but received undefined'));
  });
});

describe('batches', () => {
  it('destructure as [x, y] tuples, as PyTorch yields them, and as { x, y }', () => {
    const x = new Tensor(Float32Array.from({ length: 6 }, (_, i) => i), [3, 2]);
    const y = Int32Array.of(0, 1, 2);
    const loader = new data.DataLoader({ x, y }, { batchSize: 2 });
    const tuples = [...loader].map(([bx, by]) => [bx.shape, [...by]]);
    expect(tuples).toEqual([[[2, 2], [0, 1]], [[1, 2], [2]]]);
    for (const batch of loader) expect(batch.x).toBe(batch[0]);
  });
});
