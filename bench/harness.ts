/**
 * The benchmark harness every benchmark uses.
 *
 * - Warm-up, then repeated timed samples; each sample repeats the call enough times to last
 *   at least `minSampleMs`, so timer resolution does not matter.
 * - Medians and spread (p10..p90 relative to the median), never means: shared machines are noisy.
 * - compare() measures several cases interleaved (sample 1 of each, then sample 2 of each, ...),
 *   so drift and neighbours' load hit all of them alike and their ratios stay honest.
 * - Results print as an aligned table and are written to bench/results/<name>-<isa>-<date>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendInfo } from '../lib/index.js';

export interface TimeOptions {
  /** Timed samples per case (default 11). */
  samples?: number;
  /** Minimum duration of one sample in ms (default 25). */
  minSampleMs?: number;
  /** Warm-up time in ms before sampling (default 50). */
  warmupMs?: number;
}

export interface Stats {
  /** Median seconds per call. */
  median: number;
  min: number;
  p10: number;
  p90: number;
  /** (p90 - p10) / median, in percent. */
  spreadPct: number;
  /** Calls per sample. */
  reps: number;
  samples: number[];
}

export interface Case {
  name: string;
  fn: () => void;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(samples: number[], reps: number): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const p10 = quantile(sorted, 0.1);
  const p90 = quantile(sorted, 0.9);
  return { median, min: sorted[0]!, p10, p90, spreadPct: ((p90 - p10) / median) * 100, reps, samples };
}

/** Repetitions so that one sample lasts at least minSampleMs (after running for warmupMs). */
function calibrate(fn: () => void, minSampleMs: number, warmupMs: number): number {
  const warmEnd = now() + warmupMs / 1000;
  let calls = 0;
  const t0 = now();
  do {
    fn();
    calls++;
  } while (now() < warmEnd);
  const perCall = (now() - t0) / calls;
  return Math.max(1, Math.ceil(minSampleMs / 1000 / Math.max(perCall, 1e-9)));
}

function sample(fn: () => void, reps: number): number {
  const t0 = now();
  for (let r = 0; r < reps; r++) fn();
  return (now() - t0) / reps;
}

/** Times one function: seconds per call. */
export function timeIt(fn: () => void, options: TimeOptions = {}): Stats {
  return compare([{ name: 'case', fn }], options)[0]!;
}

/** Times cases interleaved, sample by sample; returns their stats in the same order. */
export function compare(cases: Case[], options: TimeOptions = {}): Stats[] {
  const { samples = 11, minSampleMs = 25, warmupMs = 50 } = options;
  const reps = cases.map((c) => calibrate(c.fn, minSampleMs, warmupMs));
  const times: number[][] = cases.map(() => []);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < cases.length; i++) times[i]!.push(sample(cases[i]!.fn, reps[i]!));
  }
  return times.map((t, i) => summarize(t, reps[i]!));
}

export type Row = Record<string, string | number>;

/** Formats numbers for tables: 3 significant digits, thousands kept whole. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  if (Math.abs(x) >= 10 ** digits) return x.toFixed(0);
  return x.toPrecision(digits);
}

/** An aligned text table: numbers right-aligned, text left-aligned. */
export function table(rows: Row[], columns: string[] = Object.keys(rows[0] ?? {})): string {
  const cells = rows.map((r) =>
    columns.map((c) => {
      const v = r[c];
      return typeof v === 'number' ? fmt(v) : (v ?? '');
    }),
  );
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j]!.length)));
  const line = (vals: string[], isHeader: boolean): string =>
    vals
      .map((v, j) => {
        const numeric = !isHeader && typeof rows[0]?.[columns[j]!] === 'number';
        return numeric ? v.padStart(widths[j]!) : v.padEnd(widths[j]!);
      })
      .join('  ')
      .trimEnd();
  return [line(columns, true), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map((r) => line(r, false))].join(
    '\n',
  );
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

/** Writes bench/results/<name>-<isa>-<date>.json; returns the path. */
export function writeResults(name: string, data: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const info = backendInfo();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const path = join(resultsDir, `${name}-${info.isa}-${stamp}.json`);
  writeFileSync(path, `${JSON.stringify({ name, backend: info, date: new Date().toISOString(), data }, null, 2)}\n`);
  return path;
}

/** Command-line options every benchmark understands. */
export interface BenchArgs {
  /** Thread counts to measure (default: 1 and all). */
  threads: number[];
  /** Fewer and shorter samples (used by the smoke test). */
  quick: boolean;
  /** Free-form extras: --shapes square etc. */
  extra: Map<string, string>;
}

export function timeOptions(args: BenchArgs): TimeOptions {
  return args.quick ? { samples: 3, minSampleMs: 5, warmupMs: 5 } : {};
}
