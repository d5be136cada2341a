// Hostile files: every way a header can lie, each rejected with its own code and an exact message,
// never a crash and never an allocation sized by an unchecked field.
import { describe, expect, it } from 'vitest';
import { io } from '../../../../lib/index.js';
import { f32Bytes, rawSafetensors, u32Bytes } from '../../../helpers/safetensors.js';
import { notSafetensorsHint, readHeaderLength } from '../../../../lib/io/safetensors/header.js';

const { decodeSafetensors, SafetensorsError } = io;

const BIAS = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
const WEIGHT = { dtype: 'F32', shape: [2, 3], data_offsets: [8, 32] };
const DATA = f32Bytes([1, 2, 3, 4, 5, 6, 7, 8]);

function failure(bytes: Uint8Array, options?: io.LoadOptions): io.SafetensorsError {
  try {
    decodeSafetensors(bytes, options);
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    return e as io.SafetensorsError;
  }
  throw new Error('expected the file to be rejected');
}

function expectFailure(
  bytes: Uint8Array,
  code: io.SafetensorsErrorCode,
  message: string | RegExp,
  options?: io.LoadOptions,
): void {
  const e = failure(bytes, options);
  expect(e.code).toBe(code);
  if (typeof message === 'string') expect(e.message).toBe(`${code}: ${message}`);
  else expect(e.message).toMatch(message);
}

function withEntries(entries: Record<string, unknown>, data: Uint8Array = DATA): Uint8Array {
  return rawSafetensors(entries, data);
}

describe('a valid file', () => {
  it('loads both tensors in offset order, whatever the key order', () => {
    const { tensors, dtypes, metadata } = decodeSafetensors(withEntries({ '0.weight': WEIGHT, '0.bias': BIAS }));
    expect([...tensors.keys()]).toEqual(['0.bias', '0.weight']);
    expect(tensors.get('0.bias')!.shape).toEqual([2]);
    expect([...tensors.get('0.bias')!.data]).toEqual([1, 2]);
    expect(tensors.get('0.weight')!.shape).toEqual([2, 3]);
    expect([...tensors.get('0.weight')!.data]).toEqual([3, 4, 5, 6, 7, 8]);
    expect([...dtypes.values()]).toEqual(['F32', 'F32']);
    expect(metadata).toBeUndefined();
  });

  it('accepts an empty header, whitespace padding and zero-size tensors at any offset', () => {
    expect(decodeSafetensors(rawSafetensors('{}      ')).tensors.size).toBe(0);
    const t = decodeSafetensors(
      withEntries({ e: { dtype: 'F32', shape: [0, 3], data_offsets: [8, 8] }, a: BIAS, b: { ...WEIGHT } }),
    );
    expect([...t.tensors.keys()]).toEqual(['a', 'e', 'b']);
    expect(t.tensors.get('e')!.shape).toEqual([0, 3]);
  });

  it('keeps brackets inside strings out of the depth count and escaped keys intact', () => {
    const text = `{"__metadata__":{"note":"${'['.repeat(1000)}\\"{"},"a\\"b":${JSON.stringify(BIAS)}}`;
    const t = decodeSafetensors(rawSafetensors(text, DATA.subarray(0, 8)));
    expect(t.metadata).toEqual({ note: `${'['.repeat(1000)}"{` });
    expect([...t.tensors.keys()]).toEqual(['a"b']);
  });

  it('stores a tensor named __proto__ as data without touching any prototype', () => {
    const t = decodeSafetensors(rawSafetensors(`{"__proto__":${JSON.stringify(BIAS)}}`, DATA.subarray(0, 8)));
    expect([...t.tensors.keys()]).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['dtype']).toBeUndefined();
  });
});

