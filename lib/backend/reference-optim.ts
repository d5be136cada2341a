/**
 * Reference optimizer steps: the formulas of native/kernels/optim/optim.h, one float32 operation
 * at a time (each result rounded with Math.fround), so they match the native kernels bit for bit.
 * Scalars are derived in double and rounded once, exactly as the binding derives them.
 */
import type { OptimKernels } from './backend.js';
import * as check from './check.js';

const f = Math.fround;
const MAX_STEP = Number.MAX_SAFE_INTEGER;

/** Every present buffer holds n elements and none overlaps another (as the binding checks). */
function buffers(list: [Float32Array | null, string][], n: number): void {
  for (const [v, name] of list) if (v !== null) check.expectLength(v, n, name);
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const [a, an] = list[i]!;
      const [b, bn] = list[j]!;
      if (a !== null && b !== null) check.expectDisjoint(a, an, b, bn);
    }
  }
}

export const referenceOptim: OptimKernels = {
  sgdStep(param, momentumBuffer, grad, lr, weightDecay, momentum, dampening, nesterov, maximize, init, n) {
    check.expectArgs(
      arguments,
      11,
      'sgdStep(param, momentumBuffer, grad, lr, weightDecay, momentum, dampening, nesterov, maximize, init, n)',
    );
    const p = check.f32(param, 'param');
    const buf = check.f32OrNull(momentumBuffer, 'momentumBuffer');
    const g = check.f32(grad, 'grad');
    const lrF = f(check.nonneg(lr, 'lr'));
    const wd = f(check.nonneg(weightDecay, 'weightDecay'));
    const mom = f(check.nonneg(momentum, 'momentum'));
    const damp1 = f(1 - check.finite(dampening, 'dampening', 0, 1));
    check.bool(nesterov, 'nesterov');
    check.bool(maximize, 'maximize');
    check.bool(init, 'init');
    check.size(n, 'n');
    if (mom !== 0 && buf === null) {
      throw new TypeError('Expected Float32Array for momentumBuffer but received null (momentum is not 0)');
    }
    buffers(
      [
        [p, 'param'],
        [buf, 'momentumBuffer'],
        [g, 'grad'],
      ],
      n,
    );
    const sign = maximize ? -1 : 1;
    for (let i = 0; i < n; i++) {
      let gi = sign * g[i]!;
      if (wd !== 0) gi = f(gi + f(wd * p[i]!));
      if (mom !== 0) {
        const b = init ? gi : f(f(mom * buf![i]!) + f(damp1 * gi));
        buf![i] = b;
        gi = nesterov ? f(gi + f(mom * b)) : b;
      }
      p[i] = p[i]! - f(lrF * gi);
    }
  },

  adamStep(param, m, v, vmax, grad, lr, beta1, beta2, eps, weightDecay, decoupled, step, maximize, n) {
    check.expectArgs(
      arguments,
      14,
      'adamStep(param, m, v, vmax, grad, lr, beta1, beta2, eps, weightDecay, decoupled, step, maximize, n)',
    );
    const p = check.f32(param, 'param');
    const M = check.f32(m, 'm');
    const V = check.f32(v, 'v');
    const VM = check.f32OrNull(vmax, 'vmax');
    const g = check.f32(grad, 'grad');
    check.nonneg(lr, 'lr');
    check.finite(beta1, 'beta1', 0, 1);
    check.finite(beta2, 'beta2', 0, 1);
    check.nonneg(eps, 'eps');
    check.nonneg(weightDecay, 'weightDecay');
    check.bool(decoupled, 'decoupled');
    check.int(step, 'step', 1, MAX_STEP);
    check.bool(maximize, 'maximize');
    check.size(n, 'n');
    buffers(
      [
        [p, 'param'],
        [M, 'm'],
        [V, 'v'],
        [VM, 'vmax'],
        [g, 'grad'],
      ],
      n,
    );
    const stepSize = f(lr / (1 - beta1 ** step));
    const bias2Sqrt = f(Math.sqrt(1 - beta2 ** step));
    const b1 = f(beta1),
      omb1 = f(1 - beta1),
      b2 = f(beta2),
      omb2 = f(1 - beta2);
    const epsF = f(eps),
      wd = f(weightDecay),
      decay = f(1 - lr * weightDecay);
    const sign = maximize ? -1 : 1;
    for (let i = 0; i < n; i++) {
      let gi = sign * g[i]!;
      let pi = p[i]!;
      if (decoupled) pi = f(pi * decay);
      else if (wd !== 0) gi = f(gi + f(wd * pi));
      const mi = f(f(b1 * M[i]!) + f(omb1 * gi));
      const vi = f(f(b2 * V[i]!) + f(omb2 * f(gi * gi)));
      M[i] = mi;
      V[i] = vi;
      let vhat = vi;
      if (VM !== null) {
        vhat = VM[i]! > vi ? VM[i]! : vi;
        VM[i] = vhat;
      }
      const denom = f(f(f(Math.sqrt(vhat)) / bias2Sqrt) + epsF);
      p[i] = pi - f(stepSize * f(mi / denom));
    }
  },

  rmspropStep(param, squareAvg, gradAvg, momentumBuffer, grad, lr, alpha, eps, weightDecay, momentum, maximize, n) {
    check.expectArgs(
      arguments,
      12,
      'rmspropStep(param, squareAvg, gradAvg, momentumBuffer, grad, lr, alpha, eps, weightDecay, momentum, maximize, n)',
    );
    const p = check.f32(param, 'param');
    const sq = check.f32(squareAvg, 'squareAvg');
    const ga = check.f32OrNull(gradAvg, 'gradAvg');
    const buf = check.f32OrNull(momentumBuffer, 'momentumBuffer');
    const g = check.f32(grad, 'grad');
    const lrF = f(check.nonneg(lr, 'lr'));
    const a = check.finite(alpha, 'alpha', 0, 1);
    const epsF = f(check.nonneg(eps, 'eps'));
    const wd = f(check.nonneg(weightDecay, 'weightDecay'));
    const mom = f(check.nonneg(momentum, 'momentum'));
    check.bool(maximize, 'maximize');
    check.size(n, 'n');
    buffers(
      [
        [p, 'param'],
        [sq, 'squareAvg'],
        [ga, 'gradAvg'],
        [buf, 'momentumBuffer'],
        [g, 'grad'],
      ],
      n,
    );
    const aF = f(a),
      oma = f(1 - a);
    const sign = maximize ? -1 : 1;
    for (let i = 0; i < n; i++) {
      let gi = sign * g[i]!;
      if (wd !== 0) gi = f(gi + f(wd * p[i]!));
      const s = f(f(aF * sq[i]!) + f(oma * f(gi * gi)));
      sq[i] = s;
      let avg: number;
      if (ga !== null) {
        const gai = f(f(aF * ga[i]!) + f(oma * gi));
        ga[i] = gai;
        avg = f(f(Math.sqrt(f(s - f(gai * gai)))) + epsF);
      } else {
        avg = f(f(Math.sqrt(s)) + epsF);
      }
      if (buf !== null) {
        const b = f(f(mom * buf[i]!) + f(gi / avg));
        buf[i] = b;
        p[i] = p[i]! - f(lrF * b);
      } else {
        p[i] = p[i]! - f(lrF * f(gi / avg));
      }
    }
  },

  adagradStep(param, sum, grad, lr, lrDecay, weightDecay, eps, step, maximize, n) {
    check.expectArgs(arguments, 10, 'adagradStep(param, sum, grad, lr, lrDecay, weightDecay, eps, step, maximize, n)');
    const p = check.f32(param, 'param');
    const S = check.f32(sum, 'sum');
    const g = check.f32(grad, 'grad');
    check.nonneg(lr, 'lr');
    check.nonneg(lrDecay, 'lrDecay');
    const wd = f(check.nonneg(weightDecay, 'weightDecay'));
    const epsF = f(check.nonneg(eps, 'eps'));
    check.int(step, 'step', 1, MAX_STEP);
    check.bool(maximize, 'maximize');
    check.size(n, 'n');
    buffers(
      [
        [p, 'param'],
        [S, 'sum'],
        [g, 'grad'],
      ],
      n,
    );
    const clr = f(lr / (1 + (step - 1) * lrDecay));
    const sign = maximize ? -1 : 1;
    for (let i = 0; i < n; i++) {
      let gi = sign * g[i]!;
      if (wd !== 0) gi = f(gi + f(wd * p[i]!));
      const s = f(S[i]! + f(gi * gi));
      S[i] = s;
      p[i] = p[i]! - f(clr * f(gi / f(f(Math.sqrt(s)) + epsF)));
    }
  },

  sumSquares(x, n) {
    check.expectArgs(arguments, 2, 'sumSquares(x, n)');
    const X = check.f32(x, 'x');
    check.size(n, 'n');
    check.expectLength(X, n, 'x');
    // Chunks of 2^14 summed in order, as the native kernel does, so both give the same double.
    const CHUNK = 1 << 14;
    let total = 0;
    for (let b = 0; b < n; b += CHUNK) {
      let acc = 0;
      const e = Math.min(n, b + CHUNK);
      for (let i = b; i < e; i++) acc += X[i]! * X[i]!;
      total += acc;
    }
    return total;
  },
};
