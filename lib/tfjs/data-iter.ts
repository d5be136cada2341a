/**
 * The lazy iterators behind tf.data, with tfjs's contract: `next()` resolves with
 * `{ value, done: false }` per element, then `{ value: null, done: true }` for ever after. Every
 * iterator serializes its `next()` calls (a call starts when the previous one has settled), so
 * prefetch can ask ahead without two pulls interleaving upstream. Iterators are also async
 * iterables (`for await (const x of await ds.iterator())`).
 *
 * Tensors follow tfjs's ownership rules: an element a stage consumes (filtered out, skipped,
 * mapped to something else, stacked into a batch) is disposed unless it reappears in the output.
 */
import { positiveInt } from '../args.js';
import { Generator } from '../random.js';
import { tensorsIn } from './data-batch.js';
import { dispose } from './engine.js';

export type Result<T> = { value: T; done: false } | { value: null; done: true };

const DONE = { value: null, done: true } as const;

export abstract class DataIterator<T> implements AsyncIterable<T> {
  #last: Promise<unknown> = Promise.resolve();

  /** The next element; calls are served one after another. */
  next(): Promise<Result<T>> {
    const run = (): Promise<Result<T>> => this.pull();
    const p = this.#last.then(run, run);
    this.#last = p.catch(() => undefined);
    return p;
  }

  protected abstract pull(): Promise<Result<T>>;

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const r = await this.next();
      if (r.done) return;
      yield r.value;
    }
  }

  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for (let r = await this.next(); !r.done; r = await this.next()) out.push(r.value);
    return out;
  }
}

/** An iterator from a pull function (done stays done). */
export class FnIterator<T> extends DataIterator<T> {
  #done = false;

  constructor(private readonly fn: () => Promise<Result<T>>) {
    super();
  }

  protected async pull(): Promise<Result<T>> {
    if (this.#done) return DONE;
    const r = await this.fn();
    if (r.done) this.#done = true;
    return r;
  }
}

/** Maps each element; input tensors missing from the output are disposed. */
export function mapIterator<T, U>(up: DataIterator<T>, f: (x: T) => U | Promise<U>): DataIterator<U> {
  return new FnIterator<U>(async () => {
    const r = await up.next();
    if (r.done) return DONE;
    const out = await f(r.value);
    const kept = new Set(tensorsIn(out));
    dispose(tensorsIn(r.value).filter((t) => !kept.has(t)));
    return { value: out, done: false };
  });
}

export function filterIterator<T>(up: DataIterator<T>, keep: (x: T) => boolean): DataIterator<T> {
  return new FnIterator<T>(async () => {
    for (;;) {
      const r = await up.next();
      if (r.done || keep(r.value)) return r;
      dispose(r.value);
    }
  });
}

export function takeIterator<T>(up: DataIterator<T>, count: number): DataIterator<T> {
  let taken = 0;
  return new FnIterator<T>(() => (taken++ >= count ? Promise.resolve(DONE) : up.next()));
}

export function skipIterator<T>(up: DataIterator<T>, count: number): DataIterator<T> {
  let skipped = 0;
  return new FnIterator<T>(async () => {
    while (skipped < count) {
      skipped++;
      const r = await up.next();
      if (r.done) return r;
      dispose(r.value);
    }
    return up.next();
  });
}

/** Rows of `size` elements (the last one smaller when `smallLast`). */
export function rowsIterator<T>(up: DataIterator<T>, size: number, smallLast: boolean): DataIterator<T[]> {
  return new FnIterator<T[]>(async () => {
    const rows: T[] = [];
    while (rows.length < size) {
      const r = await up.next();
      if (r.done) return smallLast && rows.length > 0 ? { value: rows, done: false } : DONE;
      rows.push(r.value);
    }
    return { value: rows, done: false };
  });
}

/** The elements of each iterator `next` yields, one iterator after the other. */
export function chainIterator<T>(iterators: () => Promise<DataIterator<T> | null>): DataIterator<T> {
  let current: DataIterator<T> | null = null;
  return new FnIterator<T>(async () => {
    for (;;) {
      current ??= await iterators();
      if (current === null) return DONE;
      const r = await current.next();
      if (!r.done) return r;
      current = null;
    }
  });
}

/** Keeps `size` pulls in flight ahead of the consumer. */
export function prefetchIterator<T>(up: DataIterator<T>, size: number): DataIterator<T> {
  const buffer: Promise<Result<T>>[] = [];
  return new FnIterator<T>(() => {
    while (buffer.length < size) buffer.push(up.next());
    return buffer.shift()!;
  });
}

/** Draws uniformly from a window of `size` elements, refilled from upstream (tfjs's streaming shuffle). */
export function shuffleIterator<T>(up: DataIterator<T>, size: number, seed: bigint): DataIterator<T> {
  const window: T[] = [];
  const g = new Generator(seed);
  const u = new Float32Array(1);
  let exhausted = false;
  return new FnIterator<T>(async () => {
    while (!exhausted && window.length < size) {
      const r = await up.next();
      if (r.done) exhausted = true;
      else window.push(r.value);
    }
    if (window.length === 0) return DONE;
    g.uniform(u, 0, 1);
    const i = Math.min(window.length - 1, Math.floor(u[0]! * window.length));
    const value = window[i]!;
    window[i] = window[window.length - 1]!;
    window.pop();
    return { value, done: false };
  });
}

/** A buffer size argument: a positive integer. */
export function bufferSize(value: unknown, fn: string, hint = ''): number {
  if (value === undefined || value === null)
    throw new RangeError(`\`Dataset.${fn}()\` requires bufferSize to be specified.${hint}`);
  return positiveInt(value, 'bufferSize', fn);
}
