/**
 * Embedding lookup (PyTorch's F.embedding) and embedding dropout (whole vocabulary rows).
 *
 *   indices is (*), integer values in [0, V); weight is (V, D); out is (*, D): out[p] = weight[indices[p]]
 *
 * Indices are a float32 Tensor of exact integers (float32 holds every integer up to 2^24, far
 * above any vocabulary; the layer refuses V > 2^24), validated before anything is read: a
 * non-integer or out-of-range index is a RangeError naming its position and value. The
 * gradient is scattered into a dense (V, D) gradient of the weight (PyTorch's default, not sparse):
 *   - paddingIdx: that row receives no gradient (its value is used as it is);
 *   - scaleGradByFreq: each occurrence's gradient is divided by the number of times its index
 *     occurs in this call's indices;
 *   - maxNorm: before the lookup, every row looked up in this call whose normType-norm exceeds
 *     maxNorm is rescaled *in place* by maxNorm / (norm + 1e-7), outside the graph, as
 *     torch.embedding_renorm_ does (rows not looked up are untouched).
 * The indices never receive a gradient.
 */
import { record } from '../autograd/record.js';
import { activeBackend } from '../backend/index.js';
import { dropoutScale } from '../backend/philox.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import type { Generator } from '../random.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './check.js';
import { optionsObject, probability, type StreamOptions, streamOf, trainingFlag } from './dropout.js';

/** The largest vocabulary whose every index float32 holds exactly. */
export const MAX_EMBEDDINGS = 2 ** 24;

export interface EmbeddingOptions {
  /** A row that receives no gradient; negative counts from the end (V + paddingIdx). Default none. */
  paddingIdx?: number | null;
  /** Renormalise, in place, each looked-up row whose norm exceeds this (default none). */
  maxNorm?: number | null;
  /** The p of the p-norm for maxNorm (default 2; Infinity allowed). */
  normType?: number;
  /** Divide gradients by the frequency of their index in the call (default false). */
  scaleGradByFreq?: boolean;
}

const EMBEDDING_KEYS = ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq'];

/** Checked embedding options, paddingIdx normalised to [0, V) (or -1 for none). */
export interface ResolvedEmbeddingOptions {
  paddingIdx: number;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
}

/** Rejects keys an options object does not take (a TypeError listing the ones it does). */
export function knownKeys(value: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      throw new TypeError(`${what}: unknown option "${key}"; the options are ${known.join(', ')}`);
  }
}

/** paddingIdx for a table of `rows` rows, in [-rows, rows), returned in [0, rows); null/undefined give -1. */
export function resolvePaddingIdx(value: unknown, rows: number): number {
  if (value === undefined || value === null) return -1;
  const expected = `integer in [${-rows}, ${rows - 1}] or null`;
  if (typeof value !== 'number') throw argTypeError('paddingIdx', expected, value);
  if (!Number.isInteger(value) || value < -rows || value >= rows) throw argRangeError('paddingIdx', expected, value);
  return value < 0 ? value + rows : value;
}

export function resolveEmbeddingOptions(options: unknown, rows: number, what = 'embedding'): ResolvedEmbeddingOptions {
  const o = optionsObject(options as EmbeddingOptions | undefined);
  knownKeys(o, EMBEDDING_KEYS, what);
  const paddingIdx = resolvePaddingIdx(o.paddingIdx, rows);
  let maxNorm: number | null = null;
  if (o.maxNorm !== undefined && o.maxNorm !== null) {
    if (typeof o.maxNorm !== 'number') throw argTypeError('maxNorm', 'positive number or null', o.maxNorm);
    if (!(o.maxNorm > 0) || !Number.isFinite(o.maxNorm))
      throw argRangeError('maxNorm', 'positive number or null', o.maxNorm);
    maxNorm = o.maxNorm;
  }
  const normType = o.normType ?? 2;
  if (typeof normType !== 'number') throw argTypeError('normType', 'positive number (Infinity allowed)', normType);
  if (!(normType > 0)) throw argRangeError('normType', 'positive number (Infinity allowed)', normType);
  const scaleGradByFreq = o.scaleGradByFreq ?? false;
  if (typeof scaleGradByFreq !== 'boolean') throw argTypeError('scaleGradByFreq', 'boolean', scaleGradByFreq);
  return { paddingIdx, maxNorm, normType, scaleGradByFreq };
}

/** Position `flat` of a tensor of `shape` as "[i, j, k]". */
function position(flat: number, shape: readonly number[]): string {
  if (shape.length === 0) return '[]';
  const idx = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = rest % shape[d]!;
    rest = Math.floor(rest / shape[d]!);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * The indices as Int32Array, each checked to be an integer in [0, rows): a RangeError naming
 * the position and the value otherwise. `what` names the input in the message.
 */
export function toIndices(indices: Tensor, rows: number, what = 'indices'): Int32Array {
  const src = indices.data;
  const n = src.length;
  const out = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const v = src[p]!;
    // One compare for the common case; NaN fails it too.
    if (!(v >= 0 && v < rows) || v !== Math.floor(v)) {
      throw argRangeError(`${what} at ${position(p, indices.shape)}`, `integer in [0, ${rows - 1}]`, v);
    }
    out[p] = v;
  }
  return out;
}

