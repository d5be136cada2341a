import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from '../../../lib/index.js';
import { idx } from '../../helpers/idx.js';

function be(size: number, values: number[], set: (v: DataView, at: number, x: number) => void): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => set(v, i * size, x));
  return out;
}

function failure(bytes: Uint8Array, options?: io.IdxOptions): io.IdxError {
  try {
    io.decodeIdx(bytes, options);
  } catch (e) {
    expect(e).toBeInstanceOf(io.IdxError);
    return e as io.IdxError;
  }
  throw new Error('expected the file to be rejected');
}

function expectFailure(bytes: Uint8Array, code: io.IdxErrorCode, message: string | RegExp, options?: io.IdxOptions): void {
  const e = failure(bytes, options);
  expect(e.code).toBe(code);
  if (typeof message === 'string') expect(e.message).toBe(`${code}: ${message}`);
  else expect(e.message).toMatch(message);
}

describe('decodeIdx', () => {
  it('reads every IDX type, big-endian, in host order', () => {
    const u8 = io.decodeIdx(idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]));
    expect(u8).toEqual({ dtype: 'uint8', shape: [2, 3], data: Uint8Array.of(0, 1, 2, 253, 254, 255) });
    expect(io.decodeIdx(idx(0x09, [2], [0x80, 0x7f])).data).toEqual(Int8Array.of(-128, 127));
    expect(io.decodeIdx(idx(0x0b, [2], be(2, [-2, 300], (v, a, x) => v.setInt16(a, x)))).data).toEqual(Int16Array.of(-2, 300));
    expect(io.decodeIdx(idx(0x0c, [1], [0xff, 0xff, 0xff, 0xfe])).data).toEqual(Int32Array.of(-2));
    expect(io.decodeIdx(idx(0x0d, [2], [0x3f, 0x80, 0, 0, 0x7f, 0xc0, 0, 1])).data).toEqual(new Float32Array(Uint32Array.of(0x3f800000, 0x7fc00001).buffer));
    expect(io.decodeIdx(idx(0x0e, [1, 1], be(8, [-0.1], (v, a, x) => v.setFloat64(a, x)))).data).toEqual(Float64Array.of(-0.1));
  });

  it('reads gzipped files, detected by their magic bytes', () => {
    const plain = idx(0x08, [3, 2, 2], Array.from({ length: 12 }, (_, i) => i * 20));
    expect(io.decodeIdx(gzipSync(plain))).toEqual(io.decodeIdx(plain));
  });

  it('accepts empty dimensions', () => {
    expect(io.decodeIdx(idx(0x08, [0, 28, 28], []))).toEqual({ dtype: 'uint8', shape: [0, 28, 28], data: new Uint8Array(0) });
  });

  it('rejects a short header (TRUNCATED), bad magic (BAD_MAGIC), unknown type codes and zero dimensions', () => {
    expectFailure(Uint8Array.of(0, 0, 8), 'TRUNCATED', 'file has 3 bytes; an IDX header needs at least 4');
    expectFailure(idx(0x08, [2, 2], [1, 2, 3, 4]).subarray(0, 9), 'TRUNCATED', 'header declares 2 dimensions (12 header bytes) but the file ends after 9');
    expectFailure(Uint8Array.of(0x50, 0x4b, 3, 4), 'BAD_MAGIC', 'file starts with 0x50 0x4b; an IDX file starts with two zero bytes');
    expectFailure(Uint8Array.of(0, 1, 8, 1, 0, 0, 0, 0), 'BAD_MAGIC', 'file starts with 0x00 0x01; an IDX file starts with two zero bytes');
    expectFailure(idx(0x0a, [1], [0]), 'UNKNOWN_DTYPE', 'type code 0x0a is not an IDX type (0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e)');
    expectFailure(idx(0x08, [], []), 'BAD_DIMS', 'header declares 0 dimensions; expected at least 1');
  });

  it('rejects sizes past the limit before allocating (TOO_LARGE)', () => {
    expectFailure(idx(0x0e, [0xffffffff, 0xffffffff], []), 'TOO_LARGE', 'shape [4294967295, 4294967295] of float64 needs 147573952520956940000 bytes, more than the limit of 1073741824');
    expectFailure(idx(0x08, new Array(255).fill(0xffffffff), []), 'TOO_LARGE', /^TOO_LARGE: shape \[4294967295, .* of uint8 needs Infinity bytes, more than the limit of 1073741824$/);
    expectFailure(idx(0x0c, [10], new Uint8Array(40)), 'TOO_LARGE', 'shape [10] of int32 needs 40 bytes, more than the limit of 39', { maxBytes: 39 });
    expect(io.decodeIdx(idx(0x0c, [10], new Uint8Array(40)), { maxBytes: 40 }).shape).toEqual([10]);
    // A zero dimension makes the product zero whatever the others are.
    expect(io.decodeIdx(idx(0x08, [0xffffffff, 0, 0xffffffff], [])).data.length).toBe(0);
  });

  it('rejects missing data (TRUNCATED) and extra bytes (TRAILING_BYTES)', () => {
    const file = idx(0x08, [2, 2], [1, 2, 3, 4]);
    for (let len = 12; len < file.length; len++) {
      expectFailure(file.subarray(0, len), 'TRUNCATED', `header declares 4 data bytes but the file holds ${len - 12}`);
    }
    expectFailure(idx(0x08, [2, 2], [1, 2, 3, 4, 5]), 'TRAILING_BYTES', 'file holds 1 bytes after the data');
  });

  it('rejects truncated, oversized and corrupt gzip streams', () => {
    const plain = idx(0x08, [100, 10], Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));
    const gz = gzipSync(plain);
    expectFailure(gz.subarray(0, gz.length - 12), 'TRUNCATED', 'gzip stream ends before the 1000 data bytes the header declares');
    expectFailure(gz.subarray(0, 11), 'TRUNCATED', 'file has 0 bytes; an IDX header needs at least 4');
    expectFailure(gzipSync(idx(0x08, [2, 2], [1, 2, 3, 4, 5])), 'TRAILING_BYTES', 'file holds 1 bytes after the data');
    expectFailure(gzipSync(idx(0x08, [2, 2], [1, 2, 3, 4, 5, 6])), 'TRAILING_BYTES', 'gzip stream holds more than the 4 data bytes the header declares');
    expectFailure(gzipSync(idx(0x08, [2, 2], [1, 2, 3])), 'TRUNCATED', 'header declares 4 data bytes but the file holds 3');
    const corrupt = Uint8Array.from(gz);
    corrupt[3] = 0xff; // reserved flag bits
    expectFailure(corrupt, 'BAD_GZIP', /^BAD_GZIP: gzip stream is corrupt \(.+\)$/);
  });

  it('stops a gzip bomb at the declared size', () => {
    // 64 MiB of zeros behind a header declaring 16 bytes: decompression stops after 17.
    const bomb = gzipSync(Buffer.concat([idx(0x08, [16], new Uint8Array(16)), Buffer.alloc(64 << 20)]), { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    const before = process.memoryUsage().arrayBuffers;
    expectFailure(bomb, 'TRAILING_BYTES', 'gzip stream holds more than the 16 data bytes the header declares');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 << 20);
  });

  it('rejects bad arguments', () => {
    expect(() => io.decodeIdx([0, 0, 8, 1] as never)).toThrow(new TypeError('Expected Uint8Array for bytes but received Array(4)'));
    expect(() => io.decodeIdx(idx(0x08, [1], [1]), { maxBytes: -1 })).toThrow(new RangeError('Expected positive integer for options.maxBytes but received -1 of type number'));
  });
});

