/**
 * crossEntropy and nllLoss with PyTorch's signatures and semantics. The output is [N, C] or
 * K-dimensional [N, C, d1, ...] (classes along dim 1), or unbatched [C].
 *
 * Class-index targets take the fused kernel (Backend.softmaxCrossEntropy): one pass over the
 * logits computes every row's loss and its gradient, and the tape gets one node whose backward
 * scales the saved gradient by the upstream gradient and the reduction factor. 'mean' divides
 * by the summed weights of the targets (rows whose target is ignoreIndex weigh 0), as PyTorch.
 */
import { record, needsGrad } from '../../autograd/record.js';
import { activeBackend } from '../../backend/index.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../../errors.js';
import * as ops from '../../ops/index.js';
import { Tensor } from '../../tensor.js';
import {
  checkReduction,
  classLayout,
  expectLogits,
  isClassIndices,
  moveClassLast,
  numberOption,
  type Reduction,
  sum64,
  type Target,
  toClassIndices,
  toClassWeights,
} from './common.js';

export interface CrossEntropyOptions {
  /** A weight per class ([C]); default all 1. */
  weight?: Tensor | Float32Array | readonly number[] | null;
  /** Rows whose target is this index add nothing and weigh nothing in 'mean' (default -100). */
  ignoreIndex?: number;
  reduction?: Reduction;
  /** Mixes the target with the uniform distribution: (1 - s) * target + s / C (default 0). */
  labelSmoothing?: number;
}

export interface NllLossOptions {
  weight?: Tensor | Float32Array | readonly number[] | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

function checkIgnoreIndex(value: unknown): number {
  if (value === undefined) return -100;
  const expected = 'integer in [-2147483648, 2147483647]';
  if (typeof value !== 'number') throw argTypeError('ignoreIndex', expected, value);
  if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647)
    throw argRangeError('ignoreIndex', expected, value);
  return value;
}

// A gradient buffer for calls that record nothing (evaluation): the kernel always writes one.
let scratch = new Float32Array(0);

function scratchOf(n: number): Float32Array {
  if (scratch.length < n) scratch = new Float32Array(n);
  return scratch.subarray(0, n);
}

/**
 * Cross-entropy between logits and targets: class indices (shape [N] or [N, d1, ...]: a Tensor
 * of integer values, an Int32Array or an array of numbers) or class probabilities (a Tensor of
 * the logits' shape).
 */
export function crossEntropy(logits: Tensor, target: Target, options: CrossEntropyOptions = {}): Tensor {
  expectLogits(logits, 'logits', 1);
  const reduction = checkReduction<Reduction>(options.reduction);
  const smoothing = numberOption(options.labelSmoothing, 'labelSmoothing', 0, 0, 1);
  const ignoreIndex = checkIgnoreIndex(options.ignoreIndex);
  const { outer, classes, inner, targetShape } = classLayout(logits);
  const weight = toClassWeights(options.weight, classes, 'crossEntropy');
  if (!isClassIndices(target, logits))
    return probabilityCrossEntropy(logits, target as Tensor, weight, reduction, smoothing);

  if (target instanceof Tensor && target.rank === logits.rank) {
    // Same rank, other shape: neither class indices nor probabilities; say both.
    throw new ShapeError(
      `crossEntropy: expected target of shape ${formatShape(targetShape)} (class indices) or ${formatShape(logits.shape)} (class probabilities) but received ${formatShape(target.shape)}`,
      {
        expected: logits.shape,
        received: target.shape,
      },
    );
  }
  const indices = toClassIndices(target, targetShape, classes, ignoreIndex, 'crossEntropy');
  const rows = outer * inner;
  const recording = needsGrad(logits);
  const z = moveClassLast(logits.data, outer, classes, inner);
  const loss = new Float32Array(rows);
  const wsum = new Float32Array(rows);
  const dz = recording ? new Float32Array(rows * classes) : scratchOf(rows * classes);
  const backend = activeBackend();
  backend.softmaxCrossEntropy(loss, dz, wsum, z, indices, weight, rows, classes, smoothing, ignoreIndex);
  const out = reduce(loss, wsum, reduction, targetShape);
  if (!recording) return out;
  const total = reduction === 'mean' ? sum64(wsum) : 1;
  return record(out, 'crossEntropy', [logits], (g) => {
    const gz = new Float32Array(dz.length);
    if (reduction === 'none') {
      for (let r = 0; r < rows; r++) {
        const s = g[r]!;
        for (let c = 0, at = r * classes; c < classes; c++, at++) gz[at] = dz[at]! * s;
      }
    } else {
      backend.scale(gz, dz, g[0]! / total, gz.length);
    }
    return [moveClassLast(gz, outer, classes, inner, true)];
  });
}

