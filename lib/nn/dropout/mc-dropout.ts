/**
 * Monte Carlo dropout (Gal & Ghahramani 2016): the spread of predictions over many stochastic
 * passes estimates the model's uncertainty. mcDropoutPredict runs `samples` passes with every
 * stochastic layer in training mode (the Bernoulli and Gaussian dropout family, DropConnect,
 * VariationalDropout, LinearSVDO / Conv2dSVDO, Concrete dropout) and every other module in eval
 * mode (batch norm uses its running statistics, a layer wrapped by Concrete dropout runs in
 * eval), without recording gradients, then restores every module's mode, even when a pass throws.
 *
 * The moments are accumulated per element in float64 (Welford's update); the variance is the
 * population variance of the samples (divided by `samples`), so it is exactly 0 when the passes
 * agree (p = 0, or no dropout at all). The passes draw from each layer's stream in order: for
 * each chunk of `batchSize` rows, `samples` passes; results depend on batchSize as on any
 * other change to the order of draws.
 *
 * task 'classification' averages class probabilities (softmax of each pass's last dimension,
 * unless the model outputs probabilities) and adds, per row, the predictive entropy
 * H[mean p] and the mutual information H[mean p] − mean H[p] (the epistemic part), in nats.
 * task 'regression' gives the moments of the outputs only. Without a task, the result has the
 * moments of the outputs and, when the outputs are rows of scores (rank 2 or more, a last
 * dimension of 2 or more), also the classification fields (`probabilities`, `entropy`,
 * `mutualInformation`), the scores taken as logits unless `outputs` says otherwise or the model
 * ends in a Softmax module.
 * `sharedMask` gives every row of x the same noise in a pass (one sampled network per pass,
 * Gal's suggestion for visualising): the rows run one at a time from the same stream offsets,
 * which the counter-based streams make exact. `seed` makes the result a function of (model, x,
 * options): every stream involved is reseeded for the call and put back afterwards, so the call
 * does not advance any stream either.
 */
import { positiveInt } from '../../args.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { shapesEqual } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { defaultGenerator, Generator } from '../../random.js';
import { isTrainModeInferenceAllowed, setTrainModeInferenceAllowed } from '../invoke.js';
import { Module } from '../module.js';
import { Sequential } from '../sequential.js';
import { Softmax } from '../softmax.js';
import { isDropout } from './advice.js';
import { probabilities, rowEntropies, scoreRows, welford } from './mc-stats.js';
import { ConcreteDropout, SpatialConcreteDropout } from './concrete.js';
import { DropConnect } from './drop-connect.js';
import { Conv2dSVDO, LinearSVDO } from './svdo.js';
import { VariationalDropout } from './variational.js';

export interface McDropoutOptions {
  /** The number of stochastic passes, a positive integer. */
  samples: number;
  /** Rows of x (its first dimension) per pass, to bound memory; default: all of x in each pass. */
  batchSize?: number;
  /**
   * 'regression': moments of the outputs; 'classification': of class probabilities, with entropy
   * and mutual information. Omitted: the moments of the outputs, and the classification fields
   * too when the outputs are rows of two or more scores.
   */
  task?: 'regression' | 'classification';
  /**
   * For classification: what the model outputs, 'logits' (softmax is applied) or 'probabilities'.
   * Default 'logits', or 'probabilities' when the model ends in a Softmax module.
   */
  outputs?: 'logits' | 'probabilities';
  /** The same noise for every row of x within a pass (default false). */
  sharedMask?: boolean;
  /** Reseed every stream involved for this call (and restore them after): a reproducible result. */
  seed?: number | bigint;
}

export interface McDropoutResult {
  /** The mean of the passes' outputs (class probabilities for classification), element-wise. */
  mean: Tensor;
  /** Classification fields present: the mean class probabilities (for task 'classification', `mean` itself). */
  probabilities?: Tensor;
  /** Their population variance (sum of squared deviations / samples), element-wise. */
  variance: Tensor;
  /** Classification: per row, the predictive entropy H[mean p] in nats. */
  entropy?: Tensor;
  /** Classification: per row, H[mean p] − mean over passes of H[p] (the epistemic part), in nats. */
  mutualInformation?: Tensor;
}

