/**
 * The command line of `npm run bench`: benchmark names and flags. An unknown flag or name is an
 * error with the usage, never a silent full run.
 */
import type { BenchArgs } from './harness.js';

/** The benchmarks, in the order a run without names takes them. */
export const BENCH_NAMES = [
  'peak',
  'eltwise',
  'conv',
  'gemm',
  'dropout',
  'train',
  'dropout-ops',
  'learned-dropout',
  'rnn',
  'seq-layers',
  'alloc',
  'tfjs-recurrent',
] as const;

export const USAGE = `usage: npm run bench -- [name ...] [--threads 1,2] [--quick] [--isa avx2,scalar] [--shapes all|square|nn]

Runs the named benchmarks (all of them without a name); each prints a table and writes JSON to
bench/results/. Names: ${BENCH_NAMES.join(', ')}.

  --threads LIST   thread counts to measure, e.g. 1,2 (default: 1 and every hardware thread)
  --quick          fewer shapes and repetitions
  --isa LIST       gemm: the instruction sets to measure (default: every SIMD one available)
  --shapes SET     gemm: all (default), square or nn
  --help           this text`;

/** Flags that take a value and are passed to the benchmarks in `extra`. */
const VALUE_FLAGS = ['isa', 'shapes'];

export type Parsed = { help: true } | { help: false; names: string[]; args: BenchArgs };

/** Parses argv (without node and the script); throws a RangeError naming what is wrong. */
export function parseBenchArgs(argv: readonly string[], hardwareThreads: number): Parsed {
  const names: string[] = [];
  const extra = new Map<string, string>();
  let threads = [...new Set([1, hardwareThreads])];
  let quick = false;
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new RangeError(`${flag} needs a value (see --help)`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return { help: true };
    if (a === '--quick') quick = true;
    else if (a === '--threads') threads = value(++i, a).split(',').map(Number);
    else if (a.startsWith('--') && VALUE_FLAGS.includes(a.slice(2))) extra.set(a.slice(2), value(++i, a));
    else if (a.startsWith('-')) throw new RangeError(`unknown flag ${a} (see --help)`);
    else if (!(BENCH_NAMES as readonly string[]).includes(a))
      throw new RangeError(`unknown benchmark ${a}; the benchmarks are ${BENCH_NAMES.join(', ')}`);
    else names.push(a);
  }
  if (threads.some((t) => !Number.isInteger(t) || t < 1)) throw new RangeError('--threads takes a list like 1,2');
  return { help: false, names, args: { threads, quick, extra } };
}
