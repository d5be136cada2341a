/**
 * Argument checks for the reference backend. They throw the same classes with the same texts as
 * the native binding's checks (native/addon/args.cc), so both backends reject the same calls the
 * same way and tests can hold them to one contract.
 */
import { argRangeError, argTypeError, describe } from '../errors.js';
import { ACTIVATIONS, ISA_NAMES, type Activation } from './constants.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function expectArgs(args: ArrayLike<unknown>, count: number, signature: string): void {
  if (args.length !== count) {
    throw new TypeError(`${signature}: expected ${count} arguments but received ${args.length}`);
  }
}

/** Throws unless `args` has between `min` and `max` arguments (a trailing optional argument). */
export function expectArgsBetween(args: ArrayLike<unknown>, min: number, max: number, signature: string): void {
  if (args.length < min || args.length > max) {
    const range = max === min + 1 ? `${min} or ${max}` : `${min} to ${max}`;
    throw new TypeError(`${signature}: expected ${range} arguments but received ${args.length}`);
  }
}

function isDetached(v: ArrayBufferView): boolean {
  const buf = v.buffer;
  // Only an empty ArrayBuffer can be a detached one (a SharedArrayBuffer never is). Node 20 has
  // no ArrayBuffer.prototype.detached, but constructing a view on a detached buffer throws.
  if (buf.byteLength !== 0 || !(buf instanceof ArrayBuffer)) return false;
  try {
    new Uint8Array(buf);
    return false;
  } catch {
    return true;
  }
}

function typed<T extends Float32Array | Uint32Array | Int32Array>(
  ctor: { new (n: number): T; name: string },
  value: unknown,
  name: string,
): T {
  if (!(value instanceof ctor)) throw argTypeError(name, ctor.name, value);
  if (isDetached(value)) {
    throw new TypeError(`Expected ${ctor.name} for ${name} but received ${ctor.name} with a detached ArrayBuffer`);
  }
  return value;
}

export function f32(value: unknown, name: string): Float32Array {
  return typed(Float32Array, value, name) as Float32Array;
}

/** A Float32Array or null (an optional array such as a bias). */
export function f32OrNull(value: unknown, name: string): Float32Array | null {
  if (value === null) return null;
  if (!(value instanceof Float32Array)) throw argTypeError(name, 'Float32Array or null', value);
  return f32(value, name);
}

export function u32(value: unknown, name: string): Uint32Array {
  return typed(Uint32Array, value, name) as Uint32Array;
}

export function i32(value: unknown, name: string): Int32Array {
  return typed(Int32Array, value, name) as Int32Array;
}

/** A non-negative integer not above `max` (default: the largest safe integer). */
export function size(value: unknown, name: string, max = MAX_SAFE): number {
  const expected = max >= MAX_SAFE ? 'non-negative safe integer' : `integer in [0, ${max}]`;
  if (typeof value !== 'number') throw argTypeError(name, expected, value);
  if (!(value >= 0) || value > max || !Number.isInteger(value)) throw argRangeError(name, expected, value);
  return value;
}

/** An integer in [lo, hi]. */
export function int(value: unknown, name: string, lo: number, hi: number): number {
  const expected = `integer in [${lo}, ${hi}]`;
  if (typeof value !== 'number') throw argTypeError(name, expected, value);
  if (!(value >= lo && value <= hi) || !Number.isInteger(value)) throw argRangeError(name, expected, value);
  return value;
}

/** Any number (NaN and infinities included). */
export function num(value: unknown, name: string): number {
  if (typeof value !== 'number') throw argTypeError(name, 'number', value);
  return value;
}

/** A finite number in [lo, hi]. */
export function finite(value: unknown, name: string, lo: number, hi: number): number {
  const expected = `number in [${lo}, ${hi}]`;
  if (typeof value !== 'number') throw argTypeError(name, expected, value);
  if (!(value >= lo && value <= hi)) throw argRangeError(name, expected, value);
  return value;
}

