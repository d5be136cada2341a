/**
 * tf.data: datasets as tfjs defines them — lazy, asynchronous, re-iterable streams of elements
 * (tensors, numbers, arrays and objects of them), built by `tf.data.array`, `generator`, `zip`
 * and `csv` and chained with map, batch, shuffle, take, skip, repeat, prefetch ... A dataset is
 * a recipe: `iterator()` starts a fresh pass over it. `size` is tfjs's: the element count when
 * known, Infinity for an endless stream, null when unknown. `model.fitDataset` trains on one.
 *
 * Beyond tfjs: a Dataset and its iterators are async iterables (`for await (const b of ds)`).
 */
import { integer } from '../args.js';
import { argTypeError } from '../errors.js';
import { defaultGenerator } from '../random.js';
import { batchRows, deepClone } from './data-batch.js';
import {
  bufferSize,
  chainIterator,
  type DataIterator,
  filterIterator,
  FnIterator,
  mapIterator,
  prefetchIterator,
  type Result,
  rowsIterator,
  shuffleIterator,
  skipIterator,
  takeIterator,
} from './data-iter.js';
import { tidy } from './engine.js';

export type { DataIterator } from './data-iter.js';

/** A count argument; undefined or null is -1 (tfjs: no limit). */
function countArg(value: unknown, fn: string): number {
  return value === undefined || value === null ? -1 : integer(value, 'count', fn);
}

function callback(value: unknown, name: string): void {
  if (typeof value !== 'function') throw argTypeError(name, 'function', value);
}

export class Dataset<T = unknown> implements AsyncIterable<T> {
  /** The number of elements: known, Infinity (endless) or null (unknown), as tfjs. */
  readonly size: number | null;
  readonly #make: (() => Promise<DataIterator<T>>) | null;

  /** `make` starts a pass; a subclass that overrides iterator() passes null. */
  constructor(make: (() => Promise<DataIterator<T>>) | null, size: number | null = null) {
    this.#make = make;
    this.size = size;
  }

  /** A fresh pass over the dataset. */
  iterator(): Promise<DataIterator<T>> {
    if (this.#make === null) return Promise.reject(new Error('Dataset.iterator() is not implemented'));
    return this.#make();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    yield* await this.iterator();
  }

  #derive<U>(size: number | null, f: (it: DataIterator<T>) => DataIterator<U>): Dataset<U> {
    return new Dataset(async () => f(await this.iterator()), size);
  }

  /** Each element through `transform` (run inside tf.tidy, as tfjs). */
  map<U>(transform: (value: T) => U): Dataset<U> {
    callback(transform, 'map: transform');
    return this.#derive(this.size, (it) => mapIterator(it, (x) => tidy(() => transform(x))));
  }

  mapAsync<U>(transform: (value: T) => Promise<U>): Dataset<U> {
    callback(transform, 'mapAsync: transform');
    return this.#derive(this.size, (it) => mapIterator(it, transform));
  }

  filter(predicate: (value: T) => boolean): Dataset<T> {
    callback(predicate, 'filter: predicate');
    return this.#derive(this.size === Infinity ? Infinity : null, (it) =>
      filterIterator(it, (x) => tidy(() => predicate(x))),
    );
  }

  /** Groups `batchSize` consecutive elements into one, stacking tensors and numbers (data-batch.ts). */
  batch(batchSize: number, smallLastBatch = true): Dataset<unknown> {
    if (typeof batchSize !== 'number' || !Number.isSafeInteger(batchSize) || batchSize <= 0)
      throw new RangeError(`batchSize needs to be positive, but it is ${String(batchSize)}`);
    if (typeof smallLastBatch !== 'boolean') throw argTypeError('batch: smallLastBatch', 'boolean', smallLastBatch);
    const n = this.size;
    const size =
      n === null || n === Infinity ? n : smallLastBatch ? Math.ceil(n / batchSize) : Math.floor(n / batchSize);
    return this.#derive(size, (it) =>
      mapIterator(rowsIterator(it, batchSize, smallLastBatch), (rows) => batchRows(rows)),
    );
  }

  concatenate(dataset: Dataset<T>): Dataset<T> {
    if (!(dataset instanceof Dataset)) throw argTypeError('concatenate: dataset', 'tf.data Dataset', dataset);
    const a = this.size;
    const b = dataset.size;
    const size = a === Infinity || b === Infinity ? Infinity : a !== null && b !== null ? a + b : null;
    return new Dataset(async () => {
      const parts: Dataset<T>[] = [this, dataset];
      return chainIterator(async () => {
        const d = parts.shift();
        return d === undefined ? null : d.iterator();
      });
    }, size);
  }

  /** The dataset `count` times (for ever when count is undefined or negative). */
  repeat(count?: number): Dataset<T> {
    const c = countArg(count, 'repeat');
    const n = this.size;
    const size = c === 0 ? 0 : n === null ? null : c > 0 ? n * c : n === 0 ? 0 : Infinity;
    return new Dataset(async () => {
      let passes = 0;
      return chainIterator(async () => (c >= 0 && passes++ >= c ? null : this.iterator()));
    }, size);
  }

  /** The first `count` elements (all of them when count is undefined or negative). */
  take(count: number): Dataset<T> {
    const c = countArg(count, 'take');
    if (c < 0) return this.#derive(this.size, (it) => it);
    return this.#derive(this.size === null ? null : Math.min(this.size, c), (it) => takeIterator(it, c));
  }

  /** All but the first `count` elements (all of them when count is undefined or negative, as tfjs does). */
  skip(count: number): Dataset<T> {
    const c = countArg(count, 'skip');
    const n = this.size;
    if (c < 0) return this.#derive(n, (it) => it);
    return this.#derive(n === null ? null : Math.max(0, n - c), (it) => skipIterator(it, c));
  }

  prefetch(bufferSizeArg: number): Dataset<T> {
    const n = bufferSize(bufferSizeArg, 'prefetch');
    return this.#derive(this.size, (it) => prefetchIterator(it, n));
  }

  /**
   * Streaming shuffle from a window of `bufferSize` elements. With a seed the order is
   * reproducible (dropnet's generator: another order than tfjs's for the same seed); with
   * reshuffleEachIteration (default) each pass draws a new order.
   */
  shuffle(bufferSizeArg: number, seed?: string | number, reshuffleEachIteration = true): Dataset<T> {
    const hint =
      this.size === null
        ? ''
        : '  If your data fits in main memory (for regular JS objects), and/or GPU memory (for `tf.Tensor`s), consider setting ' +
          `bufferSize to the dataset size (${this.size} elements)`;
    const n = bufferSize(bufferSizeArg, 'shuffle', hint);
    if (seed !== undefined && typeof seed !== 'string' && typeof seed !== 'number')
      throw argTypeError('shuffle: seed', 'string or number', seed);
    const base = seed === undefined ? defaultSeed() : hashSeed(String(seed));
    let pass = 0n;
    return this.#derive(this.size, (it) =>
      shuffleIterator(it, n, reshuffleEachIteration ? (base + pass++ * 0x9e3779b97f4a7c15n) & MASK64 : base),
    );
  }

  async forEachAsync(f: (value: T) => void): Promise<void> {
    callback(f, 'forEachAsync: f');
    for await (const x of await this.iterator()) f(x);
  }

  async toArray(): Promise<T[]> {
    if (this.size === Infinity) throw new Error('Can not convert infinite data stream to array.');
    return (await this.iterator()).toArray();
  }
}