function reduce(loss: Float32Array, wsum: Float32Array, reduction: Reduction, shape: number[]): Tensor {
  if (reduction === 'none') return new Tensor(loss, shape);
  const s = sum64(loss);
  // All rows ignored: 0 / 0 = NaN, as PyTorch.
  return new Tensor(Float32Array.of(reduction === 'sum' ? s : s / sum64(wsum)), []);
}

/** Probability targets: -sum_c w_c t_c log softmax(z)_c per row; 'mean' divides by the row count. */
function probabilityCrossEntropy(
  logits: Tensor,
  target: Tensor,
  weight: Float32Array | null,
  reduction: Reduction,
  smoothing: number,
): Tensor {
  const classDim = logits.rank === 1 ? 0 : 1;
  const classes = logits.shape[classDim]!;
  let t: Tensor = target;
  if (smoothing > 0) t = ops.add(ops.mul(target, 1 - smoothing), smoothing / classes);
  let terms = ops.mul(ops.logSoftmax(logits, classDim), t);
  if (weight !== null) {
    const wshape = logits.shape.map((d, i) => (i === classDim ? d : 1));
    terms = ops.mul(terms, new Tensor(weight, wshape));
  }
  const perRow = ops.neg(ops.sum(terms, classDim));
  if (reduction === 'none') return perRow;
  return reduction === 'sum' ? ops.sum(perRow) : ops.mean(perRow);
}

/**
 * Negative log-likelihood of log-probabilities (e.g. the output of logSoftmax) at class-index
 * targets: -weight[y] * logProbs[y] per row.
 */
export function nllLoss(logProbs: Tensor, target: Target, options: NllLossOptions = {}): Tensor {
  expectLogits(logProbs, 'logProbs', 1);
  const reduction = checkReduction<Reduction>(options.reduction);
  const ignoreIndex = checkIgnoreIndex(options.ignoreIndex);
  const { outer, classes, inner, targetShape } = classLayout(logProbs);
  const weight = toClassWeights(options.weight, classes, 'nllLoss');
  const indices = toClassIndices(target, targetShape, classes, ignoreIndex, 'nllLoss');
  const rows = outer * inner;
  const x = logProbs.data;
  const loss = new Float32Array(rows);
  const wsum = new Float32Array(rows);
  // at[r]: where row r's target sits in x (-1 when ignored).
  const at = new Int32Array(rows);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const r = o * inner + j;
      const y = indices[r]!;
      if (y === ignoreIndex) {
        at[r] = -1;
        continue;
      }
      const w = weight === null ? 1 : weight[y]!;
      at[r] = (o * classes + y) * inner + j;
      loss[r] = -w * x[at[r]!]!;
      wsum[r] = w;
    }
  }
  const out = reduce(loss, wsum, reduction, targetShape);
  const total = reduction === 'mean' ? sum64(wsum) : 1;
  return record(out, 'nllLoss', [logProbs], (g) => {
    const gx = new Float32Array(x.length);
    for (let r = 0; r < rows; r++) {
      if (at[r]! < 0) continue;
      const s = reduction === 'none' ? g[r]! : g[0]! / total;
      gx[at[r]!] = -wsum[r]! * s;
    }
    return [gx];
  });
}
