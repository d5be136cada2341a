/**
 * Nested elements of tf.data: walking them for tensors, cloning them, and batching rows of them
 * as tfjs does: at each position of the first row, tensors are stacked (tf.stack), numbers,
 * booleans and (nested) number arrays become one tensor (tf.tensor), and plain objects are
 * batched key by key. Two differences from tfjs, which builds a malformed tensor in both cases:
 * an array of tensors is batched position by position, and rows whose structures differ throw.
 */
import { ShapeError } from '../errors.js';
import { stack } from './ops.js';
import { Tensor, tensor, type TensorLike } from './tensor.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof Tensor);
}

/** Every tensor inside a nested element. */
export function tensorsIn(value: unknown, out: Tensor[] = [], depth = 0): Tensor[] {
  if (depth > 64) return out;
  if (value instanceof Tensor) out.push(value);
  else if (Array.isArray(value)) for (const v of value) tensorsIn(v, out, depth + 1);
  else if (isPlainObject(value)) for (const v of Object.values(value)) tensorsIn(v, out, depth + 1);
  return out;
}

/** A copy of a nested element with every tensor cloned (tf.data.array hands out copies, as tfjs). */
export function deepClone<T>(value: T): T {
  if (value instanceof Tensor) return value.clone() as T;
  if (Array.isArray(value)) return value.map((v: unknown) => deepClone(v)) as T;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepClone(v)])) as T;
  return value;
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a tensor of shape [${v.shape.join(',')}]`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isPlainObject(v)) return `an object with keys ${Object.keys(v).join(', ')}`;
  return typeof v;
}

function isNumeric(v: unknown): boolean {
  if (typeof v === 'number' || typeof v === 'boolean') return true;
  if (ArrayBuffer.isView(v)) return true;
  return Array.isArray(v) && v.every(isNumeric);
}

/** One batch from rows of the same structure (see the file comment). */
export function batchRows(rows: readonly unknown[], path = 'element'): unknown {
  if (rows.length === 0) throw new Error("Can't make a batch of zero elements.");
  const first = rows[0];
  const mismatch = (i: number): never => {
    throw new ShapeError(
      `dropnet/tfjs: batch: ${path} of row ${i} is ${describe(rows[i])} but ${path} of row 0 is ${describe(first)}; rows of a batch must have the same structure`,
    );
  };
  if (first instanceof Tensor) {
    rows.forEach((r, i) => {
      if (!(r instanceof Tensor)) mismatch(i);
    });
    return stack(rows as Tensor[]);
  }
  if (isNumeric(first)) {
    rows.forEach((r, i) => {
      if (!isNumeric(r)) mismatch(i);
    });
    return tensor(rows as TensorLike);
  }
  if (Array.isArray(first)) {
    rows.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== first.length) mismatch(i);
    });
    return first.map((_v, k) =>
      batchRows(
        rows.map((r) => (r as unknown[])[k]),
        `${path}[${k}]`,
      ),
    );
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    rows.forEach((r, i) => {
      if (!isPlainObject(r) || Object.keys(r).length !== keys.length || keys.some((k) => !(k in r))) mismatch(i);
    });
    return Object.fromEntries(
      keys.map((k) => [
        k,
        batchRows(
          rows.map((r) => (r as Record<string, unknown>)[k]),
          `${path}.${k}`,
        ),
      ]),
    );
  }
  if (typeof first === 'string')
    throw new TypeError(
      `dropnet/tfjs: batch: ${path} is a string; string tensors are not supported (map strings to numbers first)`,
    );
  throw new TypeError(
    `dropnet/tfjs: batch: ${path} is ${first === null ? 'null' : typeof first}; it cannot be batched`,
  );
}
