/**
 * The regularization terms of a model in fit() and evaluate() (the terms themselves are the
 * modules', see nn/regularization.ts): the loss that is trained and logged is
 *   data loss + klWeight(epoch) · Σ KL / N + Σ penalties
 * with N the training-set size (fit: the number of training samples unless `datasetSize` says
 * otherwise) and klWeight a number or a schedule of the epoch (klWarmup). The history logs the
 * total as `loss` (as Keras includes its regularizers) and the weighted KL part as `kl`, when the
 * model has KL terms, so both curves show (data loss = loss − kl − penalties).
 */
import { argRangeError, argTypeError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { hasKlTerms, regularizationParts, type RegularizationParts } from '../nn/regularization.js';

/** The KL weight of an epoch (from 0). */
export type KlSchedule = (epoch: number) => number;

export interface KlWarmupOptions {
  /** The weight is 0 before this epoch (default 5). */
  start?: number;
  /** ... and reaches `max` at this one, linearly (default 20). */
  end?: number;
  /** The final weight (default 1). */
  max?: number;
}

function epochIndex(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw argTypeError(name, 'non-negative integer', value);
  if (!Number.isSafeInteger(value) || value < 0) throw argRangeError(name, 'non-negative integer', value);
  return value;
}

/**
 * KL warm-up (Molchanov et al.'s rw_linear, Sønderby et al. 2016): 0 before epoch `start`, then
 * linear to `max` at epoch `end`, `max` after.
 */
export function klWarmup(options: KlWarmupOptions = {}): KlSchedule {
  if (typeof options !== 'object' || options === null)
    throw argTypeError('options', 'object { start, end, max }', options);
  const start = epochIndex(options.start, 'start', 5);
  const end = epochIndex(options.end, 'end', 20);
  if (end < start) throw argRangeError('end', `integer >= start (${start})`, end);
  const max = options.max ?? 1;
  if (typeof max !== 'number' || !(max >= 0 && Number.isFinite(max)))
    throw argRangeError('max', 'finite number >= 0', max);
  return (epoch) => (epoch < start ? 0 : epoch >= end ? max : (max * (epoch - start)) / (end - start));
}

/** A klWeight option: a finite number >= 0 or a schedule. */
export function checkKlWeight(value: unknown, allowSchedule: boolean): number | KlSchedule | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function' && allowSchedule) return value as KlSchedule;
  const expected = allowSchedule ? 'finite number >= 0 or a function of the epoch (klWarmup())' : 'finite number >= 0';
  if (typeof value !== 'number') throw argTypeError('klWeight', expected, value);
  if (!(value >= 0 && Number.isFinite(value))) throw argRangeError('klWeight', expected, value);
  return value;
}

export function checkDatasetSize(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw argTypeError('datasetSize', 'positive integer', value);
  if (!Number.isSafeInteger(value) || value < 1) throw argRangeError('datasetSize', 'positive integer', value);
  return value;
}

// The N of each model's last fit(), for evaluate() calls that do not give one.
const lastDatasetSize = new WeakMap<Module, number>();

/** What fit() or evaluate() adds to the loss for a model. */
export class Regularization {
  readonly model: Module;
  /** Whether the model has any term at all (a model without one trains exactly as before). */
  readonly active: boolean;
  /** Whether it has 'kl' terms (the history then logs `kl`). */
  readonly hasKl: boolean;
  readonly datasetSize: number | null;
  readonly #klWeight: number | KlSchedule;

  constructor(model: Module, datasetSize: number | null, klWeight: number | KlSchedule) {
    this.model = model;
    this.hasKl = hasKlTerms(model);
    this.active = this.hasKl || regularizationParts(model, { datasetSize: 1 }).penalty !== null;
    this.datasetSize = datasetSize;
    this.#klWeight = klWeight;
    if (this.hasKl && datasetSize === null) {
      throw new TypeError(
        `evaluate: ${model.layerName} has KL terms, which are divided by the training-set size: pass { datasetSize: N } (or fit() it first)`,
      );
    }
  }

  /** fit()'s: N defaults to the number of training samples, and is remembered for evaluate(). */
  static forFit(
    model: Module,
    trainingSamples: number,
    datasetSize: number | undefined,
    klWeight: number | KlSchedule | undefined,
  ): Regularization {
    const n = datasetSize ?? trainingSamples;
    lastDatasetSize.set(model, n);
    return new Regularization(model, n, klWeight ?? 1);
  }

  /** evaluate()'s: N from the option or the model's last fit(). */
  static forEvaluate(model: Module, datasetSize: number | undefined, klWeight: number | undefined): Regularization {
    return new Regularization(model, datasetSize ?? lastDatasetSize.get(model) ?? null, klWeight ?? 1);
  }

  /** The KL weight at `epoch`. */
  klWeight(epoch: number): number {
    const w = typeof this.#klWeight === 'function' ? this.#klWeight(epoch) : this.#klWeight;
    if (typeof w !== 'number' || !(w >= 0 && Number.isFinite(w)))
      throw argRangeError(`klWeight(${epoch})`, 'finite number >= 0', w);
    return w;
  }

  /** The terms at `epoch` (on the tape unless inside noGrad). */
  parts(epoch: number): RegularizationParts {
    return regularizationParts(this.model, {
      ...(this.datasetSize === null ? {} : { datasetSize: this.datasetSize }),
      klWeight: this.klWeight(epoch),
    });
  }
}
