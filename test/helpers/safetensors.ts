/** Hand-built safetensors files for tests, including deliberately broken ones. */

const encoder = new TextEncoder();

export interface RawOptions {
  /** The header length prefix to write instead of the true length. */
  length?: bigint;
  /** Append these bytes after the data. */
  trailing?: Uint8Array;
}

/** 8-byte LE length, the header (JSON text, or an object to stringify) and the data bytes. */
export function rawSafetensors(
  header: string | object,
  data: Uint8Array = new Uint8Array(0),
  options: RawOptions = {},
): Uint8Array {
  const json = encoder.encode(typeof header === 'string' ? header : JSON.stringify(header));
  const trailing = options.trailing ?? new Uint8Array(0);
  const out = new Uint8Array(8 + json.length + data.length + trailing.length);
  new DataView(out.buffer).setBigUint64(0, options.length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  out.set(trailing, 8 + json.length + data.length);
  return out;
}

/** Little-endian float32 bytes. */
export function f32Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setFloat32(4 * i, x, true));
  return out;
}

/** Little-endian bytes of raw 32-bit patterns (e.g. NaN payloads). */
export function u32Bytes(bits: readonly number[]): Uint8Array {
  const out = new Uint8Array(bits.length * 4);
  const v = new DataView(out.buffer);
  bits.forEach((x, i) => v.setUint32(4 * i, x, true));
  return out;
}

/** Little-endian bytes of 16-bit patterns (F16, BF16). */
export function u16Bytes(bits: readonly number[]): Uint8Array {
  const out = new Uint8Array(bits.length * 2);
  const v = new DataView(out.buffer);
  bits.forEach((x, i) => v.setUint16(2 * i, x, true));
  return out;
}

/** The raw bits of each float32 element. */
export function bitsOf(data: Float32Array): number[] {
  return [...new Uint32Array(data.buffer, data.byteOffset, data.length)];
}
