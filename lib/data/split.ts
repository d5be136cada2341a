/**
 * Splitting a dataset at random: `randomSplit` (PyTorch's random_split: views of the original)
 * and `trainTestSplit` (scikit-learn's train_test_split: two datasets of tensors in memory).
 */
import { argRangeError, argTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { asDataset, type Dataset, Subset, type Targets, type TensorDataset, toTensorDataset } from './dataset.js';
import { drawSeed, permutation } from './permutation.js';

export interface SplitOptions {
  /** Seed of the shuffle; drawn from the default generator (see manualSeed) if omitted. */
  seed?: number | bigint;
}

/**
 * Sizes from `lengths`: counts summing to n, or fractions summing to 1 (each floor(f * n), the
 * remainder handed out one by one from the first part, as PyTorch does).
 */
export function splitSizes(n: number, lengths: readonly number[]): number[] {
  if (!Array.isArray(lengths) || lengths.length === 0) throw argTypeError('lengths', 'non-empty array of counts or fractions', lengths);
  for (let i = 0; i < lengths.length; i++) {
    const v = lengths[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw argRangeError(`lengths[${i}]`, 'non-negative number', v);
  }
  const sum = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every(Number.isInteger) && sum === n) return [...lengths];
  if (lengths.every((f) => f <= 1) && Math.abs(sum - 1) < 1e-9) {
    const sizes = lengths.map((f) => Math.floor(f * n));
    let rest = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % sizes.length, rest--) sizes[i]!++;
    return sizes;
  }
  throw argRangeError('lengths', `counts summing to ${n} or fractions summing to 1`, lengths);
}

/** Disjoint random subsets covering the dataset, of the given counts or fractions. */
export function randomSplit<Y extends Targets>(
  data: Dataset<Y> | { x: Tensor; y: Y }, lengths: readonly number[], options: SplitOptions = {},
): Subset<Y>[] {
  const dataset = asDataset(data);
  const sizes = splitSizes(dataset.length, lengths);
  const order = permutation(dataset.length, options.seed ?? drawSeed());
  let at = 0;
  return sizes.map((s) => new Subset(dataset, order.subarray(at, (at += s))));
}

export interface TrainTestSplitOptions extends SplitOptions {
  /** Fraction (in (0, 1)) or count of samples for the test set (default 0.2). */
  testSize?: number;
  /** Shuffle before splitting (default true); false takes the last samples as the test set. */
  shuffle?: boolean;
}

/** A training and a test set of tensors, disjoint and together holding every sample. */
export function trainTestSplit<Y extends Targets>(
  data: Dataset<Y> | { x: Tensor; y: Y }, options: TrainTestSplitOptions = {},
): { train: TensorDataset<Y>; test: TensorDataset<Y> } {
  const dataset = asDataset(data);
  const n = dataset.length;
  const { testSize = 0.2, shuffle = true } = options;
  if (typeof shuffle !== 'boolean') throw argTypeError('shuffle', 'boolean', shuffle);
  let nTest: number;
  if (typeof testSize === 'number' && testSize > 0 && testSize < 1) nTest = Math.ceil(testSize * n);
  else if (Number.isSafeInteger(testSize) && testSize >= 0 && testSize <= n) nTest = testSize;
  else throw argRangeError('testSize', `fraction in (0, 1) or count in [0, ${n}]`, testSize);
  const order = shuffle ? permutation(n, options.seed ?? drawSeed()) : Int32Array.from({ length: n }, (_, i) => i);
  return {
    train: toTensorDataset(new Subset(dataset, order.subarray(0, n - nTest))),
    test: toTensorDataset(new Subset(dataset, order.subarray(n - nTest))),
  };
}
