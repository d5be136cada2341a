/**
 * `npm run bench -- conv`: conv2d forward and backward (data + weight + bias) GFLOP/s, 1 and 2
 * threads, for the shapes (N, C, H, W, K, k, s, p) the issue lists; against the reference backend
 * (first shape only: it takes seconds per call) and against PyTorch measured in the same run when
 * torch imports (before and after ours; the better of its two medians counts, and ours are
 * measured in two passes the same way). FLOPs: forward 2*N*K*OH*OW*C*k*k; backward twice that.
 */
import { kernels, nativeAvailable } from '../lib/index.js';
import type { Conv2dGeometry } from '../lib/backend/conv-geometry.js';
import { convOutSize } from '../lib/backend/conv-geometry.js';
import { type BenchArgs, compare, type Row, table, timeIt, type TimeOptions, writeResults } from './harness.js';
import { runTorch, torchStatus } from './torch.js';

const SHAPES: [number, number, number, number, number, number, number, number][] = [
  [32, 3, 32, 32, 16, 3, 1, 1],
  [32, 16, 32, 32, 32, 3, 1, 1],
  [8, 3, 64, 64, 32, 3, 1, 1],
  [8, 32, 28, 28, 32, 3, 1, 1],
  [32, 64, 56, 56, 64, 3, 1, 1],
  [32, 64, 56, 56, 128, 1, 1, 0],
  [32, 64, 56, 56, 128, 3, 2, 1],
  [1, 64, 56, 56, 64, 3, 1, 1],
];

interface TorchConv {
  rows: { threads: number; shape: number[]; forward_s: number; backward_s: number }[];
  mkldnn: boolean;
}

function geometry([n, c, h, w, k, ks, s, p]: (typeof SHAPES)[number]): Conv2dGeometry {
  return { n, c, h, w, k, kh: ks, kw: ks, sh: s, sw: s, pt: p, pb: p, pl: p, pr: p, dh: 1, dw: 1, groups: 1 };
}

type Kernels = ReturnType<typeof kernels>;

function problem(shape: (typeof SHAPES)[number]): { g: Conv2dGeometry; oh: number; ow: number; flops: number } {
  const g = geometry(shape);
  const oh = convOutSize(g.h, g.kh, g.sh, g.pt, g.pb, g.dh);
  const ow = convOutSize(g.w, g.kw, g.sw, g.pl, g.pr, g.dw);
  return { g, oh, ow, flops: 2 * g.n * g.k * oh * ow * g.c * g.kh * g.kw };
}

/** Median seconds of one forward and one backward (data + weight + bias) call. */
function measure(native: Kernels, shape: (typeof SHAPES)[number], opts: TimeOptions): { fwd: number; bwd: number } {
  const { g, oh, ow } = problem(shape);
  const x = new Float32Array(g.n * g.c * g.h * g.w).map((_, i) => Math.sin(i));
  const w = new Float32Array(g.k * g.c * g.kh * g.kw).map((_, i) => Math.cos(i));
  const b = new Float32Array(g.k);
  const out = new Float32Array(g.n * g.k * oh * ow);
  const dy = out.map((_, i) => Math.sin(i * 0.7));
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  const db = new Float32Array(g.k);
  const [fwd, bwd] = compare(
    [
      { name: 'forward', fn: () => native.conv2dForward(out, x, w, b, g) },
      {
        name: 'backward',
        fn: () => {
          native.conv2dBackwardData(dx, dy, w, g);
          native.conv2dBackwardWeight(dw, db, dy, x, g);
        },
      },
    ],
    opts,
  );
  return { fwd: fwd!.median, bwd: bwd!.median };
}

