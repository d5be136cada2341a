/**
 * The safetensors dtypes this library reads and how each becomes float32. All storage is
 * little-endian. Floats convert with round-to-nearest-even (F16 and BF16 exactly; F64 may round
 * or overflow to ±Infinity, as a cast in PyTorch does); F32 and BF16 keep NaN payloads bit for
 * bit, F16 and F64 NaNs become the canonical NaN. Integers and BOOL convert only when float32
 * holds the value exactly, otherwise the load fails (BAD_VALUE) instead of silently changing it.
 */
import { preview, SafetensorsError } from './error.js';

/** Dtypes that load (converted to float32 where needed). */
export type SafetensorsDtype =
  'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

/** Bytes per element. The order is the format's alignment order (writers sort by it, descending). */
export const DTYPE_SIZES: Readonly<Record<SafetensorsDtype, number>> = Object.freeze({
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
});

/** Dtypes the format defines that have no float32 conversion here. */
const UNSUPPORTED: ReadonlySet<string> = new Set(['F4', 'F6_E2M3', 'F6_E3M2', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'C64']);

export function isSupportedDtype(dtype: string): dtype is SafetensorsDtype {
  return Object.hasOwn(DTYPE_SIZES, dtype);
}

export function isKnownDtype(dtype: string): boolean {
  return isSupportedDtype(dtype) || UNSUPPORTED.has(dtype);
}

/** True on little-endian hosts (every platform Node ships for but s390x). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** float16 bits → float32 value (exact: every binary16 value is a binary32 value). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/**
 * Converts `count` elements of `dtype` starting at byte `begin` of `bytes` to float32.
 * `name` is for messages.
 */
export function toFloat32(
  bytes: Uint8Array,
  begin: number,
  count: number,
  dtype: SafetensorsDtype,
  name: string,
  littleEndianHost = HOST_LITTLE_ENDIAN,
): Float32Array {
  const out = new Float32Array(count);
  if (dtype === 'F32' && littleEndianHost) {
    // A byte copy keeps NaN payloads bit for bit (a float read/write may canonicalize them).
    new Uint8Array(out.buffer).set(bytes.subarray(begin, begin + count * 4));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + begin, count * DTYPE_SIZES[dtype]);
  switch (dtype) {
    case 'F32': {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint32(4 * i, true);
      return out;
    }
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    case 'BF16': {
      // bfloat16 is the high half of a float32: shifting the bits keeps every value and payload.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return out;
    }
    case 'BOOL':
      for (let i = 0; i < count; i++) {
        const b = view.getUint8(i);
        if (b > 1)
          throw new SafetensorsError(
            'BAD_VALUE',
            `tensor ${preview(name)} (BOOL) holds byte ${b} at element ${i}; expected 0 or 1`,
          );
        out[i] = b;
      }
      return out;
    case 'U8':
      for (let i = 0; i < count; i++) out[i] = view.getUint8(i);
      return out;
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      return out;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true);
      return out;
    case 'U16':
      for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, true);
      return out;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = exact(view.getInt32(4 * i, true), name, dtype, i);
      return out;
    case 'U32':
      for (let i = 0; i < count; i++) out[i] = exact(view.getUint32(4 * i, true), name, dtype, i);
      return out;
    case 'I64':
      for (let i = 0; i < count; i++) out[i] = exactBig(view.getBigInt64(8 * i, true), name, dtype, i);
      return out;
    case 'U64':
      for (let i = 0; i < count; i++) out[i] = exactBig(view.getBigUint64(8 * i, true), name, dtype, i);
      return out;
  }
}

function exact(v: number, name: string, dtype: SafetensorsDtype, i: number): number {
  if (Math.fround(v) !== v) throw inexact(String(v), name, dtype, i);
  return v;
}

function exactBig(v: bigint, name: string, dtype: SafetensorsDtype, i: number): number {
  const n = Number(v);
  if (BigInt(n) !== v || Math.fround(n) !== n) throw inexact(String(v), name, dtype, i);
  return n;
}

function inexact(value: string, name: string, dtype: SafetensorsDtype, i: number): SafetensorsError {
  return new SafetensorsError(
    'BAD_VALUE',
    `tensor ${preview(name)} (${dtype}) holds ${value} at element ${i}, which float32 cannot represent exactly`,
  );
}
