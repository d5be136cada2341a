/**
 * `npm run bench -- alloc`: what a fresh output costs. ops.conv2d and ops.linear through the public
 * API (a new output tensor each call), and through the API with `out` (one output tensor reused,
 * the options object made once), against the same native kernel writing into one buffer
 * allocated once, for outputs from 1 KB to 64 MB, one thread. The event loop turns between
 * samples, as in a server or in fit(), so the storage pool gets the buffers the collector freed
 * (DROPNET_POOL=0 measures plain allocation instead). A second table gives process CPU time per
 * call for the 1 KB case, where the wall clock of a shared machine says little.
 */
import { setImmediate as turn } from 'node:timers/promises';
import {
  kernels,
  memoryInfo,
  nativeAvailable,
  noGrad,
  ops,
  randn,
  setNumThreads,
  type Tensor,
  zeros,
} from '../lib/index.js';
import type { Conv2dGeometry } from '../lib/backend/conv-geometry.js';
import { convOutSize } from '../lib/backend/conv-geometry.js';
import { type BenchArgs, type Row, summarize, table, writeResults } from './harness.js';

interface Case {
  name: string;
  outBytes: number;
  flops: number;
  api: () => Tensor;
  /** The API writing into one output tensor made once (nothing requires grad, so no noGrad). */
  out: () => Tensor;
  raw: () => void;
}

function linearCase(m: number, inF: number, outF: number): Case {
  const x = randn([m, inF]);
  const w = randn([outF, inF]);
  const b = randn([outF]);
  const out = new Float32Array(m * outF);
  const into = { out: zeros([m, outF]) };
  const k = kernels('native');
  return {
    name: `linear ${m}x${inF} -> ${outF}`,
    outBytes: out.byteLength,
    flops: 2 * m * inF * outF,
    api: () => ops.linear(x, w, b),
    out: () => ops.linear(x, w, b, into),
    raw: () => k.linearForward(out, x.data, w.data, b.data, m, inF, outF, 'none'),
  };
}

function convCase([n, c, h, wd]: [number, number, number, number], kOut: number, ks: number, pad: number): Case {
  const g: Conv2dGeometry = {
    n,
    c,
    h,
    w: wd,
    k: kOut,
    kh: ks,
    kw: ks,
    sh: 1,
    sw: 1,
    pt: pad,
    pb: pad,
    pl: pad,
    pr: pad,
    dh: 1,
    dw: 1,
    groups: 1,
  };
  const oh = convOutSize(h, ks, 1, pad, pad, 1);
  const ow = convOutSize(wd, ks, 1, pad, pad, 1);
  const x = randn([n, c, h, wd]);
  const w = randn([kOut, c, ks, ks]);
  const out = new Float32Array(n * kOut * oh * ow);
  const into = { padding: pad, out: zeros([n, kOut, oh, ow]) };
  const k = kernels('native');
  return {
    name: `conv2d (${n},${c},${h},${wd}) -> ${kOut} ${ks}x${ks}`,
    outBytes: out.byteLength,
    flops: 2 * n * kOut * oh * ow * c * ks * ks,
    api: () => ops.conv2d(x, w, null, { padding: pad }),
    out: () => ops.conv2d(x, w, null, into),
    raw: () => k.conv2dForward(out, x.data, w.data, null, g),
  };
}

const now = (): number => performance.now() / 1000;

/** Seconds per call of fn, one sample of `reps` calls; the event loop turns after it. */
async function sample(fn: () => unknown, reps: number): Promise<number> {
  const t0 = now();
  for (let r = 0; r < reps; r++) fn();
  const t = (now() - t0) / reps;
  await turn();
  return t;
}