/** Modules that stay in training mode during Monte Carlo dropout. */
export function isStochastic(m: Module): boolean {
  return (
    isDropout(m) ||
    m instanceof DropConnect ||
    m instanceof LinearSVDO ||
    m instanceof Conv2dSVDO ||
    m instanceof VariationalDropout ||
    m instanceof ConcreteDropout ||
    m instanceof SpatialConcreteDropout
  );
}

/**
 * Saves every module's mode; the returned function restores them. Modules are restored parents
 * before children (reverse post-order, also right for a module shared by two parents), since
 * train() recurses into children.
 */
function saveModes(model: Module): () => void {
  const order = parentsFirst(model);
  const modes = order.map((m) => m.training);
  return () => order.forEach((m, i) => m.train(modes[i]!));
}

/** Every module of `model`, each before its children (reverse post-order). */
function parentsFirst(model: Module): Module[] {
  const order: Module[] = [];
  const seen = new Set<Module>();
  const visit = (m: Module): void => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const c of m.children()) visit(c);
    order.push(m);
  };
  visit(model);
  return order.reverse();
}

/** The streams the stochastic modules draw from (their own Generators and the default one). */
function streamsOf(model: Module): Generator[] {
  const out = new Set<Generator>([defaultGenerator]);
  for (const m of model.modules()) {
    if (!isStochastic(m)) continue;
    for (const v of Object.values(m)) if (v instanceof Generator) out.add(v);
  }
  return [...out];
}

const U64 = (1n << 64n) - 1n;

/** Reseeds every stream from `seed` (stream i gets its own); returns the function that puts them back. */
function reseed(streams: readonly Generator[], seed: number | bigint): () => void {
  const saved = streams.map((g) => [g.seed, g.offset] as const);
  const base = BigInt(seed);
  streams.forEach((g, i) => g.manualSeed((base + BigInt(i) * 0x9e3779b97f4a7c15n) & U64));
  return () =>
    streams.forEach((g, i) => {
      g.manualSeed(saved[i]![0]);
      g.offset = saved[i]![1];
    });
}

interface Moments {
  shape: Shape;
  mean: Float64Array;
  m2: Float64Array;
  /** Classification fields: the running mean of the class probabilities (for task 'classification', `mean` itself). */
  probMean: Float64Array | null;
  /** Classification fields: per row, the running mean over passes of each pass's entropy. */
  meanEntropy: Float64Array | null;
}

interface Pass {
  run: (x: Tensor) => Tensor;
  /** Class probabilities: softmax the last dimension (true), take it as it is (false); null for none. */
  softmax: boolean | null;
  /** The moments are of the raw outputs, the probabilities kept beside them (task omitted). */
  raw: boolean;
}

/** One pass: the model's output (class probabilities for classification). */
function forwardPass(model: Module, x: Tensor): Tensor {
  const y = (model.call as (input: Tensor) => unknown)(x);
  if (!(y instanceof Tensor)) throw argTypeError(`the output of ${model.layerName}`, 'Tensor', y);
  return y;
}

/** One pass with every row of x run alone from the same stream offsets: the same noise for each row. */
function sharedPass(model: Module, streams: readonly Generator[], x: Tensor): Tensor {
  const rows = x.shape[0]!;
  const rowSize = x.size / rows;
  const start = streams.map((g) => g.offset);
  const end = [...start];
  const parts: Tensor[] = [];
  for (let r = 0; r < rows; r++) {
    streams.forEach((g, i) => {
      g.offset = start[i]!;
    });
    parts.push(forwardPass(model, new Tensor(x.data.slice(r * rowSize, (r + 1) * rowSize), [1, ...x.shape.slice(1)])));
    streams.forEach((g, i) => {
      end[i] = Math.max(end[i]!, g.offset);
    });
  }
  streams.forEach((g, i) => {
    g.offset = end[i]!;
  });
  const first = parts[0]!;
  if (first.shape[0] !== 1)
    throw new ShapeError(
      `mcDropoutPredict: sharedMask needs a model that maps rows to rows, but one row gave shape ${formatShape(first.shape)}`,
    );
  const out = new Float32Array(first.size * rows);
  parts.forEach((p, r) => {
    if (!shapesEqual(p.shape, first.shape))
      throw new ShapeError(
        `mcDropoutPredict: row ${r} gave shape ${formatShape(p.shape)}, row 0 ${formatShape(first.shape)}`,
      );
    out.set(p.data, r * first.size);
  });
  return new Tensor(out, [rows, ...first.shape.slice(1)]);
}

