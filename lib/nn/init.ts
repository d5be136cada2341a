/**
 * PyTorch's default initialisation of Linear and convolution layers: kaiming_uniform with
 * a = sqrt(5), which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), for the weight, and the same range for
 * the bias; drawn weight first, from the given stream (manualSeed's by default).
 */
import { argTypeError } from '../errors.js';
import { Generator } from '../random.js';
import { Tensor } from '../tensor.js';
import { Parameter } from './parameter.js';

export function checkGenerator(generator: unknown): Generator {
  if (!(generator instanceof Generator)) throw argTypeError('generator', 'Generator', generator);
  return generator;
}

/** A weight of `shape` (output channels first) and, when `bias`, a bias of shape[0] elements. */
export function defaultInit(
  shape: readonly number[],
  fanIn: number,
  bias: boolean,
  generator: Generator,
): [Parameter, Parameter | null] {
  const bound = 1 / Math.sqrt(fanIn);
  const w = new Float32Array(shape.reduce((p, d) => p * d, 1));
  generator.uniform(w, -bound, bound);
  const weight = new Parameter(new Tensor(w, shape));
  if (!bias) return [weight, null];
  const b = new Float32Array(shape[0]!);
  generator.uniform(b, -bound, bound);
  return [weight, new Parameter(new Tensor(b, [shape[0]!]))];
}
