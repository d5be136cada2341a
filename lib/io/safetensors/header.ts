/**
 * Reading and checking a safetensors header. Nothing in the file is trusted: the length prefix is
 * checked against a limit and the file size before anything is allocated, the JSON is scanned for
 * depth and duplicate keys before it is parsed, every entry must have exactly the three fields of
 * the right types, and the tensors must tile the byte buffer from 0 to its end in offset order,
 * with no gap, overlap or trailing byte (the rules of the reference implementation, plus
 * duplicate keys and depth).
 */
import { cut, preview, SafetensorsError } from './error.js';
import { DTYPE_SIZES, isKnownDtype, isSupportedDtype, type SafetensorsDtype } from './dtypes.js';
import { scanJson } from './json-scan.js';

/** The largest header accepted by default: the reference implementation's limit. */
export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

/** A valid header never nests deeper than 3 (root, entry, shape); a little slack for metadata. */
const MAX_DEPTH = 16;

export interface TensorEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Element count. */
  readonly size: number;
  /** Byte range in the data buffer (after the header). */
  readonly begin: number;
  readonly end: number;
}

export interface Header {
  /** Entries in data-offset order. */
  readonly entries: readonly TensorEntry[];
  readonly metadata: Record<string, string> | undefined;
}

/**
 * What a file that is not safetensors at all looks like, from its first bytes: a zip archive
 * (PyTorch's torch.save writes .pt/.pth files as zip), JSON, or text. '' when nothing is recognised.
 */
export function notSafetensorsHint(prefix: Uint8Array): string {
  const b = prefix.subarray(0, 8);
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    return (
      "; this is a zip archive (PyTorch's torch.save writes .pt/.pth files as zip), not a safetensors file: " +
      "in Python, safetensors.torch.save_file(model.state_dict(), 'model.safetensors') converts it"
    );
  }
  if (b[0] === 0x80 && b[1] !== undefined && b[1] <= 5)
    return '; this is a Python pickle (an old-style torch.save file), not a safetensors file';
  const first = String.fromCharCode(...b.filter((c) => c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09)).charAt(0);
  if (first === '{' || first === '[')
    return '; this is JSON, not a safetensors file (which starts with an 8-byte header length)';
  if (b.length === 8 && b.every((c) => c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c < 0x7f))) {
    return '; this is text, not a safetensors file (which starts with an 8-byte header length)';
  }
  return '';
}

/**
 * The header length N from the first 8 bytes of a file of `fileLength` bytes; checks N against
 * the limit and the file before any allocation.
 */
export function readHeaderLength(prefix: Uint8Array, fileLength: number, maxHeaderBytes: number): number {
  if (prefix.length < 8 || fileLength < 8) {
    throw new SafetensorsError(
      'TRUNCATED',
      `file has ${fileLength} bytes; a safetensors file starts with an 8-byte header length`,
    );
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(maxHeaderBytes)) {
    throw new SafetensorsError(
      'HEADER_TOO_LARGE',
      `header length ${n} exceeds the limit of ${maxHeaderBytes} bytes${notSafetensorsHint(prefix)}`,
    );
  }
  const length = Number(n);
  if (length > fileLength - 8) {
    throw new SafetensorsError(
      'HEADER_PAST_EOF',
      `header length ${length} runs past the end of the file (${fileLength - 8} bytes after the length prefix)${notSafetensorsHint(prefix)}`,
    );
  }
  return length;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses and checks the header bytes against a data buffer of `dataLength` bytes. */
export function parseHeader(bytes: Uint8Array, dataLength: number): Header {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new SafetensorsError('BAD_UTF8', 'header is not valid UTF-8');
  }
  const scan = scanJson(text, MAX_DEPTH);
  if ('depthExceeded' in scan) {
    throw new SafetensorsError('HEADER_TOO_DEEP', `header nests deeper than ${MAX_DEPTH} levels`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError('BAD_JSON', `header is not valid JSON (${(e as Error).message})`);
  }
  if (scan.duplicate !== undefined) {
    throw new SafetensorsError(
      'DUPLICATE_KEY',
      `key ${preview(scan.duplicate.key)} appears twice in ${cut(scan.duplicate.path)}`,
    );
  }
  if (!isPlainObject(json)) {
    throw new SafetensorsError('BAD_HEADER', `header is JSON ${jsonKind(json)}; expected an object`);
  }
  let metadata: Record<string, string> | undefined;
  const entries: TensorEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') metadata = checkMetadata(value);
    else entries.push(checkEntry(name, value));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of entries) {
    if (e.begin !== at) {
      const what = e.begin < at ? `overlaps the previous tensor, which ends at ${at}` : `leaves a gap after byte ${at}`;
      throw new SafetensorsError(
        'OFFSETS_NOT_CONTIGUOUS',
        `tensor ${preview(e.name)} data_offsets [${e.begin}, ${e.end}] ${what}`,
      );
    }
    at = e.end;
  }
  if (at > dataLength) {
    throw new SafetensorsError('TRUNCATED', `header declares ${at} data bytes but the file holds ${dataLength}`);
  }
  if (at < dataLength) {
    throw new SafetensorsError(
      'TRAILING_BYTES',
      `file holds ${dataLength - at} bytes after the last tensor (data ends at ${at})`,
    );
  }
  return { entries, metadata };
}

