/**
 * The activations of linearForward, as plain double-precision formulas: the reference the
 * native epilogue is tested against (it evaluates the same formulas in double and rounds once).
 */
import { LEAKY_RELU_SLOPE, type Activation } from './constants.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function to about 1e-15 absolute, written out because JavaScript has none.
 * |x| < 2: its Maclaurin series (terms stay below 3, so little is lost to cancellation);
 * beyond: 1 - erfc(x), with erfc from its Laplace continued fraction
 * erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), which converges
 * fast for x >= 2.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 2) {
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
  if (ax > 6) return Math.sign(x); // erfc(6) ~ 2e-17: below half an ulp of 1
  let frac = ax; // evaluated from the tail: x + (k/2) / (previous)
  for (let k = 60; k >= 1; k--) frac = ax + k / 2 / frac;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / frac;
  return Math.sign(x) * (1 - erfc);
}

/** The scalar function an activation applies to each output element. */
export function activationFn(act: Activation): (v: number) => number {
  switch (act) {
    case 'none':
      return (v) => v;
    case 'relu':
      return (v) => (0 > v ? 0 : v); // NaN and -0 pass through, as in the native kernels
    case 'leaky_relu':
      return (v) => (v < 0 ? v * LEAKY_RELU_SLOPE : v);
    case 'sigmoid':
      return (v) => 1 / (1 + Math.exp(-v));
    case 'tanh':
      return (v) => Math.tanh(v);
    case 'gelu':
      return (v) => 0.5 * v * (1 + erf(v * Math.SQRT1_2));
    case 'gelu_tanh':
      return (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
  }
}
