/**
 * `npm run bench -- [name ...] [--threads 1,2] [--quick]` (`--help`: every flag, bench/args.ts)
 *
 * Runs the named benchmarks (all of them without a name). Each prints a table and writes JSON
 * to bench/results/.
 */
import { backendInfo, kernels, nativeAvailable } from '../lib/index.js';
import { parseBenchArgs, type Parsed, USAGE } from './args.js';
import type { BenchArgs } from './harness.js';
import { cpuModel } from './machine.js';

type Bench = { run(args: BenchArgs): void | Promise<void> };

const BENCHES: Record<string, () => Promise<Bench>> = {
  peak: () => import('./peak.bench.js'),
  eltwise: () => import('./eltwise.bench.js'),
  conv: () => import('./conv.bench.js'),
  gemm: () => import('./gemm.bench.js'),
  dropout: () => import('./dropout.bench.js'),
  train: () => import('./train.bench.js'),
  'dropout-ops': () => import('./dropout-ops.bench.js'),
  'learned-dropout': () => import('./learned-dropout.bench.js'),
  rnn: () => import('./rnn.bench.js'),
  'seq-layers': () => import('./seq-layers.bench.js'),
  alloc: () => import('./alloc.bench.js'),
  'tfjs-recurrent': () => import('./tfjs-recurrent.bench.js'),
};

let parsed: Parsed;
try {
  parsed = parseBenchArgs(process.argv.slice(2), nativeAvailable() ? kernels('native').hardwareThreads() : 1);
} catch (e) {
  console.error(`${(e as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (parsed.help) {
  console.log(USAGE);
  process.exit(0);
}
const { names, args } = parsed;
const info = backendInfo();
console.log(
  `dropnet ${info.version}: backend ${info.backend}, isa ${info.isa}, threads ${args.threads.join('/')}, cpu ${cpuModel()}`,
);
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
  const bench = await BENCHES[name]!();
  await bench.run(args);
}
