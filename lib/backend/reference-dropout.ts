/**
 * Reference dropout and Philox kernels: element by element, straight from the contract, with the
 * same argument checks (in the same order, with the same texts) as native/addon/dropout_binding.cc.
 *
 * Element i takes draw offset + i of the stream keyed by `seed` (lib/backend/philox.ts) and is
 * kept iff draw >= round(p * 2^32). Kept: x * scale with scale = fround(1 / (1 - p)); dropped: +0,
 * whatever x is (NaN and infinities included). A threshold of 2^32 (p = 1) keeps nothing, and
 * then backward writes zeros whatever the mask holds. Masks: bit i % 32 of word floor(i / 32).
 */
import type { Backend } from './backend.js';
import * as check from './check.js';
import {
  DROP_ALL,
  dropoutScale,
  dropoutThreshold,
  fillNormal,
  fillUniform,
  philox4x32,
  PhiloxStream,
  seedWords,
} from './philox.js';

type DropoutKernels = Pick<
  Backend,
  | 'dropoutForward'
  | 'dropoutBackward'
  | 'dropoutMask'
  | 'dropoutBroadcastForward'
  | 'dropoutBroadcastBackward'
  | 'randnFill'
  | 'uniformFill'
  | 'philox4x32'
>;

const words = (bits: number): number => Math.ceil(bits / 32);

function bit(mask: Uint32Array, i: number): boolean {
  return ((mask[Math.floor(i / 32)]! >>> (i % 32)) & 1) === 1;
}

/** Writes the keep bits of draws offset .. offset + n - 1 into mask (whole words, high bits 0). */
function keepBits(mask: Uint32Array, n: number, threshold: number, k0: number, k1: number, offset: number): void {
  mask.fill(0, 0, words(n));
  const s = new PhiloxStream(k0, k1, offset);
  for (let i = 0; i < n; i++) {
    if (s.next() >= threshold) mask[Math.floor(i / 32)]! |= 1 << (i % 32);
  }
}

/** out[o, m, j] = bit(o * inner + j) ? x[o, m, j] * scale : 0 over [outer, mid, inner]. */
function applyBroadcast(
  out: Float32Array,
  x: Float32Array,
  mask: Uint32Array,
  outer: number,
  mid: number,
  inner: number,
  scale: number,
): void {
  if (outer === 0 || mid === 0 || inner === 0) return; // nothing to write, whatever the other sizes
  for (let o = 0; o < outer; o++) {
    for (let m = 0; m < mid; m++) {
      for (let j = 0; j < inner; j++) {
        const i = (o * mid + m) * inner + j;
        out[i] = bit(mask, o * inner + j) ? x[i]! * scale : 0;
      }
    }
  }
}

