/**
 * `npm run bench -- train [--threads 1,2] [--quick]`: training throughput against PyTorch in the
 * same run, and the event-loop delay while fit() trains.
 *
 * - step: one PyTorch-style step on a fixed batch (forward, crossEntropy, zeroGrad, backward,
 *   Adam step), timed with the harness; bench/torch/train.py times the same step in PyTorch, in
 *   its own process per thread count with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to it.
 * - cpu: the same step timed by the process's CPU time on both sides (process.cpuUsage and
 *   time.process_time, every thread included, medians of 7 samples): on a machine shared with
 *   other jobs the wall-clock ratio moves with their load between the two runs, this one much less.
 * - fit: model.fit() over random data for whole epochs: the step plus the DataLoader's shuffled
 *   gathers, the running loss and the event-loop turns.
 * - event loop: perf_hooks.monitorEventLoopDelay (1 ms resolution) during fit, per yieldEveryMs,
 *   with the GC pause time of that run (per epoch, and the longest pause); the default budget
 *   also while a child process spins on the other core ('busy core').
 * - steady state (bench/steady.ts): page faults, GC time and pool traffic per step after 20
 *   warm-up steps, and RSS growth over the run (1,000 steps; 100 with --quick).
 *
 * Models (bench/torch/train.py has the same): MLP 784-256-ReLU-Dropout(0.5)-128-ReLU-Dropout(0.3)-10
 * at batch 64 and 256; CNN Conv2d(3,16,3,p1)-ReLU-MaxPool2d(2)-Flatten-Linear(4096,128)-ReLU-
 * Dropout(0.5)-Linear(128,10) at batch 32.
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { backendInfo, losses, manualSeed, nn, optim, randn, setNumThreads, type Tensor } from '../lib/index.js';
import { type BenchArgs, compare, type Row, table, timeOptions, writeResults } from './harness.js';
import { GcTimer, steadyState } from './steady.js';
import { runTorch, torchStatus } from './torch.js';

function mlp(): nn.Module {
  return new nn.Sequential(
    new nn.Linear(784, 256),
    new nn.ReLU(),
    new nn.Dropout(0.5),
    new nn.Linear(256, 128),
    new nn.ReLU(),
    new nn.Dropout(0.3),
    new nn.Linear(128, 10),
  );
}

function cnn(): nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(3, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(4096, 128),
    new nn.ReLU(),
    new nn.Dropout(0.5),
    new nn.Linear(128, 10),
  );
}

interface Case {
  model: 'mlp' | 'cnn';
  batch: number;
  build: () => nn.Module;
  sample: number[];
}

/** Samples per CPU-second of `step`: median of 7 samples of at least ~150 ms of CPU time each. */
function cpuRate(step: () => void, batch: number, wallSeconds: number): number {
  const steps = Math.max(2, Math.ceil(0.15 / wallSeconds));
  const rates: number[] = [];
  for (let s = 0; s < 7; s++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) step();
    const c = process.cpuUsage(c0);
    rates.push((batch * steps) / ((c.user + c.system) / 1e6));
  }
  rates.sort((a, b) => a - b);
  return rates[3]!;
}

