/**
 * Terms a module adds to the training objective, and their sum over a model.
 *
 * Two kinds:
 *   'kl'       a divergence of the whole dataset's posterior (variational and sparse variational
 *              dropout's KL, Concrete dropout's regulariser): it enters the per-sample loss as
 *              klWeight · KL / N, N the training-set size, so the objective is the negative
 *              evidence lower bound per sample, CE_mean + KL / N (Molchanov's N·CE + KL, / N);
 *   'penalty'  a term already on the per-sample scale (Keras's l1 / l2 weight regularizers),
 *              added as it is.
 * A layer reports its own terms by overriding Module.regularizationTerms(); code outside a layer
 * (the Keras facade's kernelRegularizer) attaches one with addPenalty(). model.regularizationLoss()
 * sums every module's, and fit() and evaluate() add that sum to the loss.
 */
import { argRangeError, argTypeError } from '../errors.js';
import { add, mul } from '../ops/arithmetic.js';
import { Tensor } from '../tensor.js';
import type { Module } from './module.js';

export interface RegularizationTerm {
  kind: 'kl' | 'penalty';
  /** A scalar tensor, on the tape when the parameters it depends on require grad. */
  value: Tensor;
}

export interface RegularizationOptions {
  /**
   * N, the number of training samples, dividing every 'kl' term (the per-sample objective
   * CE_mean + KL / N; fit() passes its training set's size). Omitted: the 'kl' terms are summed
   * undivided, the whole dataset's divergence (for Molchanov's N·CE_mean + KL).
   */
  datasetSize?: number;
  /** The weight of the 'kl' terms (default 1); a warm-up schedule sets it per epoch. */
  klWeight?: number;
}

export interface RegularizationParts {
  /** klWeight · Σ KL / N (N = 1 when datasetSize is omitted), or null without 'kl' terms. */
  kl: Tensor | null;
  /** Σ penalties, or null without any. */
  penalty: Tensor | null;
  /** kl + penalty: a scalar tensor (0 without terms). */
  total: Tensor;
}

const penalties = new WeakMap<Module, (() => Tensor)[]>();

/** Attaches a penalty to `module`: `value()` is computed at every regularizationLoss(). */
export function addPenalty(module: Module, value: () => Tensor): void {
  if (typeof value !== 'function') throw argTypeError('value', 'function returning a scalar Tensor', value);
  const list = penalties.get(module) ?? [];
  list.push(value);
  penalties.set(module, list);
}

/** The penalties attached to `module` with addPenalty(). */
export function attachedPenalties(module: Module): RegularizationTerm[] {
  return (penalties.get(module) ?? []).map((f) => ({ kind: 'penalty' as const, value: f() }));
}

export function checkRegularizationOptions(options: unknown): { datasetSize: number | null; klWeight: number } {
  if (options === undefined) return { datasetSize: null, klWeight: 1 };
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw argTypeError('options', 'object { datasetSize, klWeight }', options);
  for (const key of Object.keys(options)) {
    if (key !== 'datasetSize' && key !== 'klWeight')
      throw new RangeError(`regularizationLoss: unknown option "${key}"; the options are datasetSize, klWeight`);
  }
  const o = options as RegularizationOptions;
  let datasetSize: number | null = null;
  if (o.datasetSize !== undefined) {
    if (typeof o.datasetSize !== 'number') throw argTypeError('datasetSize', 'positive integer', o.datasetSize);
    if (!Number.isSafeInteger(o.datasetSize) || o.datasetSize < 1)
      throw argRangeError('datasetSize', 'positive integer', o.datasetSize);
    datasetSize = o.datasetSize;
  }
  const klWeight = o.klWeight ?? 1;
  if (typeof klWeight !== 'number') throw argTypeError('klWeight', 'finite number >= 0', klWeight);
  if (!(klWeight >= 0 && Number.isFinite(klWeight))) throw argRangeError('klWeight', 'finite number >= 0', klWeight);
  return { datasetSize, klWeight };
}

function checkTerm(term: unknown, where: string): RegularizationTerm {
  const t = term as RegularizationTerm;
  if (
    typeof t !== 'object' ||
    t === null ||
    (t.kind !== 'kl' && t.kind !== 'penalty') ||
    !(t.value instanceof Tensor) ||
    t.value.size !== 1
  ) {
    throw new TypeError(`${where}: a regularization term must be { kind: 'kl' | 'penalty', value: scalar Tensor }`);
  }
  return t;
}

/** Every term of every module of `model` (each module once), summed by kind and scaled. */
export function regularizationParts(model: Module, options?: RegularizationOptions): RegularizationParts {
  const { datasetSize, klWeight } = checkRegularizationOptions(options);
  let kl: Tensor | null = null;
  let penalty: Tensor | null = null;
  for (const m of model.modules()) {
    for (const raw of [...m.regularizationTerms(), ...attachedPenalties(m)]) {
      const term = checkTerm(raw, m.layerName);
      if (term.kind === 'kl') kl = kl === null ? term.value : add(kl, term.value);
      else penalty = penalty === null ? term.value : add(penalty, term.value);
    }
  }
  // Without N the KL terms are summed as they are (the whole dataset's divergence).
  if (kl !== null && klWeight / (datasetSize ?? 1) !== 1) kl = mul(kl, klWeight / (datasetSize ?? 1));
  const total =
    kl === null ? (penalty ?? new Tensor(new Float32Array(1), [])) : penalty === null ? kl : add(kl, penalty);
  return { kl, penalty, total: total.rank === 0 ? total : total.reshape([]) };
}

/** Whether any module of `model` contributes a 'kl' term. */
export function hasKlTerms(model: Module): boolean {
  return model.modules().some((m) => m.regularizationTerms().some((t) => t.kind === 'kl'));
}