export const referenceDropout: DropoutKernels = {
  dropoutForward(out, mask, x, p, seed, offset, n) {
    check.expectArgsBetween(arguments, 6, 7, 'dropoutForward(out, mask, x, p, seed, offset[, n])');
    check.f32(out, 'out');
    check.u32(mask, 'mask');
    check.f32(x, 'x');
    check.finite(p, 'p', 0, 1);
    const [k0, k1] = seedWords(seed);
    check.size(offset, 'offset');
    const N = arguments.length === 7 ? check.size(n, 'n') : x.length;
    check.expectLength(out, N, 'out');
    check.expectLength(mask, words(N), 'mask');
    check.expectLength(x, N, 'x');
    check.expectSameOrDisjoint(out, 'out', x, 'x');
    check.expectDisjoint(mask, 'mask', out, 'out');
    check.expectDisjoint(mask, 'mask', x, 'x');
    const threshold = dropoutThreshold(p);
    if (threshold >= DROP_ALL) {
      out.fill(0, 0, N);
      mask.fill(0, 0, words(N));
      return;
    }
    const scale = dropoutScale(p);
    keepBits(mask, N, threshold, k0, k1, offset);
    for (let i = 0; i < N; i++) out[i] = bit(mask, i) ? x[i]! * scale : 0;
  },

  dropoutBackward(dx, dy, mask, p, n) {
    check.expectArgsBetween(arguments, 4, 5, 'dropoutBackward(dx, dy, mask, p[, n])');
    check.f32(dx, 'dx');
    check.f32(dy, 'dy');
    check.u32(mask, 'mask');
    check.finite(p, 'p', 0, 1);
    const N = arguments.length === 5 ? check.size(n, 'n') : dy.length;
    check.expectLength(dx, N, 'dx');
    check.expectLength(dy, N, 'dy');
    check.expectLength(mask, words(N), 'mask');
    check.expectSameOrDisjoint(dx, 'dx', dy, 'dy');
    check.expectDisjoint(dx, 'dx', mask, 'mask');
    if (dropoutThreshold(p) >= DROP_ALL) {
      dx.fill(0, 0, N);
      return;
    }
    const scale = dropoutScale(p);
    for (let i = 0; i < N; i++) dx[i] = bit(mask, i) ? dy[i]! * scale : 0;
  },

  dropoutMask(mask, p, seed, offset, n) {
    check.expectArgs(arguments, 5, 'dropoutMask(mask, p, seed, offset, n)');
    check.u32(mask, 'mask');
    check.finite(p, 'p', 0, 1);
    const [k0, k1] = seedWords(seed);
    check.size(offset, 'offset');
    check.size(n, 'n');
    check.expectLength(mask, words(n), 'mask');
    const threshold = dropoutThreshold(p);
    if (threshold >= DROP_ALL) mask.fill(0, 0, words(n));
    else keepBits(mask, n, threshold, k0, k1, offset);
  },

  dropoutBroadcastForward(out, mask, x, p, seed, offset, outer, mid, inner) {
    check.expectArgs(arguments, 9, 'dropoutBroadcastForward(out, mask, x, p, seed, offset, outer, mid, inner)');
    check.f32(out, 'out');
    check.u32(mask, 'mask');
    check.f32(x, 'x');
    check.finite(p, 'p', 0, 1);
    const [k0, k1] = seedWords(seed);
    check.size(offset, 'offset');
    check.size(outer, 'outer');
    check.size(mid, 'mid');
    check.size(inner, 'inner');
    const n = check.checkedMul(check.checkedMul(outer, mid, 'x'), inner, 'x');
    const bits = check.checkedMul(outer, inner, 'mask');
    check.expectLength(out, n, 'out');
    check.expectLength(mask, words(bits), 'mask');
    check.expectLength(x, n, 'x');
    check.expectSameOrDisjoint(out, 'out', x, 'x');
    check.expectDisjoint(mask, 'mask', out, 'out');
    check.expectDisjoint(mask, 'mask', x, 'x');
    const threshold = dropoutThreshold(p);
    if (threshold >= DROP_ALL) {
      out.fill(0, 0, n);
      mask.fill(0, 0, words(bits));
      return;
    }
    keepBits(mask, bits, threshold, k0, k1, offset);
    applyBroadcast(out, x, mask, outer, mid, inner, dropoutScale(p));
  },

  dropoutBroadcastBackward(dx, dy, mask, p, outer, mid, inner) {
    check.expectArgs(arguments, 7, 'dropoutBroadcastBackward(dx, dy, mask, p, outer, mid, inner)');
    check.f32(dx, 'dx');
    check.f32(dy, 'dy');
    check.u32(mask, 'mask');
    check.finite(p, 'p', 0, 1);
    check.size(outer, 'outer');
    check.size(mid, 'mid');
    check.size(inner, 'inner');
    const n = check.checkedMul(check.checkedMul(outer, mid, 'dy'), inner, 'dy');
    const bits = check.checkedMul(outer, inner, 'mask');
    check.expectLength(dx, n, 'dx');
    check.expectLength(dy, n, 'dy');
    check.expectLength(mask, words(bits), 'mask');
    check.expectSameOrDisjoint(dx, 'dx', dy, 'dy');
    check.expectDisjoint(dx, 'dx', mask, 'mask');
    if (dropoutThreshold(p) >= DROP_ALL) dx.fill(0, 0, n);
    else applyBroadcast(dx, dy, mask, outer, mid, inner, dropoutScale(p));
  },

  randnFill(out, mean, std, seed, offset, n) {
    check.expectArgs(arguments, 6, 'randnFill(out, mean, std, seed, offset, n)');
    check.f32(out, 'out');
    check.num(mean, 'mean');
    check.num(std, 'std');
    const [k0, k1] = seedWords(seed);
    check.size(offset, 'offset');
    check.size(n, 'n');
    check.expectLength(out, n, 'out');
    fillNormal(out, n, mean, std, k0, k1, offset);
  },

  uniformFill(out, low, high, seed, offset, n) {
    check.expectArgs(arguments, 6, 'uniformFill(out, low, high, seed, offset, n)');
    check.f32(out, 'out');
    check.num(low, 'low');
    check.num(high, 'high');
    const [k0, k1] = seedWords(seed);
    check.size(offset, 'offset');
    check.size(n, 'n');
    check.expectLength(out, n, 'out');
    fillUniform(out, n, low, high, k0, k1, offset);
  },

  philox4x32(counter, key, out) {
    check.expectArgs(arguments, 3, 'philox4x32(counter, key, out)');
    check.u32(counter, 'counter');
    check.u32(key, 'key');
    check.u32(out, 'out');
    check.expectLength(counter, 4, 'counter');
    check.expectLength(key, 2, 'key');
    check.expectLength(out, 4, 'out');
    check.expectSameOrDisjoint(out, 'out', counter, 'counter');
    check.expectSameOrDisjoint(out, 'out', key, 'key');
    const result = new Uint32Array(4);
    philox4x32(counter[0]!, counter[1]!, counter[2]!, counter[3]!, key[0]!, key[1]!, result);
    out.set(result);
  },
};