describe('readIdx / readIdxSync', () => {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropnet-idx-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('read plain and gzipped files alike', async () => {
    const plain = idx(0x08, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    fs.writeFileSync(path.join(dir, 'a-idx3-ubyte'), plain);
    fs.writeFileSync(path.join(dir, 'a-idx3-ubyte.gz'), gzipSync(plain));
    const want = io.decodeIdx(plain);
    expect(io.readIdxSync(path.join(dir, 'a-idx3-ubyte'))).toEqual(want);
    expect(io.readIdxSync(path.join(dir, 'a-idx3-ubyte.gz'))).toEqual(want);
    expect(await io.readIdx(path.join(dir, 'a-idx3-ubyte'))).toEqual(want);
    expect(await io.readIdx(path.join(dir, 'a-idx3-ubyte.gz'))).toEqual(want);
  });

  it('check the file size against the header before reading the data', async () => {
    const p = path.join(dir, 'short');
    fs.writeFileSync(p, idx(0x08, [1000, 1000], new Uint8Array(10)));
    expect(() => io.readIdxSync(p)).toThrow('TRUNCATED: header declares 1000000 data bytes but the file holds 10');
    await expect(io.readIdx(p)).rejects.toThrow('TRUNCATED: header declares 1000000 data bytes but the file holds 10');
    const q = path.join(dir, 'long');
    fs.writeFileSync(q, idx(0x08, [2], [1, 2, 3]));
    await expect(io.readIdx(q)).rejects.toThrow('TRAILING_BYTES: file holds 1 bytes after the data');
  });

  it('refuse a gzipped file larger than any stream within the limit', async () => {
    const p = path.join(dir, 'big.gz');
    fs.writeFileSync(p, Buffer.concat([gzipSync(idx(0x08, [1], [1])), Buffer.alloc(70_000)]));
    expect(() => io.readIdxSync(p, { maxBytes: 10 })).toThrow(/^TOO_LARGE: gzipped file has 700\d\d bytes, more than any stream of at most 10 data bytes$/);
    await expect(io.readIdx(p, { maxBytes: 10 })).rejects.toThrow(/^TOO_LARGE/);
  });
});