export function run(args: BenchArgs): void {
  if (!nativeAvailable()) {
    console.log('conv: native backend not loaded; nothing to measure');
    return;
  }
  const native = kernels('native');
  const opts = args.quick
    ? { samples: 3, minSampleMs: 5, warmupMs: 5 }
    : { samples: 5, minSampleMs: 50, warmupMs: 100 };
  const shapes = args.quick ? SHAPES.slice(0, 2) : SHAPES;
  const torch = torchStatus();
  // PyTorch runs twice, before and after ours, and each of its times is the better of its two
  // medians: a peer run that the shared machine slowed down cannot flatter the ratios.
  const runPeer = (): TorchConv | null =>
    torch.ok ? runTorch<TorchConv>('conv.py', { shapes, threads: args.threads, quick: args.quick }) : null;
  if (!torch.ok) console.log(`conv: PyTorch comparison skipped (${torch.reason})`);
  const peerBefore = runPeer();
  const rows: Row[] = [];
  const measured: { row: Row; threads: number; shape: string; flops: number; fwd: number; bwd: number }[] = [];
  // Ours in two passes over all the shapes, the better median of each counting, as PyTorch's
  // do: the shared machine slows whole stretches of a run, not single calls.
  const ours = new Map<string, { fwd: number; bwd: number }>();
  for (let pass = 0; pass < 2; pass++) {
    for (const threads of args.threads) {
      const before = native.numThreads();
      native.setNumThreads(threads);
      for (const shape of shapes) {
        const key = `${threads}:${shape.join(',')}`;
        const t = measure(native, shape, opts);
        const prev = ours.get(key);
        ours.set(key, prev ? { fwd: Math.min(prev.fwd, t.fwd), bwd: Math.min(prev.bwd, t.bwd) } : t);
      }
      native.setNumThreads(before);
    }
  }
  for (const threads of args.threads) {
    for (const shape of shapes) {
      const { g, oh, ow, flops } = problem(shape);
      const { fwd, bwd } = ours.get(`${threads}:${shape.join(',')}`)!;
      const row: Row = {
        shape: `${shape.join(',')}`,
        threads,
        'fwd GFLOP/s': flops / fwd / 1e9,
        'bwd GFLOP/s': (2 * flops) / bwd / 1e9,
      };
      measured.push({ row, threads, shape: shape.join(','), flops, fwd, bwd });
      if (threads === 1 && shape === SHAPES[0] && !args.quick) {
        const x = new Float32Array(g.n * g.c * g.h * g.w).map((_, i) => Math.sin(i));
        const w = new Float32Array(g.k * g.c * g.kh * g.kw).map((_, i) => Math.cos(i));
        const out = new Float32Array(g.n * g.k * oh * ow);
        const ref = timeIt(() => kernels('js').conv2dForward(out, x, w, new Float32Array(g.k), g), {
          samples: 1,
          minSampleMs: 1,
          warmupMs: 0,
        });
        row['js fwd GFLOP/s'] = flops / ref.median / 1e9;
      }
      rows.push(row);
    }
  }
  const peerAfter = runPeer();
  for (const m of measured) {
    const find = (p: TorchConv | null) => p?.rows.find((r) => r.threads === m.threads && r.shape.join(',') === m.shape);
    const a = find(peerBefore),
      b = find(peerAfter);
    if (!a || !b) continue;
    const tf = Math.min(a.forward_s, b.forward_s),
      tb = Math.min(a.backward_s, b.backward_s);
    m.row['torch fwd'] = m.flops / tf / 1e9;
    m.row['torch bwd'] = (2 * m.flops) / tb / 1e9;
    m.row['fwd vs torch'] = tf / m.fwd;
    m.row['bwd vs torch'] = tb / m.bwd;
  }
  const peer = peerBefore;
  console.log(
    `\nconv2d (N,C,H,W,K,k,s,p), medians; PyTorch ${torch.ok ? `${torch.version}${peer?.mkldnn ? ' with oneDNN' : ''}` : 'absent'}\n`,
  );
  console.log(table(rows, [...new Set(rows.flatMap((r) => Object.keys(r)))]));
  console.log(`\nwrote ${writeResults('conv', rows)}`);
}
