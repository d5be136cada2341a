// Conversions to float32, checked against values worked out by hand from the bit layouts.
import { describe, expect, it } from 'vitest';
import { io } from '../../../../lib/index.js';
import { halfToFloat, toFloat32 } from '../../../../lib/io/safetensors/dtypes.js';
import { bitsOf, rawSafetensors, u16Bytes, u32Bytes } from '../../../helpers/safetensors.js';

function load(dtype: string, bytes: Uint8Array, count: number): Float32Array {
  const file = rawSafetensors({ x: { dtype, shape: [count], data_offsets: [0, bytes.length] } }, bytes);
  const { tensors, dtypes } = io.decodeSafetensors(file);
  expect(dtypes.get('x')).toBe(dtype);
  return tensors.get('x')!.data;
}

function bytesOf(
  size: number,
  values: readonly (number | bigint)[],
  set: (v: DataView, at: number, x: never) => void,
): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => set(v, i * size, x as never));
  return out;
}

describe('F16', () => {
  // sign | 5-bit exponent (bias 15) | 10-bit mantissa
  const cases: [number, number][] = [
    [0x3c00, 1], // 2^0
    [0xc000, -2], // sign, exponent 16
    [0x3555, 0.333251953125], // (1024 + 341) / 1024 * 2^-2
    [0x7bff, 65504], // largest finite: (2047/1024) * 2^15
    [0x0400, 2 ** -14], // smallest normal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0001, 2 ** -24], // smallest subnormal
    [0x8000, -0],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ];

  it('converts normals, subnormals, signed zeros and infinities exactly', () => {
    const got = load('F16', u16Bytes(cases.map(([h]) => h)), cases.length);
    cases.forEach(([, want], i) => expect(Object.is(got[i], want), `element ${i}`).toBe(true));
  });

  it('turns every NaN encoding into NaN', () => {
    for (const h of [0x7e00, 0x7c01, 0xfe00, 0x7fff]) expect(halfToFloat(h)).toBeNaN();
  });
});

describe('BF16', () => {
  it('places the 16 bits at the top of a float32, keeping values and NaN payloads', () => {
    const bits = [0x3f80, 0xc049, 0x7f7f, 0x0001, 0x7f80, 0xff80, 0x7fc1, 0x8000];
    const got = load('BF16', u16Bytes(bits), bits.length);
    expect(got[0]).toBe(1);
    expect(got[1]).toBe(-3.140625); // -(1 + 73/128) * 2
    expect(got[2]).toBe((255 / 128) * 2 ** 127); // largest finite bfloat16
    expect(got[3]).toBe(2 ** -133); // a float32 subnormal: bit 16 set
    expect(got[4]).toBe(Infinity);
    expect(got[5]).toBe(-Infinity);
    expect(bitsOf(got)).toEqual(bits.map((b) => (b << 16) >>> 0));
  });
});

describe('F64', () => {
  it('rounds to nearest, ties to even, and overflows to infinity like a cast', () => {
    const values = [0.1, 1 + 2 ** -24, 1 + 3 * 2 ** -24, 1e39, -1e39, 3.4028234663852886e38, 2 ** -149, 2 ** -151, -0];
    const got = load(
      'F64',
      bytesOf(8, values, (v, at, x) => v.setFloat64(at, x, true)),
      values.length,
    );
    expect(got[0]).toBe(0.10000000149011612);
    expect(got[1]).toBe(1); // halfway between 1 and 1 + 2^-23: the even one
    expect(got[2]).toBe(1 + 2 ** -22); // halfway between 1 + 2^-23 and 1 + 2^-22: the even one
    expect(got[3]).toBe(Infinity);
    expect(got[4]).toBe(-Infinity);
    expect(got[5]).toBe(3.4028234663852886e38); // FLT_MAX stays
    expect(got[6]).toBe(2 ** -149); // smallest subnormal stays
    expect(got[7]).toBe(0); // a quarter of it rounds to zero
    expect(Object.is(got[8], -0)).toBe(true);
  });
});

describe('integers and BOOL', () => {
  it('convert exactly when float32 can hold the value', () => {
    expect([...load('U8', Uint8Array.of(0, 7, 255), 3)]).toEqual([0, 7, 255]);
    expect([...load('I8', Uint8Array.of(0x80, 0xff, 0x7f), 3)]).toEqual([-128, -1, 127]);
    expect([...load('BOOL', Uint8Array.of(1, 0, 1), 3)]).toEqual([1, 0, 1]);
    expect([
      ...load(
        'I16',
        bytesOf(2, [-32768, 32767], (v, at, x) => v.setInt16(at, x, true)),
        2,
      ),
    ]).toEqual([-32768, 32767]);
    expect([...load('U16', u16Bytes([65535, 1]), 2)]).toEqual([65535, 1]);
    expect([
      ...load(
        'I32',
        bytesOf(4, [-(2 ** 31), 2 ** 24, -(2 ** 24)], (v, at, x) => v.setInt32(at, x, true)),
        3,
      ),
    ]).toEqual([-(2 ** 31), 2 ** 24, -(2 ** 24)]);
    expect([...load('U32', u32Bytes([2 ** 32 - 256, 3]), 2)]).toEqual([2 ** 32 - 256, 3]);
    // num_batches_tracked in a PyTorch BatchNorm state dict is an I64 scalar.
    expect([
      ...load(
        'I64',
        bytesOf(8, [-5n, 2n ** 62n], (v, at, x) => v.setBigInt64(at, x, true)),
        2,
      ),
    ]).toEqual([-5, 2 ** 62]);
    expect([
      ...load(
        'U64',
        bytesOf(8, [2n ** 63n, 12n], (v, at, x) => v.setBigUint64(at, x, true)),
        2,
      ),
    ]).toEqual([2 ** 63, 12]);
  });

  it('refuse values float32 would change (BAD_VALUE)', () => {
    const cases: [string, Uint8Array, string][] = [
      ['I32', bytesOf(4, [2 ** 31 - 1], (v, at, x) => v.setInt32(at, x, true)), '2147483647'],
      ['U32', u32Bytes([2 ** 24 + 1]), '16777217'],
      ['I64', bytesOf(8, [2n ** 53n + 1n], (v, at, x) => v.setBigInt64(at, x, true)), '9007199254740993'],
      ['I64', bytesOf(8, [-(2n ** 24n) - 1n], (v, at, x) => v.setBigInt64(at, x, true)), '-16777217'],
      ['U64', bytesOf(8, [2n ** 64n - 1n], (v, at, x) => v.setBigUint64(at, x, true)), '18446744073709551615'],
    ];
    for (const [dtype, bytes, shown] of cases) {
      const file = rawSafetensors({ n: { dtype, shape: [1], data_offsets: [0, bytes.length] } }, bytes);
      expect(() => io.decodeSafetensors(file)).toThrow(
        `BAD_VALUE: tensor "n" (${dtype}) holds ${shown} at element 0, which float32 cannot represent exactly`,
      );
    }
  });
});

describe('byte order', () => {
  it('reads F32 the same through the portable path as through the little-endian copy', () => {
    const bits = [0x3f800000, 0x7fc00001, 0x80000000, 0x00000001, 0xc2f6e979];
    const bytes = new Uint8Array(3 + 20);
    bytes.set(u32Bytes(bits), 3);
    expect(bitsOf(toFloat32(bytes, 3, 5, 'F32', 'x', false))).toEqual(bits);
    expect(bitsOf(toFloat32(bytes, 3, 5, 'F32', 'x', true))).toEqual(bits);
  });
});
