/**
 * Batched inference for Module.predict: an input larger than `batchSize` along its first
 * dimension runs through the model in slices (views, no copies) whose outputs are joined along
 * the first dimension, so memory for activations stays bounded. In eval mode every standard
 * layer treats samples independently, so the result equals one call on the whole input.
 */
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';

export interface PredictOptions {
  /** Samples per forward call (default 32, as Keras; Infinity: one call). */
  batchSize?: number;
}

export const DEFAULT_PREDICT_BATCH = 32;

/** Whether a call's second argument is predict's options (a plain object holding only batchSize). */
export function isPredictOptions(value: unknown): value is PredictOptions {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.keys(value).every((k) => k === 'batchSize');
}

export function predictBatchSize(options: PredictOptions | undefined): number {
  const b = options?.batchSize ?? DEFAULT_PREDICT_BATCH;
  if (typeof b !== 'number') throw argTypeError('batchSize', 'positive integer or Infinity', b);
  if (b !== Infinity && (!Number.isSafeInteger(b) || b <= 0))
    throw argRangeError('batchSize', 'positive integer or Infinity', b);
  return b;
}

/** Runs `run` on slices of `input` of at most `batchSize` samples and joins the outputs. */
export function predictInBatches(run: (x: Tensor) => unknown, input: Tensor, batchSize: number, name: string): Tensor {
  const n = input.shape[0]!;
  const row = n === 0 ? 0 : input.size / n;
  const parts: Tensor[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const out = run(new Tensor(input.data.subarray(start * row, end * row), [end - start, ...input.shape.slice(1)]));
    if (!(out instanceof Tensor) || out.rank === 0 || out.shape[0] !== end - start) {
      const got = out instanceof Tensor ? `shape ${formatShape(out.shape)}` : 'a value that is not a Tensor';
      throw new ShapeError(
        `${name}.predict: a batch of ${end - start} samples gave ${got}, so outputs cannot be joined by sample; pass { batchSize: Infinity } to run the input in one call`,
      );
    }
    parts.push(out);
  }
  const first = parts[0]!;
  const data = new Float32Array(parts.reduce((s, p) => s + p.size, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p.data, at);
    at += p.size;
  }
  return new Tensor(data, [n, ...first.shape.slice(1)]);
}

/**
 * predict's arguments run through `invoke` (the module's root call): a lone tensor (and options)
 * in slices of at most `batchSize` samples; any other argument list as given.
 */
export function predictCall(args: unknown[], invoke: (args: unknown[]) => unknown, name: string): unknown {
  const [input, options] = args;
  const batched =
    input instanceof Tensor &&
    input.rank > 0 &&
    (args.length === 1 || (args.length === 2 && isPredictOptions(options)));
  if (!batched) return invoke(args);
  const batchSize = predictBatchSize(options as PredictOptions | undefined);
  if (input.shape[0]! <= batchSize) return invoke([input]);
  return predictInBatches((x) => invoke([x]), input, batchSize, name);
}
