/** `npm run bench -- eltwise`: element-wise kernels, native against the reference, side by side. */
import { kernels, nativeAvailable } from '../lib/index.js';
import { type BenchArgs, compare, type Row, table, timeOptions, writeResults } from './harness.js';

export function run(args: BenchArgs): void {
  const opts = timeOptions(args);
  const n = args.quick ? 1 << 16 : 1 << 20;
  const a = new Float32Array(n).map((_, i) => Math.sin(i));
  const b = new Float32Array(n).map((_, i) => Math.cos(i));
  const out = new Float32Array(n);
  const js = kernels('js');
  const ops: [string, (k: typeof js) => void][] = [
    ['add', (k) => k.add(out, a, b, n)],
    ['mul', (k) => k.mul(out, a, b, n)],
    ['scale', (k) => k.scale(out, a, 0.5, n)],
    ['relu', (k) => k.relu(out, a, n)],
    ['reluBackward', (k) => k.reluBackward(out, b, a, n)],
    ['fill', (k) => k.fill(out, 1, n)],
  ];
  const rows: Row[] = [];
  for (const threads of args.threads) {
    if (!nativeAvailable()) break;
    const native = kernels('native');
    const before = native.numThreads();
    native.setNumThreads(threads);
    for (const [name, call] of ops) {
      const [nat, ref] = compare(
        [
          { name: 'native', fn: () => call(native) },
          { name: 'js', fn: () => call(js) },
        ],
        opts,
      );
      rows.push({
        kernel: name,
        threads,
        'native µs': nat!.median * 1e6,
        'js µs': ref!.median * 1e6,
        'speed-up': ref!.median / nat!.median,
        'spread %': Math.max(nat!.spreadPct, ref!.spreadPct),
      });
    }
    native.setNumThreads(before);
  }
  if (rows.length === 0) {
    console.log('eltwise: native backend not loaded; nothing to compare');
    return;
  }
  console.log(`\nElement-wise kernels, n = ${n} floats (medians, interleaved samples)\n`);
  console.log(table(rows));
  console.log(`\nwrote ${writeResults('eltwise', rows)}`);
}
