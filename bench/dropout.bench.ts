/**
 * `npm run bench -- dropout [--threads 1,2] [--quick]`: dropout forward and backward at p = 0.5
 * against this machine's streaming bandwidth, per ISA, per thread count, for the reference
 * backend, and for PyTorch when /usr/bin/python3 can import torch.
 *
 * Bytes moved per element: forward reads x and writes out (4 + 4) and writes the mask (1/8);
 * backward reads dy and the mask and writes dx: 8.125 bytes either way. The streaming reference
 * is y = x * s (the `scale` kernel, 8 bytes per element) on the same size and thread count,
 * sampled interleaved with the dropout cases so that load from neighbours hits both alike; "× stream"
 * is the ratio of medians, and DROPNET_ISA caps which ISAs are measured.
 * PyTorch rows count the same 8.125 bytes per element (what the operation needs, whatever its
 * implementation actually moves), so all GB/s columns are on one scale.
 */
import { spawnSync } from 'node:child_process';
import { kernels, nativeAvailable } from '../lib/index.js';
import { isaOrder } from '../lib/backend/index.js';
import { cpuModel } from './machine.js';
import { type BenchArgs, type Case, compare, type Row, table, timeOptions, writeResults } from './harness.js';

const P = 0.5;
const BYTES = 8.125;

interface Measured {
  label: string;
  seconds: number;
  best: number;
  spread: number;
}

function rowsFor(n: number, threads: number, backend: string, stream: Measured, cases: Measured[]): Row[] {
  const streamGBs = (8 * n) / stream.seconds / 1e9;
  const streamBest = (8 * n) / stream.best / 1e9;
  const rows: Row[] = [
    {
      case: 'stream y=x*s',
      floats: n,
      threads,
      backend,
      'median µs': stream.seconds * 1e6,
      'GB/s': streamGBs,
      '× stream': 1,
      '% of stream': 100,
      'best GB/s': streamBest,
      'best %': 100,
      'spread %': stream.spread,
    },
  ];
  for (const c of cases) {
    const gbs = (BYTES * n) / c.seconds / 1e9;
    const best = (BYTES * n) / c.best / 1e9;
    rows.push({
      case: c.label,
      floats: n,
      threads,
      backend,
      'median µs': c.seconds * 1e6,
      'GB/s': gbs,
      '× stream': gbs / streamGBs,
      '% of stream': (100 * gbs) / streamGBs,
      'best GB/s': best,
      'best %': (100 * best) / streamBest,
      'spread %': c.spread,
    });
  }
  return rows;
}

function measure(cases: Case[], opts: ReturnType<typeof timeOptions>): Measured[] {
  return compare(cases, opts).map((s, i) => ({
    label: cases[i]!.name,
    seconds: s.median,
    best: s.min,
    spread: s.spreadPct,
  }));
}

/** The ISAs this machine runs, capped by DROPNET_ISA as the library is. */
function measuredIsas(): string[] {
  const cap = process.env.DROPNET_ISA;
  const order = isaOrder();
  const capAt = cap !== undefined && order.includes(cap) ? order.indexOf(cap) : order.length - 1;
  return kernels('native')
    .availableIsas()
    .filter((isa) => order.indexOf(isa) <= capAt);
}

function nativeRows(n: number, threads: number, opts: ReturnType<typeof timeOptions>): Row[] {
  const k = kernels('native');
  const topIsa = k.isa();
  const isas = measuredIsas();
  const x = new Float32Array(n).map((_, i) => (i % 7) - 3);
  const out = new Float32Array(n),
    y = new Float32Array(n),
    mask = new Uint32Array(Math.ceil(n / 32));
  k.dropoutForward(out, mask, x, P, 1, 0, n);
  const cases: Case[] = [
    {
      name: 'stream',
      fn: () => {
        k.selectIsa(topIsa);
        k.scale(y, x, 0.5, n);
      },
    },
  ];
  for (const isa of isas) {
    cases.push({
      name: `forward ${isa}`,
      fn: () => {
        k.selectIsa(isa);
        k.dropoutForward(out, mask, x, P, 1, 0, n);
      },
    });
    cases.push({
      name: `backward ${isa}`,
      fn: () => {
        k.selectIsa(isa);
        k.dropoutBackward(y, x, mask, P, n);
      },
    });
  }
  const before = k.numThreads();
  k.setNumThreads(threads);
  try {
    const [stream, ...rest] = measure(cases, opts);
    return rowsFor(n, threads, 'native', stream!, rest);
  } finally {
    k.selectIsa(topIsa);
    k.setNumThreads(before);
  }
}

