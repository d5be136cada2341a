import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from '../../../lib/index.js';
import { idx } from '../../helpers/idx.js';

let dir = '';
const N = 5;
const pixels = Array.from({ length: N * 4 * 3 }, (_, i) => (i * 37) % 256);
const labels = [3, 0, 9, 9, 1];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropnet-mnist-'));
  // The training split gzipped, the test split plain and under the renamed ("images.idx3") spelling.
  fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx(0x08, [N, 4, 3], pixels)));
  fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idx(0x08, [N], labels)));
  fs.writeFileSync(path.join(dir, 't10k-images.idx3-ubyte'), idx(0x08, [2, 4, 3], pixels.slice(0, 24)));
  fs.writeFileSync(path.join(dir, 't10k-labels.idx1-ubyte'), idx(0x08, [2], [7, 2]));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadMnist', () => {
  it('finds the standard files and returns NCHW float images in [0, 1] and Int32 labels', async () => {
    const d = await io.loadMnist(dir);
    expect(d.images.shape).toEqual([N, 1, 4, 3]);
    expect(d.images.data[1]).toBe(Math.fround(37 / 255));
    expect(Math.max(...d.images.data)).toBeLessThanOrEqual(1);
    expect([...d.images.data].map((v) => Math.round(v * 255))).toEqual(pixels);
    expect(d.labels).toEqual(Int32Array.from(labels));
    expect(d.numClasses).toBe(10);
  });

  it('loads the test split, flattened, and explicit file paths', async () => {
    const t = await io.loadMnist(dir, { split: 'test', flatten: true });
    expect(t.images.shape).toEqual([2, 12]);
    expect([...t.labels]).toEqual([7, 2]);
    const e = await io.loadMnist({ images: path.join(dir, 't10k-images.idx3-ubyte'), labels: path.join(dir, 't10k-labels.idx1-ubyte') });
    expect(e.images.shape).toEqual([2, 1, 4, 3]);
  });

  it('says which files it looked for', async () => {
    await expect(io.loadMnist(path.join(dir, 'nowhere'))).rejects.toThrow(
      `loadMnist: no train images in ${path.join(dir, 'nowhere')} (looked for train-images-idx3-ubyte, train-images-idx3-ubyte.gz, train-images.idx3-ubyte, train-images.idx3-ubyte.gz)`,
    );
  });

  it('checks dtypes, ranks, counts and label range', () => {
    const img = io.decodeIdx(idx(0x08, [2, 2, 2], new Uint8Array(8)));
    const lab = io.decodeIdx(idx(0x08, [2], [1, 2]));
    expect(() => io.mnistFromIdx(io.decodeIdx(idx(0x0c, [2, 1, 1], new Uint8Array(8))), lab)).toThrow(new RangeError('Expected uint8 [N, H, W] for images but received int32 [2, 1, 1]'));
    expect(() => io.mnistFromIdx(img, io.decodeIdx(idx(0x08, [2, 1], [1, 2])))).toThrow(new RangeError('Expected uint8 [N] for labels but received uint8 [2, 1]'));
    expect(() => io.mnistFromIdx(img, io.decodeIdx(idx(0x08, [3], [1, 2, 3])))).toThrow(new RangeError('Expected 2 labels (one per image) but received 3'));
    expect(() => io.mnistFromIdx(img, io.decodeIdx(idx(0x08, [2], [1, 10])))).toThrow(new RangeError('Expected labels in [0, 10) but label 1 is 10'));
    expect(io.mnistFromIdx(img, io.decodeIdx(idx(0x08, [2], [1, 10])), { numClasses: 11 }).numClasses).toBe(11);
    expect(() => io.mnistFromIdx(img, lab, { split: 'val' as never })).toThrow(new RangeError('Expected "train" or "test" for options.split but received "val" of type string'));
  });
});
