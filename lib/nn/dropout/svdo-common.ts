/**
 * What the sparse variational dropout layers (svdo.ts) share: their options, and the per-weight
 * views of a layer (log α, the eval mask, the pruned weight, sparsity, the mean path's weight).
 */
import { finite } from '../../args.js';
import { argTypeError } from '../../errors.js';
import { mul } from '../../ops/arithmetic.js';
import { sparseVdLogAlpha } from '../../ops/variational.js';
import { defaultGenerator, Generator } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { checkGenerator } from '../init.js';
import type { Module } from '../module.js';
import type { Parameter } from '../parameter.js';

export interface SparseVdOptions {
  /** Weights with log α at or above it are pruned in eval (default 3). */
  threshold?: number;
  /** Learn an additive bias (default true); it has no noise. */
  bias?: boolean;
  /** The initial log σ² of every weight (default −10). */
  logSigma2Init?: number;
  /** Prune (log α ≥ threshold) in training too: the reference code's train_clip (default false). */
  trainClip?: boolean;
  /** The layer's own noise stream, `new Generator(seed)` made once. */
  seed?: number | bigint;
  /** A noise stream to draw from instead (default: the generator seeded by manualSeed). */
  noiseGenerator?: Generator;
  /** The stream the initial weights are drawn from (default: the manualSeed one). */
  generator?: Generator;
}

/** How many of a layer's weights eval keeps. */
export interface LayerSparsity {
  /** The number of weights. */
  total: number;
  /** Weights with log α < threshold. */
  kept: number;
  /** 1 − kept / total. */
  sparsity: number;
}

export const KEYS = ['threshold', 'bias', 'logSigma2Init', 'trainClip', 'seed', 'noiseGenerator', 'generator'];

export interface Checked {
  threshold: number;
  bias: boolean;
  logSigma2Init: number;
  trainClip: boolean;
  seed: number | bigint | null;
  noiseGenerator: Generator;
  generator: Generator;
}

export function checkSparseVdOptions(options: unknown, keys: readonly string[] = KEYS, layer = 'LinearSVDO'): Checked {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw argTypeError('options', 'object', options);
  for (const key of Object.keys(options)) {
    if (!keys.includes(key))
      throw new RangeError(`${layer}: unknown option "${key}"; the options are ${keys.join(', ')}`);
  }
  const o = options as SparseVdOptions;
  const bias = o.bias ?? true;
  if (typeof bias !== 'boolean') throw argTypeError('bias', 'boolean', bias);
  const trainClip = o.trainClip ?? false;
  if (typeof trainClip !== 'boolean') throw argTypeError('trainClip', 'boolean', trainClip);
  const { noiseGenerator, seed } = o;
  if (noiseGenerator !== undefined) {
    if (!(noiseGenerator instanceof Generator)) throw argTypeError('noiseGenerator', 'Generator', noiseGenerator);
    if (seed !== undefined) throw argTypeError('seed', 'undefined (a noiseGenerator is given)', seed);
  }
  return {
    threshold: finite(o.threshold ?? 3, 'threshold'),
    bias,
    logSigma2Init: finite(o.logSigma2Init ?? -10, 'logSigma2Init'),
    trainClip,
    seed: seed ?? null,
    noiseGenerator: noiseGenerator ?? (seed === undefined ? defaultGenerator : new Generator(seed)),
    generator: checkGenerator(o.generator ?? defaultGenerator),
  };
}

/** What LinearSVDO and Conv2dSVDO share: log α, the eval mask, sparsity, the KL. */
export interface SparseVariational extends Module {
  weight: Parameter;
  log_sigma2: Parameter;
  bias: Parameter | null;
  readonly threshold: number;
  logAlpha(): Tensor;
  keptMask(): Tensor;
  prunedWeight(): Tensor;
  sparsity(): LayerSparsity;
  kl(): Tensor;
}

/** log α of every weight as a tensor (no gradient). */
export function logAlphaOf(layer: SparseVariational): Tensor {
  return new Tensor(sparseVdLogAlpha(layer.weight, layer.log_sigma2), layer.weight.shape);
}

/** 1 where eval keeps the weight (log α < threshold), 0 where it prunes it. */
export function keptMaskOf(layer: SparseVariational): Tensor {
  const la = sparseVdLogAlpha(layer.weight, layer.log_sigma2);
  const mask = new Float32Array(la.length);
  for (let i = 0; i < la.length; i++) mask[i] = la[i]! < layer.threshold ? 1 : 0;
  return new Tensor(mask, layer.weight.shape);
}

export function sparsityOf(layer: SparseVariational): LayerSparsity {
  const mask = keptMaskOf(layer).data;
  let kept = 0;
  for (let i = 0; i < mask.length; i++) kept += mask[i]!;
  return { total: mask.length, kept, sparsity: mask.length === 0 ? 0 : 1 - kept / mask.length };
}

export function prunedOf(layer: SparseVariational): Tensor {
  const mask = keptMaskOf(layer).data;
  const w = layer.weight.data;
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = mask[i] === 1 ? w[i]! : 0;
  return new Tensor(out, layer.weight.shape);
}

/** The weight the mean path uses: θ, or θ ⊙ mask in eval and with trainClip. */
export function meanWeight(layer: SparseVariational, clip: boolean): Tensor {
  return clip ? mul(layer.weight, keptMaskOf(layer)) : layer.weight;
}
