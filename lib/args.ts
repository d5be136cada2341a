/**
 * Constructor arguments, PyTorch's way or the options way: the one parser every layer, optimizer
 * and scheduler constructor uses for its arguments after the required ones.
 *
 *   new nn.Conv2d(3, 16, 3, 2, 1)                     positional, in PyTorch's order
 *   new nn.Conv2d(3, 16, 3, { stride: 2, padding: 1 }) an options object (keyword arguments)
 *   new nn.Conv2d(3, 16, 3, 2, { padding: 1 })        both: positionals, then an options object
 *
 * A trailing plain object is the options object; everything before it is positional. Whatever a
 * constructor does not take is a TypeError naming the class and the argument: one positional too
 * many, an unknown key (with a did-you-mean for snake_case and typos), a value of the wrong type,
 * or an argument given both ways. Without this, plain JavaScript would drop `new
 * nn.Linear(10, 20, false)`'s `false` on the floor and keep the bias.
 *
 * The convention for a new constructor (lib/nn/linear.ts is the smallest example):
 *   const LINEAR = signature('Linear', ['inFeatures', 'outFeatures'], { bias: is.boolean }, { generator: is.generator });
 *   constructor(inFeatures: In, outFeatures: Out, ...rest: LinearArgs) {
 *     const o: LinearOptions = LINEAR.parse(rest);
 *   }
 * with TypeScript overloads (or a union of tuples) for the two forms. Ranges (a stride of 0, a
 * rate of 1.5) are still checked by the constructor, with the library's RangeError.
 */
import { argRangeError, argTypeError, describe, invalidArg } from './errors.js';

/*
 * Value checks: the library's one set of argument predicates. Every checker takes
 * (value, name, owner?) in that order (extra bounds go between name and owner), returns the
 * value typed, and throws the library's TypeError for a wrong type and RangeError for a value out
 * of range, naming the argument ("hiddenSize", or "hiddenSize of LSTM" when the owner is given).
 * An optional argument with a default goes through orDefault first:
 *   boolean(orDefault(o.bias, true), 'bias', 'Linear')
 */

/** `name` as messages show it: "p" or "p of Dropout". */
function label(name: string, owner: string | undefined): string {
  return owner === undefined ? name : `${name} of ${owner}`;
}

function checkNumber(
  value: unknown,
  name: string,
  owner: string | undefined,
  what: string,
  ok: (v: number) => boolean,
): number {
  if (typeof value !== 'number') throw argTypeError(label(name, owner), what, value);
  if (!ok(value)) throw argRangeError(label(name, owner), what, value);
  return value;
}

/** `fallback` when the argument was left out (undefined), the value itself otherwise (null stays null). */
export function orDefault(value: unknown, fallback: unknown): unknown {
  return value === undefined ? fallback : value;
}

/** A safe integer >= 1. */
export function positiveInt(value: unknown, name: string, owner?: string): number {
  return checkNumber(value, name, owner, 'positive integer', (v) => Number.isSafeInteger(v) && v >= 1);
}

/** A safe integer >= 0. */
export function nonNegativeInt(value: unknown, name: string, owner?: string): number {
  return checkNumber(value, name, owner, 'non-negative integer', (v) => Number.isSafeInteger(v) && v >= 0);
}

/** Any safe integer. */
export function integer(value: unknown, name: string, owner?: string): number {
  return checkNumber(value, name, owner, 'integer', Number.isSafeInteger);
}

/** A safe integer in [lo, hi]. */
export function intInRange(value: unknown, name: string, lo: number, hi: number, owner?: string): number {
  return checkNumber(
    value,
    name,
    owner,
    `integer in [${lo}, ${hi}]`,
    (v) => Number.isSafeInteger(v) && v >= lo && v <= hi,
  );
}

/** A finite number. */
export function finite(value: unknown, name: string, owner?: string): number {
  return checkNumber(value, name, owner, 'finite number', Number.isFinite);
}

