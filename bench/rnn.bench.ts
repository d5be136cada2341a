/**
 * `npm run bench -- rnn [--threads 1,2] [--quick]`: recurrent layers against PyTorch in the same
 * run (bench/torch/rnn.py times the same cases; without torch the comparison is skipped and said so).
 *
 * - train: a training step of a stacked layer on a fixed batch (forward, loss sum(out * w),
 *   zeroGrad, backward, Adam), (T, B) = (35, 20), input = hidden: the word-level language-model
 *   shape; LSTM hidden 256 and 650, GRU 256.
 * - the same LSTM 256 step with recurrent (variational) dropout 0.25, and with zoneout 0.1, against
 *   the plain step of the same run (the goal is at most 15% slower).
 * - infer: batch-1 inference of a 35-step sequence through LSTM(128, 256), eval, noGrad: what a
 *   server does per request.
 */
import { backendInfo, manualSeed, nn, noGrad, ops, optim, randn, setNumThreads, type Tensor } from '../lib/index.js';
import { type BenchArgs, compare, type Row, table, timeOptions, writeResults } from './harness.js';
import { runTorch, torchStatus } from './torch.js';

interface RnnCase {
  name: string;
  kind: 'lstm' | 'gru';
  input: number;
  hidden: number;
  layers: number;
  steps: number;
  batch: number;
  train: boolean;
  /** dropnet-only options (the PyTorch side runs the plain layer). */
  extra?: Record<string, unknown>;
  /** The plain case this one is compared with (dropout overhead). */
  base?: string;
}

type Layer = {
  forward(x: Tensor): [Tensor, unknown];
  parameters(): nn.Parameter[];
  train(mode?: boolean): unknown;
  eval(): unknown;
};

function cases(quick: boolean): RnnCase[] {
  const lm = { steps: 35, batch: 20, layers: 2, train: true };
  const out: RnnCase[] = [
    { name: 'LSTM 256 train', kind: 'lstm', input: 256, hidden: 256, ...lm },
    {
      name: 'LSTM 256 train, recurrentDropout 0.25',
      kind: 'lstm',
      input: 256,
      hidden: 256,
      ...lm,
      extra: { recurrentDropout: 0.25 },
      base: 'LSTM 256 train',
    },
    {
      name: 'LSTM 256 train, zoneout 0.1',
      kind: 'lstm',
      input: 256,
      hidden: 256,
      ...lm,
      extra: { zoneout: 0.1 },
      base: 'LSTM 256 train',
    },
    { name: 'GRU 256 train', kind: 'gru', input: 256, hidden: 256, ...lm },
    {
      name: 'LSTM 128->256 batch-1 infer',
      kind: 'lstm',
      input: 128,
      hidden: 256,
      layers: 1,
      steps: 35,
      batch: 1,
      train: false,
    },
  ];
  if (!quick) out.splice(3, 0, { name: 'LSTM 650 train', kind: 'lstm', input: 650, hidden: 650, ...lm });
  return out;
}

function build(c: RnnCase): Layer {
  const options = { numLayers: c.layers, ...c.extra };
  return (c.kind === 'lstm'
    ? new nn.LSTM(c.input, c.hidden, options)
    : new nn.GRU(c.input, c.hidden, options)) as unknown as Layer;
}

function stepFn(c: RnnCase): () => void {
  manualSeed(0);
  const m = build(c);
  const x = randn([c.steps, c.batch, c.input]);
  if (!c.train) {
    m.eval();
    return () => {
      noGrad(() => m.forward(x));
    };
  }
  m.train();
  const w = randn([c.steps, c.batch, c.hidden]);
  const opt = new optim.Adam(m.parameters(), { lr: 1e-3 });
  return () => {
    const [out] = m.forward(x);
    const loss = ops.sum(ops.mul(out, w));
    opt.zeroGrad();
    loss.backward();
    opt.step();
  };
}

export function run(args: BenchArgs): void {
  const info = backendInfo();
  const list = cases(args.quick);
  const torch = new Map<string, number>();
  const status = torchStatus();
  if (!status.ok) console.log(`\nrnn: PyTorch not available (${status.reason}); dropnet numbers only`);
  else {
    const plain = list.filter((c) => c.extra === undefined);
    // Debian's torch calls the system BLAS (OpenBLAS or the reference one, by the libblas.so.3
    // alternative), whose own thread pool torch.set_num_threads does not size: each thread count
    // runs in its own process with OPENBLAS_NUM_THREADS and OMP_NUM_THREADS set to it.
    const saved = { openblas: process.env.OPENBLAS_NUM_THREADS, omp: process.env.OMP_NUM_THREADS };
    let version = '';
    let blas: string[] = [];
    try {
      for (const threads of args.threads) {
        process.env.OPENBLAS_NUM_THREADS = String(threads);
        process.env.OMP_NUM_THREADS = String(threads);
        const out = runTorch<{ torch: string; blas: string[]; rows: { threads: number; name: string; ms: number }[] }>(
          'rnn.py',
          { cases: plain, threads: [threads], reps: args.quick ? 3 : 11 },
        );
        for (const r of out.rows) torch.set(`${r.threads}/${r.name}`, r.ms);
        version = out.torch;
        blas = out.blas;
      }
    } finally {
      for (const [key, value] of [
        ['OPENBLAS_NUM_THREADS', saved.openblas],
        ['OMP_NUM_THREADS', saved.omp],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    console.log(`\nPyTorch ${version} measured alongside, BLAS ${blas.join(', ') || 'not loaded'}`);
  }
  const opts = args.quick ? timeOptions(args) : { samples: 11, minSampleMs: 100, warmupMs: 200 };
  const rows: Row[] = [];
  for (const threads of args.threads) {
    setNumThreads(threads);
    const mine = new Map<string, number>();
    // All cases in one compare(): samples taken in turn, so that a loaded machine slows them alike
    // (the dropout and zoneout overheads are ratios of neighbouring samples).
    const all = compare(
      list.map((c) => ({ name: c.name, fn: stepFn(c) })),
      opts,
    );
    list.forEach((c, i) => mine.set(c.name, all[i]!.median * 1000));
    list.forEach((c, i) => {
      const ms = mine.get(c.name)!;
      const t = torch.get(`${threads}/${c.name}`);
      const base = c.base === undefined ? undefined : mine.get(c.base);
      rows.push({
        case: c.name,
        threads,
        'dropnet ms': ms,
        'torch ms': t === undefined ? (c.extra ? '' : 'n/a') : t,
        'speed-up': t === undefined ? '' : t / ms,
        'vs plain': base === undefined ? '' : `${((ms / base - 1) * 100).toFixed(1)}%`,
        'spread %': Math.round(all[i]!.spreadPct),
      });
    });
  }
  console.log(
    `\nRecurrent layers: ms per training step (T=35, B=20, Adam) or per batch-1 inference (backend ${info.backend}, isa ${info.isa})\n`,
  );
  console.log(table(rows));
  console.log(`\nwrote ${writeResults('rnn', { rows })}`);
}
