/**
 * The one activation vocabulary: every accepted spelling of an activation maps to one canonical
 * name, which says whether the native linear epilogue fuses it (its kernel id) and gives its
 * float64 forward and derivative. The backend, ops, nn, Keras and tfjs facades all read this
 * table; it also holds the library's one erf/erfc.
 *
 * `df(x, y)` is dy/dx at x given y = f(x) (some derivatives are cheapest from y). Constants are
 * PyTorch's defaults (leakyRelu slope 0.01, elu alpha 1, softplus beta 1 and threshold 20).
 */
import { LEAKY_RELU_SLOPE, type Activation } from './constants.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);
const SQRT_HALF = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/** erf(x) for |x| < 2 by its Maclaurin series (terms stay below 3, so little is lost to cancellation). */
function erfSeries(x: number): number {
  // sum over n of (-1)^n x^(2n+1) / (n! (2n+1))
  const x2 = x * x;
  let power = x; // (-1)^n x^(2n+1) / n!
  let sum = x;
  for (let n = 1; n < 60; n++) {
    power *= -x2 / n;
    const term = power / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** erfc(x) for x >= 2: exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), from the tail. */
function erfcFraction(x: number): number {
  let frac = x;
  for (let k = 60; k >= 1; k--) frac = x + k / 2 / frac;
  return (Math.exp(-x * x) * ONE_OVER_SQRT_PI) / frac;
}

/** The error function to about 1e-16 relative (JavaScript has none). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 6) return 1; // erfc(6) ~ 2e-17: below half an ulp of 1
  if (x < -6) return -1;
  if (x >= 2) return 1 - erfcFraction(x);
  if (x <= -2) return erfcFraction(-x) - 1;
  return erfSeries(x);
}

/** 1 - erf(x), accurate in relative terms for large x too (where 1 - erf(x) would cancel). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x >= 2) return erfcFraction(x);
  if (x <= -2) return 2 - erfcFraction(-x);
  return 1 - erfSeries(x);
}

/** A scalar function and its derivative, in float64. */
export interface Pointwise {
  f(x: number): number;
  df(x: number, y: number): number;
}

/** SELU's constants (Klambauer et al., 2017), as PyTorch uses them. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

export function leakyReluFn(slope: number): Pointwise {
  return {
    f: (x) => (x > 0 ? x : x * slope),
    df: (x) => (x > 0 ? 1 : slope),
  };
}

export const reluFn: Pointwise = {
  f: (x) => (0 > x ? 0 : x), // NaN and -0 pass through, as in the native kernels
  df: (x) => (x > 0 ? 1 : 0),
};

export const sigmoidFn: Pointwise = {
  // Two forms so exp never overflows: for x < 0, e^x / (1 + e^x).
  f: (x) => {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  },
  df: (_x, y) => y * (1 - y),
};

export const tanhFn: Pointwise = {
  f: Math.tanh,
  df: (_x, y) => 1 - y * y,
};

/** GELU, exact (erf) form, PyTorch's default: x * Phi(x). */
export const geluFn: Pointwise = {
  // For x < 0, 1 + erf(x/sqrt 2) = erfc(-x/sqrt 2) keeps its relative precision far out.
  f: (x) => 0.5 * x * (x >= 0 ? 1 + erf(x * SQRT_HALF) : erfc(-x * SQRT_HALF)),
  df: (x) => {
    const cdf = 0.5 * (x >= 0 ? 1 + erf(x * SQRT_HALF) : erfc(-x * SQRT_HALF));
    return cdf + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
  },
};

/** GELU, tanh approximation (PyTorch's approximate='tanh'). */
export const geluTanhFn: Pointwise = {
  f: (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))),
  df: (x) => {
    const t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
  },
};

export function eluFn(alpha: number, scale = 1): Pointwise {
  return {
    f: (x) => (x > 0 ? scale * x : scale * alpha * Math.expm1(x)),
    df: (x) => (x > 0 ? scale : scale * alpha * Math.exp(x)),
  };
}

export const seluFn: Pointwise = eluFn(SELU_ALPHA, SELU_SCALE);