/** A finite number > 0. */
export function positiveFinite(value: unknown, name: string, owner?: string): number {
  return checkNumber(value, name, owner, 'finite positive number', (v) => v > 0 && Number.isFinite(v));
}

/** A number > 0 (Infinity allowed). */
export function positiveNumber(value: unknown, name: string, owner?: string): number {
  return checkNumber(value, name, owner, 'positive number', (v) => v > 0);
}

/** A number >= 0 (Infinity allowed). */
export function nonNegative(value: unknown, name: string, owner?: string): number {
  return checkNumber(value, name, owner, 'non-negative number', (v) => v >= 0);
}

/** A finite number >= 0 (a learning rate, a weight decay). */
export function nonNegativeFinite(value: unknown, name: string, owner?: string): number {
  return checkNumber(value, name, owner, 'finite non-negative number', (v) => v >= 0 && Number.isFinite(v));
}

/** A probability in [0, 1] (a dropout rate p: 1 drops everything). */
export function probability(value: unknown, name: string, owner?: string): number {
  return checkNumber(value, name, owner, 'number in [0, 1]', (v) => v >= 0 && v <= 1);
}

/** A number in [0, 1) (a rate that cannot be 1: a momentum, a rate divided by 1 - p). */
export function unitInterval(value: unknown, name: string, owner?: string): number {
  return checkNumber(value, name, owner, 'number in [0, 1)', (v) => v >= 0 && v < 1);
}

/** A boolean. */
export function boolean(value: unknown, name: string, owner?: string): boolean {
  if (typeof value !== 'boolean') throw argTypeError(label(name, owner), 'boolean', value);
  return value;
}

/** One of `allowed` (strings): a non-string is a TypeError, another string a RangeError. */
export function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[], owner?: string): T {
  const what = allowed.map((a) => `'${a}'`).join(' or ');
  if (typeof value !== 'string') throw argTypeError(label(name, owner), what, value);
  if (!(allowed as readonly string[]).includes(value)) throw argRangeError(label(name, owner), what, value);
  return value as T;
}

/** What an argument may be: a type test and its description for the message. */
export interface ArgKind {
  readonly what: string;
  test(value: unknown): boolean;
}

/** A kind of argument: its type test and what the message calls it. */
export const kind = (what: string, test: (v: unknown) => boolean): ArgKind => ({ what, test });
const isNumber = (v: unknown): boolean => typeof v === 'number';

/** The argument kinds the constructors use. */
export const is = {
  any: kind('any value', () => true),
  number: kind('number', isNumber),
  finite: kind('finite number', isNumber),
  integer: kind('integer', isNumber),
  probability: kind('number in [0, 1]', isNumber),
  boolean: kind('boolean', (v) => typeof v === 'boolean'),
  string: kind('string', (v) => typeof v === 'string'),
  /** A size for every spatial dimension or one per dimension: 2 or [2, 1]. */
  sizes: kind('number or array of numbers', (v) => isNumber(v) || Array.isArray(v)),
  /** A number, an array of numbers, or a mode name ('same', 'valid'). */
  padding: kind(
    "number, array of numbers, 'same' or 'valid'",
    (v) => isNumber(v) || Array.isArray(v) || typeof v === 'string',
  ),
  numberOrNull: kind('number or null', (v) => v === null || isNumber(v)),
  sizesOrNull: kind('number, array of numbers or null', (v) => v === null || isNumber(v) || Array.isArray(v)),
  arrayOrNull: kind('array or null', (v) => v === null || Array.isArray(v)),
  numberOrArray: kind('number or array of numbers', (v) => isNumber(v) || Array.isArray(v)),
  pair: kind('[number, number]', (v) => Array.isArray(v) && v.length === 2),
  seed: kind('number or bigint', (v) => isNumber(v) || typeof v === 'bigint'),
  /** An instance such as a Generator (checked further by the constructor). */
  object: kind('object', (v) => typeof v === 'object' && v !== null),
  /** A Generator (its class is checked by the constructor: nn cannot be imported here). */
  generator: kind('Generator', (v) => typeof v === 'object' && v !== null),
} as const;