function expectWeight(weight: unknown): Tensor {
  expectTensor(weight, 'weight');
  const w = weight as Tensor;
  if (w.rank !== 2)
    throw new ShapeError(
      `embedding: expected weight of shape [numEmbeddings, embeddingDim] but received ${formatShape(w.shape)}`,
    );
  return w;
}

/** The p-norm of row `r` (D elements) of `w`, in double. */
function rowNorm(w: Float32Array, r: number, d: number, p: number): number {
  let s = 0;
  const at = r * d;
  if (p === Infinity) {
    for (let j = 0; j < d; j++) s = Math.max(s, Math.abs(w[at + j]!));
    return s;
  }
  if (p === 2) {
    for (let j = 0; j < d; j++) s += w[at + j]! * w[at + j]!;
    return Math.sqrt(s);
  }
  if (p === 1) {
    for (let j = 0; j < d; j++) s += Math.abs(w[at + j]!);
    return s;
  }
  for (let j = 0; j < d; j++) s += Math.abs(w[at + j]!) ** p;
  return s ** (1 / p);
}

/**
 * torch.embedding_renorm_: each distinct row of `ids` whose norm exceeds maxNorm is scaled in
 * place by fround(maxNorm / (norm + 1e-7)). Outside the graph: the weight's gradient does not
 * see it.
 */
export function renormRows(w: Float32Array, ids: Int32Array, d: number, maxNorm: number, p: number): void {
  const seen = new Uint8Array(w.length / Math.max(d, 1));
  for (const r of ids) {
    if (seen[r] === 1) continue;
    seen[r] = 1;
    const norm = rowNorm(w, r, d, p);
    if (norm > maxNorm) {
      const s = Math.fround(maxNorm / (norm + 1e-7));
      for (let j = r * d; j < (r + 1) * d; j++) w[j] = Math.fround(w[j]! * s);
    }
  }
}

/**
 * The lookup proper: out[p, :] = weight[ids[p], :] * (rowScale ? rowScale[ids[p]] : 1), and its
 * backward into the weight. `rowScale` (per vocabulary row) carries the embedding-dropout mask.
 */
function lookup(
  indices: Tensor,
  ids: Int32Array,
  weight: Tensor,
  o: ResolvedEmbeddingOptions,
  rowScale: Float32Array | null,
  name: string,
): Tensor {
  const [rows, d] = weight.shape as unknown as [number, number];
  const n = ids.length;
  const w = weight.data;
  const out = new Float32Array(n * d);
  for (let p = 0; p < n; p++) {
    const r = ids[p]!;
    const s = rowScale === null ? 1 : rowScale[r]!;
    if (s === 1) out.set(w.subarray(r * d, (r + 1) * d), p * d);
    else if (s !== 0) for (let j = 0; j < d; j++) out[p * d + j] = w[r * d + j]! * s;
  }
  return record(
    new Tensor(out, [...indices.shape, d]),
    name,
    [null, weight],
    (g) => {
      const gw = new Float32Array(rows * d);
      let counts: Int32Array | null = null;
      if (o.scaleGradByFreq) {
        counts = new Int32Array(rows);
        for (let p = 0; p < n; p++) counts[ids[p]!]! += 1;
      }
      for (let p = 0; p < n; p++) {
        const r = ids[p]!;
        if (r === o.paddingIdx) continue;
        const s = (rowScale === null ? 1 : rowScale[r]!) / (counts === null ? 1 : counts[r]!);
        if (s === 0) continue;
        const at = r * d;
        const from = p * d;
        if (s === 1) for (let j = 0; j < d; j++) gw[at + j] = gw[at + j]! + g[from + j]!;
        else for (let j = 0; j < d; j++) gw[at + j] = gw[at + j]! + g[from + j]! * s;
      }
      return [null, gw];
    },
    { indices, maxNorm: o.maxNorm, normType: o.normType },
  );
}

/**
 * Rows of `weight` (V, D) picked by `indices` (*): a tensor of shape (*, D). PyTorch's
 * F.embedding(input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq).
 * With maxNorm the looked-up rows of `weight` are renormalised in place first.
 */
export function embedding(indices: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  expectTensor(indices, 'indices');
  const w = expectWeight(weight);
  return embedResolved(indices, w, resolveEmbeddingOptions(options, w.shape[0]!), 'indices');
}