/** PyTorch's rates per `threads/model/batch`: wall-clock and CPU-time samples/s. */
function torchRates(args: BenchArgs, batches: Record<string, number[]>): Map<string, { wall: number; cpu: number }> {
  const torch = new Map<string, { wall: number; cpu: number }>();
  const status = torchStatus();
  if (!status.ok) {
    console.log(`\ntrain: PyTorch not available (${status.reason}); dropnet numbers only`);
    return torch;
  }
  // Debian's torch calls the system BLAS, whose thread pool torch.set_num_threads does not size.
  const saved = {
    OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS,
    OMP_NUM_THREADS: process.env.OMP_NUM_THREADS,
  };
  let version = '';
  try {
    for (const threads of args.threads) {
      process.env.OPENBLAS_NUM_THREADS = String(threads);
      process.env.OMP_NUM_THREADS = String(threads);
      const out = runTorch<{
        torch: string;
        rows: { threads: number; model: string; batch: number; samples_per_s: number; cpu_samples_per_s: number }[];
      }>('train.py', { models: ['mlp', 'cnn'], batches, threads: [threads], steps: args.quick ? 5 : 30 });
      for (const r of out.rows)
        torch.set(`${r.threads}/${r.model}/${r.batch}`, { wall: r.samples_per_s, cpu: r.cpu_samples_per_s });
      version = out.torch;
    }
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  console.log(`\nPyTorch ${version} measured alongside`);
  return torch;
}

function data(n: number, sample: number[]): { x: Tensor; y: Int32Array } {
  const x = randn([n, ...sample]);
  const y = Int32Array.from({ length: n }, (_, i) => (i * 7) % 10);
  return { x, y };
}

/** Seconds per fit() epoch over `steps` batches, median of `reps`. */
async function timeFit(
  model: nn.Module,
  opt: optim.Adam,
  x: Tensor,
  y: Int32Array,
  batch: number,
  reps: number,
  yieldEveryMs = 5,
): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < reps + 1; r++) {
    const t0 = performance.now();
    await model.fit(x, y, {
      loss: 'crossEntropy',
      optimizer: opt,
      epochs: 1,
      batchSize: batch,
      verbose: 0,
      yieldEveryMs,
      seed: r,
    });
    if (r > 0) times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function throughput(
  cases: Case[],
  args: BenchArgs,
  torch: Map<string, { wall: number; cpu: number }>,
): Promise<Row[]> {
  const rows: Row[] = [];
  // Samples of 150 ms (tens of steps): a shared machine's hiccups average out within a sample.
  const opts = args.quick ? timeOptions(args) : { samples: 9, minSampleMs: 150, warmupMs: 300 };
  for (const threads of args.threads) {
    setNumThreads(threads);
    for (const c of cases) {
      manualSeed(0);
      const model = c.build();
      const key = `${threads}/${c.model}/${c.batch}`;
      model.train();
      const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
      const { x, y } = data(c.batch, c.sample);
      const step = (): void => {
        const loss = losses.crossEntropy(model.call(x), y);
        opt.zeroGrad({ setToNone: false }); // as fit() and torch 1.13's zero_grad()
        loss.backward();
        opt.step();
      };
      const [stats] = compare([{ name: 'step', fn: step }], opts);
      const stepRate = c.batch / stats!.median;
      const cpu = cpuRate(step, c.batch, stats!.median);
      const steps = Math.max(4, Math.min(64, Math.ceil(0.3 / stats!.median)));
      const epoch = data(c.batch * (args.quick ? 2 : steps), c.sample);
      const fitRate = epoch.x.shape[0]! / (await timeFit(model, opt, epoch.x, epoch.y, c.batch, args.quick ? 1 : 3));
      const t = torch.get(key);
      rows.push({
        model: c.model,
        batch: c.batch,
        threads,
        'step samples/s': Math.round(stepRate),
        'fit samples/s': Math.round(fitRate),
        'torch samples/s': t === undefined ? 'n/a' : Math.round(t.wall),
        'step/torch': t === undefined ? '' : stepRate / t.wall,
        'fit/torch': t === undefined ? '' : fitRate / t.wall,
        'cpu samples/s': Math.round(cpu),
        'torch cpu samples/s': t === undefined ? 'n/a' : Math.round(t.cpu),
        'cpu step/torch': t === undefined ? '' : cpu / t.cpu,
        'spread %': Math.round(stats!.spreadPct),
      });
    }
  }
  return rows;
}

/**
 * The event loop while fit() trains the MLP at batch 64 for about 2 s (one call, several epochs,
 * after a warm-up call): monitorEventLoopDelay's percentiles, and the longest gap between the
 * ticks of a 1 ms interval (what a request arriving at the worst moment waits for, which
 * the histogram cannot see when the loop never turns at all).
 */
async function loopDelay(args: BenchArgs, stepSeconds: number): Promise<Row[]> {
  const rows: Row[] = [];
  const runs: [number, boolean][] = args.quick
    ? [
        [5, false],
        [5, true],
      ]
    : [
        [0, false],
        [5, false],
        [5, true],
        [8, false],
        [Infinity, false],
      ];
  const { x, y } = data(args.quick ? 256 : 2048, [784]);
  const epochs = Math.max(1, Math.round((args.quick ? 0.2 : 2) / ((x.shape[0]! / 64) * stepSeconds)));
  for (const [yieldEveryMs, busy] of runs) {
    manualSeed(0);
    const model = mlp();
    const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
    await model.fit(x, y, { loss: 'crossEntropy', optimizer: opt, epochs: 1, batchSize: 64, verbose: 0, yieldEveryMs });
    // Another process keeping the second core busy, as a neighbour on the machine would.
    const spinner = busy ? spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }) : null;
    const h = monitorEventLoopDelay({ resolution: 1 });
    let last = performance.now();
    let maxGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 1);
    h.enable();
    const gc = new GcTimer();
    const t0 = performance.now();
    await model.fit(x, y, { loss: 'crossEntropy', optimizer: opt, epochs, batchSize: 64, verbose: 0, yieldEveryMs });
    const seconds = (performance.now() - t0) / 1000;
    h.disable();
    const gcMs = await gc.close();
    spinner?.kill();
    clearInterval(ticker);
    maxGap = Math.max(maxGap, performance.now() - last);
    const ms = (v: number): number | string => (h.count === 0 ? 'no turns' : v / 1e6);
    rows.push({
      yieldEveryMs: String(yieldEveryMs),
      'busy core': busy ? 'yes' : 'no',
      'p50 ms': ms(h.percentile(50)),
      'p99 ms': ms(h.percentile(99)),
      'max ms': ms(h.max),
      'longest stall ms': maxGap,
      'gc ms/epoch': gcMs / epochs,
      'gc max ms': gc.maxMs,
      'fit samples/s': Math.round((epochs * x.shape[0]!) / seconds),
    });
  }
  return rows;
}

