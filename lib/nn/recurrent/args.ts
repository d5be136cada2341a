/**
 * Constructor arguments of the recurrent layers: PyTorch's positional order or one options
 * object (or both: positional values first, an options object last), every value checked, and
 * a TypeError for anything the constructor does not take.
 */
import { argRangeError, argTypeError, describe } from '../../errors.js';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * Merges `args` (the constructor's arguments) into one record: positional values are named by
 * `order`, a trailing plain object adds named ones. A name given both ways, an unknown name or
 * too many positional values is a TypeError naming the layer.
 */
export function gatherArgs(layer: string, args: readonly unknown[], order: readonly string[], known: readonly string[]): Record<string, unknown> {
  const list = [...args];
  let named: Record<string, unknown> = {};
  if (list.length > 0 && isPlainObject(list[list.length - 1])) named = list.pop() as Record<string, unknown>;
  if (list.length > order.length) {
    throw new TypeError(`${layer}: expected at most ${order.length} positional arguments (${order.join(', ')}) and an options object but received ${list.length} positional arguments`);
  }
  const out: Record<string, unknown> = {};
  list.forEach((v, i) => {
    out[order[i]!] = v;
  });
  for (const [key, value] of Object.entries(named)) {
    if (!known.includes(key)) {
      throw new TypeError(`${layer}: unknown option ${JSON.stringify(key)} (received ${describe(value)}); it takes ${known.join(', ')}`);
    }
    if (key in out) throw new TypeError(`${layer}: ${key} was given both as a positional argument and as an option`);
    out[key] = value;
  }
  return out;
}

export function positiveInt(value: unknown, name: string): number {
  if (typeof value !== 'number') throw argTypeError(name, 'positive integer', value);
  if (!Number.isSafeInteger(value) || value < 1) throw argRangeError(name, 'positive integer', value);
  return value;
}

export function nonNegativeInt(value: unknown, name: string): number {
  if (typeof value !== 'number') throw argTypeError(name, 'non-negative integer', value);
  if (!Number.isSafeInteger(value) || value < 0) throw argRangeError(name, 'non-negative integer', value);
  return value;
}

export function boolArg(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw argTypeError(name, 'boolean', value);
  return value;
}

/** A rate in [0, 1]: a bool is a TypeError (PyTorch rejects dropout=True too). */
export function rate(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number') throw argTypeError(name, 'number in [0, 1]', value);
  if (!(value >= 0 && value <= 1)) throw argRangeError(name, 'number in [0, 1]', value);
  return value;
}
