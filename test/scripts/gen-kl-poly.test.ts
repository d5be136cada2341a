// The KL table the sparse variational dropout kernels read (native/kernels/vdo/vdo_kl_poly.h) is
// what scripts/gen-kl-poly.mjs makes, and its pieces, evaluated as the kernels evaluate them,
// follow the closed forms of the KL and its derivative to a few float32 ulp.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import * as gen from '../../scripts/gen-kl-poly.mjs';

interface Generator {
  PIECES: number;
  DEGREE: number;
  kl(t: number): number;
  table(g: (t: number) => number): number[][];
  evaluate(tab: number[][], t: number): { value: number; slope: number };
  maxRelativeErrors(tab: number[][], steps?: number): { value: number; slope: number };
}
const g = gen as Generator;
const header = readFileSync(resolve(import.meta.dirname, '../../native/kernels/vdo/vdo_kl_poly.h'), 'utf8');

/** The coefficient rows of kKlPoly as written in the header. */
function headerTable(): number[][] {
  const body = /kKlPoly\[\d+\]\[\d+\] = \{([\s\S]*?)\n\};/.exec(header);
  expect(body, 'kKlPoly in the header').not.toBeNull();
  return [...body![1]!.matchAll(/\{([^}]*)\}/g)].map((row) => row[1]!.split(',').map((x) => Number.parseFloat(x)));
}

/** float32 ulps between a and b. */
function ulps(a: number, b: number): number {
  const bits = (x: number) => new Int32Array(Float32Array.of(x).buffer)[0]!;
  return Math.abs(bits(a) - bits(b));
}

it('the header holds the generated coefficients (to 2 float32 ulp, Math.exp may differ in its last bit between engines)', () => {
  const written = headerTable();
  const made = g.table(g.kl);
  expect(written.length).toBe(g.DEGREE + 1);
  for (let k = 0; k <= g.DEGREE; k++) {
    expect(written[k]!.length, `power ${k}`).toBe(g.PIECES);
    for (let i = 0; i < g.PIECES; i++)
      expect(ulps(written[k]![i]!, made[k]![i]!), `power ${k}, piece ${i}`).toBeLessThanOrEqual(2);
  }
});

it("the header's pieces follow the KL and its derivative to 3e-7 relative over [−8, 8]", () => {
  const e = g.maxRelativeErrors(headerTable(), 32000);
  expect(e.value).toBeLessThan(3e-7);
  expect(e.slope).toBeLessThan(3e-7);
  // and the check can fail: a table of another function does not pass
  const wrong = g.table((t: number) => g.kl(t) * (1 + 1e-5));
  expect(g.maxRelativeErrors(wrong, 32000).value).toBeGreaterThan(3e-7);
});

it('is continuous at the ends of the pieces to float32 precision', () => {
  const tab = headerTable();
  for (let b = -7; b <= 7; b++) {
    const left = g.evaluate(tab, Math.fround(b - 2 ** -20));
    const right = g.evaluate(tab, b);
    expect(Math.abs(left.value - right.value), `KL at ${b}`).toBeLessThan(
      1e-6 * Math.abs(right.value) + 1e-6 * Math.abs(right.slope),
    );
    expect(Math.abs(left.slope - right.slope), `KL' at ${b}`).toBeLessThan(1e-5 * Math.abs(right.slope));
  }
});
