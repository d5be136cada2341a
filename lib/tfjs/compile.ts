/**
 * compile() for dropnet/tfjs models: tfjs's loss and metric names (and (yTrue, yPred) functions)
 * as dropnet losses and metrics. Metric names are logged as tfjs writes them: 'accuracy' -> 'acc'
 * (binary, sparse or categorical by tfjs's rule), 'crossentropy' -> 'ce', other names as given.
 */
import { add } from '../ops/arithmetic.js';
import type { Shape } from '../shape.js';
import { Tensor as DnTensor } from '../tensor.js';
import { argTypeError } from '../errors.js';
import { resolveLoss, type Loss, type LossName } from '../train/losses/resolve.js';
import type { Target } from '../train/losses/common.js';
import type { Metric } from '../train/metrics.js';
import { tidy } from './engine.js';
import * as o from './ops.js';
import { Tensor } from './tensor.js';
import { EPSILON, metrics as tfMetrics } from './train.js';

export type TfLossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** tfjs's loss names (tfjs-layers' lossesMap) -> dropnet's loss (same formula) or a tfjs-style per-sample function. */
const LOSS_NAMES: Record<string, LossName | TfLossFn> = {
  meanSquaredError: 'mseLoss',
  meanAbsoluteError: 'l1Loss',
  categoricalCrossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  binaryCrossentropy: 'binaryCrossentropy',
  meanAbsolutePercentageError: tfMetrics.meanAbsolutePercentageError,
  meanSquaredLogarithmicError: (t, p) =>
    o.mean(
      o.square(
        o.sub(
          o.log1p(o.clipByValue(p, EPSILON, Number.MAX_VALUE)),
          o.log1p(o.clipByValue(t, EPSILON, Number.MAX_VALUE)),
        ),
      ),
      -1,
    ),
  hinge: (t, p) => o.mean(o.relu(o.sub(1, o.mul(o.sub(o.mul(t, 2), 1), p))), -1),
  squaredHinge: (t, p) => o.mean(o.square(o.relu(o.sub(1, o.mul(o.sub(o.mul(t, 2), 1), p)))), -1),
  categoricalHinge: (t, p) => o.relu(o.add(o.sub(o.max(o.mul(o.sub(1, t), p), -1), o.sum(o.mul(t, p), -1)), 1)),
  logcosh: (t, p) => {
    const d = o.sub(p, t);
    return o.mean(o.sub(o.add(d, o.softplus(o.mul(d, -2))), Math.log(2)), -1);
  },
  kullbackLeiblerDivergence: (t, p) => {
    const tc = o.clipByValue(t, EPSILON, 1);
    return o.sum(o.mul(tc, o.log(o.div(tc, o.clipByValue(p, EPSILON, 1)))), -1);
  },
  poisson: (t, p) => o.mean(o.sub(p, o.mul(t, o.log(o.add(p, EPSILON)))), -1),
  cosineProximity: tfMetrics.cosineProximity,
};

/** tfjs's metric names (tfjs-layers' metricsMap, besides accuracy / crossentropy) -> per-sample functions. */
const METRIC_NAMES: Record<string, TfLossFn> = {
  binaryAccuracy: tfMetrics.binaryAccuracy,
  categoricalAccuracy: tfMetrics.categoricalAccuracy,
  precision: tfMetrics.precision,
  categoricalCrossentropy: tfMetrics.categoricalCrossentropy,
  sparseCategoricalCrossentropy: tfMetrics.sparseCategoricalCrossentropy,
  mse: tfMetrics.meanSquaredError,
  MSE: tfMetrics.meanSquaredError,
  mae: tfMetrics.meanAbsoluteError,
  MAE: tfMetrics.meanAbsoluteError,
  mape: tfMetrics.meanAbsolutePercentageError,
  MAPE: tfMetrics.meanAbsolutePercentageError,
  cosine: tfMetrics.cosineProximity,
};