describe('length prefix', () => {
  it('rejects files shorter than the 8-byte prefix (TRUNCATED)', () => {
    for (const n of [0, 1, 7]) {
      expectFailure(
        new Uint8Array(n),
        'TRUNCATED',
        `file has ${n} bytes; a safetensors file starts with an 8-byte header length`,
      );
    }
  });

  it('rejects a header length of 2^63 or 2^64 - 1 before allocating anything (HEADER_TOO_LARGE)', () => {
    expectFailure(
      rawSafetensors('{}', undefined, { length: 2n ** 63n }),
      'HEADER_TOO_LARGE',
      'header length 9223372036854775808 exceeds the limit of 100000000 bytes',
    );
    expectFailure(
      rawSafetensors('{}', undefined, { length: 2n ** 64n - 1n }),
      'HEADER_TOO_LARGE',
      'header length 18446744073709551615 exceeds the limit of 100000000 bytes',
    );
    expectFailure(
      rawSafetensors('{}', undefined, { length: 100_000_001n }),
      'HEADER_TOO_LARGE',
      'header length 100000001 exceeds the limit of 100000000 bytes',
    );
  });

  it('honours a smaller maxHeaderBytes', () => {
    const file = withEntries({ '0.bias': BIAS, '0.weight': WEIGHT });
    const n = Number(new DataView(file.buffer).getBigUint64(0, true));
    expectFailure(file, 'HEADER_TOO_LARGE', `header length ${n} exceeds the limit of ${n - 1} bytes`, {
      maxHeaderBytes: n - 1,
    });
    expect(decodeSafetensors(file, { maxHeaderBytes: n }).tensors.size).toBe(2);
  });

  it('rejects a header length past the end of the file (HEADER_PAST_EOF)', () => {
    expectFailure(
      rawSafetensors('{}', undefined, { length: 3n }),
      'HEADER_PAST_EOF',
      'header length 3 runs past the end of the file (2 bytes after the length prefix)',
    );
    expectFailure(
      rawSafetensors('{}', undefined, { length: 99_999_999n }),
      'HEADER_PAST_EOF',
      'header length 99999999 runs past the end of the file (2 bytes after the length prefix)',
    );
  });

  it('rejects bad load options', () => {
    const file = rawSafetensors('{}');
    expect(() => decodeSafetensors(file, { maxHeaderBytes: 0 })).toThrow(
      new RangeError('Expected positive integer for options.maxHeaderBytes but received 0 of type number'),
    );
    expect(() => decodeSafetensors(file, { rejectNonFinite: 1 as never })).toThrow(
      new TypeError('Expected boolean for options.rejectNonFinite but received 1 of type number'),
    );
    expect(() => decodeSafetensors('abc' as never)).toThrow(
      new TypeError('Expected Uint8Array for bytes but received "abc" of type string'),
    );
  });
});

describe('truncation at every byte', () => {
  it('gives TRUNCATED in the prefix, HEADER_PAST_EOF in the header and TRUNCATED in the data', () => {
    const file = withEntries({ '0.bias': BIAS, '0.weight': WEIGHT });
    const n = Number(new DataView(file.buffer).getBigUint64(0, true));
    for (let len = 0; len < file.length; len++) {
      const e = failure(file.subarray(0, len));
      if (len < 8) expect(e.code).toBe('TRUNCATED');
      else if (len < 8 + n)
        expect(e.message).toBe(
          `HEADER_PAST_EOF: header length ${n} runs past the end of the file (${len - 8} bytes after the length prefix)`,
        );
      else expect(e.message).toBe(`TRUNCATED: header declares 32 data bytes but the file holds ${len - 8 - n}`);
    }
  });
});

