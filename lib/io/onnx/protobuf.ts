/**
 * A protobuf writer for the few message shapes ONNX needs: varint, 32-bit float and
 * length-delimited fields (strings, bytes, nested messages). Fields are written in the order
 * they are added, each with its tag; repeated scalars are written one field per value (proto2's
 * unpacked form, which onnx.proto declares for dims and ints). Every reader accepts that.
 *
 * A message is built bottom up: a nested message is a finished Uint8Array that the parent writes
 * as a length-delimited field, so nothing needs to know a size in advance.
 */

const VARINT = 0;
const FIXED32 = 5;
const LENGTH_DELIMITED = 2;

const encoder = new TextEncoder();

export class ProtoWriter {
  #chunks: Uint8Array[] = [];
  #size = 0;

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#size += bytes.length;
  }

  #tag(field: number, wire: number): void {
    this.#push(varint(BigInt(field * 8 + wire)));
  }

  /** An int32/int64/enum/bool field. Negative values take ten bytes (two's complement), as protobuf's. */
  int(field: number, value: number | bigint): this {
    const v = typeof value === 'bigint' ? value : BigInt(checkInteger(value, field));
    this.#tag(field, VARINT);
    this.#push(varint(BigInt.asUintN(64, v)));
    return this;
  }

  /** One field per value (unpacked repeated int64). */
  ints(field: number, values: Iterable<number>): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  /** A float field (little-endian IEEE 754 single). */
  float(field: number, value: number): this {
    this.#tag(field, FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.#push(bytes);
    return this;
  }

  /** A string field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  /** A bytes field, or a nested message already encoded. */
  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, LENGTH_DELIMITED);
    this.#push(varint(BigInt(value.length)));
    this.#push(value);
    return this;
  }

  /** A nested message. */
  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#size);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Base-128 varint of an unsigned 64-bit value. */
export function varint(value: bigint): Uint8Array {
  if (value < 0n || value >= 1n << 64n) throw new RangeError(`varint: ${value} is outside the unsigned 64-bit range`);
  const out: number[] = [];
  let v = value;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

function checkInteger(value: number, field: number): number {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`protobuf field ${field}: expected a safe integer but received ${value}`);
  return value;
}
