import { describe, expect, it } from 'vitest';
import { io, tensor, Tensor } from '../../../../lib/index.js';
import { randomFloats } from '../../../helpers/rng.js';
import { bitsOf, f32Bytes, u32Bytes } from '../../../helpers/safetensors.js';

const { decodeSafetensors, encodeSafetensors } = io;

const text = new TextDecoder();

function headerOf(bytes: Uint8Array): { length: number; text: string } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { length, text: text.decode(bytes.subarray(8, 8 + length)) };
}

describe('encodeSafetensors layout', () => {
  it('writes the length prefix, compact JSON padded with spaces to 8 bytes, then the data', () => {
    const out = encodeSafetensors({ 'attn.0': tensor([0, 1, 2, 3, 4, 5], [1, 2, 3]) });
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    // 64 bytes of JSON: already a multiple of 8, so no padding.
    expect(json.length).toBe(64);
    expect(headerOf(out)).toEqual({ length: 64, text: json });
    expect(out.subarray(72)).toEqual(f32Bytes([0, 1, 2, 3, 4, 5]));
    expect(out.length).toBe(8 + 64 + 24);
  });

  it('pads a 65-byte header with 7 spaces', () => {
    const out = encodeSafetensors({ attn0: tensor([0, 1, 2, 3, 4, 5], [1, 1, 2, 3]) });
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(65);
    expect(headerOf(out)).toEqual({ length: 72, text: `${json}       ` });
  });

  it('writes an empty file as {} and six spaces, and metadata first', () => {
    expect([...encodeSafetensors({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 32, 32, 32, 32, 32, 32]);
    const out = encodeSafetensors({}, { framework: 'pt' });
    expect(headerOf(out)).toEqual({ length: 40, text: '{"__metadata__":{"framework":"pt"}}     ' });
  });

  it('sorts tensors and metadata keys by UTF-8 bytes, not UTF-16 units', () => {
    const names = ['b', '\u{1F600}', 'a', '9', '10', '\uFFFD', 'é'];
    const tensors = new Map(names.map((n, i) => [n, tensor([i], [1])]));
    const out = encodeSafetensors(tensors, { z: '1', a: '2', '\u{1F600}': '3', '\uFFFD': '4' });
    const header = headerOf(out).text;
    const h = JSON.parse(header) as Record<string, { data_offsets: number[] }>;
    const byOffset = Object.keys(h)
      .filter((k) => k !== '__metadata__')
      .sort((x, y) => h[x]!.data_offsets[0]! - h[y]!.data_offsets[0]!);
    expect(byOffset).toEqual(['10', '9', 'a', 'b', 'é', '\uFFFD', '\u{1F600}']);
    expect(h['10']!.data_offsets).toEqual([0, 4]);
    expect(h['\u{1F600}']!.data_offsets).toEqual([24, 28]);
    // The header text lists metadata first, then tensors in offset order; metadata keys sorted too.
    const at = (s: string) => header.indexOf(`${JSON.stringify(s)}:{"dtype"`);
    expect(header.startsWith('{"__metadata__":{"a":"2","z":"1","\uFFFD":"4","\u{1F600}":"3"},"10":')).toBe(true);
    expect(at('9') < at('a') && at('a') < at('é') && at('é') < at('\u{1F600}')).toBe(true);
  });

  it('gives identical bytes for equal inputs whatever their order', () => {
    const a = encodeSafetensors({ x: tensor([1, 2], [2]), y: tensor([3], [1]) }, { p: '1', q: '2' });
    const b = encodeSafetensors(
      new Map<string, io.TensorData>([
        ['y', tensor([3], [1])],
        ['x', tensor([1, 2], [2])],
      ]),
      { q: '2', p: '1' },
    );
    expect(a).toEqual(b);
  });

  it('writes NaN payloads and -0 bit for bit', () => {
    const data = new Float32Array(u32Bytes([0x7fc00001, 0xffc00000, 0x7f800001, 0x80000000]).buffer);
    const out = encodeSafetensors({ x: { shape: [4], data } });
    expect(bitsOf(decodeSafetensors(out).tensors.get('x')!.data)).toEqual([
      0x7fc00001, 0xffc00000, 0x7f800001, 0x80000000,
    ]);
  });

  it('reads a Float32Array view at an offset into a larger buffer', () => {
    const big = Float32Array.from([9, 9, 1, 2, 3, 9]);
    const out = encodeSafetensors({ x: { shape: [3], data: big.subarray(2, 5) } });
    expect([...decodeSafetensors(out).tensors.get('x')!.data]).toEqual([1, 2, 3]);
  });
});

describe('encodeSafetensors round trip', () => {
  const shapes: number[][] = [[], [0], [1], [7], [13, 17], [3, 5, 7], [2, 0, 3], [1, 1, 1, 1], [101]];

  it('returns every tensor with its shape and exact bits, for Map and object inputs', () => {
    const record: Record<string, Tensor> = {};
    shapes.forEach((shape, i) => {
      const n = shape.reduce((a, b) => a * b, 1);
      record[`layer${i}.weight`] = tensor(randomFloats(n, 100 + i, -3, 3), shape);
    });
    for (const input of [record, new Map(Object.entries(record))]) {
      const { tensors, dtypes } = decodeSafetensors(encodeSafetensors(input));
      expect(tensors.size).toBe(shapes.length);
      for (const [name, t] of Object.entries(record)) {
        const got = tensors.get(name)!;
        expect(got).toBeInstanceOf(Tensor);
        expect(got.shape).toEqual(t.shape);
        expect(bitsOf(got.data)).toEqual(bitsOf(t.data));
        expect(dtypes.get(name)).toBe('F32');
      }
    }
  });

  it('keeps metadata, including empty metadata, and names that are not identifiers', () => {
    const meta = { format: 'pt', epoch: '12', note: 'ünïcödé "quoted"\n' };
    const names = ['__proto__', 'constructor', '', 'a b', '层.weight'];
    const tensors = new Map(names.map((n, i) => [n, tensor([i, -i], [2])]));
    const got = decodeSafetensors(encodeSafetensors(tensors, meta));
    expect(got.metadata).toEqual(meta);
    expect([...got.tensors.keys()].sort()).toEqual([...names].sort());
    expect([...got.tensors.get('层.weight')!.data]).toEqual([4, -4]);
    expect(decodeSafetensors(encodeSafetensors({}, {})).metadata).toEqual({});
  });
});

describe('encodeSafetensors arguments', () => {
  it('rejects containers that are not maps or objects', () => {
    expect(() => encodeSafetensors(null as never)).toThrow(
      new TypeError('Expected Map or object of named tensors for tensors but received null'),
    );
    expect(() => encodeSafetensors([tensor([1])] as never)).toThrow(
      new TypeError('Expected Map or object of named tensors for tensors but received Array(1)'),
    );
    expect(() => encodeSafetensors(new Map([[1, tensor([1])]]) as never)).toThrow(
      new TypeError('Expected string for tensor name but received 1 of type number'),
    );
  });

  it('rejects tensors without float32 data or with a shape that does not match', () => {
    expect(() => encodeSafetensors({ w: 3 } as never)).toThrow(
      new TypeError('Expected tensor (shape and Float32Array data) for tensors["w"] but received 3 of type number'),
    );
    expect(() => encodeSafetensors({ w: { shape: [2], data: new Float64Array(2) } } as never)).toThrow(
      new TypeError('Expected Float32Array for tensors["w"].data but received Float64Array(2)'),
    );
    expect(() => encodeSafetensors({ w: { shape: [3], data: new Float32Array(2) } })).toThrow(
      new RangeError('Expected 3 elements for shape [3] for tensors["w"].data but received Float32Array(2)'),
    );
    expect(() => encodeSafetensors({ w: { shape: [-1], data: new Float32Array(2) } })).toThrow(
      new RangeError('Expected non-negative integer for tensors["w"].shape[0] but received -1 of type number'),
    );
  });

  it('rejects the reserved name and non-string metadata', () => {
    expect(() => encodeSafetensors(new Map([['__metadata__', tensor([1])]]))).toThrow(
      new RangeError(
        'Expected name other than "__metadata__" (reserved) for tensor name but received "__metadata__" of type string',
      ),
    );
    expect(() => encodeSafetensors({}, { epoch: 3 } as never)).toThrow(
      new TypeError('Expected string for metadata["epoch"] but received 3 of type number'),
    );
    expect(() => encodeSafetensors({}, 'x' as never)).toThrow(
      new TypeError('Expected object of strings for metadata but received "x" of type string'),
    );
  });
});
