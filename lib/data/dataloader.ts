/**
 * DataLoader: batches of a dataset, epoch after epoch. With `shuffle`, epoch e visits the samples
 * in permutation(n, seed, e * draws(n)): the order depends only on (seed, epoch), so a run resumed
 * from a checkpoint (stateDict/loadStateDict) sees exactly the data order it would have seen.
 *
 *   const loader = new DataLoader({ x, y }, { batchSize: 64, shuffle: true, seed: 1 });
 *   for (let e = 0; e < 10; e++) for (const { x, y } of loader) { ... }
 */
import { argRangeError, argTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { asDataset, type Batch, type Dataset, type Targets } from './dataset.js';
import { drawSeed, permutation, permutationDraws } from './permutation.js';

export interface DataLoaderOptions {
  /** Samples per batch (a positive integer). */
  batchSize: number;
  /** Visit the samples in a new random order each epoch (default false: in order). */
  shuffle?: boolean;
  /** Seed of the shuffle (a safe integer or a bigint below 2^64); drawn from the default generator if omitted. */
  seed?: number | bigint;
  /** Skip the last batch of an epoch when it has fewer than batchSize samples (default false). */
  dropLast?: boolean;
}

/** What a checkpoint needs to resume the same data order. */
export interface DataLoaderState {
  /** The epoch the next iteration runs. */
  epoch: number;
  /** The shuffle seed, as a decimal string (it may exceed 2^53). */
  seed: string;
  /** Offset of that epoch's draws in the seed's Philox stream: epoch * draws per epoch. */
  offset: number;
}

/**
 * A batch as a loader yields it: the pair `[x, y]`, as PyTorch's DataLoader yields
 * (`for (const [x, y] of loader)`), that also has `x` and `y` (`for (const { x, y } of loader)`).
 */
export type LoaderBatch<Y extends Targets = Targets> = [x: Tensor, y: Y] & Batch<Y>;

export class DataLoader<Y extends Targets = Targets> implements Iterable<LoaderBatch<Y>> {
  readonly dataset: Dataset<Y>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: bigint;
  #epoch = 0;

  constructor(data: Dataset<Y> | { x: Tensor; y: Y }, options: DataLoaderOptions) {
    this.dataset = asDataset(data);
    if (typeof options !== 'object' || options === null) throw argTypeError('options', 'object with batchSize', options);
    const { batchSize, shuffle = false, seed, dropLast = false } = options;
    if (typeof batchSize !== 'number') throw argTypeError('batchSize', 'positive integer', batchSize);
    if (!Number.isSafeInteger(batchSize) || batchSize <= 0) throw argRangeError('batchSize', 'positive integer', batchSize);
    if (typeof shuffle !== 'boolean') throw argTypeError('shuffle', 'boolean', shuffle);
    if (typeof dropLast !== 'boolean') throw argTypeError('dropLast', 'boolean', dropLast);
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.seed = checkSeed(seed ?? (shuffle ? drawSeed() : 0));
  }

  /** The epoch the next (or current) iteration runs. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Sets the epoch the next iteration runs. */
  setEpoch(epoch: number): void {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw argRangeError('epoch', 'non-negative integer', epoch);
    this.#epoch = epoch;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The order in which `epoch` visits the samples. */
  order(epoch = this.#epoch): Int32Array {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw argRangeError('epoch', 'non-negative integer', epoch);
    const n = this.dataset.length;
    if (!this.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
    return permutation(n, this.seed, epoch * permutationDraws(n));
  }

  /** One epoch of batches; the epoch counter advances when the iteration ends or is abandoned. */
  *[Symbol.iterator](): Generator<LoaderBatch<Y>, void, undefined> {
    const order = this.order(this.#epoch);
    try {
      for (let b = 0; b < this.length; b++) {
        const { x, y } = this.dataset.batch(order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length)));
        yield Object.assign([x, y] as [Tensor, Y], { x, y });
      }
    } finally {
      this.#epoch++;
    }
  }

  stateDict(): DataLoaderState {
    return { epoch: this.#epoch, seed: this.seed.toString(), offset: this.#epoch * permutationDraws(this.dataset.length) };
  }

  /** Restores the epoch; the seed and offset must match this loader's (same seed, same dataset size). */
  loadStateDict(state: DataLoaderState): void {
    if (typeof state !== 'object' || state === null) throw argTypeError('state', 'DataLoader state', state);
    const { epoch, seed, offset } = state;
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw argRangeError('state.epoch', 'non-negative integer', epoch);
    if (typeof seed !== 'string' || !/^\d+$/.test(seed)) throw argTypeError('state.seed', 'decimal string', seed);
    if (BigInt(seed) !== this.seed) {
      throw new RangeError(`DataLoader.loadStateDict: the state has seed ${seed} but this loader has ${this.seed}; construct the loader with { seed: ${seed}n }`);
    }
    const expected = epoch * permutationDraws(this.dataset.length);
    if (offset !== expected) {
      throw new RangeError(`DataLoader.loadStateDict: offset ${offset} does not match epoch ${epoch} for ${this.dataset.length} samples (expected ${expected}); was the state saved for a dataset of another size?`);
    }
    this.#epoch = epoch;
  }
}

function checkSeed(seed: unknown): bigint {
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) return BigInt(seed);
  if (typeof seed === 'bigint' && seed >= 0n && seed < 2n ** 64n) return seed;
  const expected = 'integer in [0, 2^53) or bigint in [0, 2^64)';
  if (typeof seed !== 'number' && typeof seed !== 'bigint') throw argTypeError('seed', expected, seed);
  throw argRangeError('seed', expected, seed);
}
