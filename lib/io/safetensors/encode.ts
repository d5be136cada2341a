/**
 * Tensors → safetensors bytes, laid out as the reference writer does: tensors sorted by dtype
 * alignment (descending) then by name in UTF-8 byte order (all ours are F32, so by name), the
 * header compact JSON with `__metadata__` first, padded with spaces to a multiple of 8 bytes so
 * every tensor starts 8-byte aligned, data offsets relative to the end of the header.
 * Metadata keys are written sorted, so equal inputs give identical files.
 */
import { argRangeError, argTypeError } from '../../errors.js';
import { checkShape, shapeSize } from '../../shape.js';
import { HOST_LITTLE_ENDIAN } from './dtypes.js';

/** Anything with a shape and float32 data: a Tensor, or plain data from a state dict. */
export interface TensorData {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Named tensors: a Map (any names) or a plain object such as a Module's stateDict(). */
export type NamedTensors = ReadonlyMap<string, TensorData> | Readonly<Record<string, TensorData>>;

interface Item {
  name: string;
  nameBytes: Uint8Array;
  tensor: TensorData;
}

const encoder = new TextEncoder();

function entriesOf(tensors: unknown): [string, unknown][] {
  if (tensors instanceof Map)
    return [...(tensors as Map<unknown, unknown>)].map(([k, v]) => {
      if (typeof k !== 'string') throw argTypeError('tensor name', 'string', k);
      return [k, v];
    });
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors) || ArrayBuffer.isView(tensors)) {
    throw argTypeError('tensors', 'Map or object of named tensors', tensors);
  }
  return Object.entries(tensors);
}

function checkTensor(name: string, value: unknown): TensorData {
  const label = `tensors[${JSON.stringify(name)}]`;
  if (typeof value !== 'object' || value === null)
    throw argTypeError(label, 'tensor (shape and Float32Array data)', value);
  const { shape, data } = value as { shape: unknown; data: unknown };
  if (!(data instanceof Float32Array)) throw argTypeError(`${label}.data`, 'Float32Array', data);
  checkShape(shape, `${label}.shape`);
  if (shapeSize(shape as number[]) !== data.length) {
    throw argRangeError(
      `${label}.data`,
      `${shapeSize(shape as number[])} elements for shape [${(shape as number[]).join(', ')}]`,
      data,
    );
  }
  return value as TensorData;
}

function checkMetadata(metadata: unknown): [string, string][] | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw argTypeError('metadata', 'object of strings', metadata);
  }
  const entries = Object.entries(metadata);
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw argTypeError(`metadata[${JSON.stringify(k)}]`, 'string', v);
  }
  return entries.sort(([a], [b]) => compareUtf8(encoder.encode(a), encoder.encode(b)));
}

function compareUtf8(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The little-endian bytes of a float32 array (a view on little-endian hosts, a copy otherwise). */
function leBytes(data: Float32Array): Uint8Array {
  if (HOST_LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i]!, true);
  return out;
}

/**
 * The file as a list of chunks: the length prefix and header, then each tensor's bytes. The
 * tensor chunks are views of the tensors' own storage where possible (no copy), so they are only
 * valid until the tensors change.
 */
export function encodeSafetensorsChunks(tensors: NamedTensors, metadata?: Record<string, string>): Uint8Array[] {
  const items: Item[] = entriesOf(tensors).map(([name, value]) => {
    if (name === '__metadata__') throw argRangeError('tensor name', 'name other than "__metadata__" (reserved)', name);
    return { name, nameBytes: encoder.encode(name), tensor: checkTensor(name, value) };
  });
  const meta = checkMetadata(metadata);
  items.sort((a, b) => compareUtf8(a.nameBytes, b.nameBytes));

  const parts: string[] = [];
  if (meta !== undefined) {
    parts.push(`"__metadata__":{${meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  }
  let offset = 0;
  for (const { name, tensor } of items) {
    const end = offset + tensor.data.byteLength;
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"F32","shape":[${tensor.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = encoder.encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  const head = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, 8);
  return [head, ...items.map((it) => leBytes(it.tensor.data))];
}

/** The safetensors file for `tensors` (F32) and optional string metadata, as one byte array. */
export function encodeSafetensors(tensors: NamedTensors, metadata?: Record<string, string>): Uint8Array {
  const chunks = encodeSafetensorsChunks(tensors, metadata);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
