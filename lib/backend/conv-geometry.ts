/**
 * 2-D convolution geometry (NCHW input, OIHW weights, PyTorch's semantics): the checks the
 * native binding applies, with the same messages, and the output size. Padding is given per side
 * (top, bottom, left, right) because PyTorch's padding='same' pads asymmetrically when the
 * dilated kernel's extent is even.
 */
import { argRangeError, argTypeError, describe } from '../errors.js';
import { checkedMul } from './check.js';

/** x: (n, c, h, w); weight: (k, c / groups, kh, kw); out: (n, k, oh, ow). */
export interface Conv2dGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  /** Output channels. */
  k: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  /** Padding: top, bottom, left, right (any non-negative size). */
  pt: number;
  pb: number;
  pl: number;
  pr: number;
  dh: number;
  dw: number;
  groups: number;
}

export interface ResolvedConv2d extends Conv2dGeometry {
  oh: number;
  ow: number;
  /** c / groups and k / groups. */
  cg: number;
  kg: number;
  xSize: number;
  wSize: number;
  outSize: number;
}

const MAX_DIM = 2147483647;

function prop(o: Record<string, unknown>, key: string, lo: number, hi = MAX_DIM): number {
  const v = o[key];
  const expected = `integer in [${lo}, ${hi}]`;
  if (typeof v !== 'number') throw argTypeError(`geometry.${key}`, expected, v);
  if (!(v >= lo && v <= hi) || !Number.isInteger(v)) throw argRangeError(`geometry.${key}`, expected, v);
  return v;
}

/** PyTorch's convolution output size along one dimension (may be <= 0: an error for the caller). */
export function convOutSize(
  input: number,
  k: number,
  s: number,
  padBefore: number,
  padAfter: number,
  d: number,
): number {
  return Math.floor((input + padBefore + padAfter - d * (k - 1) - 1) / s) + 1;
}

export function resolveConv2d(geometry: Conv2dGeometry): ResolvedConv2d {
  if (typeof geometry !== 'object' || geometry === null || Array.isArray(geometry) || ArrayBuffer.isView(geometry)) {
    throw new TypeError(`Expected geometry object for geometry but received ${describe(geometry)}`);
  }
  const o = geometry as unknown as Record<string, unknown>;
  const n = prop(o, 'n', 0);
  const c = prop(o, 'c', 1);
  const h = prop(o, 'h', 1);
  const w = prop(o, 'w', 1);
  const k = prop(o, 'k', 1);
  const kh = prop(o, 'kh', 1);
  const kw = prop(o, 'kw', 1);
  const sh = prop(o, 'sh', 1);
  const sw = prop(o, 'sw', 1);
  const pt = prop(o, 'pt', 0);
  const pb = prop(o, 'pb', 0);
  const pl = prop(o, 'pl', 0);
  const pr = prop(o, 'pr', 0);
  const dh = prop(o, 'dh', 1);
  const dw = prop(o, 'dw', 1);
  const groups = prop(o, 'groups', 1);
  if (c % groups !== 0)
    throw new RangeError(`Expected input channels divisible by groups but c = ${c} and groups = ${groups}`);
  if (k % groups !== 0)
    throw new RangeError(`Expected output channels divisible by groups but k = ${k} and groups = ${groups}`);
  const oh = convOutSize(h, kh, sh, pt, pb, dh);
  const ow = convOutSize(w, kw, sw, pl, pr, dw);
  if (oh < 1 || ow < 1) {
    throw new RangeError(
      `Expected a non-empty output but an input of ${h}x${w} (padded by ${pt},${pb},${pl},${pr}) convolved with kernel ${kh}x${kw}, stride ${sh}x${sw} and dilation ${dh}x${dw} gives ${oh}x${ow}`,
    );
  }
  const xSize = checkedMul(checkedMul(checkedMul(n, c, 'n * c'), h, 'n * c * h'), w, 'n * c * h * w');
  const wSize = checkedMul(
    checkedMul(checkedMul(k, c / groups, 'k * c / groups'), kh, 'k * c / groups * kh'),
    kw,
    'k * c / groups * kh * kw',
  );
  const outSize = checkedMul(checkedMul(checkedMul(n, k, 'n * k'), oh, 'n * k * oh'), ow, 'n * k * oh * ow');
  checkedMul(checkedMul((c / groups) * kh * kw, oh, 'c / groups * kh * kw * oh'), ow, 'c / groups * kh * kw * oh * ow');
  return {
    n,
    c,
    h,
    w,
    k,
    kh,
    kw,
    sh,
    sw,
    pt,
    pb,
    pl,
    pr,
    dh,
    dw,
    groups,
    oh,
    ow,
    cg: c / groups,
    kg: k / groups,
    xSize,
    wSize,
    outSize,
  };
}

/** A padding as PyTorch takes it: one size for both dimensions, a [h, w] pair, 'valid' or 'same'. */
export type PaddingSpec = number | readonly [number, number] | 'valid' | 'same';

/**
 * Per-side padding [top, bottom, left, right] for a PyTorch padding spec. 'same' keeps the size
 * at stride 1: the dilated kernel's extent d*(k-1) is split with the smaller half before, as
 * PyTorch does, so an even extent pads one more after than before.
 */
export function resolvePadding(
  padding: PaddingSpec,
  kernel: readonly [number, number],
  dilation: readonly [number, number],
  stride: readonly [number, number],
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1)
      throw new RangeError("padding='same' is not supported for strided convolutions");
    const th = dilation[0] * (kernel[0] - 1);
    const tw = dilation[1] * (kernel[1] - 1);
    return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  }
  const expected = "non-negative integer, pair, 'valid' or 'same'";
  if (typeof padding !== 'number' && !(Array.isArray(padding) && padding.length === 2)) {
    if (typeof padding === 'string' || Array.isArray(padding)) throw argRangeError('padding', expected, padding);
    throw argTypeError('padding', expected, padding);
  }
  const [ph, pw] = typeof padding === 'number' ? [padding, padding] : padding;
  for (const [name, v] of [
    ['padding', ph],
    ['padding', pw],
  ] as const) {
    if (typeof v !== 'number') throw argTypeError(name, "non-negative integer, pair, 'valid' or 'same'", padding);
    if (!Number.isInteger(v) || v < 0)
      throw argRangeError(name, "non-negative integer, pair, 'valid' or 'same'", padding);
  }
  return [ph, ph, pw, pw];
}
