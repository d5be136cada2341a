/**
 * MNIST-style datasets (MNIST, Fashion-MNIST, KMNIST ...): an IDX file of uint8 images [N, H, W]
 * and one of uint8 labels [N]. Images become float32 in [0, 1] (pixel / 255), NCHW [N, 1, H, W]
 * or flattened [N, H*W]; labels become Int32Array class indices.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { argRangeError, argTypeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { type IdxArray, readIdx } from './idx.js';

export interface MnistOptions {
  /** Which files to look for when given a directory (default 'train'). */
  split?: 'train' | 'test';
  /** Images as [N, H*W] instead of [N, 1, H, W] (default false). */
  flatten?: boolean;
  /** Labels must lie in [0, numClasses) (default 10). */
  numClasses?: number;
}

export interface ImageDataset {
  /** float32 pixels in [0, 1]: [N, 1, H, W], or [N, H*W] with `flatten`. */
  images: Tensor;
  /** Class index of each image. */
  labels: Int32Array;
  numClasses: number;
}

const PREFIX = { train: 'train', test: 't10k' } as const;

/** The usual names, as distributed and as some archives rename them. */
function candidates(dir: string, split: 'train' | 'test', kind: 'images' | 'labels'): string[] {
  const idx = kind === 'images' ? 'idx3' : 'idx1';
  const base = [`${PREFIX[split]}-${kind}-${idx}-ubyte`, `${PREFIX[split]}-${kind}.${idx}-ubyte`];
  return base.flatMap((b) => [b, `${b}.gz`]).map((f) => path.join(dir, f));
}

function findFile(dir: string, split: 'train' | 'test', kind: 'images' | 'labels'): string {
  const options = candidates(dir, split, kind);
  const found = options.find((f) => fs.existsSync(f));
  if (found === undefined) {
    throw new Error(`loadMnist: no ${split} ${kind} in ${dir} (looked for ${options.map((f) => path.basename(f)).join(', ')})`);
  }
  return found;
}

function checkOptions(options: unknown): Required<MnistOptions> {
  if (options === undefined) return { split: 'train', flatten: false, numClasses: 10 };
  if (typeof options !== 'object' || options === null) throw argTypeError('options', 'object', options);
  const { split = 'train', flatten = false, numClasses = 10 } = options as MnistOptions;
  if (split !== 'train' && split !== 'test') throw argRangeError('options.split', '"train" or "test"', split);
  if (typeof flatten !== 'boolean') throw argTypeError('options.flatten', 'boolean', flatten);
  if (!Number.isSafeInteger(numClasses) || numClasses < 1 || numClasses > 256) {
    throw argRangeError('options.numClasses', 'integer in [1, 256]', numClasses);
  }
  return { split, flatten, numClasses };
}

function describeIdx(a: IdxArray): string {
  return `${a.dtype} [${a.shape.join(', ')}]`;
}

/** Builds the dataset from decoded IDX arrays (checked: uint8, [N, H, W] and [N], labels in range). */
export function mnistFromIdx(images: IdxArray, labels: IdxArray, options?: MnistOptions): ImageDataset {
  const { flatten, numClasses } = checkOptions(options);
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new RangeError(`Expected uint8 [N, H, W] for images but received ${describeIdx(images)}`);
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new RangeError(`Expected uint8 [N] for labels but received ${describeIdx(labels)}`);
  }
  const [n, h, w] = images.shape as [number, number, number];
  if (labels.shape[0] !== n) throw new RangeError(`Expected ${n} labels (one per image) but received ${labels.shape[0]}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = labels.data[i]!;
    if (c >= numClasses) throw new RangeError(`Expected labels in [0, ${numClasses}) but label ${i} is ${c}`);
    out[i] = c;
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return { images: new Tensor(pixels, flatten ? [n, h * w] : [n, 1, h, w]), labels: out, numClasses };
}

/**
 * Loads an MNIST-style dataset from a directory holding the standard files (train-images-idx3-ubyte,
 * t10k-labels-idx1-ubyte ..., optionally .gz) or from explicit `{ images, labels }` paths.
 */
export async function loadMnist(source: string | { images: string; labels: string }, options?: MnistOptions): Promise<ImageDataset> {
  const opts = checkOptions(options);
  let files: { images: string; labels: string };
  if (typeof source === 'string') {
    files = { images: findFile(source, opts.split, 'images'), labels: findFile(source, opts.split, 'labels') };
  } else if (typeof source === 'object' && source !== null && typeof source.images === 'string' && typeof source.labels === 'string') {
    files = source;
  } else {
    throw argTypeError('source', 'directory path or { images, labels } paths', source);
  }
  const [images, labels] = await Promise.all([readIdx(files.images), readIdx(files.labels)]);
  return mnistFromIdx(images, labels, opts);
}
