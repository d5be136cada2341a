/**
 * Monte Carlo dropout (Gal & Ghahramani 2016): the spread of predictions over many stochastic
 * passes estimates the model's uncertainty. mcDropoutPredict runs `samples` passes with the
 * dropout family (every module summary() lists as dropout, and DropConnect) in training mode
 * and every other module in eval mode (batch norm uses its running statistics), without
 * recording gradients, then restores every module's mode, even when a pass throws.
 *
 * The moments are accumulated per element in float64 (Welford's update); the variance is the
 * population variance of the samples (divided by `samples`), so it is exactly 0 when the passes
 * agree (p = 0, or no dropout at all). The passes draw from each layer's stream in order: for
 * each chunk of `batchSize` rows, `samples` passes; results depend on batchSize as on any
 * other change to the order of draws.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { DropConnect } from './drop-connect.js';
import { isDropout } from './dropout-advice.js';
import { isTrainModeInferenceAllowed, setTrainModeInferenceAllowed } from './invoke.js';
import { Module } from './module.js';

export interface McDropoutOptions {
  /** The number of stochastic passes, a positive integer. */
  samples: number;
  /** Rows of x (its first dimension) per pass, to bound memory; default: all of x in each pass. */
  batchSize?: number;
}

export interface McDropoutResult {
  /** The mean of the passes' outputs, element-wise. */
  mean: Tensor;
  /** Their population variance (sum of squared deviations / samples), element-wise. */
  variance: Tensor;
}

/** Modules that stay in training mode during Monte Carlo dropout. */
export function isStochastic(m: Module): boolean {
  return isDropout(m) || m instanceof DropConnect;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number') throw argTypeError(name, 'positive integer', value);
  if (!Number.isSafeInteger(value) || value < 1) throw argRangeError(name, 'positive integer', value);
  return value;
}

/**
 * Saves every module's mode; the returned function restores them. Modules are restored parents
 * before children (reverse post-order, also right for a module shared by two parents), since
 * train() recurses into children.
 */
function saveModes(model: Module): () => void {
  const order: Module[] = [];
  const seen = new Set<Module>();
  const visit = (m: Module): void => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const c of m.children()) visit(c);
    order.push(m);
  };
  visit(model);
  order.reverse();
  const modes = order.map((m) => m.training);
  return () => order.forEach((m, i) => m.train(modes[i]!));
}

interface Moments {
  shape: Shape;
  mean: Float64Array;
  m2: Float64Array;
}

/** Welford's mean and sum of squared deviations over `samples` passes of model on x. */
function moments(model: Module, x: Tensor, samples: number): Moments {
  const run = model.call as (input: Tensor) => unknown;
  let acc: Moments | null = null;
  for (let s = 1; s <= samples; s++) {
    const y = run(x);
    if (!(y instanceof Tensor)) throw argTypeError(`the output of ${model.layerName}`, 'Tensor', y);
    if (acc === null) acc = { shape: y.shape, mean: new Float64Array(y.size), m2: new Float64Array(y.size) };
    else if (!shapesEqual(y.shape, acc.shape)) {
      throw new ShapeError(`mcDropoutPredict: pass ${s} returned shape ${formatShape(y.shape)}, pass 1 ${formatShape(acc.shape)}`);
    }
    const { mean, m2 } = acc;
    const yd = y.data;
    for (let i = 0; i < yd.length; i++) {
      const d = yd[i]! - mean[i]!;
      mean[i]! += d / s;
      m2[i]! += d * (yd[i]! - mean[i]!);
    }
  }
  return acc!;
}

/** Moments over x split into chunks of `batchSize` rows, stitched back along the first dimension. */
function chunkedMoments(model: Module, x: Tensor, samples: number, batchSize: number): Moments {
  const rows = x.shape[0]!;
  if (rows <= batchSize) return moments(model, x, samples);
  const rowSize = x.size / rows;
  let out: Moments | null = null;
  let outRow = 0;
  for (let start = 0; start < rows; start += batchSize) {
    const end = Math.min(rows, start + batchSize);
    const chunk = new Tensor(x.data.slice(start * rowSize, end * rowSize), [end - start, ...x.shape.slice(1)]);
    const part = moments(model, chunk, samples);
    if (part.shape[0] !== end - start || (out !== null && !shapesEqual(part.shape.slice(1), out.shape.slice(1)))) {
      throw new ShapeError(`mcDropoutPredict: batchSize needs a model that maps rows to rows, but rows ${start}..${end - 1} gave shape ${formatShape(part.shape)}`);
    }
    if (out === null) {
      outRow = part.mean.length / (end - start);
      const shape = [rows, ...part.shape.slice(1)];
      out = { shape, mean: new Float64Array(rows * outRow), m2: new Float64Array(rows * outRow) };
    }
    out.mean.set(part.mean, start * outRow);
    out.m2.set(part.m2, start * outRow);
  }
  return out!;
}

/**
 * Monte Carlo dropout: `samples` passes of `model` on `x` with only the dropout family in
 * training mode, under noGrad; returns the element-wise mean and variance of the outputs.
 * Every module's mode is restored afterwards.
 */
export function mcDropoutPredict(model: Module, x: Tensor, options: McDropoutOptions): McDropoutResult {
  if (!(model instanceof Module)) throw argTypeError('model', 'Module', model);
  if (!(x instanceof Tensor)) throw argTypeError('x', 'Tensor', x);
  if (typeof options !== 'object' || options === null) throw argTypeError('options', 'object', options);
  const samples = positiveInteger(options.samples, 'samples');
  const batchSize = options.batchSize === undefined ? null : positiveInteger(options.batchSize, 'batchSize');
  if (batchSize !== null && x.rank === 0) throw new ShapeError('mcDropoutPredict: batchSize needs an input with a first dimension to split, but x is a scalar');

  const restore = saveModes(model);
  const allowed = isTrainModeInferenceAllowed(model);
  model.eval();
  for (const m of model.modules()) if (isStochastic(m)) m.train(true);
  // Training-mode dropout under noGrad is the point here: no warning.
  setTrainModeInferenceAllowed(model, true);
  try {
    const { shape, mean, m2 } = noGrad(() => (batchSize === null ? moments(model, x, samples) : chunkedMoments(model, x, samples, batchSize)));
    const variance = new Float32Array(m2.length);
    for (let i = 0; i < m2.length; i++) variance[i] = m2[i]! / samples;
    return { mean: new Tensor(Float32Array.from(mean), shape), variance: new Tensor(variance, shape) };
  } finally {
    setTrainModeInferenceAllowed(model, allowed);
    restore();
  }
}
