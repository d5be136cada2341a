/**
 * The fuzzers' child-process driver (scripts/fuzz/driver.mjs) catches a crashing case with its
 * signal and a hanging one by its timeout, and goes on from the next case; and the API fuzzer
 * classifies an engine error escaping the library as a finding.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types
import { runCases } from '../../scripts/fuzz/driver.mjs';
// @ts-expect-error: a plain ES module without types
import { rngFor } from '../../scripts/fuzz/rng.mjs';

interface Run {
  results: Map<number, { status: string; detail: string }>;
  crashes: { i: number; signal: string | null }[];
  hangs: number[];
}

describe('fuzz driver', () => {
  it('records a crash (with its signal) and a hang, and runs every other case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dropnet-fuzz-'));
    const script = join(dir, 'child.mjs');
    writeFileSync(
      script,
      `
      import { writeSync } from 'node:fs';
      const argv = process.argv.slice(2);
      const from = Number(argv[argv.indexOf('--from') + 1]), to = Number(argv[argv.indexOf('--to') + 1]);
      for (let i = from; i < to; i++) {
        writeSync(1, 'S ' + i + '\\n');
        if (i === 3) process.kill(process.pid, 'SIGSEGV');
        if (i === 5) for (;;);
        writeSync(1, 'R ' + i + ' ok case ' + i + '\\n');
      }
    `,
    );
    const run = (await runCases({ script, from: 0, to: 8, timeoutMs: 1500, nodeArgs: [] })) as Run;
    expect(run.crashes.map((c) => [c.i, c.signal])).toEqual([[3, 'SIGSEGV']]);
    expect(run.hangs).toEqual([5]);
    expect([...run.results.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 6, 7]);
  }, 120_000);

  it('draws the same case for the same seed and index', () => {
    const a = rngFor(7, 11),
      b = rngFor(7, 11),
      c = rngFor(7, 12);
    const da = [a.next(), a.next()],
      db = [b.next(), b.next()],
      dc = [c.next(), c.next()];
    expect(da).toEqual(db);
    expect(dc).not.toEqual(da);
  });
});
