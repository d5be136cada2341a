/**
 * `npm run bench -- gemm [--threads 1,2] [--isa avx2,avx512] [--shapes square|nn|all] [--quick]`
 *
 * SGEMM GFLOP/s and % of this machine's measured FMA peak (bench/machine.ts: a register-only FMA
 * loop on the same ISA and thread count), for square sizes 64..2048 plus odd ones and the NN
 * shapes of small networks, on each SIMD ISA side by side (their samples interleaved, so load
 * from neighbours hits all of them alike). The reference backend is timed only up to 128^3
 * multiply-adds: it is a plain triple loop and would take minutes beyond. Then the per-call cost
 * of a 4x4 sgemm from JavaScript (the binding's floor), and linearForward with its fused epilogue.
 *
 * Peers (one thread, when Debian's python3 has numpy and torch): OpenBLAS through numpy's matmul,
 * torch.mm, and oneDNN's inner product through torch's mkldnn_linear, on the goal shapes, for
 * each ISA measured: under avx2 the peers are capped to AVX2 too (OPENBLAS_CORETYPE=Haswell,
 * DNNL_MAX_CPU_ISA=AVX2). They run in another process, before and after ours; each peer time is
 * the better of its two medians. The output starts with the CPU model and the ISAs measured, so
 * that results from different machines are not mixed.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { kernels, nativeAvailable, type NativeBackend } from '../lib/index.js';
import { type BenchArgs, compare, type Row, table, timeIt, timeOptions, writeResults } from './harness.js';
import { fmaPeakGflops } from './machine.js';
import { runTorch, torchStatus } from './torch.js';

type Shape = [m: number, n: number, k: number];

const SQUARE: Shape[] = [64, 128, 256, 512, 1024, 2048].map((s) => [s, s, s]);
const ODD: Shape[] = [
  [100, 100, 100],
  [333, 333, 333],
  [1000, 1000, 1000],
];
const NN: Shape[] = [
  [64, 256, 784],
  [256, 256, 784],
  [128, 10, 128],
  [256, 512, 512],
  [64, 4096, 4096],
];
// The reference runs only where a call takes well under a second.
const REFERENCE_MAX_FMAS = 128 ** 3;
// The shapes the peers are timed on (one thread).
const PEER: Shape[] = [
  [1024, 1024, 1024],
  [64, 256, 784],
  [128, 10, 128],
];

/** "AMD EPYC (family 26, model 2)": the model name with the family and model numbers it may hide. */
export function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (key: string): string | undefined =>
      info.match(new RegExp(`^${key}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim();
    const name = field('model name');
    if (name !== undefined) return `${name} (family ${field('cpu family') ?? '?'}, model ${field('model') ?? '?'})`;
  } catch {
    // not Linux: the OS's name for it below
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

type PeerRow = { shape: Shape; blas_s: number; mm_s: number; onednn_s: number };
type PeerResult = { torch: string; blas: string; rows: PeerRow[] };

/** The peers on `shapes`, their instruction set capped like ours for `isa`. */
function runPeers(isa: string, shapes: Shape[], quick: boolean): PeerResult {
  const saved = { ...process.env };
  Object.assign(process.env, { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' });
  if (isa === 'avx2') Object.assign(process.env, { OPENBLAS_CORETYPE: 'Haswell', DNNL_MAX_CPU_ISA: 'AVX2' });
  if (isa === 'avx512') Object.assign(process.env, { OPENBLAS_CORETYPE: 'SkylakeX' });
  try {
    return runTorch<PeerResult>('gemm.py', { shapes, quick });
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

function shapesFor(which: string, quick: boolean): Shape[] {
  const all = which === 'square' ? [...SQUARE, ...ODD] : which === 'nn' ? NN : [...SQUARE, ...ODD, ...NN];
  return quick ? all.filter(([m, n, k]) => m * n * k <= 256 ** 3) : all;
}

function operands([m, n, k]: Shape): { a: Float32Array; b: Float32Array; c: Float32Array } {
  const a = new Float32Array(m * k).map((_, i) => Math.sin(i) * 0.5);
  const b = new Float32Array(k * n).map((_, i) => Math.cos(i) * 0.5);
  return { a, b, c: new Float32Array(m * n) };
}

function withThreadsOf<T>(native: NativeBackend, threads: number, fn: () => T): T {
  const before = native.numThreads();
  native.setNumThreads(threads);
  try {
    return fn();
  } finally {
    native.setNumThreads(before);
  }
}

export function run(args: BenchArgs): void {
  if (!nativeAvailable()) {
    console.log('gemm: native backend not loaded; nothing to measure');
    return;
  }
  const opts = timeOptions(args);
  const native = kernels('native');
  const js = kernels('js');
  const startIsa = native.isa();
  const simd = native.availableIsas().filter((i) => i !== 'scalar');
  const isas = args.extra.get('isa')?.split(',') ?? (simd.length > 0 ? simd : ['scalar']);
  const shapes = shapesFor(args.extra.get('shapes') ?? 'all', args.quick);
  console.log(`\nCPU: ${cpuModel()}; ISAs measured: ${isas.join(', ')} (active at start: ${startIsa})`);
  const torch = torchStatus();
  if (!torch.ok) console.log(`gemm: peer comparison skipped (${torch.reason})`);
  const peerShapes = PEER.filter((p) => shapes.some((s) => s.join() === p.join()));
  const peersBefore = torch.ok ? isas.map((isa) => runPeers(isa, peerShapes, args.quick)) : [];

  // Peak per (ISA, threads), measured with that ISA selected.
  const peak = new Map<string, number>();
  for (const isa of isas) {
    native.selectIsa(isa);
    for (const t of args.threads) peak.set(`${isa}/${t}`, fmaPeakGflops(t, opts) ?? Number.NaN);
  }

  const rows: Row[] = [];
  const oneThread = new Map<string, number>();
  let current = '';
  for (const shape of shapes) {
    const [m, n, k] = shape;
    const { a, b, c } = operands(shape);
    const flops = 2 * m * n * k;
    const call = (kb: typeof js) => kb.sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
    for (const threads of args.threads) {
      // Switch ISA only when the harness moves to another case (once per sample, not per call).
      const cases = isas.map((isa) => ({
        name: isa,
        fn: () => {
          if (current !== isa) native.selectIsa((current = isa));
          call(native);
        },
      }));
      const withRef = threads === 1 && m * n * k <= REFERENCE_MAX_FMAS;
      if (withRef) cases.push({ name: 'js', fn: () => call(js) });
      const stats = withThreadsOf(native, threads, () => compare(cases, opts));
      const refStats = withRef ? stats[stats.length - 1]! : undefined;
      isas.forEach((isa, i) => {
        const s = stats[i]!;
        const gflops = flops / s.median / 1e9;
        const key = `${m}x${n}x${k}/${isa}`;
        if (threads === 1) oneThread.set(key, gflops);
        const base = oneThread.get(key);
        rows.push({
          'm x n x k': `${m} x ${n} x ${k}`,
          isa,
          threads,
          ms: s.median * 1e3,
          'GFLOP/s': gflops,
          '% peak': (100 * gflops) / peak.get(`${isa}/${threads}`)!,
          'vs 1 thread': threads > 1 && base !== undefined ? `${(gflops / base).toFixed(2)}x` : '',
          'spread %': s.spreadPct,
          'js GFLOP/s': refStats ? flops / refStats.median / 1e9 : '',
          'vs js': refStats ? `${(refStats.median / s.median).toFixed(0)}x` : '',
        });
      });
    }
  }
  native.selectIsa(startIsa);

  console.log('\nFMA peak (GFLOP/s, register-only loop per ISA and thread count):');
  console.log([...peak].map(([key, v]) => `${key} ${v.toFixed(1)}`).join(', '));
  console.log('\nSGEMM, row-major NN, alpha 1, beta 0 (medians of interleaved samples)\n');
  console.log(table(rows));
  if (torch.ok)
    printPeers(
      isas,
      peersBefore,
      isas.map((isa) => runPeers(isa, peerShapes, args.quick)),
      oneThread,
    );

  // The binding's floor: a 4x4 sgemm called from JavaScript, one thread, active ISA.
  const small = operands([4, 4, 4]);
  const tiny = (kb: typeof js) => kb.sgemm(false, false, 4, 4, 4, 1, small.a, 4, small.b, 4, 0, small.c, 4);
  const [nat4, js4] = withThreadsOf(native, 1, () =>
    compare(
      [
        { name: 'native', fn: () => tiny(native) },
        { name: 'js', fn: () => tiny(js) },
      ],
      opts,
    ),
  );
  console.log(
    `\n4x4x4 sgemm from JavaScript (${cpuModel()}, ${startIsa}): native ${(nat4!.median * 1e9).toFixed(0)} ns per call, reference ${(js4!.median * 1e9).toFixed(0)} ns`,
  );

  // A Linear layer (batch 64, 784 -> 256) in one fused pass, against the bare GEMM.
  const [batch, inF, outF] = [64, 784, 256];
  const x = new Float32Array(batch * inF).map((_, i) => Math.sin(i));
  const w = new Float32Array(outF * inF).map((_, i) => Math.cos(i) * 0.03);
  const bias = new Float32Array(outF).fill(0.1);
  const out = new Float32Array(batch * outF);
  const linearRows: Row[] = [];
  const variants = [
    ['sgemm NT (no bias)', () => native.sgemm(false, true, batch, outF, inF, 1, x, inF, w, inF, 0, out, outF)],
    ['linear none', () => native.linearForward(out, x, w, bias, batch, inF, outF, 'none')],
    ['linear relu', () => native.linearForward(out, x, w, bias, batch, inF, outF, 'relu')],
    ['linear gelu', () => native.linearForward(out, x, w, bias, batch, inF, outF, 'gelu')],
    ['linear sigmoid', () => native.linearForward(out, x, w, bias, batch, inF, outF, 'sigmoid')],
  ] as const;
  const linStats = withThreadsOf(native, 1, () =>
    compare(
      variants.map(([name, fn]) => ({ name, fn })),
      opts,
    ),
  );
  variants.forEach(([name], i) => {
    const s = linStats[i]!;
    linearRows.push({
      call: name,
      µs: s.median * 1e6,
      'GFLOP/s': (2 * batch * inF * outF) / s.median / 1e9,
      'spread %': s.spreadPct,
    });
  });
  const jsLinear = timeIt(() => js.linearForward(out, x, w, bias, batch, inF, outF, 'relu'), { ...opts, samples: 3 });
  console.log(
    `\nLinear(${inF} -> ${outF}), batch ${batch}, 1 thread, ${startIsa} (reference relu: ${(jsLinear.median * 1e3).toFixed(1)} ms)\n`,
  );
  console.log(table(linearRows));
  console.log(
    `\nwrote ${writeResults('gemm', { cpu: cpuModel(), isas, peak: Object.fromEntries(peak), rows, tiny: { nativeNs: nat4!.median * 1e9, jsNs: js4!.median * 1e9 }, linear: linearRows })}`,
  );
}

/** Ours (1 thread, from the main table) against each peer, per ISA: rates and ratios (> 1: ours faster). */
function printPeers(isas: string[], before: PeerResult[], after: PeerResult[], ours: Map<string, number>): void {
  const rows: Row[] = [];
  isas.forEach((isa, i) => {
    for (const [j, r] of before[i]!.rows.entries()) {
      const [m, n, k] = r.shape;
      const mine = ours.get(`${m}x${n}x${k}/${isa}`);
      if (mine === undefined) continue;
      const later = after[i]!.rows[j]!;
      const rate = (s: number): number => (2 * m * n * k) / s / 1e9;
      const blas = rate(Math.min(r.blas_s, later.blas_s));
      const mm = rate(Math.min(r.mm_s, later.mm_s));
      const dnnl = rate(Math.min(r.onednn_s, later.onednn_s));
      rows.push({
        'm x n x k': `${m} x ${n} x ${k}`,
        isa,
        'GFLOP/s': mine,
        OpenBLAS: blas,
        'torch.mm': mm,
        oneDNN: dnnl,
        'vs OpenBLAS': `${(mine / blas).toFixed(2)}x`,
        'vs torch.mm': `${(mine / mm).toFixed(2)}x`,
        'vs oneDNN': `${(mine / dnnl).toFixed(2)}x`,
      });
    }
  });
  if (rows.length === 0) return;
  console.log(
    `\nPeers, 1 thread (${before[0]!.blas} via numpy; torch ${before[0]!.torch}; oneDNN = torch mkldnn_linear), GFLOP/s\n`,
  );
  console.log(table(rows));
}
