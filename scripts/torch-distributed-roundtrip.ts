/**
 * The round trip past one machine: train in dropnet, continue training in PyTorch with
 * torch.distributed (two processes, gloo, loopback), and load the result back into dropnet.
 *
 *   node --import ./scripts/register-ts.mjs scripts/torch-distributed-roundtrip.ts [--world-size 2] [--epochs 5]
 *
 * 1. dropnet trains examples/mlp.ts's network (Linear 20→64, ReLU, Dropout 0.5, Linear 64→2) on
 *    synthetic data for a few epochs and saves its state dict as safetensors (PyTorch's names).
 * 2. scripts/torch_distributed_roundtrip.py loads it into the same PyTorch network and trains it
 *    with DistributedDataParallel over `world size` processes, each on its own shard.
 * 3. dropnet loads PyTorch's weights (strictly: every name and shape must match) and its eval
 *    output on a probe batch is compared with PyTorch's.
 *
 * Where /usr/bin/python3 (or $PYTHON) has no torch, it prints why and exits 0 having done nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { batches, crossEntropy, sgdStep, syntheticClasses } from '../examples/common.js';
import { buildModel } from '../examples/mlp.js';
import { io, manualSeed, noGrad, randn } from '../lib/index.js';

export const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'torch_distributed_roundtrip.py');

/** null when PyTorch is installed for PYTHON, else the reason the round trip cannot run. */
export function torchUnavailable(): string | null {
  // find_spec looks for the package without importing it (importing torch takes seconds).
  const probe = spawnSync(
    PYTHON,
    ['-c', 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("torch") else 3)'],
    { encoding: 'utf8' },
  );
  if (probe.error !== undefined) return `${PYTHON} cannot be run (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} has no PyTorch (on Debian: apt-get install python3-torch)`;
  return null;
}

export interface RoundTripReport {
  torch: string;
  backend: string;
  world_size: number;
  epochs: number;
  samples_per_rank: number;
  samples_all_ranks: number;
  loss_before: number;
  loss_after: number;
  replica_max_abs_difference: number;
  seconds: number;
  /** Largest change of any weight in PyTorch's training. */
  weightChange: number;
  /** Largest difference between dropnet's and PyTorch's eval output on the probe, after the round trip. */
  outputMaxAbsDifference: number;
}

export async function roundTrip(options: { worldSize?: number; epochs?: number } = {}): Promise<RoundTripReport> {
  const { worldSize = 2, epochs = 5 } = options;
  const dir = mkdtempSync(join(tmpdir(), 'dropnet-torch-'));
  try {
    manualSeed(0);
    const model = buildModel();
    const { train } = syntheticClasses(20, 2, { train: 512, test: 0 }, 1);
    for (let epoch = 0; epoch < 3; epoch++) {
      model.train();
      for (const batch of batches(train, 32)) {
        const loss = crossEntropy(model.call(batch.x), batch.y);
        model.zeroGrad();
        loss.backward();
        sgdStep(model.parameters(), 0.1);
      }
    }
    await model.save(join(dir, 'start.safetensors'));
    await io.saveSafetensors(join(dir, 'data.safetensors'), { x: train.x, y: train.y });
    const probe = randn([16, 20]);
    await io.saveSafetensors(join(dir, 'probe.safetensors'), { x: probe });
    const start = model.stateDict();
    const before = Object.fromEntries(Object.entries(start).map(([k, t]) => [k, t.data.slice()]));

    const run = spawnSync(PYTHON, [SCRIPT, dir, '--world-size', String(worldSize), '--epochs', String(epochs)], {
      encoding: 'utf8',
    });
    if (run.status === 2) throw new Error(`${SCRIPT}: ${run.stderr.trim()}`);
    if (run.status !== 0) throw new Error(`${SCRIPT} failed (exit ${run.status}):\n${run.stderr}`);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Omit<
      RoundTripReport,
      'weightChange' | 'outputMaxAbsDifference'
    >;

    await model.loadWeights(join(dir, 'trained.safetensors'));
    let weightChange = 0;
    for (const [k, t] of Object.entries(model.stateDict())) {
      t.data.forEach((v, i) => {
        weightChange = Math.max(weightChange, Math.abs(v - before[k]![i]!));
      });
    }
    const ours = noGrad(() => model.predict(probe));
    const theirs = (await io.loadSafetensors(join(dir, 'torch_output.safetensors'))).tensors.get('y')!;
    let outputMaxAbsDifference = 0;
    ours.data.forEach((v, i) => {
      outputMaxAbsDifference = Math.max(outputMaxAbsDifference, Math.abs(v - theirs.data[i]!));
    });
    return { ...report, weightChange, outputMaxAbsDifference };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function flag(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const n = Number(argv[at + 1]);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`${name} takes a positive integer but received ${String(argv[at + 1])}`);
  return n;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const reason = torchUnavailable();
  if (reason !== null) {
    console.log(`torch.distributed round trip skipped: ${reason}`);
  } else {
    const argv = process.argv.slice(2);
    roundTrip({ worldSize: flag(argv, '--world-size', 2), epochs: flag(argv, '--epochs', 5) }).then(
      (r) => {
        console.log(JSON.stringify(r, null, 2));
      },
      (e: unknown) => {
        console.error(e instanceof Error ? e.message : e);
        process.exitCode = 1;
      },
    );
  }
}
