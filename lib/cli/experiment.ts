/**
 * One run of the main job: the same network with one kind of dropout (or none), trained with
 * fit() on a fixed split, recording per-epoch losses, accuracies and throughput.
 */
import type { TensorDataset } from '../data/dataset.js';
import type { History as ReportHistory } from '../report/render.js';
import { manualSeed } from '../random.js';
import { Dropout } from '../nn/dropout/dropout.js';
import { Identity } from '../nn/identity.js';
import { Linear } from '../nn/linear.js';
import { AlphaDropout } from '../nn/dropout/alpha.js';
import { GaussianDropout } from '../nn/dropout/gaussian.js';
import { ReLU, SELU } from '../nn/activation.js';
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import '../train/module-training.js';
import { Adam } from '../train/optim/adam.js';
import type { DropoutVariant, Task, Variant } from './args.js';
import { buildSequenceModel, type SequenceVariant } from './sequence.js';
import { type Plan, uncertaintyPlan, type UncertaintyVariant } from './uncertainty.js';

export interface EpochRow {
  variant: Variant;
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  samplesPerSecond: number;
}

export interface ExperimentOptions {
  /** The dropout task's MLP (the default) or the sequence task's LSTM. */
  task?: Task;
  inputs: number;
  classes: number;
  hidden: number;
  epochs: number;
  batchSize: number;
  seed: number;
  onEpoch?: (row: EpochRow) => void;
}

/** How the report names a variant of the dropout task. */
export function dropoutLabel(variant: DropoutVariant): string {
  return {
    none: 'no dropout',
    dropout: 'Dropout(0.5)',
    gaussian: 'GaussianDropout(0.5)',
    alpha: 'SELU + AlphaDropout(0.1)',
  }[variant];
}

/** What sits after each hidden layer: the variant's noise layer (rate 0.5) or nothing. */
function noise(variant: Variant): Module {
  switch (variant) {
    case 'dropout':
      return new Dropout(0.5);
    case 'gaussian':
      return new GaussianDropout(0.5);
    case 'alpha':
      return new AlphaDropout(0.1);
    default:
      return new Identity();
  }
}

/** inputs → hidden → hidden → classes; SELU with alpha dropout (its intended pairing), else ReLU. */
export function buildModel(
  variant: DropoutVariant,
  o: Pick<ExperimentOptions, 'inputs' | 'classes' | 'hidden'>,
): Sequential {
  const act = (): Module => (variant === 'alpha' ? new SELU() : new ReLU());
  return new Sequential(
    new Linear(o.inputs, o.hidden),
    act(),
    noise(variant),
    new Linear(o.hidden, o.hidden),
    act(),
    noise(variant),
    new Linear(o.hidden, o.classes),
  );
}

/** The network of a variant of the task, and what its fit() takes beyond the common options. */
function plan(variant: Variant, o: ExperimentOptions): Plan {
  switch (o.task ?? 'dropout') {
    case 'sequence': {
      const model = buildSequenceModel(variant as SequenceVariant, { ...o, rowLength: 8 });
      // The LSTM learns from few samples at Adam's 1e-2; the MLP at the default 1e-3.
      return { model, fit: { optimizer: new Adam(model.parameters(), { lr: 1e-2 }) } };
    }
    case 'uncertainty':
      return uncertaintyPlan(variant as UncertaintyVariant, o);
    case 'dropout':
      return { model: buildModel(variant as DropoutVariant, o), fit: {} };
  }
}

export async function runExperiment(
  variant: Variant,
  train: TensorDataset,
  val: TensorDataset,
  o: ExperimentOptions,
): Promise<{ rows: EpochRow[]; history: ReportHistory; model: Module }> {
  manualSeed(o.seed); // every variant starts from the same weights and sees the same batches
  const { model, fit } = plan(variant, o);
  const rows: EpochRow[] = [];
  let started = 0;
  let trained = 0;
  await model.fit(train, {
    loss: 'crossEntropy',
    optimizer: 'adam',
    metrics: ['accuracy'],
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    validationData: val,
    verbose: 0,
    ...fit,
    callbacks: [
      ...(fit.callbacks ?? []),
      {
        onEpochBegin: () => {
          started = performance.now();
        },
        // Throughput counts the training steps only, not the validation pass that follows them.
        onBatchEnd: () => {
          trained = performance.now();
        },
        onEpochEnd: (epoch, logs) => {
          const row: EpochRow = {
            variant,
            epoch: epoch + 1,
            trainLoss: logs.loss ?? Number.NaN,
            trainAcc: logs.accuracy ?? Number.NaN,
            valLoss: logs.val_loss ?? Number.NaN,
            valAcc: logs.val_accuracy ?? Number.NaN,
            samplesPerSecond: train.length / ((trained - started) / 1000),
          };
          rows.push(row);
          o.onEpoch?.(row);
        },
      },
    ],
  });
  return {
    rows,
    model,
    history: {
      epoch: rows.map((r) => r.epoch),
      trainLoss: rows.map((r) => r.trainLoss),
      valLoss: rows.map((r) => r.valLoss),
      trainAcc: rows.map((r) => r.trainAcc),
      valAcc: rows.map((r) => r.valAcc),
    },
  };
}