function checkMetadata(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new SafetensorsError(
      'BAD_METADATA',
      `__metadata__ is JSON ${jsonKind(value)}; expected an object of strings`,
    );
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError(
        'BAD_METADATA',
        `__metadata__[${preview(k)}] is JSON ${jsonKind(v)}; expected a string`,
      );
    }
  }
  return value as Record<string, string>;
}

const FIELDS = ['dtype', 'shape', 'data_offsets'];

function checkEntry(name: string, value: unknown): TensorEntry {
  if (!isPlainObject(value)) {
    throw new SafetensorsError('BAD_ENTRY', `tensor ${preview(name)} is JSON ${jsonKind(value)}; expected an object`);
  }
  for (const k of Object.keys(value)) {
    if (!FIELDS.includes(k))
      throw new SafetensorsError('BAD_ENTRY', `tensor ${preview(name)} has unexpected field ${preview(k)}`);
  }
  for (const k of FIELDS) {
    if (!Object.hasOwn(value, k)) throw new SafetensorsError('BAD_ENTRY', `tensor ${preview(name)} lacks field "${k}"`);
  }
  const { dtype, shape, data_offsets: offsets } = value as { dtype: unknown; shape: unknown; data_offsets: unknown };
  if (typeof dtype !== 'string') {
    throw new SafetensorsError(
      'BAD_ENTRY',
      `tensor ${preview(name)} dtype is JSON ${jsonKind(dtype)}; expected a string`,
    );
  }
  if (!isSupportedDtype(dtype)) {
    if (isKnownDtype(dtype))
      throw new SafetensorsError(
        'UNSUPPORTED_DTYPE',
        `tensor ${preview(name)} has dtype ${dtype}, which does not convert to float32`,
      );
    throw new SafetensorsError('UNKNOWN_DTYPE', `tensor ${preview(name)} has unknown dtype ${preview(dtype)}`);
  }
  if (!Array.isArray(shape)) {
    throw new SafetensorsError(
      'BAD_SHAPE',
      `tensor ${preview(name)} shape is JSON ${jsonKind(shape)}; expected an array`,
    );
  }
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new SafetensorsError(
        'BAD_SHAPE',
        `tensor ${preview(name)} shape[${i}] is ${preview(d)}; expected a non-negative integer`,
      );
    }
    size *= d;
    if (!Number.isSafeInteger(d) || !Number.isSafeInteger(size)) {
      throw new SafetensorsError(
        'SHAPE_OVERFLOW',
        `tensor ${preview(name)} shape ${preview(shape)} has more than 2^53 - 1 elements`,
      );
    }
  }
  const nbytes = size * DTYPE_SIZES[dtype];
  if (!Number.isSafeInteger(nbytes)) {
    throw new SafetensorsError(
      'SHAPE_OVERFLOW',
      `tensor ${preview(name)} shape ${preview(shape)} of ${dtype} needs more than 2^53 - 1 bytes`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)
  ) {
    throw new SafetensorsError(
      'BAD_OFFSETS',
      `tensor ${preview(name)} data_offsets is ${preview(offsets)}; expected [begin, end] of non-negative integers`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) {
    throw new SafetensorsError(
      'BAD_OFFSETS',
      `tensor ${preview(name)} data_offsets [${begin}, ${end}] ends before it begins`,
    );
  }
  if (end - begin !== nbytes) {
    throw new SafetensorsError(
      'SIZE_MISMATCH',
      `tensor ${preview(name)} data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} ${preview(shape)} needs ${nbytes}`,
    );
  }
  // `+ 0` turns a JSON -0 into 0.
  return { name, dtype, shape: shape.map((d: number) => d + 0), size, begin, end };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
