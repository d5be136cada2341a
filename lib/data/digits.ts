/**
 * The UCI optical recognition of handwritten digits test set (1,797 images of 8x8 pixels with
 * values 0..16, ten classes), shipped in data/digits/ so examples and `npm start` run offline.
 * Source, licence (CC BY 4.0) and citation: data/digits/README.md.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { Tensor } from '../tensor.js';
import type { ImageDataset } from './mnist.js';

/** lib/data/ and dist/data/ are both two levels below the package root. */
export const DIGITS_PATH = fileURLToPath(new URL('../../data/digits/digits.csv.gz', import.meta.url));

const ROWS = 1797;
const PIXELS = 64;

export interface Digits extends ImageDataset {
  /** [1797, 64]: row-major 8x8 images scaled from 0..16 to [0, 1]. */
  images: Tensor;
}

/** Parses the CSV (64 pixel values then the label per line), checking every field. */
export function parseDigitsCsv(text: string): Digits {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length !== ROWS) throw new Error(`digits: expected ${ROWS} rows but the file has ${lines.length}`);
  const pixels = new Float32Array(ROWS * PIXELS);
  const labels = new Int32Array(ROWS);
  lines.forEach((line, r) => {
    const fields = line.split(',');
    if (fields.length !== PIXELS + 1) throw new Error(`digits: row ${r} has ${fields.length} fields; expected ${PIXELS + 1}`);
    for (let c = 0; c <= PIXELS; c++) {
      const f = fields[c]!;
      const v = /^\d{1,2}$/.test(f) ? Number(f) : NaN;
      const max = c < PIXELS ? 16 : 9;
      if (!(v <= max)) throw new Error(`digits: row ${r} field ${c} is "${f}"; expected an integer in [0, ${max}]`);
      if (c < PIXELS) pixels[r * PIXELS + c] = v / 16;
      else labels[r] = v;
    }
  });
  return { images: new Tensor(pixels, [ROWS, PIXELS]), labels, numClasses: 10 };
}

/** The bundled digits: images [1797, 64] in [0, 1], labels 0..9. */
export function loadDigitsSync(): Digits {
  return parseDigitsCsv(gunzipSync(fs.readFileSync(DIGITS_PATH)).toString('latin1'));
}

/** The bundled digits: images [1797, 64] in [0, 1], labels 0..9. */
export async function loadDigits(): Promise<Digits> {
  const bytes = await promisify(gunzip)(await fsp.readFile(DIGITS_PATH));
  return parseDigitsCsv(bytes.toString('latin1'));
}
