/**
 * The checks every Keras layer factory shares (layers.ts, sequence-layers.ts): the options object
 * with the common keys, and the regularized-parameter list. Internal: not part of the layers API
 * (value predicates come from lib/args.ts).
 */
import { positiveInt } from '../args.js';
import { argTypeError } from '../errors.js';
import type { Parameter } from '../nn/parameter.js';
import type { BuiltLayer, LayerArgs } from './layers.js';
import type { Regularizer } from './regularizers.js';

const COMMON = ['name', 'inputShape', 'batchInputShape'];

/** The options object of `layers.<fn>(args)`: a plain object of known keys, its shapes checked. */
export function checkArgs(fn: string, args: unknown, known: readonly string[]): Record<string, unknown> {
  if (args === undefined) return {};
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    throw argTypeError(`${fn} options`, 'object', args);
  const all = [...COMMON, ...known];
  for (const key of Object.keys(args)) {
    if (!all.includes(key)) {
      const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
      const hint = camel !== key && all.includes(camel) ? ` (did you mean ${camel}?)` : '';
      throw new RangeError(`layers.${fn}: unknown option "${key}"${hint}; the options are ${all.join(', ')}`);
    }
  }
  const a = args as LayerArgs;
  if (a.name !== undefined && (typeof a.name !== 'string' || a.name === ''))
    throw argTypeError('name', 'non-empty string', a.name);
  const shape = (value: unknown, name: string, batch: boolean): void => {
    if (!Array.isArray(value) || value.length === 0)
      throw argTypeError(name, 'non-empty array of positive integers', value);
    value.forEach((d: unknown, i) => {
      if (batch && i === 0 && d === null) return;
      positiveInt(d, `${name}[${i}]`);
    });
  };
  if (a.inputShape !== undefined) shape(a.inputShape, 'inputShape', false);
  if (a.batchInputShape !== undefined) shape(a.batchInputShape, 'batchInputShape', true);
  if (a.inputShape !== undefined && a.batchInputShape !== undefined)
    throw new RangeError(`layers.${fn}: pass inputShape or batchInputShape, not both`);
  return args as Record<string, unknown>;
}

/** The regularized-parameter entry of `param` ([] when there is no parameter or no regularizer). */
export function regularized(
  param: Parameter | null,
  value: Regularizer | null,
  name: string,
): BuiltLayer['regularized'] {
  return param === null || value === null ? [] : [{ param, regularizer: value, name }];
}
