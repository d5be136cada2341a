/**
 * `npm run bench -- learned-dropout [--threads 1,2] [--quick]`: a training step (forward and
 * backward) of the learned-rate dropout layers against a plain nn.Linear of the same size, on
 * the active backend. "x Linear" is the ratio of medians, measured interleaved; the goal for a
 * variational layer is at most 2.5x. "+ KL" rows add the layer's KL term to the objective, as
 * fit() does every step.
 */
import { Generator, kernels, nn, Tensor } from '../lib/index.js';
import { type BenchArgs, type Case, compare, type Row, table, timeOptions, writeResults } from './harness.js';

function rows(batch: number, inF: number, outF: number, args: BenchArgs): Row[] {
  const k = kernels();
  const generator = new Generator(1);
  const xs = new Tensor(
    new Float32Array(batch * inF).map((_, i) => ((i * 7919) % 13) / 13 - 0.5),
    [batch, inF],
  );
  const g = new Tensor(new Float32Array(batch * outF).fill(1e-3), [batch, outF]);
  const linear = new nn.Linear(inF, outF, { generator });
  const svdo = new nn.LinearSVDO(inF, outF, { generator, noiseGenerator: generator });
  const vd = new nn.VariationalDropout(new nn.Linear(inF, outF, { generator }), { p: 0.2, noiseGenerator: generator });
  const concrete = new nn.ConcreteDropout(new nn.Linear(inF, outF, { generator }), { noiseGenerator: generator });
  const step = (m: nn.Module, kl: (() => Tensor) | null) => () => {
    m.zeroGrad();
    m.call(xs).backward(g);
    if (kl !== null) kl().backward();
  };
  const cases: Case[] = [
    { name: 'Linear', fn: step(linear, null) },
    { name: 'LinearSVDO', fn: step(svdo, null) },
    { name: 'LinearSVDO + KL', fn: step(svdo, () => svdo.kl()) },
    { name: 'VariationalDropout(Linear) + KL', fn: step(vd, () => vd.kl()) },
    { name: 'ConcreteDropout(Linear)', fn: step(concrete, null) },
    { name: 'ConcreteDropout(Linear) + regulariser', fn: step(concrete, () => concrete.regularizer()) },
  ];
  const stats = compare(cases, timeOptions(args));
  const base = stats[0]!.median;
  return stats.map((s, i) => ({
    case: cases[i]!.name,
    shape: `${batch}x${inF}->${outF}`,
    threads: k.numThreads(),
    backend: k.name,
    'median µs': s.median * 1e6,
    'x Linear': s.median / base,
    'spread %': s.spreadPct,
  }));
}

/**
 * The sparse variational KL pass alone (`sparseVd`, 65,536 weights, in cache): ns per weight
 * for the KL with both derivatives, the KL sum alone, and log α alone (its log of |θ|).
 */
function klPassRows(args: BenchArgs): Row[] {
  const k = kernels();
  const n = 65536;
  const w = new Float32Array(n).map((_, i) => 0.1 * Math.sin(i + 1));
  const ls = new Float32Array(n).map((_, i) => -6 + (i % 100) * 0.1);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  const before = k.numThreads();
  k.setNumThreads(1);
  const cases: Case[] = [
    { name: 'sparseVd: KL + both derivatives', fn: () => k.sparseVd(null, null, a, b, w, ls, true, n) },
    { name: 'sparseVd: KL sum', fn: () => k.sparseVd(null, null, null, null, w, ls, true, n) },
    { name: 'sparseVd: log α only', fn: () => k.sparseVd(null, a, null, null, w, ls, false, n) },
  ];
  let stats;
  try {
    stats = compare(cases, timeOptions(args));
  } finally {
    k.setNumThreads(before);
  }
  return stats.map((s, i) => ({
    case: cases[i]!.name,
    isa: k.isa(),
    'ns/weight': (s.median * 1e9) / n,
    'spread %': s.spreadPct,
  }));
}

export function run(args: BenchArgs): void {
  const shapes: [number, number, number][] = args.quick
    ? [[64, 256, 256]]
    : [
        [64, 256, 256],
        [128, 784, 300],
        [128, 1024, 1024],
      ];
  const k = kernels();
  const before = k.numThreads();
  const all: Row[] = [];
  try {
    for (const threads of args.threads) {
      k.setNumThreads(threads);
      for (const [b, i, o] of shapes) all.push(...rows(b, i, o, args));
    }
  } finally {
    k.setNumThreads(before);
  }
  console.log(table(all));
  const pass = klPassRows(args);
  console.log(`\nThe KL pass alone (1 thread)\n${table(pass)}`);
  console.log(`results: ${writeResults('learned-dropout', [...all, ...pass])}`);
}
