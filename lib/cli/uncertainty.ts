/**
 * `npm start -- --task uncertainty`: dropout that learns its rate, and uncertainty you can use,
 * on the digits. Four networks from the same split: a dense MLP; the same with sparse variational
 * dropout (LinearSVDO: how many weights eval prunes, at what accuracy); Concrete dropout (the rate
 * each layer learns); and Dropout(0.5), whose Monte Carlo prediction gives a predictive entropy
 * per test digit — compared on the digits it gets right and the ones it gets wrong.
 */
import type { TensorDataset } from '../data/dataset.js';
import { Generator } from '../random.js';
import type { Module } from '../nn/module.js';
import { Linear } from '../nn/linear.js';
import { ReLU } from '../nn/activation.js';
import { Dropout } from '../nn/dropout/dropout.js';
import { Sequential } from '../nn/sequential.js';
import { ConcreteDropout } from '../nn/dropout/concrete.js';
import { LinearSVDO, sparsity } from '../nn/dropout/svdo.js';
import { mcDropoutPredict } from '../nn/dropout/mc-dropout.js';
import type { ChartSpec } from '../report/chart.js';
import type { FitOptions } from '../train/fit-options.js';
import { Adam } from '../train/optim/adam.js';
import { klWarmup } from '../train/regularization.js';
import { LearningRateScheduler } from '../train/callbacks/learning-rate.js';

export const UNCERTAINTY_VARIANTS = ['dense', 'sparse-vd', 'concrete', 'mc-dropout'] as const;
export type UncertaintyVariant = (typeof UNCERTAINTY_VARIANTS)[number];

const LABELS: Record<UncertaintyVariant, string> = {
  dense: 'dense MLP (no dropout)',
  'sparse-vd': 'sparse variational dropout (LinearSVDO)',
  concrete: 'Concrete dropout (learned rates)',
  'mc-dropout': 'Dropout(0.5), Monte Carlo prediction',
};

export function uncertaintyLabel(variant: UncertaintyVariant): string {
  return LABELS[variant];
}

/** A network and what fit() needs beyond the common options (optimizer, KL schedule, rate schedule). */
export interface Plan {
  model: Module;
  fit: Partial<FitOptions>;
}

/** Adam's rate held for the first half of training, then decayed linearly to 0. */
function halfThenDecay(epochs: number, lr: number): LearningRateScheduler {
  const half = epochs / 2;
  return new LearningRateScheduler((epoch) => (epoch < half ? lr : (lr * (epochs - epoch)) / (epochs - half)));
}

/** The network of `variant`, built after manualSeed(seed) so every variant starts alike. */
export function uncertaintyPlan(
  variant: UncertaintyVariant,
  o: { inputs: number; classes: number; epochs: number; seed: number },
): Plan {
  const { inputs, classes, epochs, seed } = o;
  switch (variant) {
    case 'dense': {
      const model = new Sequential(
        new Linear(inputs, 300),
        new ReLU(),
        new Linear(300, 100),
        new ReLU(),
        new Linear(100, classes),
      );
      return {
        model,
        fit: { optimizer: new Adam(model.parameters(), { lr: 1e-3 }), callbacks: [halfThenDecay(epochs, 1e-3)] },
      };
    }
    case 'sparse-vd': {
      const layers = [
        new LinearSVDO(inputs, 300, { seed: 100 + seed }),
        new LinearSVDO(300, 100, { seed: 200 + seed }),
        new LinearSVDO(100, classes, { seed: 300 + seed }),
      ];
      // Small initial weights (N(0, 0.02²), zero biases) let the KL term prune from the start.
      const init = new Generator(1000 + seed);
      for (const l of layers) {
        init.normal(l.weight.data, 0, 0.02);
        l.bias?.data.fill(0);
      }
      const model = new Sequential(layers[0]!, new ReLU(), layers[1]!, new ReLU(), layers[2]!);
      const warmup = klWarmup({
        start: Math.max(1, Math.round(epochs / 40)),
        end: Math.max(2, Math.round(epochs / 10)),
      });
      return {
        model,
        fit: {
          optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
          klWeight: warmup,
          callbacks: [halfThenDecay(epochs, 1e-3)],
        },
      };
    }
    case 'concrete': {
      const wrap = (layer: Linear, s: number): ConcreteDropout =>
        new ConcreteDropout(layer, { lengthScale: 1e-2, dropoutScale: 1, seed: s });
      const model = new Sequential(
        wrap(new Linear(inputs, 256), 10 + seed),
        new ReLU(),
        wrap(new Linear(256, 256), 20 + seed),
        new ReLU(),
        wrap(new Linear(256, classes), 30 + seed),
      );
      return { model, fit: { optimizer: new Adam(model.parameters(), { lr: 1e-3 }) } };
    }
    case 'mc-dropout': {
      const model = new Sequential(
        new Linear(inputs, 256),
        new ReLU(),
        new Dropout(0.5, { seed: 40 + seed }),
        new Linear(256, 256),
        new ReLU(),
        new Dropout(0.5, { seed: 50 + seed }),
        new Linear(256, classes),
      );
      return { model, fit: { optimizer: new Adam(model.parameters(), { lr: 1e-3, weightDecay: 1e-4 }) } };
    }
  }
}

