// Every ```ts example of docs/sequence-layers.md runs as written (with 'dropnet' resolved to
// this checkout) and prints what the page says it prints.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const page = readFileSync(new URL('../../docs/sequence-layers.md', import.meta.url), 'utf8');
const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const lib = fileURLToPath(new URL('../../lib/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dropnet-docs-'));

/** Runs block i and returns what it printed, one string per console.log call. */
async function run(i: number): Promise<string[]> {
  const file = join(dir, `block${i}.ts`);
  writeFileSync(file, blocks[i]!.replaceAll("from 'dropnet'", `from '${lib}'`));
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  try {
    await import(pathToFileURL(file).href);
  } finally {
    spy.mockRestore();
  }
  return printed;
}

describe('docs/sequence-layers.md examples', () => {
  afterEach(() => vi.restoreAllMocks());

  it('has the examples this test knows', () => {
    expect(blocks).toHaveLength(6);
  });

  it('the overview model runs and summarizes', async () => {
    const out = await run(0);
    expect(out[0]).toMatch(/^\[2,4,5\] /);
    expect(out[0]).toContain('EmbeddingDropout(p=0.1, Embedding(1000, 64))');
  });

  it('maxNorm renormalises the looked-up row in place; a bad id names its position', async () => {
    const out = await run(1);
    const w = JSON.parse(out[0]!) as number[];
    expect(w[0]).toBeCloseTo(0.6, 6);
    expect(w[1]).toBeCloseTo(0.8, 6);
    expect(w.slice(2)).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    expect(out[1]).toBe('Expected integer in [0, 1] for the input of Embedding(2, 2) at [1, 1] but received 2 of type number');
  });

  it('LayerNorm normalises rows and gives the bias for a constant row', async () => {
    const out = JSON.parse((await run(2))[0]!) as number[];
    [-1.342, -0.447, 0.447, 1.342, 0, 0, 0, 0].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 3));
  });

  it('LockedDropout repeats its mask at every step and is the identity in eval', async () => {
    expect(await run(3)).toEqual(['true', 'true']);
  });

  it('EmbeddingDropout drops words together and keeps the key weight', async () => {
    const out = await run(4);
    const rows = (JSON.parse(out[0]!) as number[][][]).flat();
    const ids = [1, 2, 3, 1, 3, 0, 2, 1];
    const byId = new Map<number, boolean>();
    rows.forEach((row, i) => {
      const kept = row.some((v) => v !== 0);
      if (ids[i] === 0) expect(kept).toBe(false);
      else if (byId.has(ids[i]!)) expect(kept).toBe(byId.get(ids[i]!));
      byId.set(ids[i]!, kept);
    });
    expect(out[1]).toBe('["0.weight"]');
  });

  it('the Keras model builds and predicts', async () => {
    expect(await run(5)).toEqual(['[3] [1,3] true']);
  });
});
