/**
 * `npm run bench -- dropout-ops [--threads 1,2] [--quick]`: what the user-facing dropout family
 * costs on top of the raw kernels, at p = 0.5 on the active backend, per thread count. Each row is a median per
 * call, measured interleaved with the bare dropoutForward kernel on preallocated buffers (the
 * "x kernel" column is the ratio to it). The ops allocate their output and mask per call and
 * reserve their stream offset; forward+backward adds the tape and the backward kernel.
 */
import { Generator, kernels, nn, ops, Tensor } from '../lib/index.js';
import { type BenchArgs, type Case, compare, type Row, table, timeOptions, writeResults } from './harness.js';

const P = 0.5;

function rows(n: number, args: BenchArgs): Row[] {
  const k = kernels();
  const data = new Float32Array(n).map((_, i) => (i % 7) - 3);
  const x = new Tensor(data, [n / 1024, 16, 64]);
  const leaf = new Tensor(data, x.shape, { requiresGrad: true });
  const g = new Tensor(new Float32Array(n).fill(1), x.shape);
  const out = new Float32Array(n);
  const dx = new Float32Array(n);
  const mask = new Uint32Array(Math.ceil(n / 32));
  const generator = new Generator(1);
  const layer = new nn.Dropout(P, { generator });
  const cases: Case[] = [
    { name: 'kernel dropoutForward', fn: () => k.dropoutForward(out, mask, data, P, 1, 0, n) },
    {
      name: 'kernel forward + backward',
      fn: () => {
        k.dropoutForward(out, mask, data, P, 1, 0, n);
        k.dropoutBackward(dx, out, mask, P, n);
      },
    },
    { name: 'ops.dropout', fn: () => ops.dropout(x, { p: P, training: true, generator }) },
    { name: 'nn.Dropout call', fn: () => layer.call(x) },
    {
      name: 'ops.dropout forward + backward',
      fn: () => {
        leaf.grad = null;
        ops.dropout(leaf, { p: P, training: true, generator }).backward(g);
      },
    },
    { name: 'ops.dropout2d', fn: () => ops.dropout2d(x, { p: P, training: true, generator }) },
    {
      name: 'ops.dropout noiseShape [N, 1, C]',
      fn: () => ops.dropout(x, { p: P, training: true, generator, noiseShape: [null, 1, null] }),
    },
    {
      name: 'ops.dropout noiseShape [1, L, 1]',
      fn: () => ops.dropout(x, { p: P, training: true, generator, noiseShape: [1, null, 1] }),
    },
    { name: 'ops.alphaDropout', fn: () => ops.alphaDropout(x, { p: P, training: true, generator }) },
    { name: 'ops.gaussianDropout', fn: () => ops.gaussianDropout(x, { rate: P, training: true, generator }) },
  ];
  const stats = compare(cases, timeOptions(args));
  const base = stats[0]!.median;
  return stats.map((s, i) => ({
    case: cases[i]!.name,
    floats: n,
    threads: k.numThreads(),
    backend: k.name,
    'median µs': s.median * 1e6,
    'x kernel': s.median / base,
    'spread %': s.spreadPct,
  }));
}

export function run(args: BenchArgs): void {
  const sizes = args.quick ? [1 << 16, 1 << 20] : [1 << 20, 1 << 22];
  const k = kernels();
  const before = k.numThreads();
  const all: Row[] = [];
  try {
    for (const threads of args.threads) {
      k.setNumThreads(threads);
      for (const n of sizes) all.push(...rows(n, args));
    }
  } finally {
    k.setNumThreads(before);
  }
  console.log(table(all));
  console.log(`results: ${writeResults('dropout-ops', all)}`);
}