/** Welford's mean and sum of squared deviations over `samples` passes of model on x. */
function moments(model: Module, x: Tensor, samples: number, pass: Pass): Moments {
  let acc: Moments | null = null;
  for (let s = 1; s <= samples; s++) {
    const out = pass.run(x);
    if (!pass.raw && pass.softmax !== null && out.rank === 0)
      throw new ShapeError(
        `mcDropoutPredict: classification needs outputs with a class dimension, but ${model.layerName} returned a scalar`,
      );
    const classes = pass.softmax !== null && (!pass.raw || scoreRows(out));
    const p = classes ? probabilities(out, pass.softmax!) : null;
    if (acc === null) {
      const rows = classes ? out.size / out.shape[out.rank - 1]! : 0;
      acc = {
        shape: out.shape,
        mean: new Float64Array(out.size),
        m2: new Float64Array(out.size),
        probMean: classes && pass.raw ? new Float64Array(out.size) : null,
        meanEntropy: classes ? new Float64Array(rows) : null,
      };
    } else if (!shapesEqual(out.shape, acc.shape)) {
      throw new ShapeError(
        `mcDropoutPredict: pass ${s} returned shape ${formatShape(out.shape)}, pass 1 ${formatShape(acc.shape)}`,
      );
    }
    welford(acc.mean, acc.m2, pass.raw || p === null ? out.data : p, s);
    if (acc.probMean !== null) welford(acc.probMean, null, p!, s);
    if (acc.meanEntropy !== null) {
      const h = rowEntropies(p!, out.shape[out.rank - 1]!);
      // A running mean, like the moments: exact when every pass agrees (mutual information 0).
      for (let r = 0; r < h.length; r++) acc.meanEntropy[r]! += (h[r]! - acc.meanEntropy[r]!) / s;
    }
  }
  return acc!;
}

/** Moments over x split into chunks of `batchSize` rows, stitched back along the first dimension. */
function chunkedMoments(model: Module, x: Tensor, samples: number, batchSize: number, pass: Pass): Moments {
  const rows = x.shape[0]!;
  if (rows <= batchSize) return moments(model, x, samples, pass);
  const rowSize = x.size / rows;
  let out: Moments | null = null;
  let outRow = 0;
  for (let start = 0; start < rows; start += batchSize) {
    const end = Math.min(rows, start + batchSize);
    const chunk = new Tensor(x.data.slice(start * rowSize, end * rowSize), [end - start, ...x.shape.slice(1)]);
    const part = moments(model, chunk, samples, pass);
    if (part.shape[0] !== end - start || (out !== null && !shapesEqual(part.shape.slice(1), out.shape.slice(1)))) {
      throw new ShapeError(
        `mcDropoutPredict: batchSize needs a model that maps rows to rows, but rows ${start}..${end - 1} gave shape ${formatShape(part.shape)}`,
      );
    }
    if (out === null) {
      outRow = part.mean.length / (end - start);
      const shape = [rows, ...part.shape.slice(1)];
      const entropyRow = part.meanEntropy === null ? 0 : part.meanEntropy.length / (end - start);
      out = {
        shape,
        mean: new Float64Array(rows * outRow),
        m2: new Float64Array(rows * outRow),
        probMean: part.probMean === null ? null : new Float64Array(rows * outRow),
        meanEntropy: part.meanEntropy === null ? null : new Float64Array(rows * entropyRow),
      };
    }
    out.mean.set(part.mean, start * outRow);
    out.m2.set(part.m2, start * outRow);
    if (out.probMean !== null) out.probMean.set(part.probMean!, start * outRow);
    if (out.meanEntropy !== null) out.meanEntropy.set(part.meanEntropy!, start * (out.meanEntropy.length / rows));
  }
  return out!;
}

const KEYS = ['samples', 'batchSize', 'task', 'outputs', 'sharedMask', 'seed'];

/** Whether the model's last step is a Softmax module (the model itself, or a container's last child, recursively). */
function endsInSoftmax(model: Module): boolean {
  let m: Module | undefined = model;
  while (m !== undefined) {
    if (m instanceof Softmax) return true;
    const children: Module[] = [...m.children()];
    if (children.length === 0 || !(m instanceof Sequential)) return false;
    m = children[children.length - 1];
  }
  return false;
}