export async function run(args: BenchArgs): Promise<void> {
  const info = backendInfo();
  const batches = { mlp: args.quick ? [64] : [64, 256], cnn: [32] };
  const cases: Case[] = [
    ...batches.mlp.map((batch) => ({ model: 'mlp' as const, batch, build: mlp, sample: [784] })),
    ...batches.cnn.map((batch) => ({ model: 'cnn' as const, batch, build: cnn, sample: [3, 32, 32] })),
  ];
  const torch = torchRates(args, batches);
  const rows = await throughput(cases, args, torch);
  const mlp64 = rows.find((r) => r.model === 'mlp' && r.batch === 64 && r.threads === args.threads[0]);
  const stepSeconds = typeof mlp64?.['step samples/s'] === 'number' ? 64 / mlp64['step samples/s'] : 0.005;
  console.log(
    `\nTraining throughput, Adam 1e-3, cross-entropy, random data (backend ${info.backend}, isa ${info.isa}; ${backendNote()})\n`,
  );
  console.log(table(rows));
  setNumThreads(args.threads[0]!);
  const delay = await loopDelay(args, stepSeconds);
  console.log(
    `\nEvent-loop delay during fit (MLP, batch 64, ${args.threads[0]} thread(s); monitorEventLoopDelay, 1 ms resolution)\n`,
  );
  console.log(table(delay));
  const steady: Row[] = [];
  for (const c of cases) steady.push(await steadyState(c, args.quick ? 100 : 1000));
  console.log(
    `\nSteady state of the training step (${args.threads[0]} thread(s); the event loop turns after each step, as in fit)\n`,
  );
  console.log(table(steady));
  console.log(`\nwrote ${writeResults('train', { throughput: rows, eventLoop: delay, steady })}`);
}

function backendNote(): string {
  return backendInfo().backend === 'js'
    ? 'every kernel on the reference backend, not comparable to PyTorch'
    : 'native kernels';
}