/** Row-wise arg-max of a (rows, classes) tensor against the labels: which rows are wrong. */
function wrongRows(scores: { data: Float32Array; shape: readonly number[] }, labels: Int32Array): boolean[] {
  const classes = scores.shape[1]!;
  return Array.from(labels, (label, r) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores.data[r * classes + c]! > scores.data[r * classes + best]!) best = c;
    return best !== label;
  });
}

const mean = (v: readonly number[]): number => (v.length === 0 ? Number.NaN : v.reduce((s, x) => s + x, 0) / v.length);

/** The fraction of `values` at or above each threshold: a survival curve, comparable across groups of any size. */
function survival(values: readonly number[], thresholds: readonly number[]): number[] {
  return thresholds.map((t) =>
    values.length === 0 ? Number.NaN : values.filter((v) => v >= t).length / values.length,
  );
}

export interface UncertaintyFindings {
  notes: string[];
  figures: { heading: string; charts: ChartSpec[]; caption: string }[];
}

/** What the trained networks show on the test digits: sparsity, learned rates, predictive entropy. */
export function analyseUncertainty(
  models: ReadonlyMap<UncertaintyVariant, Module>,
  test: TensorDataset,
  seed: number,
): UncertaintyFindings {
  const labels = test.y as Int32Array;
  const accuracy = (m: Module): number => {
    m.eval();
    const wrong = wrongRows(m.predict(test.x), labels);
    return 1 - wrong.filter(Boolean).length / wrong.length;
  };
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  const notes: string[] = [];
  const figures: UncertaintyFindings['figures'] = [];
  const dense = models.get('dense');
  const denseAcc = dense === undefined ? undefined : accuracy(dense);
  if (denseAcc !== undefined) notes.push(`Dense MLP: test accuracy ${pct(denseAcc)}.`);
  const svd = models.get('sparse-vd');
  if (svd !== undefined) {
    const report = sparsity(svd);
    const perLayer = report.layers.map((l) => `layer ${l.name} ${pct(l.sparsity)}`).join(', ');
    notes.push(
      `Sparse variational dropout: test accuracy ${pct(accuracy(svd))}${denseAcc === undefined ? '' : ` (dense ${pct(denseAcc)})`} ` +
        `with ${report.kept} of ${report.total} weights kept, ${report.compression.toFixed(1)}x fewer; pruned per layer: ${perLayer}.`,
    );
  }
  const concrete = models.get('concrete');
  if (concrete !== undefined) {
    const ps = [...concrete.modules()]
      .filter((m): m is ConcreteDropout => m instanceof ConcreteDropout)
      .map((m) => m.p.toFixed(3));
    const mc = mcDropoutPredict(concrete, test.x, { samples: 50, task: 'classification', seed });
    const wrong = wrongRows(mc.mean, labels);
    notes.push(
      `Concrete dropout learned p = [${ps.join(', ')}] (input layer first); Monte Carlo accuracy ${pct(1 - wrong.filter(Boolean).length / wrong.length)} over 50 samples.`,
    );
  }
  const mcModel = models.get('mc-dropout');
  if (mcModel !== undefined) {
    const mc = mcDropoutPredict(mcModel, test.x, { samples: 50, task: 'classification', seed });
    const wrong = wrongRows(mc.mean, labels);
    const entropy = Array.from(mc.entropy!.data);
    const onWrong = entropy.filter((_, i) => wrong[i]);
    const onRight = entropy.filter((_, i) => !wrong[i]);
    notes.push(
      `Monte Carlo dropout (50 samples): ${onWrong.length} of ${entropy.length} test digits wrong; mean predictive entropy ${mean(onWrong).toFixed(3)} nats on them ` +
        `against ${mean(onRight).toFixed(3)} on the correct ones (${(mean(onWrong) / mean(onRight)).toFixed(1)}x).`,
    );
    const top = Math.log(labels.length > 0 ? mc.mean.shape[1]! : 10);
    const xs = Array.from({ length: 41 }, (_, i) => (top * i) / 40);
    figures.push({
      heading: 'Predictive entropy: wrong against correct digits',
      charts: [
        {
          title: 'fraction of test digits with entropy ≥ h',
          xLabel: 'predictive entropy h (nats)',
          yLabel: 'fraction',
          yRange: [0, 1],
          series: [
            { label: `wrong (${onWrong.length})`, color: '#c92a2a', xs, ys: survival(onWrong, xs) },
            { label: `correct (${onRight.length})`, color: '#1f5fa8', xs, ys: survival(onRight, xs) },
          ],
        },
      ],
      caption:
        'A curve far to the right means high uncertainty: the network knows less about the digits it gets wrong.',
    });
  }
  return { notes, figures };
}