function referenceRows(n: number, args: BenchArgs): Row[] {
  const js = kernels('js');
  const x = new Float32Array(n).map((_, i) => (i % 7) - 3);
  const out = new Float32Array(n),
    y = new Float32Array(n),
    mask = new Uint32Array(Math.ceil(n / 32));
  const opts = args.quick ? timeOptions(args) : { samples: 3, minSampleMs: 25, warmupMs: 25 };
  const [stream, ...rest] = measure(
    [
      { name: 'stream', fn: () => js.scale(y, x, 0.5, n) },
      { name: 'forward js', fn: () => js.dropoutForward(out, mask, x, P, 1, 0, n) },
      { name: 'backward js', fn: () => js.dropoutBackward(y, x, mask, P, n) },
    ],
    opts,
  );
  return rowsFor(n, 1, 'js', stream!, rest);
}

// PyTorch in a subprocess: median of repeated F.dropout (and aten's native_dropout_backward).
const TORCH_SCRIPT = `
import json, sys, time, torch
import torch.nn.functional as F
sizes = json.loads(sys.argv[1]); threads = json.loads(sys.argv[2]); quick = sys.argv[3] == '1'
res = {'version': torch.__version__, 'rows': []}
for t in threads:
    torch.set_num_threads(t)
    for n in sizes:
        x = torch.rand(n) - 0.5
        g = torch.rand(n)
        out, mask = torch.ops.aten.native_dropout(x, 0.5, True)
        def med(f):
            f()
            s = time.perf_counter()
            f()
            reps = max(1, int(0.02 / max(1e-6, time.perf_counter() - s)))
            samples = []
            for _ in range(3 if quick else 7):
                s = time.perf_counter()
                for _ in range(reps): f()
                samples.append((time.perf_counter() - s) / reps)
            samples.sort()
            return samples[len(samples) // 2]
        fwd = med(lambda: F.dropout(x, 0.5, True))
        bwd = med(lambda: torch.ops.aten.native_dropout_backward(g, mask, 2.0))
        res['rows'].append({'n': n, 'threads': t, 'forward': fwd, 'backward': bwd})
print(json.dumps(res))
`;

function torchRows(sizes: number[], threads: number[], quick: boolean): Row[] | string {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
  if (probe.error || probe.status !== 0) {
    return `PyTorch: skipped (${python} -c "import torch" failed: ${(probe.error?.message ?? probe.stderr.trim().split('\n').pop()) || 'no output'})`;
  }
  const run = spawnSync(
    python,
    ['-c', TORCH_SCRIPT, JSON.stringify(sizes), JSON.stringify(threads), quick ? '1' : '0'],
    {
      encoding: 'utf8',
      timeout: 900_000,
      maxBuffer: 1 << 20,
    },
  );
  if (run.error || run.status !== 0)
    return `PyTorch: measurement failed: ${run.error?.message ?? run.stderr.trim().split('\n').pop()}`;
  const res = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
    version: string;
    rows: { n: number; threads: number; forward: number; backward: number }[];
  };
  return res.rows.flatMap((r) =>
    ['forward', 'backward'].map((kind) => {
      const s = kind === 'forward' ? r.forward : r.backward;
      return {
        case: `torch ${res.version} ${kind}`,
        floats: r.n,
        threads: r.threads,
        backend: 'pytorch',
        'median µs': s * 1e6,
        'GB/s': (BYTES * r.n) / s / 1e9,
        '× stream': '',
        '% of stream': '',
        'best GB/s': '',
        'best %': '',
        'spread %': '',
      };
    }),
  );
}

export function run(args: BenchArgs): void {
  const opts = timeOptions(args);
  const sizes = args.quick ? [1 << 16, 1 << 20] : [1 << 20, 16 << 20];
  const rows: Row[] = [];
  if (nativeAvailable()) {
    for (const threads of args.threads) for (const n of sizes) rows.push(...nativeRows(n, threads, opts));
  } else {
    console.log('dropout: native backend not loaded; reference only');
  }
  for (const n of sizes) rows.push(...referenceRows(n, args));
  const torch = torchRows(sizes, args.threads, args.quick);
  if (typeof torch === 'string') console.log(torch);
  else rows.push(...torch);
  console.log(
    `\nCPU ${cpuModel()}; ISAs measured: ${nativeAvailable() ? measuredIsas().join(', ') : 'none'} (DROPNET_ISA=${process.env.DROPNET_ISA ?? 'unset'})`,
  );
  console.log(`Dropout p = ${P}: ${BYTES} bytes per element (x + out + mask bits, or dy + mask bits + dx);`);
  console.log('"% of stream" is against y = x*s measured interleaved at the same size and thread count, from medians;');
  console.log('"best" uses each case\'s fastest sample (the least disturbed by other work on a shared machine)\n');
  console.log(
    table(rows, [
      'case',
      'floats',
      'threads',
      'backend',
      'median µs',
      'GB/s',
      '× stream',
      '% of stream',
      'best GB/s',
      'best %',
      'spread %',
    ]),
  );
  console.log(`\nwrote ${writeResults('dropout', rows)}`);
}
