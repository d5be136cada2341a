/**
 * Many independent trainings at once: a dropout-rate sweep spread over worker threads, each
 * worker training its own copy of the network with one kernel thread (the addon loads once per
 * thread; nothing is shared but the results). The same shape scales to processes or machines:
 * each job is (rate, seed) in, (rate, loss, accuracy) out.
 *
 * Run: node --import ./scripts/register-ts.mjs examples/dropout-sweep.ts [--workers 2] [--epochs 10]
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, threadId, Worker, workerData } from 'node:worker_threads';
import { manualSeed, nn, setNumThreads } from '../lib/index.js';
import { syntheticClasses } from './common.js';

export interface SweepJob {
  p: number;
  epochs: number;
  seed: number;
}

export interface SweepResult {
  p: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
  /** The worker thread that trained it (0 when trained on the calling thread). */
  threadId: number;
}

/** Trains Linear(20, 128), ReLU, Dropout(p), Linear(128, 2) on a small synthetic task; returns its validation numbers. */
export async function trainOne(job: SweepJob, worker = 0): Promise<SweepResult> {
  const started = performance.now();
  manualSeed(job.seed); // every rate starts from the same weights and sees the same batches
  const model = new nn.Sequential(new nn.Linear(20, 128), new nn.ReLU(), new nn.Dropout(job.p), new nn.Linear(128, 2));
  const { train, test } = syntheticClasses(20, 2, { train: 192, test: 512 }, 1);
  await model.fit(train.x, train.y, {
    loss: 'crossEntropy',
    optimizer: 'adam',
    epochs: job.epochs,
    batchSize: 32,
    seed: job.seed,
    verbose: 0,
  });
  const logs = await model.evaluate(test.x, test.y, { loss: 'crossEntropy', metrics: ['accuracy'] });
  return {
    p: job.p,
    valLoss: logs.loss!,
    valAccuracy: logs.accuracy!,
    seconds: (performance.now() - started) / 1000,
    threadId: worker,
  };
}

const REGISTER_TS = pathToFileURL(
  join(fileURLToPath(new URL('.', import.meta.url)), '..', 'scripts', 'register-ts.mjs'),
).href;

/** Runs one job per rate on a pool of `workers` worker threads; results in the order of `rates`. */
export async function sweep(
  rates: readonly number[],
  options: { workers?: number; epochs?: number; seed?: number } = {},
): Promise<SweepResult[]> {
  const { workers = Math.min(rates.length, availableParallelism()), epochs = 10, seed = 1 } = options;
  const results = new Array<SweepResult>(rates.length);
  let next = 0;
  const runWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      // The worker runs this file; the TypeScript hooks are only needed when it is run from source.
      const source = import.meta.url.endsWith('.ts');
      const worker = new Worker(new URL(import.meta.url), {
        workerData: { dropoutSweep: true },
        execArgv: source ? ['--import', REGISTER_TS] : [],
      });
      const give = (): void => {
        if (next >= rates.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        const at = next++;
        worker.once('message', (r: SweepResult) => {
          results[at] = r;
          give();
        });
        worker.postMessage({ p: rates[at]!, epochs, seed } satisfies SweepJob);
      };
      worker.once('error', reject);
      give();
    });
  await Promise.all(Array.from({ length: Math.max(1, workers) }, runWorker));
  return results;
}

if (!isMainThread && (workerData as { dropoutSweep?: boolean } | null)?.dropoutSweep === true) {
  // One kernel thread per worker: the workers are the parallelism.
  setNumThreads(1);
  parentPort!.on('message', (job: SweepJob) => {
    void trainOne(job, threadId).then((r) => parentPort!.postMessage(r));
  });
} else if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const opt = (name: string, fallback: number): number =>
    argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback;
  const started = performance.now();
  const results = await sweep([0, 0.1, 0.2, 0.3, 0.5, 0.7], {
    workers: opt('--workers', 2),
    epochs: opt('--epochs', 10),
  });
  console.log('dropout  val loss  val acc  seconds  worker');
  for (const r of results) {
    console.log(
      `${r.p.toFixed(1).padStart(7)}  ${r.valLoss.toFixed(4).padStart(8)}  ${r.valAccuracy.toFixed(3).padStart(7)}  ${r.seconds.toFixed(1).padStart(7)}  ${String(r.threadId).padStart(6)}`,
    );
  }
  console.log(`${results.length} trainings in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
