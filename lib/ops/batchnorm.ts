/**
 * Batch normalization (PyTorch's F.batch_norm) over the channel dimension 1 of (N, C) or
 * (N, C, *spatial) inputs.
 *   training: normalize with the batch's mean and biased variance; update the running
 *             statistics in place: r = (1 - momentum) r + momentum s, s the unbiased variance
 *             (PyTorch's rule) or, with unbiasedRunningVar false, the biased one (Keras's and
 *             TensorFlow.js's)
 *   eval:     normalize with the running statistics
 *   y = (x - mean) / sqrt(var + eps) * weight + bias
 * Differentiable in x, weight and bias. Statistics are summed in float64, channel by channel.
 */
import { record } from '../autograd/record.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './check.js';

export interface BatchNormOptions {
  /** Use batch statistics and update the running ones (required: the flag is never implicit). */
  training: boolean;
  /** Running mean and variance (C), updated in place when training; null to use batch statistics always. */
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Weight of the new batch statistic in the running average (default 0.1). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /**
   * The running variance takes the batch's unbiased variance, n/(n-1) times the one it normalizes
   * with (default true: PyTorch); false takes the biased one itself (Keras, TensorFlow.js).
   */
  unbiasedRunningVar?: boolean;
}

export function batchNorm(x: Tensor, options: BatchNormOptions): Tensor {
  expectTensor(x, 'x');
  if (typeof options !== 'object' || options === null) throw argTypeError('options', 'object with training', options);
  const { training, runningMean = null, runningVar = null, weight = null, bias = null } = options;
  if (typeof training !== 'boolean') throw argTypeError('training', 'boolean', training);
  const momentum = options.momentum ?? 0.1;
  const eps = options.eps ?? 1e-5;
  const unbiased = options.unbiasedRunningVar ?? true;
  if (typeof unbiased !== 'boolean') throw argTypeError('unbiasedRunningVar', 'boolean', unbiased);
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))
    throw argRangeError('momentum', 'number in [0, 1]', momentum);
  if (typeof eps !== 'number' || !(eps > 0)) throw argRangeError('eps', 'positive number', eps);
  if (x.rank < 2)
    throw new ShapeError(`batchNorm: expected input of shape [N, C, ...] but received ${formatShape(x.shape)}`);
  const n = x.shape[0]!;
  const c = x.shape[1]!;
  const inner = x.size / Math.max(1, n * c);
  for (const [t, name] of [
    [runningMean, 'runningMean'],
    [runningVar, 'runningVar'],
    [weight, 'weight'],
    [bias, 'bias'],
  ] as const) {
    if (t === null) continue;
    expectTensor(t, name);
    if (t.size !== c)
      throw new ShapeError(`batchNorm: expected ${name} of ${c} elements but received ${formatShape(t.shape)}`);
  }
  const useBatch = training || runningMean === null || runningVar === null;
  const count = n * inner;
  if (useBatch && count <= 1 && training) {
    throw new RangeError(
      `batchNorm: expected more than 1 value per channel when training but received input of shape ${formatShape(x.shape)}`,
    );
  }
  const mean = new Float64Array(c);
  const invStd = new Float64Array(c);
  const xd = x.data;
  for (let ch = 0; ch < c; ch++) {
    let m: number;
    let v: number;
    if (useBatch) {
      let s = 0;
      for (let b = 0; b < n; b++) for (let i = 0, at = (b * c + ch) * inner; i < inner; i++) s += xd[at + i]!;
      m = s / count;
      let q = 0;
      for (let b = 0; b < n; b++)
        for (let i = 0, at = (b * c + ch) * inner; i < inner; i++) q += (xd[at + i]! - m) ** 2;
      v = q / count;
      if (training && runningMean !== null && runningVar !== null) {
        runningMean.data[ch] = (1 - momentum) * runningMean.data[ch]! + momentum * m;
        runningVar.data[ch] =
          (1 - momentum) * runningVar.data[ch]! + momentum * (unbiased && count > 1 ? q / (count - 1) : v);
      }
    } else {
      m = runningMean!.data[ch]!;
      v = runningVar!.data[ch]!;
    }
    mean[ch] = m;
    invStd[ch] = 1 / Math.sqrt(v + eps);
  }
  const out = new Float32Array(x.size);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const g = weight === null ? 1 : weight.data[ch]!;
      const be = bias === null ? 0 : bias.data[ch]!;
      const m = mean[ch]!;
      const s = invStd[ch]!;
      for (let i = 0, at = (b * c + ch) * inner; i < inner; i++) out[at + i] = (xd[at + i]! - m) * s * g + be;
    }
  }
  return record(
    new Tensor(out, x.shape),
    'batchNorm',
    [x, weight, bias],
    (dy, needs) => {
      const dx = needs[0] ? new Float32Array(x.size) : null;
      const dw = needs[1] ? new Float32Array(c) : null;
      const db = needs[2] ? new Float32Array(c) : null;
      for (let ch = 0; ch < c; ch++) {
        const m = mean[ch]!;
        const s = invStd[ch]!;
        const g = weight === null ? 1 : weight.data[ch]!;
        let sumDy = 0;
        let sumDyXhat = 0;
        for (let b = 0; b < n; b++) {
          for (let i = 0, at = (b * c + ch) * inner; i < inner; i++) {
            sumDy += dy[at + i]!;
            sumDyXhat += dy[at + i]! * (xd[at + i]! - m) * s;
          }
        }
        if (dw !== null) dw[ch] = sumDyXhat;
        if (db !== null) db[ch] = sumDy;
        if (dx === null) continue;
        for (let b = 0; b < n; b++) {
          for (let i = 0, at = (b * c + ch) * inner; i < inner; i++) {
            // With batch statistics the mean and variance depend on x too; with running ones not.
            dx[at + i] = useBatch
              ? g * s * (dy[at + i]! - sumDy / count - (xd[at + i]! - m) * s * (sumDyXhat / count))
              : g * s * dy[at + i]!;
          }
        }
      }
      return [dx, dw, db];
    },
    { eps, useBatch, runningMean, runningVar },
  );
}
