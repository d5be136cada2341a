/**
 * The data checks fit() and evaluate() run once, before training: x fits the model (a ShapeError
 * naming the layer otherwise), x and y hold the same number of samples, targets suit the loss
 * (class indices in range, or values shaped as the model's output), and no input or target
 * holds NaN or Infinity. Targets come out in the form the batches will carry: class indices as
 * an Int32Array, everything else as a Tensor.
 *
 * A Dataset other than in-memory tensors is not scanned (that would mean reading all of it); its
 * batches meet the same checks inside the loss.
 */
import { activeBackend } from '../backend/index.js';
import { Subset, TensorDataset, type Dataset, type Targets } from '../data/dataset.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { Shape } from '../shape.js';
import { type NestedArray, Tensor, tensor } from '../tensor.js';
import type { FitTargets } from './fit-options.js';
import { formatIndex } from './losses/common.js';
import type { Loss } from './losses/resolve.js';

/** The model's output shape for samples of `sampleShape` ([-1, ...] with -1 for the batch). */
/**
 * x given as plain (nested) arrays with y after it, as Keras users pass NumPy-like data: converted
 * with tensor(), so `fit([[0, 1], [1, 0]], [1, 0], options)` works. Anything else (an array with
 * only options after it included) is returned as it is, for prepareData's message.
 */
export function arrayInput(args: readonly unknown[], name = 'x'): unknown {
  const x = args[0];
  const options = args[1];
  const yFollows =
    args[2] !== undefined ||
    !(
      typeof options === 'object' &&
      options !== null &&
      !Array.isArray(options) &&
      !ArrayBuffer.isView(options) &&
      !(options instanceof Tensor)
    );
  if (!Array.isArray(x) || !yFollows) return x;
  if (x.length === 0) throw argRangeError(name, 'non-empty array of samples (or a Tensor)', x);
  return tensor(x as NestedArray);
}

export function outputShapeOf(model: Module, sampleShape: Shape): Shape {
  return model.computeOutputShape([-1, ...sampleShape]);
}

/** A RangeError naming the first NaN or Infinity in `t`. */
export function scanFinite(t: Tensor, name: string): void {
  const d = t.data;
  // The sum of squares (in double, on the kernels' threads) is finite exactly when every element
  // is: float32 squares cannot overflow a double. Only a failing tensor is searched element-wise.
  if (Number.isFinite(activeBackend().sumSquares(d, d.length))) return;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) throw argRangeError(`${name}${formatIndex(i, t.shape)}`, 'finite number', d[i]);
  }
}

function isIndexArray(v: unknown): v is ArrayLike<number> {
  return (
    Array.isArray(v) ||
    v instanceof Int32Array ||
    v instanceof Uint8Array ||
    v instanceof Uint16Array ||
    v instanceof Uint32Array ||
    v instanceof Int8Array ||
    v instanceof Int16Array
  );
}

function fits(shape: Shape, pattern: Shape): boolean {
  return shape.length === pattern.length && shape.every((d, i) => pattern[i]! < 0 || d === pattern[i]);
}

function checkIndices(
  values: ArrayLike<number>,
  shape: Shape,
  classes: number,
  ignore: number | null,
  name: string,
): void {
  if (classes <= 0) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === ignore) continue;
    if (!Number.isInteger(v) || v < 0 || v >= classes)
      throw argRangeError(`${name}${formatIndex(i, shape)}`, `class index in [0, ${classes - 1}]`, v);
  }
}

/**
 * Targets in batch form for `loss` and a model whose output is `out` ([-1, ...]); `n` samples.
 * A [N] target for a [*, 1] output of an element-wise loss becomes [N, 1], as Keras does.
 */
