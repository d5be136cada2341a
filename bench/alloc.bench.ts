/**
 * `npm run bench -- alloc`: what a fresh output costs. ops.conv2d and ops.linear through the public
 * API (a new output tensor each call) against the same native kernel writing into one buffer
 * allocated once, for outputs from 1 KB to 64 MB, one thread. The event loop turns between
 * samples, as in a server or in fit(), so the storage pool gets the buffers the collector freed
 * (DROPNET_POOL=0 measures plain allocation instead).
 */
import { setImmediate as turn } from 'node:timers/promises';
import { kernels, memoryInfo, nativeAvailable, noGrad, ops, randn, setNumThreads, type Tensor } from '../lib/index.js';
import type { Conv2dGeometry } from '../lib/backend/conv-geometry.js';
import { convOutSize } from '../lib/backend/conv-geometry.js';
import { type BenchArgs, type Row, summarize, table, writeResults } from './harness.js';

interface Case {
  name: string;
  outBytes: number;
  flops: number;
  api: () => Tensor;
  raw: () => void;
}

function linearCase(m: number, inF: number, outF: number): Case {
  const x = randn([m, inF]);
  const w = randn([outF, inF]);
  const b = randn([outF]);
  const out = new Float32Array(m * outF);
  const k = kernels('native');
  return {
    name: `linear ${m}x${inF} -> ${outF}`,
    outBytes: out.byteLength,
    flops: 2 * m * inF * outF,
    api: () => ops.linear(x, w, b),
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
  const k = kernels('native');
  return {
    name: `conv2d (${n},${c},${h},${wd}) -> ${kOut} ${ks}x${ks}`,
    outBytes: out.byteLength,
    flops: 2 * n * kOut * oh * ow * c * ks * ks,
    api: () => ops.conv2d(x, w, null, { padding: pad }),
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
  const samples = args.quick ? 3 : 11;
  const rows: Row[] = [];
  const faults0 = memoryInfo().minorPageFaults;
  for (const c of cases) {
    noGrad(() => {
      c.api();
      c.raw();
    });
    await turn();
    const t1 = now();
    c.raw();
    const reps = Math.max(1, Math.ceil(0.02 / Math.max(now() - t1, 1e-7)));
    const api: number[] = [];
    const raw: number[] = [];
    const before = memoryInfo();
    for (let s = 0; s < samples; s++) {
      api.push(await sample(() => noGrad(() => c.api()), reps));
      raw.push(await sample(c.raw, reps));
    }
    const after = memoryInfo();
    const a = summarize(api, reps);
    const r = summarize(raw, reps);
    const calls = samples * reps * 2;
    rows.push({
      case: c.name,
      'out KB': Math.round(c.outBytes / 1024),
      'api ms': a.median * 1e3,
      'raw ms': r.median * 1e3,
      'api/raw': a.median / r.median,
      'api GFLOP/s': c.flops / a.median / 1e9,
      'raw GFLOP/s': c.flops / r.median / 1e9,
      'faults/call': Math.round((after.minorPageFaults - before.minorPageFaults) / calls),
    });
  }
  const info = memoryInfo();
  console.log(
    `\nA fresh output through the public API against the raw kernel into a preallocated buffer (1 thread; pool ${info.pool})\n`,
  );
  console.log(table(rows));
  console.log(
    `minor faults over the run: ${info.minorPageFaults - faults0}; pool: ${info.freshAllocations} fresh blocks, ${info.reuses} reuses`,
  );
  console.log(`\nwrote ${writeResults('alloc', { pool: info.pool, rows })}`);
}
