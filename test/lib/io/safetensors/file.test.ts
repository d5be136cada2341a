import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, tensor } from '../../../../lib/index.js';
import { randomFloats } from '../../../helpers/rng.js';
import { bitsOf, f32Bytes, rawSafetensors } from '../../../helpers/safetensors.js';

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropnet-st-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const stateDict = () => ({
  '0.weight': tensor(randomFloats(12, 1), [4, 3]),
  '0.bias': tensor(randomFloats(4, 2), [4]),
  '2.weight': tensor(randomFloats(8, 3), [2, 4]),
  '2.bias': tensor(randomFloats(2, 4), [2]),
});

describe('saveSafetensors / loadSafetensors', () => {
  it('write the bytes encodeSafetensors gives and read them back, sync and async', async () => {
    const sd = stateDict();
    const meta = { format: 'pt', epoch: '3' };
    const a = path.join(dir, 'a.safetensors');
    const b = path.join(dir, 'b.safetensors');
    io.saveSafetensorsSync(a, sd, meta);
    await io.saveSafetensors(b, sd, meta);
    const expected = io.encodeSafetensors(sd, meta);
    expect(new Uint8Array(fs.readFileSync(a))).toEqual(expected);
    expect(new Uint8Array(fs.readFileSync(b))).toEqual(expected);
    for (const loaded of [io.loadSafetensorsSync(a), await io.loadSafetensors(b)]) {
      expect(loaded.metadata).toEqual(meta);
      expect([...loaded.tensors.keys()]).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
      for (const [name, t] of Object.entries(sd)) {
        expect(loaded.tensors.get(name)!.shape).toEqual(t.shape);
        expect(bitsOf(loaded.tensors.get(name)!.data)).toEqual(bitsOf(t.data));
      }
    }
  });

  it('snapshots the tensors when the async save is called', async () => {
    const w = tensor([1, 2, 3], [3]);
    const p = path.join(dir, 'snapshot.safetensors');
    const saving = io.saveSafetensors(p, { w });
    w.data.fill(-1);
    await saving;
    expect([...io.loadSafetensorsSync(p).tensors.get('w')!.data]).toEqual([1, 2, 3]);
  });

  it('pass load options through', async () => {
    const p = path.join(dir, 'inf.safetensors');
    io.saveSafetensorsSync(p, { x: tensor([1, Infinity], [2]) });
    expect(() => io.loadSafetensorsSync(p, { rejectNonFinite: true })).toThrow(
      'NON_FINITE: tensor "x" holds Infinity at element 1',
    );
    await expect(io.loadSafetensors(p, { maxHeaderBytes: 8 })).rejects.toThrow(
      /^HEADER_TOO_LARGE: header length \d+ exceeds the limit of 8 bytes$/,
    );
  });

  it('reject bad arguments and report missing files as file-system errors', async () => {
    expect(() => io.loadSafetensorsSync('')).toThrow(
      new TypeError('Expected non-empty string for path but received "" of type string'),
    );
    await expect(io.saveSafetensors(null as never, {})).rejects.toThrow(
      new TypeError('Expected non-empty string for path but received null'),
    );
    expect(() => io.loadSafetensorsSync(path.join(dir, 'nope'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    await expect(io.loadSafetensors(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('hostile files on disk', () => {
  const valid = rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32Bytes([1, 2]));
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['prefix only', valid.subarray(0, 5)],
    ['header length 2^63', rawSafetensors('{}', undefined, { length: 2n ** 63n })],
    ['header past the end', valid.subarray(0, 20)],
    ['data cut short', valid.subarray(0, valid.length - 1)],
    [
      'trailing bytes',
      rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32Bytes([1, 2]), {
        trailing: new Uint8Array(3),
      }),
    ],
    ['deep nesting', rawSafetensors('['.repeat(100_000))],
    ['duplicate keys', rawSafetensors('{"a":{},"a":{}}')],
  ];

  it.each(cases)('%s: the file loaders throw exactly what decodeSafetensors throws', async (name, bytes) => {
    const p = path.join(dir, `${name.replace(/\W/g, '_')}.safetensors`);
    fs.writeFileSync(p, bytes);
    let expected: unknown;
    try {
      io.decodeSafetensors(bytes);
    } catch (e) {
      expected = e;
    }
    expect(expected).toBeInstanceOf(io.SafetensorsError);
    const { code, message } = expected as io.SafetensorsError;
    expect(() => io.loadSafetensorsSync(p)).toThrow(expect.objectContaining({ code, message }));
    await expect(io.loadSafetensors(p)).rejects.toMatchObject({ code, message });
  });
});
