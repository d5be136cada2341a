/**
 * Keras's activation names and what they mean here. Dense fuses the ones whose dropnet op has
 * Keras's constants into its linear op; the rest (softmax, leakyRelu) run after it. As a layer
 * (`layers.activation`), every name maps onto an nn module.
 *
 * Constants are Keras 3's: leakyRelu has slope 0.2 (PyTorch's default is 0.01, so it is not
 * fused), gelu is the exact erf form, softmax is over the last axis.
 */
import { didYouMean } from '../args.js';
import { ACTIVATION_SPELLINGS, canonicalActivation } from '../backend/activation.js';
import { argTypeError, invalidArg } from '../errors.js';
import { ELU, GELU, LeakyReLU, ReLU, SELU, Sigmoid, Softplus, Tanh } from '../nn/activation.js';
import { Identity } from '../nn/identity.js';
import type { Module } from '../nn/module.js';
import { Softmax } from '../nn/softmax.js';
import type { LinearActivation } from '../ops/matmul.js';
import { leakyRelu } from '../ops/unary.js';
import { softmax } from '../ops/softmax.js';
import type { Tensor } from '../tensor.js';

export type ActivationName =
  'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'linear' | 'elu' | 'selu' | 'gelu' | 'leakyRelu' | 'softplus';

/** Keras 3's leaky_relu slope. */
export const KERAS_LEAKY_RELU_SLOPE = 0.2;

const NAMES: readonly ActivationName[] = [
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'linear',
  'elu',
  'selu',
  'gelu',
  'leakyRelu',
  'softplus',
];

/** Activations computed inside ops.linear with the same constants as Keras. */
const FUSED: Partial<Record<ActivationName, LinearActivation>> = {
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  softplus: 'softplus',
};

/** The canonical name of an activation option (undefined and null mean 'linear', as in Keras). */
export function activationName(value: unknown, name = 'activation'): ActivationName {
  if (value === undefined || value === null) return 'linear';
  const expected = `activation name (${NAMES.join(', ')}; also leaky_relu)`;
  if (typeof value !== 'string') throw argTypeError(name, expected, value);
  if ((NAMES as readonly string[]).includes(value)) return value as ActivationName;
  // Other spellings (leaky_relu, leakyReLU ...) through the library's one activation table.
  const canonical = canonicalActivation(value);
  if (canonical !== undefined && (NAMES as readonly string[]).includes(canonical)) return canonical as ActivationName;
  throw new RangeError(
    `${invalidArg(name, expected, value)}${didYouMean(value, [...new Set([...NAMES, ...Object.keys(ACTIVATION_SPELLINGS)])])}`,
  );
}

/** The ops.linear activation equal to `name`, or undefined when it must run separately. */
export function fusedActivation(name: ActivationName): LinearActivation | undefined {
  return FUSED[name];
}

/** Applies an activation that ops.linear does not fuse ('linear' is the input itself). */
export function applyUnfused(x: Tensor, name: ActivationName): Tensor {
  switch (name) {
    case 'linear':
      return x;
    case 'softmax':
      return softmax(x, -1);
    case 'leakyRelu':
      return leakyRelu(x, KERAS_LEAKY_RELU_SLOPE);
    default:
      throw new RangeError(`activation ${name} is applied inside the linear op`);
  }
}

/** The nn module computing an activation, for `layers.activation`. */
export function activationModule(name: ActivationName): Module {
  switch (name) {
    case 'relu':
      return new ReLU();
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    case 'softmax':
      return new Softmax(-1);
    case 'linear':
      return new Identity();
    case 'elu':
      return new ELU(1);
    case 'selu':
      return new SELU();
    case 'gelu':
      return new GELU();
    case 'leakyRelu':
      return new LeakyReLU(KERAS_LEAKY_RELU_SLOPE);
    case 'softplus':
      return new Softplus();
  }
}