/**
 * Monte Carlo dropout: `samples` passes of `model` on `x` with only the stochastic layers in
 * training mode, under noGrad; returns the element-wise mean and variance of the outputs (and,
 * for classification, of the class probabilities, with per-row entropy and mutual information).
 * Every module's mode is restored afterwards.
 */
export function mcDropoutPredict(model: Module, x: Tensor, options: McDropoutOptions): McDropoutResult {
  if (!(model instanceof Module)) throw argTypeError('model', 'Module', model);
  if (!(x instanceof Tensor)) throw argTypeError('x', 'Tensor', x);
  if (typeof options !== 'object' || options === null) throw argTypeError('options', 'object', options);
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key))
      throw new RangeError(`mcDropoutPredict: unknown option "${key}"; the options are ${KEYS.join(', ')}`);
  }
  const samples = positiveInt(options.samples, 'samples');
  const batchSize = options.batchSize === undefined ? null : positiveInt(options.batchSize, 'batchSize');
  if (batchSize !== null && x.rank === 0)
    throw new ShapeError(
      'mcDropoutPredict: batchSize needs an input with a first dimension to split, but x is a scalar',
    );
  const task = options.task;
  if (task !== undefined && task !== 'regression' && task !== 'classification')
    throw argRangeError('task', "'regression' or 'classification'", task);
  const outputs = options.outputs ?? (endsInSoftmax(model) ? 'probabilities' : 'logits');
  if (outputs !== 'logits' && outputs !== 'probabilities')
    throw argRangeError('outputs', "'logits' or 'probabilities'", outputs);
  if (options.outputs !== undefined && task === 'regression')
    throw new RangeError("mcDropoutPredict: outputs is for task 'classification'");
  const sharedMask = options.sharedMask ?? false;
  if (typeof sharedMask !== 'boolean') throw argTypeError('sharedMask', 'boolean', sharedMask);
  if (sharedMask && x.rank === 0)
    throw new ShapeError(
      'mcDropoutPredict: sharedMask needs an input with a first dimension (rows), but x is a scalar',
    );
  const seed = options.seed;
  if (seed !== undefined && typeof seed !== 'number' && typeof seed !== 'bigint')
    throw argTypeError('seed', 'integer or bigint in [0, 2^64)', seed);

  const restore = saveModes(model);
  const allowed = isTrainModeInferenceAllowed(model);
  // Parents before children: a stochastic wrapper (Concrete dropout) is switched on, then its layer off.
  for (const m of parentsFirst(model)) m.train(isStochastic(m));
  // Training-mode dropout under noGrad is the point here: no warning.
  setTrainModeInferenceAllowed(model, true);
  const streams = streamsOf(model);
  const unseed = seed === undefined ? null : reseed(streams, seed);
  try {
    const pass: Pass = {
      run: sharedMask ? (input) => sharedPass(model, streams, input) : (input) => forwardPass(model, input),
      softmax: task === 'regression' ? null : outputs === 'logits',
      raw: task === undefined,
    };
    const { shape, mean, m2, probMean, meanEntropy } = noGrad(() =>
      batchSize === null || sharedMask
        ? moments(model, x, samples, pass)
        : chunkedMoments(model, x, samples, batchSize, pass),
    );
    const variance = new Float32Array(m2.length);
    for (let i = 0; i < m2.length; i++) variance[i] = m2[i]! / samples;
    const result: McDropoutResult = {
      mean: new Tensor(Float32Array.from(mean), shape),
      variance: new Tensor(variance, shape),
    };
    if (meanEntropy !== null) {
      const probs = probMean ?? mean;
      result.probabilities = probMean === null ? result.mean : new Tensor(Float32Array.from(probMean), shape);
      const entropy = rowEntropies(probs, shape[shape.length - 1]!);
      const mi = new Float32Array(entropy.length);
      // Rounding can take H[mean] − mean H a hair below 0; the information is >= 0.
      for (let r = 0; r < entropy.length; r++) mi[r] = Math.max(0, entropy[r]! - meanEntropy[r]!);
      result.entropy = new Tensor(Float32Array.from(entropy), shape.slice(0, -1));
      result.mutualInformation = new Tensor(mi, shape.slice(0, -1));
    }
    return result;
  } finally {
    unseed?.();
    setTrainModeInferenceAllowed(model, allowed);
    restore();
  }
}