/** embedding() with checked options; `what` names the indices in errors ("the input of Embedding(10, 4)"). */
export function embedResolved(indices: Tensor, weight: Tensor, o: ResolvedEmbeddingOptions, what: string): Tensor {
  const ids = toIndices(indices, weight.shape[0]!, what);
  if (o.maxNorm !== null) renormRows(weight.data, ids, weight.shape[1]!, o.maxNorm, o.normType);
  return lookup(indices, ids, weight, o, null, 'embedding');
}

export interface EmbeddingDropoutOptions extends EmbeddingOptions, StreamOptions {
  /** Probability that a vocabulary row is dropped, in [0, 1] (default 0.1, AWD-LSTM's dropoute). */
  p?: number;
  /** Required: true drops rows and scales the rest by 1/(1-p); false is the plain lookup. */
  training: boolean;
}

/**
 * Embedding dropout (Gal & Ghahramani 2016; AWD-LSTM's embedded_dropout): in training, each
 * row of the vocabulary is dropped with probability p for the whole call, so every occurrence
 * of a dropped token id, in every sample and at every step, is a zero vector, and the kept rows
 * are scaled by 1/(1-p). The mask has one bit per vocabulary row: bit v is draw offset + v of
 * the stream (offset = generator.reserve(V)), so a token's fate does not depend on the batch,
 * the thread count or the ISA. The paddingIdx row is the zero vector it holds, and gets no
 * gradient. maxNorm renormalises the real weight's looked-up rows in place first, as the plain
 * lookup does; a kept row is then exactly the embedding's output times 1/(1-p). In eval (or
 * p = 0) it is embedding() and draws nothing.
 */
export function embeddingDropout(indices: Tensor, weight: Tensor, options: EmbeddingDropoutOptions): Tensor {
  expectTensor(indices, 'indices');
  const w = expectWeight(weight);
  const rows = w.shape[0]!;
  const o = optionsObject(options);
  const { p: rawP, training: rawTraining, generator, seed, ...rest } = o;
  const p = probability(rawP === undefined ? 0.1 : rawP);
  const training = trainingFlag(rawTraining);
  const stream = streamOf({
    ...(generator === undefined ? {} : { generator }),
    ...(seed === undefined ? {} : { seed }),
  });
  const eo = resolveEmbeddingOptions(rest, rows, 'embeddingDropout');
  return embedDropoutResolved(indices, w, eo, 'indices', p, training, stream);
}

/** embeddingDropout() with checked arguments; `what` names the indices in errors. */
export function embedDropoutResolved(
  indices: Tensor,
  weight: Tensor,
  o: ResolvedEmbeddingOptions,
  what: string,
  p: number,
  training: boolean,
  stream: Generator,
): Tensor {
  if (!training || p === 0) return embedResolved(indices, weight, o, what);
  const rows = weight.shape[0]!;
  const ids = toIndices(indices, rows, what);
  if (o.maxNorm !== null) renormRows(weight.data, ids, weight.shape[1]!, o.maxNorm, o.normType);
  // p = 1 drops every row without drawing, as the rest of the family.
  const scale = p === 1 ? new Float32Array(rows) : rowMask(rows, p, stream.seed, stream.reserve(rows));
  return lookup(indices, ids, weight, o, scale, 'embeddingDropout');
}

/**
 * The lookup with explicit per-row factors: out[p] = weight[indices[p]] * rowScale[indices[p]],
 * and the weight's gradient scaled the same way. An embedding-dropout mask made explicit (to
 * replay a mask, or to apply one drawn elsewhere); rowScale has numEmbeddings entries. maxNorm
 * and paddingIdx act as in embedding().
 */
export function embeddingWithRowScale(
  indices: Tensor,
  weight: Tensor,
  rowScale: Float32Array,
  options: EmbeddingOptions = {},
): Tensor {
  expectTensor(indices, 'indices');
  const w = expectWeight(weight);
  const rows = w.shape[0]!;
  if (!(rowScale instanceof Float32Array)) throw argTypeError('rowScale', 'Float32Array', rowScale);
  if (rowScale.length !== rows) throw argRangeError('rowScale', `Float32Array of ${rows} elements`, rowScale);
  const o = resolveEmbeddingOptions(options, rows);
  const ids = toIndices(indices, rows);
  if (o.maxNorm !== null) renormRows(w.data, ids, w.shape[1]!, o.maxNorm, o.normType);
  return lookup(indices, ids, w, o, rowScale, 'embeddingDropout');
}

/** Per-row factors 0 or 1/(1-p) from `rows` mask bits drawn at `offset`. */
export function rowMask(rows: number, p: number, seed: bigint, offset: number): Float32Array {
  const scale = new Float32Array(rows);
  const bits = new Uint32Array(Math.ceil(rows / 32));
  activeBackend().dropoutMask(bits, p, seed, offset, rows);
  const keep = dropoutScale(p);
  for (let r = 0; r < rows; r++) if ((bits[r >>> 5]! >>> (r & 31)) & 1) scale[r] = keep;
  return scale;
}
