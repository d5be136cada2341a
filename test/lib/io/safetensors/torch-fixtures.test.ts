// PyTorch interop, proven by committed fixtures (scripts/fixtures/gen_safetensors.py): files
// written from torch load here with torch's own float32 view of every value, and the file dropnet
// wrote is still byte for byte the one PyTorch verified.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { io } from '../../../../lib/index.js';
import { DROPNET_METADATA, dropnetStateDict, FORWARD_INPUT, forward } from '../../../helpers/dropnet-fixture.js';
import { bitsOf } from '../../../helpers/safetensors.js';

const dir = new URL('../../../fixtures/safetensors/', import.meta.url);
const read = (name: string) => fs.readFileSync(new URL(name, dir));
const readJson = <T>(name: string) => JSON.parse(read(name).toString('utf8')) as T;

interface Sidecar {
  written_by: string;
  torch: string;
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; f32_bits: number[] }>;
  forward?: { input_shape: number[]; output_shape: number[] };
}

describe.each(['torch_cnn', 'torch_dtypes'])('%s.safetensors from PyTorch', (stem) => {
  const side = readJson<Sidecar>(`${stem}.json`);
  const loaded = io.decodeSafetensors(new Uint8Array(read(`${stem}.safetensors`)));

  it('was written by the fixture script from torch', () => {
    expect(side.torch).toMatch(/^\d+\.\d+/);
    expect(side.written_by).toMatch(/gen_safetensors\.py|safetensors/);
  });

  it('has the same names, dtypes, shapes and metadata', () => {
    expect(new Set(loaded.tensors.keys())).toEqual(new Set(Object.keys(side.tensors)));
    expect(loaded.metadata).toEqual(side.metadata);
    for (const [name, want] of Object.entries(side.tensors)) {
      expect(loaded.dtypes.get(name), name).toBe(want.dtype);
      expect(loaded.tensors.get(name)!.shape, name).toEqual(want.shape);
    }
  });

  it("gives torch's own float32 conversion of every element, bit for bit", () => {
    for (const [name, want] of Object.entries(side.tensors)) {
      expect(bitsOf(loaded.tensors.get(name)!.data), `${name} (${want.dtype})`).toEqual(want.f32_bits);
    }
  });
});

describe('torch_cnn.safetensors', () => {
  it("is a real state dict, with PyTorch names and BatchNorm's I64 counter", () => {
    const { tensors, dtypes } = io.decodeSafetensors(new Uint8Array(read('torch_cnn.safetensors')));
    expect([...tensors.keys()].sort()).toEqual([
      '0.bias',
      '0.weight',
      '1.bias',
      '1.num_batches_tracked',
      '1.running_mean',
      '1.running_var',
      '1.weight',
      '5.bias',
      '5.weight',
    ]);
    expect(dtypes.get('1.num_batches_tracked')).toBe('I64');
    expect(tensors.get('1.num_batches_tracked')!.shape).toEqual([]);
    expect(tensors.get('1.num_batches_tracked')!.data[0]).toBe(1);
    expect(readJson<Sidecar>('torch_cnn.json').forward).toMatchObject({
      input_shape: [2, 1, 4, 4],
      output_shape: [2, 3],
    });
  });
});

describe('dropnet_written.safetensors, checked in PyTorch', () => {
  const bytes = new Uint8Array(read('dropnet_written.safetensors'));
  const record = readJson<{
    sha256: string;
    verified_by_torch: string;
    checks: string[];
    forward_max_abs_diff: number;
  }>('dropnet_written.verified.json');

  it('is what the encoder writes today for the same state dict', () => {
    expect(io.encodeSafetensors(dropnetStateDict(), DROPNET_METADATA)).toEqual(bytes);
  });

  it('is the file PyTorch verified: same hash, torch version recorded, every check passed', () => {
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(record.sha256);
    expect(record.verified_by_torch).toMatch(/^\d+\.\d+\.\d+/);
    expect(record.checks).toContain("byte-identical to this script's writer (reference layout rules)");
    expect(record.checks.some((c) => c.startsWith('load_state_dict(strict=True)'))).toBe(true);
    expect(record.forward_max_abs_diff).toBeLessThan(1e-5);
  });

  it('records the forward pass PyTorch reproduced', () => {
    const side = readJson<{ forward: { input: number[][]; output: number[][] } }>('dropnet_written.json');
    expect(side.forward.input).toEqual(FORWARD_INPUT);
    expect(side.forward.output).toEqual(forward(dropnetStateDict(), FORWARD_INPUT));
  });
});