/** One of the ISA names dropnet knows (as the native selectIsa checks it). */
export function isaName(value: unknown, name: string): string {
  const expected = `one of ${ISA_NAMES.join(', ')}`;
  if (typeof value !== 'string') throw argTypeError(name, 'string', value);
  if (!(ISA_NAMES as readonly string[]).includes(value)) throw argRangeError(name, expected, value);
  return value;
}

/** A finite number >= 0. */
export function nonneg(value: unknown, name: string): number {
  const expected = 'finite non-negative number';
  if (typeof value !== 'number') throw argTypeError(name, expected, value);
  if (!(value >= 0) || !Number.isFinite(value)) throw argRangeError(name, expected, value);
  return value;
}

/** One of the activation names (as the native linearForward checks it). */
export function activation(value: unknown, name: string): Activation {
  if (typeof value !== 'string') throw argTypeError(name, 'string', value);
  if (!(ACTIVATIONS as readonly string[]).includes(value)) {
    throw argRangeError(name, `one of ${ACTIVATIONS.join(', ')}`, value);
  }
  return value as Activation;
}

const U64 = 'integer in [0, 2^53) or bigint in [0, 2^64)';
const TWO32 = 4294967296;
const MAX_U64 = 2n ** 64n - 1n;

/** A 64-bit unsigned integer (a seed) as its (low, high) 32-bit words: a safe integer or a bigint. */
export function u64Words(value: unknown, name: string): [number, number] {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw argRangeError(name, U64, value);
    return [(value % TWO32) >>> 0, Math.floor(value / TWO32) >>> 0];
  }
  if (typeof value === 'bigint') {
    if (value < 0n || value > MAX_U64) throw argRangeError(name, U64, value);
    return [Number(value & 0xffffffffn), Number(value >> 32n)];
  }
  throw argTypeError(name, U64, value);
}

export function bool(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw argTypeError(name, 'boolean', value);
  return value;
}

type Typed = Float32Array | Uint32Array | Int32Array;

function kindOf(v: Typed): string {
  return v.constructor.name;
}

/** RangeError unless `v` has at least `needed` elements. */
export function expectLength(v: Typed, needed: number, name: string): void {
  if (v.length < needed) {
    const kind = kindOf(v);
    throw new RangeError(`Expected ${kind} of at least ${needed} elements for ${name} but received ${describe(v)}`);
  }
}

/** a * b, or a RangeError naming `what` if the product is not a safe integer. */
export function checkedMul(a: number, b: number, what: string): number {
  const p = a * b;
  if (p > MAX_SAFE) throw new RangeError(`Expected ${what} to be at most ${MAX_SAFE} but ${a} * ${b} overflows`);
  return p;
}

// An empty view touches no memory: it overlaps nothing (as in the native checks).
function range(v: Typed): [ArrayBufferLike | null, number, number] {
  return v.byteLength === 0 ? [null, 0, 0] : [v.buffer, v.byteOffset, v.byteOffset + v.byteLength];
}

/** RangeError if `out` and `input` share memory without being exactly the same range. */
export function expectSameOrDisjoint(out: Typed, outName: string, input: Typed, inName: string): void {
  const [bo, o0, o1] = range(out);
  const [bi, i0, i1] = range(input);
  if (bo === null || bo !== bi) return;
  const disjoint = o1 <= i0 || i1 <= o0;
  const same = o0 === i0 && o1 === i1;
  if (!disjoint && !same) {
    throw new RangeError(
      `Expected ${outName} and ${inName} to be the same array or not to overlap but they partially overlap`,
    );
  }
}

/** RangeError if the two arrays share any memory. */
export function expectDisjoint(a: Typed, aName: string, b: Typed, bName: string): void {
  const [ba, a0, a1] = range(a);
  const [bb, b0, b1] = range(b);
  if (ba !== null && ba === bb && !(a1 <= b0 || b1 <= a0)) {
    throw new RangeError(`Expected ${aName} and ${bName} not to overlap but they share memory`);
  }
}