describe('header text', () => {
  it('rejects invalid UTF-8 (BAD_UTF8)', () => {
    const file = withEntries({ 'x\u00e9': BIAS }, DATA.subarray(0, 8));
    const at = file.indexOf(0xc3);
    file[at] = 0xff;
    expectFailure(file, 'BAD_UTF8', 'header is not valid UTF-8');
  });

  it('rejects 100 000 nested brackets before parsing (HEADER_TOO_DEEP)', () => {
    expectFailure(rawSafetensors('['.repeat(100_000)), 'HEADER_TOO_DEEP', 'header nests deeper than 16 levels');
    expectFailure(
      rawSafetensors(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      'HEADER_TOO_DEEP',
      'header nests deeper than 16 levels',
    );
    expectFailure(
      rawSafetensors(`{"a":${'{"b":'.repeat(20)}1${'}'.repeat(21)}`),
      'HEADER_TOO_DEEP',
      'header nests deeper than 16 levels',
    );
  });

  it('allows depth 16 exactly (then the schema rejects it)', () => {
    expectFailure(
      rawSafetensors(`{"a":${'['.repeat(15)}${']'.repeat(15)}}`),
      'BAD_ENTRY',
      'tensor "a" is JSON array; expected an object',
    );
    expectFailure(
      rawSafetensors(`{"a":${'['.repeat(16)}${']'.repeat(16)}}`),
      'HEADER_TOO_DEEP',
      'header nests deeper than 16 levels',
    );
  });

  it('rejects text that is not JSON (BAD_JSON)', () => {
    for (const text of ['{"a":', "{'a':1}", '{"a":1,}', '', '\uFEFF{}', '{}\0\0\0\0', '{} {}', '{"a":1}}']) {
      expectFailure(rawSafetensors(text), 'BAD_JSON', /^BAD_JSON: header is not valid JSON \(.+\)$/);
    }
  });

  it('rejects duplicate keys anywhere, also when one is spelled with escapes (DUPLICATE_KEY)', () => {
    const bias = JSON.stringify(BIAS);
    expectFailure(
      rawSafetensors(`{"0.bias":${bias},"0.bias":${bias}}`, DATA.subarray(0, 8)),
      'DUPLICATE_KEY',
      'key "0.bias" appears twice in $',
    );
    expectFailure(
      rawSafetensors(`{"w":${bias},"\\u0077":${bias}}`, DATA.subarray(0, 8)),
      'DUPLICATE_KEY',
      'key "w" appears twice in $',
    );
    expectFailure(
      rawSafetensors(`{"w":{"dtype":"F16","dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, DATA.subarray(0, 8)),
      'DUPLICATE_KEY',
      'key "dtype" appears twice in $["w"]',
    );
    expectFailure(
      rawSafetensors(`{"__metadata__":{"k":"1","k":"2"}}`),
      'DUPLICATE_KEY',
      'key "k" appears twice in $["__metadata__"]',
    );
    // Same text in a value and a key is not a duplicate; equal keys in sibling objects are not either.
    const ok = rawSafetensors(`{"__metadata__":{"w":"w","dtype":"x"},"w":${bias}}`, DATA.subarray(0, 8));
    expect(decodeSafetensors(ok).metadata).toEqual({ w: 'w', dtype: 'x' });
  });

  it('rejects a header that is not an object (BAD_HEADER)', () => {
    expectFailure(rawSafetensors('[]'), 'BAD_HEADER', 'header is JSON array; expected an object');
    expectFailure(rawSafetensors('null'), 'BAD_HEADER', 'header is JSON null; expected an object');
    expectFailure(rawSafetensors('"x"'), 'BAD_HEADER', 'header is JSON string; expected an object');
    expectFailure(rawSafetensors('12'), 'BAD_HEADER', 'header is JSON number; expected an object');
  });

  it('rejects metadata that is not an object of strings (BAD_METADATA)', () => {
    expectFailure(
      rawSafetensors({ __metadata__: ['a'] }),
      'BAD_METADATA',
      '__metadata__ is JSON array; expected an object of strings',
    );
    expectFailure(
      rawSafetensors({ __metadata__: { epoch: 3 } }),
      'BAD_METADATA',
      '__metadata__["epoch"] is JSON number; expected a string',
    );
    expectFailure(
      rawSafetensors({ __metadata__: { a: null } }),
      'BAD_METADATA',
      '__metadata__["a"] is JSON null; expected a string',
    );
  });
});

describe('tensor entries', () => {
  it('must be objects with exactly dtype, shape and data_offsets (BAD_ENTRY)', () => {
    expectFailure(withEntries({ w: [1] }), 'BAD_ENTRY', 'tensor "w" is JSON array; expected an object');
    expectFailure(withEntries({ w: 'F32' }), 'BAD_ENTRY', 'tensor "w" is JSON string; expected an object');
    expectFailure(
      withEntries({ w: { dtype: 'F32', shape: [2] } }),
      'BAD_ENTRY',
      'tensor "w" lacks field "data_offsets"',
    );
    expectFailure(
      withEntries({ w: { ...BIAS, offsets: [0, 8] } }),
      'BAD_ENTRY',
      'tensor "w" has unexpected field "offsets"',
    );
    expectFailure(
      withEntries({ w: { ...BIAS, dtype: 4 } }),
      'BAD_ENTRY',
      'tensor "w" dtype is JSON number; expected a string',
    );
  });

  it('names long keys by a preview only', () => {
    const name = 'n'.repeat(10_000);
    expectFailure(
      withEntries({ [name]: [1] }),
      'BAD_ENTRY',
      `tensor "${'n'.repeat(56)}... is JSON array; expected an object`,
    );
  });

  it('rejects unknown dtypes (UNKNOWN_DTYPE) and known ones without a float32 conversion (UNSUPPORTED_DTYPE)', () => {
    expectFailure(
      withEntries({ w: { ...BIAS, dtype: 'F128' } }),
      'UNKNOWN_DTYPE',
      'tensor "w" has unknown dtype "F128"',
    );
    expectFailure(withEntries({ w: { ...BIAS, dtype: 'f32' } }), 'UNKNOWN_DTYPE', 'tensor "w" has unknown dtype "f32"');
    expectFailure(withEntries({ w: { ...BIAS, dtype: '' } }), 'UNKNOWN_DTYPE', 'tensor "w" has unknown dtype ""');
    for (const dtype of ['F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'C64']) {
      expectFailure(
        withEntries({ w: { ...BIAS, dtype } }),
        'UNSUPPORTED_DTYPE',
        `tensor "w" has dtype ${dtype}, which does not convert to float32`,
      );
    }
  });

  it('rejects negative, fractional, non-numeric and nested dimensions (BAD_SHAPE)', () => {
    expectFailure(
      withEntries({ w: { ...BIAS, shape: [-2] } }),
      'BAD_SHAPE',
      'tensor "w" shape[0] is -2; expected a non-negative integer',
    );
    expectFailure(
      withEntries({ w: { ...BIAS, shape: [1, 1.5] } }),
      'BAD_SHAPE',
      'tensor "w" shape[1] is 1.5; expected a non-negative integer',
    );
    expectFailure(
      withEntries({ w: { ...BIAS, shape: ['2'] } }),
      'BAD_SHAPE',
      'tensor "w" shape[0] is "2"; expected a non-negative integer',
    );
    expectFailure(
      withEntries({ w: { ...BIAS, shape: [[2]] } }),
      'BAD_SHAPE',
      'tensor "w" shape[0] is [2]; expected a non-negative integer',
    );
    expectFailure(
      withEntries({ w: { ...BIAS, shape: null } }),
      'BAD_SHAPE',
      'tensor "w" shape is JSON null; expected an array',
    );
    expectFailure(
      rawSafetensors('{"w":{"dtype":"F32","shape":[1e400],"data_offsets":[0,8]}}', DATA.subarray(0, 8)),
      'BAD_SHAPE',
      'tensor "w" shape[0] is Infinity; expected a non-negative integer',
    );
  });

  it('rejects dimensions, element counts and byte counts beyond 2^53 - 1 (SHAPE_OVERFLOW)', () => {
    expectFailure(
      withEntries({ w: { ...BIAS, shape: [2 ** 53] } }),
      'SHAPE_OVERFLOW',
      'tensor "w" shape [9007199254740992] has more than 2^53 - 1 elements',
    );
    expectFailure(
      withEntries({ w: { ...BIAS, shape: [2 ** 30, 2 ** 30, 2 ** 30] } }),
      'SHAPE_OVERFLOW',
      'tensor "w" shape [1073741824,1073741824,1073741824] has more than 2^53 - 1 elements',
    );
    expectFailure(
      withEntries({ w: { ...BIAS, shape: [2 ** 51] } }),
      'SHAPE_OVERFLOW',
      'tensor "w" shape [2251799813685248] of F32 needs more than 2^53 - 1 bytes',
    );
    // Like the reference implementation, an overflowing prefix fails even if a later dimension is 0.
    expectFailure(
      withEntries({ w: { ...BIAS, shape: [2 ** 40, 2 ** 40, 0] } }),
      'SHAPE_OVERFLOW',
      'tensor "w" shape [1099511627776,1099511627776,0] has more than 2^53 - 1 elements',
    );
    expectFailure(
      rawSafetensors('{"w":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,8]}}', DATA.subarray(0, 8)),
      'SHAPE_OVERFLOW',
      'tensor "w" shape [18446744073709552000] has more than 2^53 - 1 elements',
    );
  });

  it('rejects malformed and reversed offsets (BAD_OFFSETS)', () => {
    const msg = (o: string) => `tensor "w" data_offsets is ${o}; expected [begin, end] of non-negative integers`;
    expectFailure(withEntries({ w: { ...BIAS, data_offsets: [0] } }), 'BAD_OFFSETS', msg('[0]'));
    expectFailure(withEntries({ w: { ...BIAS, data_offsets: [0, 8, 16] } }), 'BAD_OFFSETS', msg('[0,8,16]'));
    expectFailure(withEntries({ w: { ...BIAS, data_offsets: [-8, 0] } }), 'BAD_OFFSETS', msg('[-8,0]'));
    expectFailure(withEntries({ w: { ...BIAS, data_offsets: [0.5, 8.5] } }), 'BAD_OFFSETS', msg('[0.5,8.5]'));
    expectFailure(withEntries({ w: { ...BIAS, data_offsets: ['0', '8'] } }), 'BAD_OFFSETS', msg('["0","8"]'));
    expectFailure(
      withEntries({ w: { ...BIAS, data_offsets: { begin: 0, end: 8 } } }),
      'BAD_OFFSETS',
      msg('{"begin":0,"end":8}'),
    );
    expectFailure(
      withEntries({ w: { ...BIAS, data_offsets: [2 ** 53, 2 ** 53 + 8] } }),
      'BAD_OFFSETS',
      msg('[9007199254740992,9007199254741000]'),
    );
    expectFailure(
      withEntries({ w: { ...BIAS, data_offsets: [8, 0] } }),
      'BAD_OFFSETS',
      'tensor "w" data_offsets [8, 0] ends before it begins',
    );
  });

  it('rejects offsets whose span disagrees with dtype and shape (SIZE_MISMATCH)', () => {
    expectFailure(
      withEntries({ w: { ...BIAS, data_offsets: [0, 12] } }),
      'SIZE_MISMATCH',
      'tensor "w" data_offsets [0, 12] span 12 bytes but F32 [2] needs 8',
    );
    expectFailure(
      withEntries({ w: { ...BIAS, dtype: 'F16' } }),
      'SIZE_MISMATCH',
      'tensor "w" data_offsets [0, 8] span 8 bytes but F16 [2] needs 4',
    );
  });

  it('rejects overlaps, holes and layouts not starting at 0 (OFFSETS_NOT_CONTIGUOUS)', () => {
    expectFailure(
      withEntries({ a: BIAS, b: { ...WEIGHT, data_offsets: [4, 28] } }),
      'OFFSETS_NOT_CONTIGUOUS',
      'tensor "b" data_offsets [4, 28] overlaps the previous tensor, which ends at 8',
    );
    expectFailure(
      withEntries({ a: BIAS, b: { ...BIAS } }),
      'OFFSETS_NOT_CONTIGUOUS',
      'tensor "b" data_offsets [0, 8] overlaps the previous tensor, which ends at 8',
    );
    expectFailure(
      withEntries({ a: BIAS, b: { ...WEIGHT, data_offsets: [12, 36] } }, new Uint8Array(36)),
      'OFFSETS_NOT_CONTIGUOUS',
      'tensor "b" data_offsets [12, 36] leaves a gap after byte 8',
    );
    expectFailure(
      withEntries({ w: { ...WEIGHT } }),
      'OFFSETS_NOT_CONTIGUOUS',
      'tensor "w" data_offsets [8, 32] leaves a gap after byte 0',
    );
    expectFailure(
      withEntries({ w: { ...BIAS, data_offsets: [2 ** 50, 2 ** 50 + 8] } }),
      'OFFSETS_NOT_CONTIGUOUS',
      'tensor "w" data_offsets [1125899906842624, 1125899906842632] leaves a gap after byte 0',
    );
  });

  it('reports offsets past the end of the data as TRUNCATED and extra bytes as TRAILING_BYTES', () => {
    expectFailure(
      withEntries({ a: BIAS, b: WEIGHT }, DATA.subarray(0, 31)),
      'TRUNCATED',
      'header declares 32 data bytes but the file holds 31',
    );
    expectFailure(
      withEntries({ a: BIAS, b: { ...WEIGHT, shape: [2 ** 20, 3], data_offsets: [8, 8 + 12 * 2 ** 20] } }),
      'TRUNCATED',
      'header declares 12582920 data bytes but the file holds 32',
    );
    expectFailure(
      rawSafetensors({ a: BIAS, b: WEIGHT }, DATA, { trailing: new Uint8Array(1) }),
      'TRAILING_BYTES',
      'file holds 1 bytes after the last tensor (data ends at 32)',
    );
    expectFailure(
      rawSafetensors('{}', undefined, { trailing: new Uint8Array(5) }),
      'TRAILING_BYTES',
      'file holds 5 bytes after the last tensor (data ends at 0)',
    );
  });
});

describe('values', () => {
  const NAN_BITS = [0x7fc00000, 0x7fc00001, 0xffc00000, 0x7f800001, 0x7f800000, 0xff800000];

  it('loads NaN payloads and infinities bit for bit by default', () => {
    const t = decodeSafetensors(
      rawSafetensors({ x: { dtype: 'F32', shape: [6], data_offsets: [0, 24] } }, u32Bytes(NAN_BITS)),
    );
    const data = t.tensors.get('x')!.data;
    expect([...new Uint32Array(data.buffer, data.byteOffset, 6)]).toEqual(NAN_BITS);
  });

  it('rejects them with rejectNonFinite (NON_FINITE)', () => {
    const file = rawSafetensors({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }, f32Bytes([1, 2, Infinity]));
    expectFailure(file, 'NON_FINITE', 'tensor "x" holds Infinity at element 2', { rejectNonFinite: true });
    const nan = rawSafetensors({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, u32Bytes([0, 0x7fc00001]));
    expectFailure(nan, 'NON_FINITE', 'tensor "x" holds NaN at element 1', { rejectNonFinite: true });
    expect(decodeSafetensors(file, { rejectNonFinite: false }).tensors.get('x')!.data[2]).toBe(Infinity);
  });

  it('rejects BOOL bytes other than 0 and 1 and integers float32 cannot hold (BAD_VALUE)', () => {
    expectFailure(
      rawSafetensors({ m: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] } }, Uint8Array.of(0, 1, 2)),
      'BAD_VALUE',
      'tensor "m" (BOOL) holds byte 2 at element 2; expected 0 or 1',
    );
    expectFailure(
      rawSafetensors({ n: { dtype: 'I32', shape: [1], data_offsets: [0, 4] } }, u32Bytes([16_777_217])),
      'BAD_VALUE',
      'tensor "n" (I32) holds 16777217 at element 0, which float32 cannot represent exactly',
    );
  });
});

describe('files that are not safetensors at all', () => {
  const bytes = (s: string | number[]): Uint8Array =>
    typeof s === 'string' ? new TextEncoder().encode(s) : Uint8Array.from(s);
  const lengthError = (prefix: Uint8Array): string => {
    try {
      readHeaderLength(prefix, 1000, 100_000_000);
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  };

  it('say what they are: a zip (.pt), a pickle, JSON, text', () => {
    expect(lengthError(bytes([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]))).toMatch(
      /; this is a zip archive \(PyTorch's torch\.save writes \.pt\/\.pth files as zip\), not a safetensors file: in Python, safetensors\.torch\.save_file/,
    );
    expect(lengthError(bytes([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46]))).toMatch(/; this is a Python pickle/);
    expect(lengthError(bytes('{"weight": [1, 2]}'))).toMatch(/; this is JSON, not a safetensors file/);
    expect(lengthError(bytes('hello world'))).toMatch(/; this is text, not a safetensors file/);
    expect(notSafetensorsHint(bytes([8, 0, 0, 0, 0, 0, 0, 0]))).toBe('');
  });
});
