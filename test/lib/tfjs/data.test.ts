// tf.data on dropnet/tfjs against @tensorflow/tfjs: the same pipelines give the same elements
// (values, shapes, dtypes, structure), sizes and errors; shuffle is checked for its own contract
// (a permutation, reproducible with a seed), since its random stream is dropnet's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';

type AnyDataset = { toArray(): Promise<unknown[]>; size: number | null };

/** Tensors as { shape, dtype, values }, recursively, so both libraries' elements compare with toEqual. */
function plain(v: unknown): unknown {
  if (v instanceof tf.Tensor || v instanceof real.Tensor) {
    const t = v as { shape: number[]; dtype: string; dataSync(): ArrayLike<number> };
    return { shape: [...t.shape], dtype: t.dtype, values: Array.from(t.dataSync(), (x) => Math.round(x * 1e5) / 1e5) };
  }
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

// Where tfjs reports a wrong size (take(-1): -1; skip(-1): 0; zip of nested structures: NaN), the true count.
const TRUE_SIZE: Record<string, number> = {
  'take(-1) keeps everything': 3,
  'skip(-1) keeps everything': 3,
  'zip nested': 2,
};

async function same(build: (lib: Lib) => AnyDataset, name = ''): Promise<unknown[]> {
  const ours = build(tf);
  const theirs = build(real as unknown as Lib);
  const got = (await ours.toArray()).map(plain);
  expect(got).toEqual((await theirs.toArray()).map(plain));
  expect(ours.size).toBe(TRUE_SIZE[name] ?? theirs.size);
  if (ours.size !== null) expect(ours.size).toBe(got.length);
  return got;
}

describe('tf.data pipelines equal tfjs', () => {
  it.each<[string, (lib: Lib) => AnyDataset]>([
    ['array of numbers', (lib) => lib.data.array([1, 2, 3])],
    ['array.batch(2)', (lib) => lib.data.array([1, 2, 3, 4, 5]).batch(2)],
    ['batch without the small last batch', (lib) => lib.data.array([1, 2, 3, 4, 5]).batch(2, false)],
    [
      'nested number arrays batch into one tensor',
      (lib) =>
        lib.data
          .array([
            [1, 2],
            [3, 4],
            [5, 6],
          ])
          .batch(2),
    ],
    ['booleans batch into bool', (lib) => lib.data.array([true, false, true]).batch(3)],
    [
      'objects of tensors and numbers batch key by key',
      (lib) =>
        lib.data
          .array([0, 1, 2, 3, 4])
          .map((i) => ({ xs: lib.tensor1d([i, i * 2]), ys: i % 2, meta: { w: [i, 1] } }))
          .batch(2),
    ],
    ['map', (lib) => lib.data.array([1, 2, 3]).map((x) => x * 10)],
    ['map to tensors', (lib) => lib.data.array([1, 2, 3]).map((x) => lib.scalar(x).square())],
    ['mapAsync', (lib) => lib.data.array([1, 2, 3]).mapAsync(async (x) => x + 1)],
    ['filter', (lib) => lib.data.array([1, 2, 3, 4, 5, 6]).filter((x) => x % 3 !== 0)],
    ['take', (lib) => lib.data.array([1, 2, 3]).take(2)],
    ['take(-1) keeps everything', (lib) => lib.data.array([1, 2, 3]).take(-1)],
    ['skip', (lib) => lib.data.array([1, 2, 3]).skip(2)],
    ['skip beyond the end', (lib) => lib.data.array([1, 2, 3]).skip(5)],
    ['skip(-1) keeps everything', (lib) => lib.data.array([1, 2, 3]).skip(-1)],
    ['repeat(2)', (lib) => lib.data.array([1, 2, 3]).repeat(2)],
    ['repeat().take(7)', (lib) => lib.data.array([1, 2, 3]).repeat().take(7)],
    ['concatenate', (lib) => lib.data.array([1, 2]).concatenate(lib.data.array([3, 4]))],
    [
      'prefetch',
      (lib) =>
        lib.data
          .array([1, 2, 3, 4])
          .prefetch(3)
          .map((x) => x * 2),
    ],
    [
      'generator (sync)',
      (lib) =>
        lib.data.generator(function* () {
          for (let i = 0; i < 4; i++) yield { xs: [i, i + 1], ys: [i % 2] };
        }),
    ],
    [
      'generator (async) then batch',
      (lib) =>
        lib.data
          .generator(async function* () {
            for (let i = 0; i < 5; i++) yield { xs: lib.tensor1d([i, -i]), ys: lib.scalar(i) };
          })
          .batch(2),
    ],
    [
      'generator returning an iterator object',
      (lib) =>
        lib.data.generator(() => {
          let i = 0;
          return { next: () => (i < 3 ? { value: i++, done: false } : { value: undefined, done: true }) };
        }),
    ],
    ['zip of an array', (lib) => lib.data.zip([lib.data.array([1, 2, 3]), lib.data.array([4, 5])])],
    [
      'zip of an object, batched',
      (lib) =>
        lib.data
          .zip({
            xs: lib.data.array([
              [1, 2],
              [3, 4],
              [5, 6],
            ]),
            ys: lib.data.array([0, 1, 0]),
          })
          .batch(2),
    ],
    ['zip nested', (lib) => lib.data.zip({ a: lib.data.array([1, 2]), b: { c: lib.data.array([3, 4, 5]) } })],
  ])('%s', async (name, build) => {
    await same(build, name);
  });

  it('a generator is called again for each pass', async () => {
    let calls = 0;
    const ds = tf.data.generator(function* () {
      calls++;
      yield 1;
      yield 2;
    });
    expect(await ds.toArray()).toEqual([1, 2]);
    expect(await ds.toArray()).toEqual([1, 2]);
    expect(calls).toBe(2);
    expect(ds.size).toBeNull();
  });

  it('iterator() ends with { value: null, done: true } for ever; datasets and iterators are async iterables', async () => {
    const it2 = await tf.data.array([1, 2]).iterator();
    const rs = [await it2.next(), await it2.next(), await it2.next(), await it2.next()];
    expect(rs).toEqual([
      { value: 1, done: false },
      { value: 2, done: false },
      { value: null, done: true },
      { value: null, done: true },
    ]);
    const seen: number[] = [];
    for await (const x of tf.data.array([3, 4, 5]).map((v) => v * 2)) seen.push(x);
    expect(seen).toEqual([6, 8, 10]);
    let sum = 0;
    await tf.data.array([1, 2, 3]).forEachAsync((x) => {
      sum += x;
    });
    expect(sum).toBe(6);
  });

  it('array hands out copies of its tensors: map disposes its input without touching the originals', async () => {
    const t = tf.tensor1d([1, 2]);
    const out = await tf.data
      .array([t])
      .map((x) => x.add(1))
      .toArray();
    expect(Array.from(out[0]!.dataSync())).toEqual([2, 3]);
    expect(t.isDisposed).toBe(false);
  });

  it('shuffle: a permutation; the same seed gives the same order; each pass reshuffles unless told not to', async () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = await tf.data.array(items).shuffle(50, 'seed').toArray();
    const b = await tf.data.array(items).shuffle(50, 'seed').toArray();
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(a).toEqual(b);
    expect(a).not.toEqual(items);
    const ds = tf.data.array(items).shuffle(10, 7);
    const p1 = await ds.toArray();
    const p2 = await ds.toArray();
    expect(p1).not.toEqual(p2);
    const fixed = tf.data.array(items).shuffle(10, 7, false);
    expect(await fixed.toArray()).toEqual(await fixed.toArray());
    // A window of 1 cannot reorder anything.
    expect(await tf.data.array(items).shuffle(1, 3).toArray()).toEqual(items);
  });

  it('errors as tfjs', async () => {
    for (const fn of [
      (lib: Lib) => lib.data.array([1]).batch(0),
      (lib: Lib) => lib.data.array([1]).prefetch(undefined as never),
      (lib: Lib) => lib.data.array([1]).shuffle(undefined as never),
      (lib: Lib) => lib.data.zip(5 as never),
    ]) {
      let want = '';
      try {
        fn(real as unknown as Lib);
      } catch (e) {
        want = (e as Error).message;
      }
      expect(want).not.toBe('');
      expect(() => fn(tf)).toThrow(want.split('\n')[0]!.trim().slice(0, 30));
    }
    await expect(tf.data.array([1]).repeat().toArray()).rejects.toThrow(
      'Can not convert infinite data stream to array.',
    );
    await expect(
      tf.data
        .generator(function* () {
          yield 1;
          throw new Error('boom');
        })
        .toArray(),
    ).rejects.toThrow('Error thrown while iterating through a dataset: boom');
    expect(() => tf.data.zip([1 as never])).toThrow('Leaves of the structure passed to zip() must be Datasets');
    expect(() => tf.data.array(5 as never)).toThrow(TypeError);
    expect(() => tf.data.generator(5 as never)).toThrow(TypeError);
    await expect(
      tf.data
        .array([{ a: 1 }, { b: 2 }])
        .batch(2)
        .toArray(),
    ).rejects.toThrow(
      'dropnet/tfjs: batch: element of row 1 is an object with keys b but element of row 0 is an object with keys a',
    );
    await expect(tf.data.array(['a', 'b']).batch(2).toArray()).rejects.toThrow('string tensors are not supported');
    expect(() => tf.data.webcam()).toThrow('dropnet/tfjs: tf.data.webcam is not supported');
  });
});