/** log(1 + e^(beta x)) / beta, linear above `threshold` (as PyTorch) where it equals x in float32. */
export function softplusFn(beta: number, threshold: number): Pointwise {
  return {
    f: (x) => (x * beta > threshold ? x : Math.log1p(Math.exp(x * beta)) / beta),
    df: (x) => (x * beta > threshold ? 1 : sigmoidFn.f(x * beta)),
  };
}

/** The canonical activation names (ops' camelCase spelling). */
export const ACTIVATION_NAMES = [
  'relu',
  'leakyRelu',
  'sigmoid',
  'tanh',
  'gelu',
  'geluTanh',
  'elu',
  'selu',
  'softplus',
] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** One activation: its native epilogue id (null when the kernel does not fuse it) and its functions. */
export interface ActivationSpec {
  readonly name: ActivationName;
  /** The id linearForward fuses with the same constants, or null. */
  readonly kernel: Exclude<Activation, 'none'> | null;
  /** Forward and derivative with the default constants. */
  readonly fn: Pointwise;
  /** True when df can be computed from the output alone (so a fused forward needs no pre-activation copy). */
  readonly dfFromOutput: boolean;
}

const spec = (
  name: ActivationName,
  kernel: ActivationSpec['kernel'],
  fn: Pointwise,
  dfFromOutput: boolean,
): ActivationSpec => ({ name, kernel, fn, dfFromOutput });

/** The table: every activation once. */
export const ACTIVATION_TABLE: Readonly<Record<ActivationName, ActivationSpec>> = {
  relu: spec('relu', 'relu', reluFn, true),
  // Not fused: the kernel's leaky_relu multiplies in float32 by fround(0.01), which differs by an
  // ulp from ops.leakyRelu's x * 0.01 in double; linear keeps the ops result.
  leakyRelu: spec('leakyRelu', null, leakyReluFn(0.01), false),
  sigmoid: spec('sigmoid', 'sigmoid', sigmoidFn, true),
  tanh: spec('tanh', 'tanh', tanhFn, true),
  gelu: spec('gelu', 'gelu', geluFn, false),
  geluTanh: spec('geluTanh', 'gelu_tanh', geluTanhFn, false),
  elu: spec('elu', null, eluFn(1), false),
  selu: spec('selu', null, seluFn, false),
  softplus: spec('softplus', null, softplusFn(1, 20), false),
};

/** Every spelling the library accepts (PyTorch's, Keras's snake_case, tfjs's camelCase, kebab-case). */
export const ACTIVATION_SPELLINGS: Readonly<Record<string, ActivationName>> = {
  relu: 'relu',
  leakyRelu: 'leakyRelu',
  leaky_relu: 'leakyRelu',
  leakyReLU: 'leakyRelu',
  'leaky-relu': 'leakyRelu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  gelu: 'gelu',
  geluTanh: 'geluTanh',
  gelu_tanh: 'geluTanh',
  'gelu-tanh': 'geluTanh',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
};

/** The canonical name of a spelling, or undefined when the library has no such activation. */
export function canonicalActivation(spelling: string): ActivationName | undefined {
  return Object.hasOwn(ACTIVATION_SPELLINGS, spelling) ? ACTIVATION_SPELLINGS[spelling] : undefined;
}

/** The canonical activation a kernel id fuses. */
const BY_KERNEL: Readonly<Record<Exclude<Activation, 'none'>, ActivationName>> = {
  relu: 'relu',
  leaky_relu: 'leakyRelu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  gelu: 'gelu',
  gelu_tanh: 'geluTanh',
};

/**
 * The scalar function linearForward's activation applies to each output element: the reference
 * the native epilogue is tested against (it evaluates the same formulas in double and rounds once).
 */
export function activationFn(act: Activation): (v: number) => number {
  if (act === 'none') return (v) => v;
  // The kernel's sigmoid is 1 / (1 + e^-v) for every v (its overflow to 0 is the right limit).
  if (act === 'sigmoid') return (v) => 1 / (1 + Math.exp(-v));
  if (act === 'leaky_relu') return (v) => (v < 0 ? v * LEAKY_RELU_SLOPE : v);
  return ACTIVATION_TABLE[BY_KERNEL[act]].fn.f;
}
