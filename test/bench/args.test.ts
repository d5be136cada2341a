// The bench command line: --help, known flags, and errors for anything else.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { BENCH_NAMES, parseBenchArgs, USAGE } from '../../bench/args.js';

it('parses names and flags, prints help, and rejects unknown flags and names', () => {
  expect(parseBenchArgs(['--help'], 4)).toEqual({ help: true });
  expect(parseBenchArgs(['gemm', '--quick', '--isa', 'avx2', '--threads', '1,2'], 4)).toEqual({
    help: false,
    names: ['gemm'],
    args: { threads: [1, 2], quick: true, extra: new Map([['isa', 'avx2']]) },
  });
  expect(parseBenchArgs([], 4)).toMatchObject({ help: false, names: [], args: { threads: [1, 4], quick: false } });
  expect(() => parseBenchArgs(['--bogus'], 4)).toThrow(new RangeError('unknown flag --bogus (see --help)'));
  expect(() => parseBenchArgs(['--isa'], 4)).toThrow(new RangeError('--isa needs a value (see --help)'));
  expect(() => parseBenchArgs(['gemmm'], 4)).toThrow(/^unknown benchmark gemmm; the benchmarks are peak, /);
  expect(() => parseBenchArgs(['--threads', '0'], 4)).toThrow(new RangeError('--threads takes a list like 1,2'));
  expect(USAGE).toContain('--threads LIST');
});

it('names every benchmark bench/index.ts runs', () => {
  const index = readFileSync(resolve(import.meta.dirname, '../../bench/index.ts'), 'utf8');
  const keys = [...index.matchAll(/^\s+'?([a-z-]+)'?: \(\) => import\(/gm)].map((m) => m[1]);
  expect(keys).toEqual([...BENCH_NAMES]);
});