const MASK64 = (1n << 64n) - 1n;

function defaultSeed(): bigint {
  const u = new Float32Array(2);
  defaultGenerator.uniform(u, 0, 2 ** 24);
  return (BigInt(Math.floor(u[0]!)) << 24n) | BigInt(Math.floor(u[1]!));
}

/** FNV-1a over the seed's characters: a 64-bit key for dropnet's generator. */
function hashSeed(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) h = ((h ^ BigInt(s.charCodeAt(i))) * 0x100000001b3n) & MASK64;
  return h;
}

/** A dataset of the items of an array (tensors in them are cloned for each pass, as tfjs). */
export function array<T>(items: T[]): Dataset<T> {
  if (!Array.isArray(items)) throw argTypeError('tf.data.array: items', 'array', items);
  return new Dataset(async () => {
    let i = 0;
    return new FnIterator<T>(async () =>
      i < items.length ? { value: deepClone(items[i++]!), done: false } : { value: null, done: true },
    );
  }, items.length);
}

type Gen<T> = Iterator<T> | AsyncIterator<T>;

/**
 * A dataset from a function returning an iterator (a sync or async generator function, or any
 * function returning an object with next()); each pass calls it again. Size unknown, as tfjs.
 */
export function generator<T>(make: () => Gen<T> | Promise<Gen<T>>): Dataset<T> {
  callback(make, 'tf.data.generator: generator');
  return new Dataset(async () => {
    const gen = await make();
    if (typeof gen !== 'object' || gen === null || typeof (gen as Gen<T>).next !== 'function')
      throw argTypeError('tf.data.generator: the generator function result', 'iterator (an object with next())', gen);
    return new FnIterator<T>(async () => {
      let r: IteratorResult<T>;
      try {
        r = await gen.next();
      } catch (e) {
        if (e instanceof Error) e.message = `Error thrown while iterating through a dataset: ${e.message}`;
        throw e;
      }
      return r.done === true ? { value: null, done: true } : { value: r.value, done: false };
    });
  });
}

type Structure = Dataset | Structure[] | { [key: string]: Structure };

function leaves(s: unknown, out: Dataset[], depth = 0): void {
  if (s instanceof Dataset) out.push(s);
  else if (Array.isArray(s)) for (const v of s) leaves(v, out, depth + 1);
  else if (typeof s === 'object' && s !== null && depth < 64)
    for (const v of Object.values(s)) leaves(v, out, depth + 1);
  else throw new Error('Leaves of the structure passed to zip() must be Datasets, not primitives.');
}

/** Elements of several datasets side by side, in the structure given (array or object); as long as the shortest. */
export function zip<T = unknown>(datasets: Structure): Dataset<T> {
  if (typeof datasets !== 'object' || datasets === null || datasets instanceof Dataset)
    throw new Error('The argument to zip() must be an object or array.');
  const all: Dataset[] = [];
  leaves(datasets, all);
  const sizes = all.map((d) => d.size);
  const size = sizes.length === 0 ? null : sizes.includes(null) ? null : Math.min(...(sizes as number[]));
  return new Dataset<T>(async () => {
    const its = await Promise.all(all.map((d) => d.iterator()));
    return new FnIterator<T>(async () => {
      const rs: Result<unknown>[] = await Promise.all(its.map((it) => it.next()));
      if (rs.length === 0 || rs.some((r) => r.done)) return { value: null, done: true };
      let k = 0;
      const fill = (s: unknown): unknown =>
        s instanceof Dataset
          ? rs[k++]!.value
          : Array.isArray(s)
            ? s.map(fill)
            : Object.fromEntries(Object.entries(s as object).map(([key, v]) => [key, fill(v)]));
      return { value: fill(datasets) as T, done: false };
    });
  }, size);
}

/** True for a tf.data Dataset of this library. */
export function isDataset(value: unknown): value is Dataset {
  return value instanceof Dataset;
}
