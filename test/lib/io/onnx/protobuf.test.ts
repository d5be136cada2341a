// The protobuf writer against hand-encoded bytes from the protobuf wire-format rules.
import { describe, expect, it } from 'vitest';
import { ProtoWriter, varint } from '../../../../lib/io/onnx/protobuf.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('ProtoWriter', () => {
  it('writes varints (1, 150, 300, 2^63) and rejects values outside 64 bits', () => {
    expect(hex(varint(1n))).toBe('01');
    expect(hex(varint(150n))).toBe('9601');
    expect(hex(varint(300n))).toBe('ac02');
    expect(hex(varint(1n << 63n))).toBe('80808080808080808001');
    expect(() => varint(-1n)).toThrow(RangeError);
    expect(() => varint(1n << 64n)).toThrow(RangeError);
  });

  it('writes int fields with their tag, negative ones as ten bytes', () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('089601');
    expect(hex(new ProtoWriter().int(3, -1).finish())).toBe('18ffffffffffffffffff01');
    expect(() => new ProtoWriter().int(1, 1.5)).toThrow(RangeError);
  });

  it('writes strings, floats, repeated ints unpacked and nested messages', () => {
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('120774657374696e67');
    expect(hex(new ProtoWriter().float(2, 1).finish())).toBe('150000803f');
    expect(hex(new ProtoWriter().ints(8, [1, 2]).finish())).toBe('40014002');
    expect(hex(new ProtoWriter().message(3, new ProtoWriter().int(1, 150)).finish())).toBe('1a03089601');
  });
});