/** An options object: a plain object literal (not an array, a tensor or a Generator). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Levenshtein distance, small strings only. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/**
 * The closest of `names` to `given` (a snake_case spelling of a camelCase name, a different case,
 * or a typo of at most a third of the letters), or undefined.
 */
export function closest(given: string, names: readonly string[]): string | undefined {
  const camel = given.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  const exact = names.find((n) => n === camel || n.toLowerCase() === given.toLowerCase());
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestD = Math.max(1, Math.floor(given.length / 3)) + 1;
  for (const n of names) {
    const d = distance(camel.toLowerCase(), n.toLowerCase());
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best;
}

/** ` (did you mean "x"?)` or ''. */
export function didYouMean(given: string, names: readonly string[]): string {
  const hint = closest(given, names);
  return hint === undefined ? '' : ` (did you mean "${hint}"?)`;
}

/** A constructor's signature after its required arguments. */
export interface Signature {
  /** The class, as messages name it. */
  readonly owner: string;
  /**
   * Splits the arguments after the required ones into one options object. Keys of undefined
   * values are left out, so `?? default` applies to them.
   */
  parse<O extends object = Record<string, unknown>>(rest: readonly unknown[]): O;
}

/**
 * The signature of `owner`'s constructor: `required` names the leading arguments (for messages
 * only), `positional` the arguments that may follow in this order or by name, `keywordOnly` those
 * that may only be given by name.
 */
export function signature(
  owner: string,
  required: readonly string[],
  positional: Readonly<Record<string, ArgKind>>,
  keywordOnly: Readonly<Record<string, ArgKind>> = {},
): Signature {
  const order = Object.keys(positional);
  const kinds: Record<string, ArgKind> = { ...positional, ...keywordOnly };
  const names = Object.keys(kinds);
  const all = [...required, ...order];
  const options = names.length === 0 ? 'no options' : `the options ${names.join(', ')}`;
  const check = (key: string, value: unknown): void => {
    const k = kinds[key]!;
    if (!k.test(value)) throw new TypeError(invalidArg(`${key} of ${owner}`, k.what, value));
  };
  return {
    owner,
    parse<O extends object>(rest: readonly unknown[]): O {
      const last = rest[rest.length - 1];
      const given = isPlainObject(last) ? last : undefined;
      const values = given === undefined ? rest : rest.slice(0, -1);
      if (values.length > order.length) {
        const takes =
          all.length === 0
            ? 'no arguments'
            : `at most ${all.length} argument${all.length === 1 ? '' : 's'} (${all.join(', ')})`;
        const extra = values[order.length];
        throw new TypeError(
          `${owner} takes ${takes}${names.length > 0 ? ' and an options object' : ''} but received ${required.length + values.length}${given === undefined ? '' : ' and an options object'}; argument ${required.length + order.length + 1} is ${describe(extra)}`,
        );
      }
      const out: Record<string, unknown> = {};
      values.forEach((v, i) => {
        if (v === undefined) return;
        const key = order[i]!;
        check(key, v);
        out[key] = v;
      });
      if (given !== undefined) {
        for (const [key, v] of Object.entries(given)) {
          if (!(key in kinds)) {
            throw new TypeError(`${owner}: unknown option "${key}"${didYouMean(key, names)}; it takes ${options}`);
          }
          if (key in out)
            throw new TypeError(
              `${owner}: ${key} is given twice, as argument ${required.length + order.indexOf(key) + 1} and in the options`,
            );
          if (v === undefined) continue;
          check(key, v);
          out[key] = v;
        }
      }
      return out as O;
    },
  };
}