export function prepareTargets(
  y: unknown,
  n: number,
  out: Shape,
  loss: Loss | null,
  name: string,
  fn = 'fit',
): Targets {
  if (!(y instanceof Tensor) && !isIndexArray(y)) throw argTypeError(name, 'Tensor, Int32Array or array of numbers', y);
  if (y instanceof Tensor && y.rank === 0)
    throw new ShapeError(`${fn}: ${name} must have a sample dimension but has shape []`);
  const count = y instanceof Tensor ? y.shape[0]! : y.length;
  if (count !== n) throw new ShapeError(`${fn}: x has ${n} samples but ${name} has ${count}`);
  const kind = loss?.target ?? 'any';
  if (kind === 'classIndices' || kind === 'classIndicesOrProbabilities') {
    if (kind === 'classIndicesOrProbabilities' && y instanceof Tensor && fits(y.shape, out)) {
      scanFinite(y, name);
      return y;
    }
    const classes = out.length >= 2 ? out[1]! : 0;
    const ignore = loss !== null && (loss.lossName === 'crossEntropy' || loss.lossName === 'nllLoss') ? -100 : null;
    const indexShape = [n, ...out.slice(2)];
    if (!(y instanceof Tensor) || (y.rank === 1 && out.length <= 2)) {
      if (out.length > 2)
        throw new ShapeError(
          `${fn}: ${loss!.lossName} needs ${name} of shape ${formatShape(indexShape)} (class indices) for output ${formatShape(out)}`,
        );
      const values = y instanceof Tensor ? y.data : y;
      checkIndices(values, [n], classes, ignore, name);
      return Int32Array.from(values);
    }
    if (!fits(y.shape, indexShape)) {
      const probs = kind === 'classIndicesOrProbabilities' ? ` or ${formatShape(out)} (class probabilities)` : '';
      throw new ShapeError(
        `${fn}: ${loss!.lossName} needs ${name} of shape ${formatShape(indexShape)} (class indices)${probs} but received ${formatShape(y.shape)}`,
      );
    }
    checkIndices(y.data, y.shape, classes, ignore, name);
    return y;
  }
  if (kind === 'any') {
    if (y instanceof Tensor) {
      scanFinite(y, name);
      return y;
    }
    return y instanceof Int32Array ? y : new Tensor(Float32Array.from(y), [n]);
  }
  let t = y instanceof Tensor ? y : new Tensor(Float32Array.from(y), [n]);
  if (t.rank === 1 && out.length === 2 && out[1] === 1) t = t.reshape([n, 1]);
  if (!fits(t.shape, out)) {
    throw new ShapeError(
      `${fn}: ${name} has shape ${formatShape(t.shape)} but the model outputs ${formatShape(out)} (${loss!.lossName} compares them element by element)`,
    );
  }
  scanFinite(t, name);
  return t;
}

/** Training (and validation) datasets from fit's or evaluate's data arguments, checked. */
export interface PreparedData {
  train: Dataset;
  validation: Dataset | null;
  /** The model's output shape ([-1, ...]). */
  output: Shape;
}

function samplesOf(data: Dataset, fn: string): Tensor {
  if (data.length === 0) throw new RangeError(`${fn}: the dataset is empty`);
  return data.batch([0]).x;
}

/** An x / y pair as a checked TensorDataset. */
function tensorData(
  model: Module,
  x: unknown,
  y: unknown,
  loss: Loss | null,
  names: [string, string],
  fn: string,
  out?: Shape,
): { data: TensorDataset; out: Shape } {
  if (!(x instanceof Tensor)) throw argTypeError(names[0], 'Tensor', x);
  if (x.rank === 0) throw new ShapeError(`${fn}: ${names[0]} must have a sample dimension but has shape []`);
  if (x.shape[0] === 0) throw new RangeError(`${fn}: ${names[0]} holds no samples`);
  const output = outputShapeOf(model, x.shape.slice(1));
  if (out !== undefined && !fits(output, out)) {
    throw new ShapeError(`${fn}: ${names[0]} gives outputs ${formatShape(output)} but x gives ${formatShape(out)}`);
  }
  scanFinite(x, names[0]);
  const targets = prepareTargets(y, x.shape[0]!, output, loss, names[1], fn);
  return { data: new TensorDataset(x, targets), out: output };
}

/**
 * Checks fit's data: `first` is x (with `y`) or a Dataset; validation comes from
 * validationSplit (the last samples, before any shuffling) or validationData.
 */
export function prepareData(
  model: Module,
  first: unknown,
  y: unknown,
  loss: Loss | null,
  validationSplit: number,
  validationData: readonly [Tensor, FitTargets] | Dataset | undefined,
  fn: 'fit' | 'evaluate' = 'fit',
): PreparedData {
  let train: Dataset;
  let output: Shape;
  if (first instanceof Tensor) {
    ({ data: train, out: output } = tensorData(model, first, y, loss, ['x', 'y'], fn));
  } else if (typeof first === 'object' && first !== null && typeof (first as Dataset).batch === 'function') {
    train = first as Dataset;
    output = outputShapeOf(model, samplesOf(train, fn).shape.slice(1));
  } else {
    throw argTypeError('x', 'Tensor or nested arrays (with y), or Dataset', first);
  }
  let validation: Dataset | null = null;
  if (validationSplit > 0) {
    const n = train.length;
    const split = Math.floor(n * (1 - validationSplit));
    if (split === 0 || split === n) {
      throw new RangeError(
        `${fn}: validationSplit ${validationSplit} of ${n} samples leaves ${split === 0 ? 'no training' : 'no validation'} samples`,
      );
    }
    const all = Int32Array.from({ length: n }, (_, i) => i);
    validation = new Subset(train, all.subarray(split));
    train = new Subset(train, all.subarray(0, split));
  } else if (validationData !== undefined) {
    if (Array.isArray(validationData)) {
      if (validationData.length !== 2) throw argTypeError('validationData', '[x, y] or Dataset', validationData);
      validation = tensorData(
        model,
        validationData[0],
        validationData[1],
        loss,
        ['validationData[0]', 'validationData[1]'],
        fn,
        output,
      ).data;
    } else if (
      typeof validationData === 'object' &&
      validationData !== null &&
      typeof (validationData as Dataset).batch === 'function'
    ) {
      validation = validationData as Dataset;
    } else {
      throw argTypeError('validationData', '[x, y] or Dataset', validationData);
    }
  }
  return { train, validation, output };
}