/** CPU µs per call (process.cpuUsage: this thread and the kernel's) of raw, api and out, interleaved. */
async function cpuPerCall(c: Case, rounds: number, calls: number): Promise<Row[]> {
  const fns: [string, () => unknown][] = [
    ['raw kernel', c.raw],
    ['api, fresh output', () => noGrad(() => c.api())],
    ['api, fresh output, no noGrad', c.api],
    ['api with out', c.out],
  ];
  const times = fns.map(() => [] as number[]);
  for (const [, fn] of fns) for (let i = 0; i < calls / 10; i++) fn();
  for (let round = 0; round < rounds; round++) {
    for (const [i, [, fn]] of fns.entries()) {
      const t0 = process.cpuUsage();
      for (let r = 0; r < calls; r++) fn();
      const t = process.cpuUsage(t0);
      times[i]!.push((t.user + t.system) / calls);
      await turn();
    }
  }
  const raw = summarize(times[0]!, calls).median;
  return fns.map(([name], i) => {
    const median = summarize(times[i]!, calls).median;
    return { call: name, 'CPU µs/call': median, 'vs raw': median / raw };
  });
}

export async function run(args: BenchArgs): Promise<void> {
  if (!nativeAvailable()) {
    console.log('\nalloc: the native addon is not loaded; nothing to compare');
    return;
  }
  setNumThreads(1);
  const cases = [
    linearCase(16, 64, 16),
    linearCase(64, 256, 256),
    linearCase(1024, 256, 1024),
    linearCase(4096, 64, 4096),
    convCase([8, 16, 16, 16], 32, 3, 1),
    convCase([32, 64, 56, 56], 128, 1, 0),
  ];
  const samples = args.quick ? 3 : 12;
  const rows: Row[] = [];
  const faults0 = memoryInfo().minorPageFaults;
  for (const c of cases) {
    noGrad(() => {
      c.api();
      c.out();
      c.raw();
    });
    await turn();
    const t1 = now();
    c.raw();
    const reps = Math.max(1, Math.ceil(0.02 / Math.max(now() - t1, 1e-7)));
    const api: number[] = [];
    const out: number[] = [];
    const raw: number[] = [];
    const before = memoryInfo();
    // The order rotates: a collection of the api calls' garbage lands in whichever sample runs
    // next, so each variant comes right after the api in a third of the rounds.
    const variants: [number[], () => unknown][] = [
      [api, () => noGrad(() => c.api())],
      [out, c.out],
      [raw, c.raw],
    ];
    for (let s = 0; s < samples; s++) {
      for (let v = 0; v < 3; v++) {
        const [times, fn] = variants[(s + v) % 3]!;
        times.push(await sample(fn, reps));
      }
    }
    const after = memoryInfo();
    const a = summarize(api, reps);
    const o = summarize(out, reps);
    const r = summarize(raw, reps);
    const calls = samples * reps * 3;
    rows.push({
      case: c.name,
      'out KB': Math.round(c.outBytes / 1024),
      'api ms': a.median * 1e3,
      'api out ms': o.median * 1e3,
      'raw ms': r.median * 1e3,
      'api/raw': a.median / r.median,
      'out/raw': o.median / r.median,
      'api GFLOP/s': c.flops / a.median / 1e9,
      'raw GFLOP/s': c.flops / r.median / 1e9,
      'faults/call': Math.round((after.minorPageFaults - before.minorPageFaults) / calls),
    });
  }
  const info = memoryInfo();
  console.log(
    `\nThe public API with a fresh output and with out against the raw kernel into a preallocated buffer (1 thread; pool ${info.pool})\n`,
  );
  console.log(table(rows));
  console.log(
    `minor faults over the run (averaged over api, out and raw calls): ${info.minorPageFaults - faults0}; pool: ${info.freshAllocations} fresh blocks, ${info.reuses} reuses`,
  );
  const cpu = await cpuPerCall(cases[0]!, args.quick ? 3 : 7, args.quick ? 10_000 : 100_000);
  console.log(`\nProcess CPU time per call, ${cases[0]!.name}: medians of interleaved rounds\n`);
  console.log(table(cpu));
  console.log(`\nwrote ${writeResults('alloc', { pool: info.pool, rows, cpu })}`);
}
