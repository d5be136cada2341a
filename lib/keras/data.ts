/**
 * Inputs as tfjs takes them: Tensors, nested arrays, or flat Float32Arrays / number arrays laid
 * out sample after sample (shaped by the model's input shape). Targets: class indices
 * (Int32Array, number[]), one-hot rows or values (nested arrays, Tensors, flat Float32Arrays).
 */
import { argTypeError, formatShape, ShapeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { type NestedArray, Tensor, tensor } from '../tensor.js';
import type { FitTargets } from '../train/fit-options.js';

export type KerasInput = Tensor | Float32Array | NestedArray;
export type KerasTargets = FitTargets | Float32Array | NestedArray;

const isNested = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && Array.isArray(v[0]);

/** x as a Tensor of shape [n, ...sampleShape] (flat data is split into samples). */
export function toInput(x: unknown, sampleShape: Shape, name = 'x'): Tensor {
  if (x instanceof Tensor) return x;
  if (isNested(x)) return tensor(x as NestedArray);
  if (x instanceof Float32Array || (Array.isArray(x) && x.every((v) => typeof v === 'number'))) {
    const flat = x instanceof Float32Array ? x : Float32Array.from(x as number[]);
    const size = sampleShape.reduce((p, d) => p * d, 1);
    if (flat.length === 0 || flat.length % size !== 0) {
      throw new ShapeError(
        `${name}: ${flat.length} values do not split into samples of shape ${formatShape(sampleShape)}`,
      );
    }
    return new Tensor(flat, [flat.length / size, ...sampleShape]);
  }
  throw argTypeError(name, 'Tensor, nested array of numbers or Float32Array', x);
}

/** y in a form fit() takes; a flat Float32Array of n * k values becomes [n, k] (or [n]). */
export function toTargets(y: unknown, samples: number, name = 'y'): FitTargets {
  if (isNested(y)) return tensor(y as NestedArray);
  if (y instanceof Float32Array) {
    if (samples === 0 || y.length % samples !== 0)
      throw new ShapeError(`${name}: ${y.length} values do not split into ${samples} samples`);
    const k = y.length / samples;
    return new Tensor(y, k === 1 ? [samples] : [samples, k]);
  }
  return y as FitTargets;
}
