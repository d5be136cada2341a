/**
 * IDX files (MNIST, Fashion-MNIST, EMNIST), plain or gzipped. Layout: two zero bytes, a type code,
 * the number of dimensions, each dimension as a big-endian uint32, then the elements, big-endian,
 * row-major. Nothing is trusted: the header is checked and the data size computed (and bounded by
 * `maxBytes`) before any data is allocated or decompressed, and the file must end exactly where
 * the data does.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { argRangeError, argTypeError } from '../errors.js';
import { type GunzipFailure, gunzipExact, gunzipExactSync, gunzipPrefix, isGzip } from './gzip.js';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  /** The elements in host byte order, row-major. */
  data: IdxData;
}

export type IdxErrorCode =
  /** The file ends inside the header or before the data it declares. */
  | 'TRUNCATED'
  /** The first two bytes are not zero. */
  | 'BAD_MAGIC'
  /** A type code other than 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E. */
  | 'UNKNOWN_DTYPE'
  /** Zero dimensions. */
  | 'BAD_DIMS'
  /** The declared data exceeds `maxBytes`. */
  | 'TOO_LARGE'
  /** Bytes after the declared data. */
  | 'TRAILING_BYTES'
  /** The gzip stream is corrupt. */
  | 'BAD_GZIP';

export class IdxError extends Error {
  override name = 'IdxError';
  readonly code: IdxErrorCode;

