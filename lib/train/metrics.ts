/**
 * Metrics: accuracy (sparse, categorical, binary), mse and mae, as functions of one batch and as
 * running means over many (what fit() and evaluate() report). Classes sit on dimension 1 of the
 * output (PyTorch's layout, [N, C] or [N, C, d1, ...]), or dimension 0 when it is unbatched [C].
 *
 * Binary accuracy thresholds the output at 0.5 (probabilities, as Keras) or at 0 for logits:
 * when fit()'s loss takes logits (binaryCrossEntropyWithLogits, or a Keras loss with fromLogits),
 * 'accuracy' and 'binaryAccuracy' use 0, since sigmoid(0) = 0.5. A target counts as positive
 * when it exceeds 0.5.
 */
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import type { Target } from './losses/common.js';
import type { Loss } from './losses/resolve.js';

/** A batch's metric: its mean over the batch. */
export type MetricFunction = (output: Tensor, target: Target) => number;

/** A running mean over batches, weighted by what each batch holds (rows or elements). */
export interface Metric {
  /** The key in logs and history ('accuracy', 'mse', a function's name ...). */
  readonly name: string;
  update(output: Tensor, target: Target): void;
  /** The mean since the last reset (NaN before any update). */
  result(): number;
  reset(): void;
}

/** A sum over items and how many items there were. */
type Counts = [sum: number, count: number];
type CountFn = (output: Tensor, target: Target) => Counts;

function expectOutput(output: unknown): Tensor {
  if (!(output instanceof Tensor)) throw argTypeError('output', 'Tensor', output);
  return output;
}

function targetValues(target: unknown): ArrayLike<number> {
  if (target instanceof Tensor) return target.data;
  if (ArrayBuffer.isView(target) && !(target instanceof DataView)) return target as unknown as ArrayLike<number>;
  if (Array.isArray(target)) return target as number[];
  throw argTypeError('target', 'Tensor, Int32Array or array of numbers', target);
}

/** (outer, classes, inner): classes on dim 1, or dim 0 for rank 1. */
function layout(output: Tensor): [number, number, number] {
  if (output.rank <= 1) return [1, output.shape[0] ?? 1, 1];
  const [n, c] = output.shape as readonly number[];
  return [n!, c!, output.size / (n! * c!) || 0];
}

/** Index of the largest value of each row along the class dimension (the first on ties). */
function argmaxRows(data: Float32Array, outer: number, classes: number, inner: number): Int32Array {
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * classes * inner + j;
      let best = 0;
      let max = data[base]!;
      for (let c = 1; c < classes; c++) {
        const v = data[base + c * inner]!;
        if (v > max) {
          max = v;
          best = c;
        }
      }
      out[o * inner + j] = best;
    }
  }
  return out;
}

function sameShape(output: Tensor, target: Target, name: string): Tensor {
  if (!(target instanceof Tensor)) throw argTypeError('target', 'Tensor', target);
  if (target.rank !== output.rank || target.shape.some((d, i) => d !== output.shape[i])) {
    throw new ShapeError(
      `${name}: target shape ${formatShape(target.shape)} differs from output shape ${formatShape(output.shape)}`,
    );
  }
  return target;
}

const sparseCounts: CountFn = (output, target) => {
  const [outer, classes, inner] = layout(expectOutput(output));
  const y = targetValues(target);
  if (y.length !== outer * inner) {
    throw new ShapeError(
      `sparseCategoricalAccuracy: expected ${outer * inner} class indices for output ${formatShape(output.shape)} but received ${y.length}`,
    );
  }
  const pred = argmaxRows(output.data, outer, classes, inner);
  let right = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) right++;
  return [right, pred.length];
};

const categoricalCounts: CountFn = (output, target) => {
  const t = sameShape(expectOutput(output), target, 'categoricalAccuracy');
  const [outer, classes, inner] = layout(output);
  const pred = argmaxRows(output.data, outer, classes, inner);
  const want = argmaxRows(t.data, outer, classes, inner);
  let right = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === want[i]) right++;
  return [right, pred.length];
};

function binaryCounts(threshold: number): CountFn {
  return (output, target) => {
    const t = sameShape(expectOutput(output), target, 'binaryAccuracy');
    const o = output.data;
    let right = 0;
    for (let i = 0; i < o.length; i++) if (o[i]! > threshold === t.data[i]! > 0.5) right++;
    return [right, o.length];
  };
}

function errorCounts(name: string, f: (d: number) => number): CountFn {
  return (output, target) => {
    const t = sameShape(expectOutput(output), target, name);
    const o = output.data;
    let s = 0;
    for (let i = 0; i < o.length; i++) s += f(o[i]! - t.data[i]!);
    return [s, o.length];
  };
}

const mseCounts = errorCounts('mse', (d) => d * d);
const maeCounts = errorCounts('mae', Math.abs);

function isIndices(output: Tensor, target: Target): boolean {
  return !(target instanceof Tensor) || target.rank !== output.rank;
}

/** Accuracy, its kind chosen from the target: indices (sparse), rows of probabilities (categorical) or one value per output (binary). */
function autoCounts(threshold: number): CountFn {
  const binary = binaryCounts(threshold);
  return (output, target) => {
    expectOutput(output);
    if (isIndices(output, target)) return sparseCounts(output, target);
    // [N, C] with several classes: categorical; [N] or [N, 1]: one binary value per sample.
    return output.rank >= 2 && output.shape[1]! > 1 ? categoricalCounts(output, target) : binary(output, target);
  };
}

