/**
 * Scalar functions and their derivatives, shared by the element-wise ops and by linear's fused
 * activation. Each is computed in float64 and rounded once to float32 on store. `df(x, y)` is
 * dy/dx at x, given y = f(x) (some derivatives are cheapest from y).
 */
import { erf, erfc } from './special.js';

export interface Pointwise {
  f(x: number): number;
  df(x: number, y: number): number;
}

const SQRT_HALF = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/** SELU's constants (Klambauer et al., 2017), as PyTorch uses them. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

export function leakyReluFn(slope: number): Pointwise {
  return {
    f: (x) => (x > 0 ? x : x * slope),
    df: (x) => (x > 0 ? 1 : slope),
  };
}

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

export const expFn: Pointwise = { f: Math.exp, df: (_x, y) => y };
export const logFn: Pointwise = { f: Math.log, df: (x) => 1 / x };