describe('tf.data.csv equals tfjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dropnet-csv-'));
  const file = join(dir, 'iris.csv');
  writeFileSync(
    file,
    'sepal,petal,"name, quoted",species\r\n5.1,1.4,a,0\r\n4.9,,"b, c",1\r\n6.3,4.9,d,2\r\n5.8,5.1,"e",1\r\n',
  );
  const bare = join(dir, 'bare.csv');
  writeFileSync(bare, '1;2;3\n4;5;6\n');

  it.each<[string, (lib: Lib) => AnyDataset]>([
    ['header, no configs: objects of numbers and strings', (lib) => lib.data.csv(`file://${file}`)],
    [
      'isLabel: { xs, ys }',
      (lib) =>
        lib.data.csv(`file://${file}`, { columnConfigs: { species: { isLabel: true }, petal: { default: -1 } } }),
    ],
    [
      'configuredColumnsOnly with int32 / bool dtypes',
      (lib) =>
        lib.data.csv(`file://${file}`, {
          configuredColumnsOnly: true,
          columnConfigs: { sepal: { dtype: 'int32' }, species: { isLabel: true, dtype: 'bool' } },
        }),
    ],
    [
      'no header, columnNames, delimiter',
      (lib) => lib.data.csv(`file://${bare}`, { hasHeader: false, columnNames: ['a', 'b', 'c'], delimiter: ';' }),
    ],
    [
      'the iris pattern: map to arrays, then batch',
      (lib) =>
        lib.data
          .csv(`file://${file}`, {
            configuredColumnsOnly: true,
            columnConfigs: { sepal: {}, petal: { default: 0 }, species: { isLabel: true } },
          })
          .map((e) => {
            const { xs, ys } = e as { xs: Record<string, number>; ys: Record<string, number> };
            return { xs: Object.values(xs), ys: lib.oneHot(ys.species!, 3) };
          })
          .batch(3),
    ],
  ])('%s', async (_name, build) => {
    expect((await same(build)).length).toBeGreaterThan(0);
  });

  it('reads plain paths too; columnNames() lists the columns', async () => {
    const ds = tf.data.csv(file, { columnConfigs: { species: { isLabel: true } } });
    expect(await ds.columnNames()).toEqual(['sepal', 'petal', 'name, quoted', 'species']);
    expect((await ds.toArray()).length).toBe(4);
  });

  it('errors as tfjs: a label left empty, a config key that names no column; URLs are refused', async () => {
    await expect(
      tf.data.csv(`file://${file}`, { columnConfigs: { petal: { isLabel: true } } }).toArray(),
    ).rejects.toThrow('Required column petal is empty in this line: 4.9,,"b, c",1');
    await expect(tf.data.csv(`file://${file}`, { columnConfigs: { nope: {} } }).toArray()).rejects.toThrow(
      'The key "nope" provided in columnConfigs does not match any of the column names (sepal,petal,name, quoted,species).',
    );
    await expect(real.data.csv(`file://${file}`, { columnConfigs: { nope: {} } }).toArray()).rejects.toThrow(
      'The key "nope" provided in columnConfigs does not match any of the column names',
    );
    expect(() => tf.data.csv('https://example.com/x.csv')).toThrow('dropnet/tfjs: tf.data.csv reads local files only');
    expect(() => tf.data.csv(file, { delimeter: ';' } as never)).toThrow('tf.data.csv: unknown option "delimeter"');
  });
});
