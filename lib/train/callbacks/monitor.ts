/**
 * Which logged value a callback watches and in which direction, as Keras: mode 'auto' means
 * 'max' for accuracies (a name containing "acc") and 'min' for everything else. The name is
 * checked against what fit() will log before training starts, so a typo (or 'val_loss' without
 * validation data) is an error, not an epoch-by-epoch warning. camelCase names (valLoss) are
 * accepted for their snake_case keys.
 */
import { argRangeError, argTypeError } from '../../errors.js';
import { camelKey } from '../history.js';
import type { TrainingParams } from './callback.js';

export type MonitorMode = 'auto' | 'min' | 'max';

export function checkMode(mode: unknown): MonitorMode {
  if (mode === undefined) return 'auto';
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') {
    const expected = `'auto', 'min' or 'max'`;
    throw typeof mode === 'string' ? argRangeError('mode', expected, mode) : argTypeError('mode', expected, mode);
  }
  return mode;
}

export function checkMonitor(monitor: unknown, fallback = 'val_loss'): string {
  if (monitor === undefined) return fallback;
  if (typeof monitor !== 'string' || monitor === '') throw argTypeError('monitor', 'name of a logged value', monitor);
  return monitor;
}

/** 'min' or 'max' for `monitor` under `mode`. */
export function direction(mode: MonitorMode, monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return monitor.toLowerCase().includes('acc') ? 'max' : 'min';
}

/** The log key `monitor` names (itself, or the snake_case key of a camelCase name); an error before training when fit will not log it. */
export function resolveMonitor(owner: string, monitor: string, params: TrainingParams): string {
  if (params.metrics.includes(monitor)) return monitor;
  const key = params.metrics.find((k) => camelKey(k) === monitor);
  if (key !== undefined) return key;
  const hint =
    monitor.startsWith('val') && !params.validation
      ? ' (validation values need validationSplit or validationData)'
      : '';
  throw new RangeError(
    `${owner}: monitor "${monitor}" is not a value fit() logs${hint}; it logs ${params.metrics.join(', ')}`,
  );
}

/** A non-negative number option. */
export function nonNegative(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw argTypeError(name, 'non-negative number', value);
  if (!(value >= 0)) throw argRangeError(name, 'non-negative number', value);
  return value;
}

/** A non-negative integer option. */
export function count(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw argTypeError(name, 'non-negative integer', value);
  if (!Number.isSafeInteger(value) || value < 0) throw argRangeError(name, 'non-negative integer', value);
  return value;
}

export function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw argTypeError(name, 'boolean', value);
  return value;
}
