/**
 * `npm start`: the main job. Trains one network on a small real dataset (the bundled UCI digits,
 * or an MNIST-format set given with --data) with and without dropout, prints a per-epoch table,
 * and writes a self-contained HTML report with the learning curves side by side, so the
 * generalization gap that dropout closes is visible at a glance.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { backendInfo } from '../backend/index.js';
import { trainTestSplit } from '../data/split.js';
import { loadDigits } from '../data/digits.js';
import { loadMnist } from '../data/mnist.js';
import { renderReport, type Run } from '../report/render.js';
import { parseArgs, USAGE, type DropoutVariant, type MainArgs } from './args.js';
import { exportTrained } from './export-onnx.js';
import { dropoutLabel, type EpochRow, runExperiment } from './experiment.js';
import { sequenceLabel, type SequenceVariant } from './sequence.js';
import { analyseUncertainty, uncertaintyLabel, type UncertaintyVariant } from './uncertainty.js';
import type { Module } from '../nn/module.js';

async function loadData(args: MainArgs) {
  if (args.data === null) {
    const d = await loadDigits();
    return {
      name: 'UCI handwritten digits (1,797 8x8 images, bundled)',
      x: d.images,
      y: d.labels,
      classes: d.numClasses,
    };
  }
  const m = await loadMnist(args.data, { flatten: true });
  return { name: `IDX dataset in ${args.data}`, x: m.images, y: m.labels, classes: m.numClasses };
}

const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

function printRow(r: EpochRow): void {
  console.log(
    `${r.variant.padEnd(9)} ${String(r.epoch).padStart(5)}  ${fmt(r.trainLoss).padStart(10)}  ${fmt(r.trainAcc).padStart(9)}  ` +
      `${fmt(r.valLoss).padStart(8)}  ${fmt(r.valAcc).padStart(7)}  ${r.samplesPerSecond.toFixed(0).padStart(9)}`,
  );
}

export async function main(argv: readonly string[]): Promise<string> {
  const args = parseArgs(argv);
  if (args.help) {
    console.log(USAGE);
    return '';
  }
  const started = performance.now();
  const data = await loadData(args);
  const inputs = data.x.size / data.x.shape[0]!;
  const { train, test } = trainTestSplit(
    { x: data.x, y: data.y },
    { testSize: 1 - args.trainFraction, seed: args.seed },
  );
  const info = backendInfo();
  console.log(`dropnet ${info.version} (${info.backend}, ${info.isa}, ${info.threads} threads)`);
  console.log(`${data.name}: ${train.length} training / ${test.length} validation samples`);
  const network = {
    dropout: `${inputs} → ${args.hidden} → ${args.hidden} → ${data.classes}`,
    sequence: `LSTM over ${inputs / 8} steps of 8 values, hidden ${args.hidden}, last state → ${data.classes}`,
    uncertainty: `${inputs} → 300 → 100 → ${data.classes} (dense, sparse variational), ${inputs} → 256 → 256 → ${data.classes} (Concrete, Dropout)`,
  }[args.task];
  console.log(
    `network: ${network}, Adam ${args.task === 'sequence' ? '1e-2' : '1e-3'}, batch ${args.batchSize}, ${args.epochs} epochs\n`,
  );
  console.log('variant   epoch  train loss  train acc  val loss  val acc  samples/s');
  const runs: Run[] = [];
  const finals: string[] = [];
  const results: { label: string; gap: number; best: number }[] = [];
  const models = new Map<UncertaintyVariant, Module>();
  for (const variant of args.variants) {
    const { rows, history, model } = await runExperiment(variant, train, test, {
      task: args.task,
      inputs,
      classes: data.classes,
      hidden: args.hidden,
      epochs: args.epochs,
      batchSize: args.batchSize,
      seed: args.seed,
      onEpoch: (r) => {
        if (r.epoch === 1 || r.epoch % 10 === 0 || r.epoch === args.epochs) printRow(r);
      },
    });
    models.set(variant as UncertaintyVariant, model);
    const label = {
      sequence: () => sequenceLabel(variant as SequenceVariant),
      uncertainty: () => uncertaintyLabel(variant as UncertaintyVariant),
      dropout: () => dropoutLabel(variant as DropoutVariant),
    }[args.task]();
    runs.push({ name: label, history });
    const last = rows.at(-1)!;
    const best = Math.max(...rows.map((r) => r.valAcc));
    // The generalization gap, one definition everywhere: validation loss minus training loss.
    const gap = last.valLoss - last.trainLoss;
    results.push({ label, gap, best });
    finals.push(
      `${label}: final validation accuracy ${fmt(last.valAcc)}, best ${fmt(best)}, generalization gap (validation − training loss) ${fmt(gap)}`,
    );
    if (args.exportOnnx !== null)
      console.log(`ONNX: ${await exportTrained(model, args.exportOnnx, variant, args.variants.length > 1, inputs)}`);
    console.log('');
  }
  const out = resolve(args.out);
  mkdirSync(dirname(out), { recursive: true });
  const list = (parts: string[]): string =>
    parts.length < 2 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  const lead =
    `At the last epoch the generalization gap (validation − training loss) was ${list(results.map((r) => `${fmt(r.gap, 3)} ${r.label.includes('no dropout') ? 'without dropout' : `with ${r.label}`}`))}; ` +
    `the best validation accuracies were ${list(results.map((r) => `${(r.best * 100).toFixed(1)}%`))}.`;
  const findings =
    args.task === 'uncertainty' ? analyseUncertainty(models, test, args.seed) : { notes: [], figures: [] };
  for (const n of findings.notes) console.log(n);
  const html = renderReport({
    figures: findings.figures,
    title: {
      dropout: `Dropout on ${data.name}`,
      sequence: `Recurrent dropout on ${data.name}, read row by row`,
      uncertainty: `Learned-rate dropout and Monte Carlo uncertainty on ${data.name}`,
    }[args.task],
    runs,
    lead,
    config: {
      data: `${data.name}: ${train.length} training / ${test.length} validation samples (split seed ${args.seed})`,
      network: args.task === 'dropout' ? `${network}, noise after each hidden layer` : network,
      training: `Adam (lr ${args.task === 'sequence' ? '1e-2' : '1e-3'}), batch ${args.batchSize}, ${args.epochs} epochs, seed ${args.seed}`,
      variants: runs.map((r) => r.name).join(', '),
      backend: `dropnet ${info.version}, ${info.backend}, ${info.isa}, ${info.threads} threads`,
    },
    notes: [
      `${train.length} training and ${test.length} validation samples; the same initial weights, batches and seed (${args.seed}) for every variant.`,
      'Training loss and accuracy are measured on the training batches with dropout active, validation in eval mode (no dropout, no rescaling).',
      ...finals,
      ...findings.notes,
    ],
  });
  writeFileSync(out, html);
  for (const f of finals) console.log(f);
  console.log(`\nreport: ${out}  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return out;
}

// Run when executed directly (npm start), not when imported by a test.
if (
  process.argv[1] !== undefined &&
  import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').slice(-2).join('/'))
) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
