import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { io } from '../../../lib/index.js';

describe('loadDigits', () => {
  const d = io.loadDigitsSync();

  it('has the 1,797 images of 8x8 pixels and the UCI test-set class counts', () => {
    expect(d.images.shape).toEqual([1797, 64]);
    expect(d.labels).toBeInstanceOf(Int32Array);
    expect(d.labels.length).toBe(1797);
    expect(d.numClasses).toBe(10);
    const counts = new Array<number>(10).fill(0);
    for (const c of d.labels) counts[c]!++;
    // As listed for optdigits.tes in the UCI data set description.
    expect(counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  });

  it('scales the 0..16 pixel counts to [0, 1] in steps of 1/16', () => {
    let offGrid = 0;
    for (const v of d.images.data) if (v * 16 !== Math.round(v * 16)) offGrid++;
    expect(offGrid).toBe(0);
    expect(d.images.data.reduce((a, b) => Math.min(a, b))).toBe(0);
    expect(d.images.data.reduce((a, b) => Math.max(a, b))).toBe(1);
    // The first image is a zero: its centre columns are dark, its outline bright.
    const first = d.images.data.subarray(0, 64);
    expect([...first.subarray(0, 8)].map((v) => v * 16)).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
    expect(d.labels[0]).toBe(0);
  });

  it('loads the same data asynchronously', async () => {
    const a = await io.loadDigits();
    expect(Buffer.from(a.images.data.buffer).equals(Buffer.from(d.images.data.buffer))).toBe(true);
    expect(a.labels).toEqual(d.labels);
  });

  it('ships its source and licence notice beside the data', () => {
    const readme = fs.readFileSync(new URL('../../../data/digits/README.md', import.meta.url), 'utf8');
    expect(readme).toContain('CC BY 4.0');
    expect(readme).toContain('10.24432/C50P49');
    expect(fs.statSync(io.DIGITS_PATH).size).toBe(57512);
  });
});

describe('parseDigitsCsv', () => {
  const row = (label: number) => `${new Array(64).fill(16).join(',')},${label}`;
  const rows = (n: number) => Array.from({ length: n }, (_, i) => row(i % 10)).join('\n');

  it('rejects files with the wrong row count, field count or values', () => {
    expect(() => io.parseDigitsCsv(rows(3))).toThrow('digits: expected 1797 rows but the file has 3');
    const lines = rows(1797).split('\n');
    lines[5] = lines[5]!.replace(/,\d$/, '');
    expect(() => io.parseDigitsCsv(lines.join('\n'))).toThrow('digits: row 5 has 64 fields; expected 65');
    lines[5] = row(10);
    expect(() => io.parseDigitsCsv(lines.join('\n'))).toThrow('digits: row 5 field 64 is "10"; expected an integer in [0, 9]');
    lines[5] = row(1).replace(/^16/, '17');
    expect(() => io.parseDigitsCsv(lines.join('\n'))).toThrow('digits: row 5 field 0 is "17"; expected an integer in [0, 16]');
    lines[5] = row(1).replace(/^16/, '-1');
    expect(() => io.parseDigitsCsv(lines.join('\n'))).toThrow('digits: row 5 field 0 is "-1"; expected an integer in [0, 16]');
    lines[5] = row(1);
    expect(io.parseDigitsCsv(lines.join('\n')).images.shape).toEqual([1797, 64]);
  });
});
