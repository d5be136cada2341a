/**
 * Step masks of the recurrent layers (Keras's masking, e.g. the padding an Embedding with
 * maskZero marks): a skipped step carries h (and c) over unchanged and outputs that h. The
 * kernels already blend the previous state in per step, sample and unit (zoneout's weight d in
 * h = d h_prev + (1 - d) h~), so a skipped step is d = 1 there: exact, with the gradient passing
 * straight through to the previous step.
 */
import { argRangeError, argTypeError, formatShape, ShapeError } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { Module } from '../module.js';

/**
 * The skipped steps of `mask`, time-major (index t * B + b): 1 where the mask is 0. `leading` is
 * the input's shape without its features: (T, B), (B, T) with batchFirst, or (T) unbatched.
 * Null when no step is skipped. The mask must have that shape and hold only 0 and 1.
 */
export function carriedSteps(layer: Module, mask: unknown, leading: Shape, batchFirst: boolean): Uint8Array | null {
  const name = `mask of ${layer.layerName}`;
  if (!(mask instanceof Tensor)) throw argTypeError(name, 'Tensor', mask);
  if (mask.rank !== leading.length || mask.shape.some((d: number, i: number) => d !== leading[i])) {
    throw new ShapeError(
      `${layer.layerName} expected a mask of shape ${formatShape(leading)} (the input's without its features) but received ${formatShape(mask.shape)}`,
      { layer: layer.layerName, expected: leading, received: mask.shape },
    );
  }
  const timeFirst = leading.length === 1 || !batchFirst;
  const B = leading.length === 1 ? 1 : timeFirst ? leading[1]! : leading[0]!;
  const T = leading.length === 1 ? leading[0]! : timeFirst ? leading[0]! : leading[1]!;
  const out = new Uint8Array(T * B);
  let any = false;
  for (let e = 0; e < mask.size; e++) {
    const v = mask.data[e]!;
    if (v !== 0 && v !== 1) throw argRangeError(`${name} at flat index ${e}`, '0 or 1', v);
    if (v === 0) {
      any = true;
      out[timeFirst ? e : (e % T) * B + Math.floor(e / T)] = 1;
    }
  }
  return any ? out : null;
}

/** Zoneout weights `z` ((T, B, n), or null for none) with 1 at every carried step. */
export function withCarry(z: Float32Array | null, carry: Uint8Array | null, n: number): Float32Array | null {
  if (carry === null) return z;
  const out = z ?? new Float32Array(carry.length * n);
  for (let s = 0; s < carry.length; s++) if (carry[s] === 1) out.fill(1, s * n, (s + 1) * n);
  return out;
}