  constructor(code: IdxErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

export interface IdxOptions {
  /** Largest data section accepted, in bytes (default 1 GiB; MNIST's training images are 47 MB). */
  maxBytes?: number;
}

const TYPES: Record<number, [IdxDtype, number]> = {
  0x08: ['uint8', 1], 0x09: ['int8', 1], 0x0b: ['int16', 2], 0x0c: ['int32', 4], 0x0d: ['float32', 4], 0x0e: ['float64', 8],
};

interface Header {
  dtype: IdxDtype;
  size: number;
  shape: number[];
  headerBytes: number;
  dataBytes: number;
}

const DEFAULT_MAX_BYTES = 2 ** 30;

function checkOptions(options: unknown): number {
  if (options === undefined) return DEFAULT_MAX_BYTES;
  if (typeof options !== 'object' || options === null) throw argTypeError('options', 'object', options);
  const { maxBytes = DEFAULT_MAX_BYTES } = options as IdxOptions;
  if (typeof maxBytes !== 'number') throw argTypeError('options.maxBytes', 'positive integer', maxBytes);
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw argRangeError('options.maxBytes', 'positive integer', maxBytes);
  return maxBytes;
}

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/** Parses the header from the first bytes of the (decompressed) file. */
function parseHeader(bytes: Uint8Array, maxBytes: number): Header {
  if (bytes.length < 4) throw new IdxError('TRUNCATED', `file has ${bytes.length} bytes; an IDX header needs at least 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxError('BAD_MAGIC', `file starts with ${hex(bytes[0]!)} ${hex(bytes[1]!)}; an IDX file starts with two zero bytes`);
  }
  const type = TYPES[bytes[2]!];
  if (type === undefined) {
    throw new IdxError('UNKNOWN_DTYPE', `type code ${hex(bytes[2]!)} is not an IDX type (0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e)`);
  }
  const [dtype, itemSize] = type;
  const ndims = bytes[3]!;
  if (ndims === 0) throw new IdxError('BAD_DIMS', 'header declares 0 dimensions; expected at least 1');
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new IdxError('TRUNCATED', `header declares ${ndims} dimensions (${headerBytes} header bytes) but the file ends after ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const shape: number[] = [];
  for (let i = 0; i < ndims; i++) shape.push(view.getUint32(4 + 4 * i, false));
  // Up to 255 factors below 2^32: the product may lose precision or reach Infinity, but anything
  // past 2^53 is far past maxBytes, so the comparison stays exact where it matters.
  const size = shape.includes(0) ? 0 : shape.reduce((a, b) => a * b, 1);
  const dataBytes = size * itemSize;
  if (dataBytes > maxBytes) {
    throw new IdxError('TOO_LARGE', `shape [${shape.join(', ')}] of ${dtype} needs ${dataBytes} bytes, more than the limit of ${maxBytes}`);
  }
  return { dtype, size, shape, headerBytes, dataBytes };
}

/** Checks the total length and converts the big-endian elements. */
function payload(h: Header, bytes: Uint8Array): IdxArray {
  const end = h.headerBytes + h.dataBytes;
  if (bytes.length < end) throw new IdxError('TRUNCATED', `header declares ${h.dataBytes} data bytes but the file holds ${bytes.length - h.headerBytes}`);
  if (bytes.length > end) throw new IdxError('TRAILING_BYTES', `file holds ${bytes.length - end} bytes after the data`);
  const src = bytes.subarray(h.headerBytes, end);
  const view = new DataView(src.buffer, src.byteOffset, src.length);
  const n = h.size;
  let data: IdxData;
  switch (h.dtype) {
    case 'uint8':
      // A copy into a plain Uint8Array (src may be a Buffer view into a pooled allocation).
      data = new Uint8Array(src);
      break;
    case 'int8':
      data = new Int8Array(new Uint8Array(src).buffer);
      break;
    case 'int16':
      data = new Int16Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getInt16(2 * i, false);
      break;
    case 'int32':
      data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getInt32(4 * i, false);
      break;
    case 'float32': {
      // Through the bits, so NaN payloads survive.
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = view.getUint32(4 * i, false);
      data = new Float32Array(bits.buffer);
      break;
    }
    case 'float64':
      data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getFloat64(8 * i, false);
      break;
  }
  return { dtype: h.dtype, shape: h.shape, data };
}

function gzipError(f: GunzipFailure, h: Header | undefined): IdxError {
  if (f.kind === 'truncated') {
    return new IdxError('TRUNCATED', h === undefined ? `gzip stream ends early (${f.message})` : `gzip stream ends before the ${h.dataBytes} data bytes the header declares`);
  }
  if (f.kind === 'too-large' && h !== undefined) return new IdxError('TRAILING_BYTES', `gzip stream holds more than the ${h.dataBytes} data bytes the header declares`);
  return new IdxError('BAD_GZIP', `gzip stream is corrupt (${f.message})`);
}

/** The header of a gzipped file, read from as little of the stream as needed. */
function gzipHeader(bytes: Uint8Array, maxBytes: number): Header {
  const first = gunzipPrefix(bytes, 4);
  if (!(first instanceof Uint8Array)) throw gzipError(first, undefined);
  const need = first.length >= 4 ? 4 + 4 * first[3]! : 4;
  const head = first.length >= need ? first : gunzipPrefix(bytes, need);
  if (!(head instanceof Uint8Array)) throw gzipError(head, undefined);
  return parseHeader(head, maxBytes);
}

/** Decodes an IDX file held in memory, plain or gzipped (detected by its magic bytes). */
export function decodeIdx(bytes: Uint8Array, options?: IdxOptions): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw argTypeError('bytes', 'Uint8Array', bytes);
  const maxBytes = checkOptions(options);
  if (!isGzip(bytes)) return payload(parseHeader(bytes, maxBytes), bytes);
  const h = gzipHeader(bytes, maxBytes);
  const all = gunzipExactSync(bytes, h.headerBytes + h.dataBytes);
  if (!(all instanceof Uint8Array)) throw gzipError(all, h);
  return payload(h, all);
}

function checkPath(path: unknown): string {
  if (typeof path !== 'string' || path === '') throw argTypeError('path', 'non-empty string', path);
  return path;
}

/** The longest header: 4 bytes and 255 dimensions. */
const MAX_HEADER = 4 + 4 * 255;

/**
 * Checks a file of `size` bytes starting with `head` before it is read in full: a plain file must
 * be exactly as long as its header says; a gzipped one no longer than its largest valid stream.
 */
function checkFileSize(head: Uint8Array, size: number, maxBytes: number): Header | undefined {
  if (isGzip(head)) {
    // Deflate grows incompressible data by 5 bytes per 64 KiB block at most; 1/64 is generous.
    const limit = MAX_HEADER + maxBytes + Math.ceil(maxBytes / 64) + 65_536;
    if (size > limit) throw new IdxError('TOO_LARGE', `gzipped file has ${size} bytes, more than any stream of at most ${maxBytes} data bytes`);
    return undefined;
  }
  const h = parseHeader(head, maxBytes);
  const end = h.headerBytes + h.dataBytes;
  if (size < end) throw new IdxError('TRUNCATED', `header declares ${h.dataBytes} data bytes but the file holds ${size - h.headerBytes}`);
  if (size > end) throw new IdxError('TRAILING_BYTES', `file holds ${size - end} bytes after the data`);
  return h;
}

/** Reads an IDX file, plain or gzipped (detected by its magic bytes). */
export function readIdxSync(path: string, options?: IdxOptions): IdxArray {
  checkPath(path);
  const maxBytes = checkOptions(options);
  const fd = fs.openSync(path, 'r');
  let bytes: Uint8Array;
  try {
    const size = fs.fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, MAX_HEADER));
    fs.readSync(fd, head, 0, head.length, 0);
    checkFileSize(head, size, maxBytes);
    bytes = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, bytes, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    bytes = bytes.subarray(0, done);
  } finally {
    fs.closeSync(fd);
  }
  return decodeIdx(bytes, options);
}

/** Reads an IDX file, plain or gzipped; file reads and decompression run off the main thread. */
export async function readIdx(path: string, options?: IdxOptions): Promise<IdxArray> {
  checkPath(path);
  const maxBytes = checkOptions(options);
  const handle = await fsp.open(path, 'r');
  let bytes: Uint8Array;
  try {
    const { size } = await handle.stat();
    const head = new Uint8Array(Math.min(size, MAX_HEADER));
    await handle.read(head, 0, head.length, 0);
    checkFileSize(head, size, maxBytes);
    bytes = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(bytes, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    bytes = bytes.subarray(0, done);
  } finally {
    await handle.close();
  }
  if (!isGzip(bytes)) return payload(parseHeader(bytes, maxBytes), bytes);
  const h = gzipHeader(bytes, maxBytes);
  const all = await gunzipExact(bytes, h.headerBytes + h.dataBytes);
  if (!(all instanceof Uint8Array)) throw gzipError(all, h);
  return payload(h, all);
}