/** A dropnet target (class indices or a tensor) as tfjs's yTrue. */
function targetTensor(target: Target): DnTensor {
  if (target instanceof DnTensor) return target;
  const values = Float32Array.from(target as ArrayLike<number>);
  return new DnTensor(values, [values.length]);
}

/** Runs a tfjs (yTrue, yPred) function on dropnet tensors; its mean as a dropnet scalar (differentiable). */
export function runTf(fn: TfLossFn, output: DnTensor, target: Target, name: string): DnTensor {
  return tidy(() => {
    const r = fn(new Tensor(targetTensor(target)), new Tensor(output));
    if (!(r instanceof Tensor))
      throw new TypeError(`${name}: a tfjs loss or metric function must return a tf.Tensor but returned ${typeof r}`);
    const v = o.mean(r).value;
    r.dispose();
    return v;
  });
}

export function tfMetric(name: string, fn: TfLossFn): Metric {
  let sum = 0;
  let count = 0;
  return {
    name,
    update(output: DnTensor, target: Target): void {
      const n = output.rank === 0 ? 1 : output.shape[0]!;
      sum += runTf(fn, output, target, name).data[0]! * n;
      count += n;
    },
    result: () => sum / count,
    reset(): void {
      sum = 0;
      count = 0;
    },
  };
}

/** A dropnet Loss from a tfjs (yTrue, yPred) per-sample function: its mean over the batch. */
export function tfLoss(fn: TfLossFn, name: string): Loss {
  const loss = (output: DnTensor, target: Target): DnTensor => runTf(fn, output, target, name);
  return Object.assign(loss, { lossName: name, output: 'values' as const, target: 'any' as const });
}

/** One output's loss: dropnet's Loss, whether it takes class indices, and its tfjs name. */
export interface OutputLoss {
  loss: Loss;
  sparse: boolean;
  name: string;
}

/** A tfjs loss argument (name or function) as dropnet's Loss. */
export function resolveTfLoss(lossArg: unknown, what = 'loss'): OutputLoss {
  if (typeof lossArg === 'string') {
    const entry = Object.hasOwn(LOSS_NAMES, lossArg) ? LOSS_NAMES[lossArg] : undefined;
    if (entry === undefined)
      throw new RangeError(
        `Unknown loss ${lossArg}; dropnet/tfjs supports ${Object.keys(LOSS_NAMES).join(', ')} or a function (yTrue, yPred) => Tensor`,
      );
    return {
      loss: typeof entry === 'string' ? resolveLoss(entry) : tfLoss(entry, lossArg),
      sparse: entry === 'sparseCategoricalCrossentropy',
      name: typeof entry === 'string' ? entry : lossArg,
    };
  }
  if (typeof lossArg === 'function')
    return { loss: tfLoss(lossArg as TfLossFn, lossArg.name || 'loss'), sparse: false, name: '' };
  throw argTypeError(what, 'loss name or function (yTrue, yPred) => Tensor', lossArg);
}

/** tfjs's metrics argument for one output as [logged name, per-sample function] pairs. */
export function resolveTfMetrics(
  metricArgs: readonly unknown[],
  outputLast: number | undefined,
  loss: OutputLoss,
): [string, TfLossFn][] {
  const binary = outputLast === 1 || loss.name === 'binaryCrossentropy';
  return metricArgs.map((m: unknown): [string, TfLossFn] => {
    if (typeof m === 'function') return [m.name || 'metric', m as TfLossFn];
    if (typeof m !== 'string') throw argTypeError('metrics', 'metric names or functions (yTrue, yPred) => Tensor', m);
    if (m === 'accuracy' || m === 'acc') {
      const fn = binary
        ? tfMetrics.binaryAccuracy
        : loss.sparse
          ? tfMetrics.sparseCategoricalAccuracy
          : tfMetrics.categoricalAccuracy;
      return ['acc', fn];
    }
    if (m === 'crossentropy' || m === 'ce') {
      const fn = binary
        ? tfMetrics.binaryCrossentropy
        : loss.sparse
          ? tfMetrics.sparseCategoricalCrossentropy
          : tfMetrics.categoricalCrossentropy;
      return ['ce', fn];
    }
    const fn = Object.hasOwn(METRIC_NAMES, m) ? METRIC_NAMES[m] : undefined;
    if (fn === undefined)
      throw new RangeError(
        `Unknown metric ${m}; dropnet/tfjs supports accuracy, ${Object.keys(METRIC_NAMES).join(', ')} or a function (yTrue, yPred) => Tensor`,
      );
    return [m, fn];
  });
}

