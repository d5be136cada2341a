/**
 * NumPy/PyTorch broadcasting: shapes are aligned from the right; each pair of dimensions must
 * be equal or one of them 1 (a missing dimension counts as 1). An operand is read through an
 * index map from output positions to its own elements; a gradient goes back through the same
 * map, summed over the positions that shared an element.
 */
import { formatShape, ShapeError } from '../errors.js';
import { type Shape, shapesEqual, shapeSize } from '../shape.js';

/** The shape two operands broadcast to; a ShapeError naming the op otherwise. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * For each element of `to`, the index of the element of `from` it reads; null when `from`
 * equals `to` (the identity). `from` must broadcast to `to`.
 */
export function broadcastIndex(from: Shape, to: Shape): Uint32Array | null {
  if (shapesEqual(from, to)) return null;
  const rank = to.length;
  const n = shapeSize(to);
  const index = new Uint32Array(n);
  if (n === 0) return index;
  // Strides of `from` in the output's coordinates: 0 along broadcast dimensions.
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = from.length - 1; i >= 0; i--) {
    const d = from[i]!;
    const o = rank - from.length + i;
    strides[o] = d === 1 ? 0 : stride;
    stride *= d;
  }
  const inner = to[rank - 1] ?? 1;
  const innerStride = strides[rank - 1] ?? 0;
  const counter = new Array<number>(rank).fill(0);
  let base = 0;
  for (let at = 0; at < n; at += inner) {
    for (let j = 0; j < inner; j++) index[at + j] = base + j * innerStride;
    // Odometer over the outer dimensions.
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      base += strides[d]!;
      if (counter[d]! < to[d]!) break;
      base -= strides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return index;
}

/** Sums `grad` (laid out like the output) over the positions that read each element of `from`. */
export function reduceThrough(grad: Float32Array, index: Uint32Array | null, fromSize: number): Float32Array {
  if (index === null) return grad;
  // Float64 sums: a broadcast dimension can fold many terms into one element.
  const acc = new Float64Array(fromSize);
  for (let i = 0; i < index.length; i++) acc[index[i]!]! += grad[i]!;
  return Float32Array.from(acc);
}

/** Reads `data` (laid out like `from`) into a new array laid out like the output of `index`. */
export function expandThrough(data: Float32Array, index: Uint32Array | null): Float32Array {
  if (index === null) return data;
  const out = new Float32Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = data[index[i]!]!;
  return out;
}
