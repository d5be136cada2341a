/**
 * Reference for Concrete dropout's relaxed-mask pass and its backward (native/kernels/vdo/vdo.h):
 * the formulas in double with V8's Math.log / Math.exp, keep and dKeep rounded once to float32,
 * out = x·keep and gx = g·keep from the rounded keep (one float32 rounding each, as the native
 * pass). The native pass computes the mask in float with its own log and exp: the two agree to
 * about 1e-5 relative.
 */
import type { VdoKernels } from './backend.js';
import * as check from './check.js';
import { fillUniform, seedWords } from './philox.js';

/** The relaxation's eps (ops/concrete.ts's CONCRETE_EPS). */
const EPS = 1e-7;

function sigmoid(a: number): number {
  return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
}

export const referenceConcrete: Pick<VdoKernels, 'concreteDropout' | 'concreteDropoutBackward'> = {
  concreteDropout(out, keep, dKeep, x, p, temperature, seed, offset, masks, inner) {
    check.expectArgs(arguments, 10, 'concreteDropout(out, keep, dKeep, x, p, temperature, seed, offset, masks, inner)');
    check.finite(p, 'p', 0, 1);
    if (!(p > 0 && p < 1)) throw new RangeError(`Expected p to be a number in (0, 1) but received ${p}`);
    const t = check.num(temperature, 'temperature');
    if (!(t > 0 && t < Infinity))
      throw new RangeError(`Expected temperature to be a finite number > 0 but received ${t}`);
    const [k0, k1] = seedWords(seed);
    check.size(offset, 'offset');
    check.size(masks, 'masks');
    check.size(inner, 'inner');
    const n = check.checkedMul(masks, inner, 'masks * inner');
    const o = check.f32(out, 'out');
    const k = check.f32(keep, 'keep');
    const dk = check.f32(dKeep, 'dKeep');
    const xs = check.f32(x, 'x');
    check.expectLength(o, n, 'out');
    check.expectLength(xs, n, 'x');
    check.expectLength(k, masks, 'keep');
    check.expectLength(dk, masks, 'dKeep');
    check.expectDisjoint(o, 'out', k, 'keep');
    check.expectDisjoint(o, 'out', dk, 'dKeep');
    check.expectDisjoint(k, 'keep', dk, 'dKeep');
    check.expectDisjoint(o, 'out', xs, 'x');
    check.expectDisjoint(k, 'keep', xs, 'x');
    check.expectDisjoint(dk, 'dKeep', xs, 'x');
    if (n === 0) return;
    const u = new Float32Array(masks);
    fillUniform(u, masks, 0, 1, k0, k1, offset);
    const logit = Math.log(p + EPS) - Math.log(1 - p + EPS);
    const q = 1 - p;
    const slope = ((1 / (p + EPS) + 1 / (1 - p + EPS)) * q) / t;
    for (let j = 0; j < masks; j++) {
      const a = (logit + Math.log(u[j]! + EPS) - Math.log(1 - u[j]! + EPS)) / t;
      const z = sigmoid(a);
      const kj = sigmoid(-a) / q;
      k[j] = kj;
      dk[j] = (kj * (1 - z * slope)) / q;
      const kf = k[j]!;
      for (let i = j * inner; i < (j + 1) * inner; i++) o[i] = xs[i]! * kf;
    }
  },
  concreteDropoutBackward(gx, g, x, keep, dKeep, withDp, masks, inner) {
    check.expectArgs(arguments, 8, 'concreteDropoutBackward(gx, g, x, keep, dKeep, withDp, masks, inner)');
    const dp = check.bool(withDp, 'withDp');
    check.size(masks, 'masks');
    check.size(inner, 'inner');
    const n = check.checkedMul(masks, inner, 'masks * inner');
    const out = check.f32OrNull(gx, 'gx');
    const gs = check.f32(g, 'g');
    const xs = check.f32(x, 'x');
    const k = check.f32(keep, 'keep');
    const dk = check.f32(dKeep, 'dKeep');
    check.expectLength(gs, n, 'g');
    check.expectLength(xs, n, 'x');
    check.expectLength(k, masks, 'keep');
    check.expectLength(dk, masks, 'dKeep');
    if (out !== null) {
      check.expectLength(out, n, 'gx');
      check.expectDisjoint(out, 'gx', gs, 'g');
      check.expectDisjoint(out, 'gx', xs, 'x');
      check.expectDisjoint(out, 'gx', k, 'keep');
      check.expectDisjoint(out, 'gx', dk, 'dKeep');
    }
    let total = 0;
    for (let j = 0; j < masks; j++) {
      const kj = k[j]!;
      let s = 0;
      for (let i = j * inner; i < (j + 1) * inner; i++) {
        if (out !== null) out[i] = gs[i]! * kj;
        s += gs[i]! * xs[i]!;
      }
      total += s * dk[j]!;
    }
    return dp ? total : 0;
  },
};
