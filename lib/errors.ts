/**
 * The library's errors and its one message format.
 *
 * Every argument error reads "Expected <what> for <name> but received <value>", whether it is
 * thrown here or by the native binding (native/addon/args.cc renders values the same way), so a
 * message tells which argument was wrong, what was wanted and what came.
 */

const TYPED_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

function typedArrayName(v: ArrayBufferView): string | undefined {
  for (const ctor of TYPED_ARRAYS) if (v instanceof ctor) return ctor.name;
  return undefined;
}

/** How a value is shown in messages: `1.5 of type number`, `"abc" of type string`, `Float32Array(3)`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${String(value)} of type ${typeof value}`;
    case 'string': {
      const s = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      return `"${s}" of type string`;
    }
    case 'symbol':
      return 'symbol';
    case 'function':
      return 'function';
    default:
      break;
  }
  if (ArrayBuffer.isView(value)) {
    const name = typedArrayName(value);
    if (name !== undefined) return `${name}(${(value as unknown as { length: number }).length})`;
    return 'DataView';
  }
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (value instanceof ArrayBuffer) return 'ArrayBuffer';
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  if (ctor !== undefined && ctor !== Object && typeof ctor.name === 'string' && ctor.name !== '') return ctor.name;
  return 'object';
}

/** The one argument message: "Expected <expected> for <name> but received <describe(value)>". */
export function invalidArg(name: string, expected: string, value: unknown): string {
  return `Expected ${expected} for ${name} but received ${describe(value)}`;
}

/** A TypeError in the library's format (the value has the wrong type). */
export function argTypeError(name: string, expected: string, value: unknown): TypeError {
  return new TypeError(invalidArg(name, expected, value));
}

/** A RangeError in the library's format (the value has the right type but a bad size or value). */
export function argRangeError(name: string, expected: string, value: unknown): RangeError {
  return new RangeError(invalidArg(name, expected, value));
}

/** Formats a shape as `[64, 785]`; `-1` (any size) prints as `*`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.map((d) => (d < 0 ? '*' : String(d))).join(', ')}]`;
}

/** A tensor's shape does not fit where it is used. Names the layer when a layer is involved. */
export class ShapeError extends Error {
  override name = 'ShapeError';
  /** The layer that rejected the shape, e.g. "Linear(784→256) at layer 3". */
  readonly layer: string | undefined;
  /** The expected shape; -1 marks a dimension of any size. */
  readonly expected: readonly number[] | undefined;
  readonly received: readonly number[] | undefined;

  constructor(
    message: string,
    details: { layer?: string; expected?: readonly number[]; received?: readonly number[] } = {},
  ) {
    super(message);
    this.layer = details.layer;
    this.expected = details.expected;
    this.received = details.received;
  }

  /** "<layer> expected input [*, 784] but received [64, 785]". */
  static forLayer(layer: string, expected: readonly number[], received: readonly number[]): ShapeError {
    return new ShapeError(`${layer} expected input ${formatShape(expected)} but received ${formatShape(received)}`, {
      layer,
      expected,
      received,
    });
  }
}

/** A state dict does not fit a model: every missing, unexpected, wrongly shaped or non-tensor entry at once. */
export class StateDictError extends Error {
  override name = 'StateDictError';
  readonly missingKeys: readonly string[];
  readonly unexpectedKeys: readonly string[];
  /** Keys whose tensor has another shape than the model's (or is not a tensor). */
  readonly mismatchedKeys: readonly string[];

  constructor(message: string, details: { missingKeys: string[]; unexpectedKeys: string[]; mismatchedKeys: string[] }) {
    super(message);
    this.missingKeys = details.missingKeys;
    this.unexpectedKeys = details.unexpectedKeys;
    this.mismatchedKeys = details.mismatchedKeys;
  }
}
