/** `npm run bench -- peak`: FMA peak and streaming bandwidth, 1 thread and all threads. */
import { backendInfo, nativeAvailable } from '../lib/index.js';
import { type BenchArgs, type Row, table, timeOptions, writeResults } from './harness.js';
import { fmaPeakGflops, STREAM_FLOATS, streamGBs } from './machine.js';

export function run(args: BenchArgs): void {
  const opts = timeOptions(args);
  const floats = args.quick ? 1 << 20 : STREAM_FLOATS;
  const rows: Row[] = [];
  for (const threads of args.threads) {
    const peak = fmaPeakGflops(threads, opts);
    rows.push({
      threads,
      'FMA peak GFLOP/s': peak ?? 'n/a',
      'stream GB/s (native)': nativeAvailable() ? streamGBs('native', floats, threads, opts) : 'n/a',
      'stream GB/s (js)': threads === 1 ? streamGBs('js', floats, 1, opts) : '',
    });
  }
  console.log(`\nMachine ceilings (${backendInfo().isa}; y = x*s over ${(floats * 4) / 2 ** 20} MiB per array)\n`);
  console.log(table(rows));
  console.log(`\nwrote ${writeResults('peak', rows)}`);
}
