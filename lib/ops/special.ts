/**
 * The error function, which JavaScript's Math lacks, in float64 to well below float32
 * precision. |x| < 3: its Maclaurin series, whose largest term there is about 170, so
 * cancellation costs under 1e-13. |x| >= 3: erfc by its continued fraction (Laplace),
 * evaluated bottom-up with enough terms to converge at x = 3 to double precision.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

function erfSeries(x: number): number {
  // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
  const x2 = x * x;
  let term = x; // (-1)^n x^(2n+1) / n!
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** erfc(x) for x >= 3: exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))). */
function erfcFraction(x: number): number {
  let tail = x;
  for (let n = 60; n >= 1; n--) tail = x + n / 2 / tail;
  return (Math.exp(-x * x) * ONE_OVER_SQRT_PI) / tail;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x >= 3) return 1 - erfcFraction(x);
  if (x <= -3) return erfcFraction(-x) - 1;
  return erfSeries(x);
}

/** 1 - erf(x), accurate in relative terms for large x too (where 1 - erf(x) would cancel). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x >= 3) return erfcFraction(x);
  if (x <= -3) return 2 - erfcFraction(-x);
  return 1 - erfSeries(x);
}
