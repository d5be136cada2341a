/**
 * `npm run bench -- [name ...] [--threads 1,2] [--quick]`
 *
 * Runs the named benchmarks (all of them without a name). Each prints a table and writes JSON
 * to bench/results/.
 */
import { backendInfo, kernels, nativeAvailable } from '../lib/index.js';
import type { BenchArgs } from './harness.js';

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
};

function parse(argv: string[]): { names: string[]; args: BenchArgs } {
  const names: string[] = [];
  const extra = new Map<string, string>();
  const all = nativeAvailable() ? kernels('native').hardwareThreads() : 1;
  let threads = [...new Set([1, all])];
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--threads') threads = (argv[++i] ?? '').split(',').map(Number);
    else if (a.startsWith('--')) extra.set(a.slice(2), argv[++i] ?? '');
    else names.push(a);
  }
  if (threads.some((t) => !Number.isInteger(t) || t < 1)) throw new RangeError('--threads takes a list like 1,2');
  return { names, args: { threads, quick, extra } };
}

const { names, args } = parse(process.argv.slice(2));
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const info = backendInfo();
console.log(`dropnet ${info.version}: backend ${info.backend}, isa ${info.isa}, threads ${args.threads.join('/')}`);
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
  const bench = await BENCHES[name]!();
  await bench.run(args);
}