// -- several outputs: each output's part of the packed predictions and targets ------------------

export const size = (shape: Shape): number => shape.reduce((p, d) => p * d, 1);

/** Columns [start, start + width) of packed samples [n, total], shaped [n, ...shape] (differentiable). */
export function columns(t: DnTensor, start: number, shape: Shape): DnTensor {
  return tidy(() => {
    const r = o.reshape(o.slice(new Tensor(t), [0, start], [-1, size(shape)]), [-1, ...shape]);
    const v = r.value;
    r.dispose();
    return v;
  });
}

/** Samples of several tensors side by side: [n, size0 + size1 + ...]. */
export function packSamples(parts: readonly DnTensor[]): DnTensor {
  const n = parts[0]!.shape[0]!;
  const flat = parts.map((p) => size(p.shape.slice(1)));
  const out = new Float32Array(n * flat.reduce((a, b) => a + b, 0));
  const total = out.length / Math.max(1, n);
  let at = 0;
  parts.forEach((p, k) => {
    for (let i = 0; i < n; i++) out.set(p.data.subarray(i * flat[k]!, (i + 1) * flat[k]!), i * total + at);
    at += flat[k]!;
  });
  return new DnTensor(out, [n, total]);
}

/** Output i's prediction and target out of the packed ones (the whole of them for one output). */
export function sliceOutput(
  shapes: readonly Shape[],
  losses: readonly OutputLoss[],
  output: DnTensor,
  target: Target,
  i: number,
): [DnTensor, Target] {
  if (shapes.length === 1) return [output, target];
  let at = 0;
  let tat = 0;
  for (let j = 0; j < i; j++) {
    at += size(shapes[j]!);
    tat += losses[j]!.sparse ? 1 : size(shapes[j]!);
  }
  const shape = shapes[i]!;
  const t = target as DnTensor;
  const ti = losses[i]!.sparse ? columns(t, tat, []) : columns(t, tat, shape);
  return [columns(output, at, shape), losses[i]!.sparse ? Int32Array.from(ti.data) : ti];
}

export function sumOfLosses(shapes: readonly Shape[], losses: readonly OutputLoss[]): Loss {
  const fn = (output: DnTensor, target: Target): DnTensor => {
    let total: DnTensor | null = null;
    losses.forEach((l, i) => {
      const v = l.loss(...sliceOutput(shapes, losses, output, target, i));
      total = total === null ? v : add(total, v);
    });
    return total!;
  };
  return Object.assign(fn, { lossName: 'loss', output: 'values' as const, target: 'any' as const });
}

export function lossMetric(shapes: readonly Shape[], losses: readonly OutputLoss[], i: number, name: string): Metric {
  let sum = 0;
  let count = 0;
  return {
    name,
    update: (output: DnTensor, target: Target): void => {
      const n = output.shape[0]!;
      sum += losses[i]!.loss(...sliceOutput(shapes, losses, output, target, i)).data[0]! * n;
      count += n;
    },
    result: () => sum / count,
    reset: (): void => {
      sum = 0;
      count = 0;
    },
  };
}

export function outputMetric(shapes: readonly Shape[], losses: readonly OutputLoss[], i: number, m: Metric): Metric {
  if (shapes.length === 1) return m;
  return {
    name: m.name,
    update: (output: DnTensor, target: Target) => m.update(...sliceOutput(shapes, losses, output, target, i)),
    result: () => m.result(),
    reset: () => m.reset(),
  };
}