function mean([s, n]: Counts): number {
  return s / n;
}

/** Fraction of rows whose largest output is the target class index. */
export function sparseCategoricalAccuracy(output: Tensor, target: Target): number {
  return mean(sparseCounts(output, target));
}

/** Fraction of rows whose largest output is where the target row (one-hot or probabilities) is largest. */
export function categoricalAccuracy(output: Tensor, target: Tensor): number {
  return mean(categoricalCounts(output, target));
}

/** Fraction of elements on the right side of `threshold` (default 0.5; 0 for logits). */
export function binaryAccuracy(output: Tensor, target: Tensor, options: { threshold?: number } = {}): number {
  const threshold = options.threshold ?? 0.5;
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw argTypeError('threshold', 'number', threshold);
  return mean(binaryCounts(threshold)(output, target));
}

/**
 * Accuracy of whichever kind the target implies: class indices → sparse; a tensor of the
 * output's shape → categorical when there are several classes, binary (threshold 0.5, or 0
 * with fromLogits) when there is one value per sample.
 */
export function accuracy(output: Tensor, target: Target, options: { fromLogits?: boolean } = {}): number {
  return mean(autoCounts(options.fromLogits === true ? 0 : 0.5)(output, target));
}

/** Mean squared error. */
export function mse(output: Tensor, target: Tensor): number {
  return mean(mseCounts(output, target));
}

/** Mean absolute error. */
export function mae(output: Tensor, target: Tensor): number {
  return mean(maeCounts(output, target));
}

class RunningMean implements Metric {
  readonly name: string;
  readonly #counts: CountFn;
  #sum = 0;
  #count = 0;

  constructor(name: string, counts: CountFn) {
    this.name = name;
    this.#counts = counts;
  }

  update(output: Tensor, target: Target): void {
    const [s, n] = this.#counts(output, target);
    this.#sum += s;
    this.#count += n;
  }

  result(): number {
    return this.#sum / this.#count;
  }

  reset(): void {
    this.#sum = 0;
    this.#count = 0;
  }
}

/** A user's batch function, averaged over batches weighted by their sample count. */
function fromFunction(name: string, fn: MetricFunction): Metric {
  return new RunningMean(name, (output, target) => {
    const v = fn(output, target);
    if (typeof v !== 'number')
      throw new TypeError(`metric ${name} returned ${typeof v}; expected a number (the batch mean)`);
    const n = output.rank === 0 ? 1 : output.shape[0]!;
    return [v * n, n];
  });
}

const NAMES: Record<string, (loss: Loss | undefined) => CountFn> = {
  accuracy: (loss) => accuracyFor(loss),
  acc: (loss) => accuracyFor(loss),
  sparseCategoricalAccuracy: () => sparseCounts,
  sparse_categorical_accuracy: () => sparseCounts,
  categoricalAccuracy: () => categoricalCounts,
  categorical_accuracy: () => categoricalCounts,
  binaryAccuracy: (loss) => binaryCounts(loss?.output === 'logits' ? 0 : 0.5),
  binary_accuracy: (loss) => binaryCounts(loss?.output === 'logits' ? 0 : 0.5),
  mse: () => mseCounts,
  meanSquaredError: () => mseCounts,
  mean_squared_error: () => mseCounts,
  mae: () => maeCounts,
  meanAbsoluteError: () => maeCounts,
  mean_absolute_error: () => maeCounts,
};

/** The metric names resolveMetric accepts. */
export const METRIC_NAMES = Object.keys(NAMES);

/** Keras's rule: the loss says which accuracy 'accuracy' means. */
function accuracyFor(loss: Loss | undefined): CountFn {
  const threshold = loss?.output === 'logits' ? 0 : 0.5;
  switch (loss?.target) {
    case 'classIndices':
      return sparseCounts;
    case 'probabilities':
      return categoricalCounts;
    case 'binary':
      return binaryCounts(threshold);
    default:
      return autoCounts(threshold);
  }
}

function isMetric(value: unknown): value is Metric {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Metric).update === 'function' &&
    typeof (value as Metric).result === 'function' &&
    typeof (value as Metric).reset === 'function' &&
    typeof (value as Metric).name === 'string'
  );
}

/**
 * A running metric from a name ('accuracy' / 'acc', 'sparseCategoricalAccuracy',
 * 'categoricalAccuracy', 'binaryAccuracy', 'mse', 'mae', and Keras's snake_case and long
 * names), a batch function (output, target) => number, or a Metric object (used as given).
 * `loss` decides what 'accuracy' means and the binary threshold.
 */
export function resolveMetric(metric: string | MetricFunction | Metric, loss?: Loss): Metric {
  if (isMetric(metric)) return metric;
  if (typeof metric === 'function') return fromFunction(metric.name || 'metric', metric);
  const expected = `metric function, Metric or metric name (${METRIC_NAMES.join(', ')})`;
  if (typeof metric !== 'string') throw argTypeError('metric', expected, metric);
  const make = Object.hasOwn(NAMES, metric) ? NAMES[metric] : undefined;
  if (make === undefined) throw argRangeError('metric', expected, metric);
  return new RunningMean(metric, make(loss));
}
