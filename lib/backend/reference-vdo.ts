/**
 * Reference for sparse variational dropout's fused per-weight pass and the local
 * reparameterisation's noise pass (native/kernels/vdo/vdo.h): the formulas in double with V8's
 * Math.exp / Math.log (the noise: randnFill's normals), each output rounded once to float32.
 * The native passes use their own polynomial exp, log, sin and cos; the two agree to a few
 * float32 ulp.
 */
import type { VdoKernels } from './backend.js';
import * as check from './check.js';
import { fillNormal, seedWords } from './philox.js';
import { referenceConcrete } from './reference-concrete.js';

/** Kingma et al.'s fit (ops/variational.ts holds the same constants). */
const C1 = 1.16145124;
const C2 = -1.50204118;
const C3 = 0.58629921;

/** Added to the variance before the square root (ops/variational.ts's LRT_EPS). */
const LRT_EPS = 1e-8;

/** Molchanov et al.'s fit of the KL (ops/variational.ts holds the same constants). */
const K1 = 0.63576;
const K2 = 1.8732;
const K3 = 1.48695;

export const referenceVdo: VdoKernels = {
  ...referenceConcrete,
  sparseVd(sigma2, logAlpha, dLogSigma2, dWeight, weight, logSigma2, withKl, n) {
    check.expectArgs(arguments, 8, 'sparseVd(sigma2, logAlpha, dLogSigma2, dWeight, weight, logSigma2, withKl, n)');
    const kl = check.bool(withKl, 'withKl');
    check.size(n, 'n');
    const s2 = check.f32OrNull(sigma2, 'sigma2');
    const la = check.f32OrNull(logAlpha, 'logAlpha');
    const dls = check.f32OrNull(dLogSigma2, 'dLogSigma2');
    const dw = check.f32OrNull(dWeight, 'dWeight');
    const w = check.f32(weight, 'weight');
    const ls = check.f32(logSigma2, 'logSigma2');
    if ((dls === null) !== (dw === null)) {
      throw new TypeError(
        `Expected dLogSigma2 and dWeight to be both Float32Array or both null but received ${dls === null ? 'null' : 'Float32Array'} and ${dw === null ? 'null' : 'Float32Array'}`,
      );
    }
    check.expectLength(w, n, 'weight');
    check.expectLength(ls, n, 'logSigma2');
    const outs: [Float32Array | null, string][] = [
      [s2, 'sigma2'],
      [la, 'logAlpha'],
      [dls, 'dLogSigma2'],
      [dw, 'dWeight'],
    ];
    for (let i = 0; i < outs.length; i++) {
      const [o, name] = outs[i]!;
      if (o === null) continue;
      check.expectLength(o, n, name);
      check.expectDisjoint(o, name, w, 'weight');
      check.expectDisjoint(o, name, ls, 'logSigma2');
      for (let j = i + 1; j < outs.length; j++) {
        const [p, pName] = outs[j]!;
        if (p !== null) check.expectDisjoint(o, name, p, pName);
      }
    }
    const grads = dls !== null && dw !== null;
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (s2 !== null) s2[i] = Math.exp(ls[i]!);
      if (la === null && !kl && !grads) continue;
      const raw = ls[i]! - 2 * Math.log(Math.abs(w[i]!));
      // NaN fails both comparisons and stays NaN.
      const a = raw < -8 ? -8 : raw > 8 ? 8 : raw;
      if (la !== null) la[i] = a;
      if (!kl && !grads) continue;
      const s = 1 / (1 + Math.exp(-(K2 + K3 * a)));
      const e = Math.exp(-a);
      total += K1 - K1 * s + 0.5 * Math.log1p(e);
      if (grads) {
        const d = raw >= -8 && raw <= 8 ? -K1 * K3 * s * (1 - s) - (0.5 * e) / (1 + e) : 0;
        dls[i] = d;
        dw[i] = d === 0 ? 0 : (-2 * d) / w[i]!;
      }
    }
    return kl ? total : 0;
  },
  lrtNoise(out, half, mean, variance, seed, offset, n) {
    check.expectArgs(arguments, 7, 'lrtNoise(out, half, mean, variance, seed, offset, n)');
    const [k0, k1] = seedWords(seed);
    check.size(offset, 'offset');
    check.size(n, 'n');
    const o = check.f32(out, 'out');
    const h = check.f32(half, 'half');
    const m = check.f32(mean, 'mean');
    const v = check.f32(variance, 'variance');
    check.expectLength(o, n, 'out');
    check.expectLength(h, n, 'half');
    check.expectLength(m, n, 'mean');
    check.expectLength(v, n, 'variance');
    check.expectDisjoint(o, 'out', h, 'half');
    check.expectDisjoint(o, 'out', m, 'mean');
    check.expectDisjoint(o, 'out', v, 'variance');
    check.expectDisjoint(h, 'half', m, 'mean');
    check.expectDisjoint(h, 'half', v, 'variance');
    const eps = new Float32Array(n);
    fillNormal(eps, n, 0, 1, k0, k1, offset);
    for (let i = 0; i < n; i++) {
      const s = Math.sqrt(v[i]! + LRT_EPS);
      o[i] = m[i]! + s * eps[i]!;
      h[i] = eps[i]! / (2 * s);
    }
  },
  kingmaVd(variance, dVarDWeight, dVarDLogAlpha, dKlDLogAlpha, weight, logAlpha, withKl, n) {
    check.expectArgs(
      arguments,
      8,
      'kingmaVd(variance, dVarDWeight, dVarDLogAlpha, dKlDLogAlpha, weight, logAlpha, withKl, n)',
    );
    const kl = check.bool(withKl, 'withKl');
    check.size(n, 'n');
    const outs: [Float32Array | null, string][] = [
      [check.f32OrNull(variance, 'variance'), 'variance'],
      [check.f32OrNull(dVarDWeight, 'dVarDWeight'), 'dVarDWeight'],
      [check.f32OrNull(dVarDLogAlpha, 'dVarDLogAlpha'), 'dVarDLogAlpha'],
      [check.f32OrNull(dKlDLogAlpha, 'dKlDLogAlpha'), 'dKlDLogAlpha'],
    ];
    const w = check.f32OrNull(weight, 'weight');
    const la = check.f32(logAlpha, 'logAlpha');
    const [v, dvw, dvl, dkl] = outs.map(([o]) => o) as [
      Float32Array | null,
      Float32Array | null,
      Float32Array | null,
      Float32Array | null,
    ];
    if (w === null && (v !== null || dvw !== null || dvl !== null))
      throw new TypeError('Expected weight to be a Float32Array (a variance output is asked for) but received null');
    check.expectLength(la, n, 'logAlpha');
    if (w !== null) check.expectLength(w, n, 'weight');
    for (let i = 0; i < outs.length; i++) {
      const [o, name] = outs[i]!;
      if (o === null) continue;
      check.expectLength(o, n, name);
      check.expectDisjoint(o, name, la, 'logAlpha');
      if (w !== null) check.expectDisjoint(o, name, w, 'weight');
      for (let j = i + 1; j < outs.length; j++) {
        const [p, pName] = outs[j]!;
        if (p !== null) check.expectDisjoint(o, name, p, pName);
      }
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.min(la[i]!, 0);
      const alpha = Math.exp(a);
      const inside = la[i]! <= 0;
      if (w !== null) {
        const var_ = alpha * w[i]! * w[i]!;
        if (v !== null) v[i] = var_;
        if (dvw !== null) dvw[i] = 2 * alpha * w[i]!;
        if (dvl !== null) dvl[i] = inside ? var_ : 0;
      }
      total -= 0.5 * a + C1 * alpha + C2 * alpha * alpha + C3 * alpha * alpha * alpha;
      if (dkl !== null)
        dkl[i] = inside ? -(0.5 + C1 * alpha + 2 * C2 * alpha * alpha + 3 * C3 * alpha * alpha * alpha) : 0;
    }
    return kl ? total : 0;
  },
};
