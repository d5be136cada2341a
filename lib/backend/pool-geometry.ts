/**
 * Pooling geometry: PyTorch's output-size rule and the checks the native binding applies
 * (native/addon/pool_binding.cc), with the same messages. Used by the reference backend and by
 * the pooling ops to infer shapes before any memory is touched.
 */
import { argRangeError, argTypeError, describe } from '../errors.js';
import type { AdaptivePool2dGeometry, Pool2dGeometry } from './backend.js';
import { checkedMul } from './check.js';

const MAX_DIM = 2147483647;

/** PyTorch's pooling output size along one dimension (0 when the window does not fit). */
export function poolOutSize(input: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  const span = input + 2 * p - d * (k - 1) - 1;
  if (span < 0) return 0;
  let out = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // With ceil_mode the last window must start inside the image or its left padding.
  if (ceilMode && (out - 1) * s >= input + p) out--;
  return out;
}

/** A pooling geometry after checking, with its output size and plane count. */
export interface ResolvedPool2d {
  planes: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  countIncludePad: boolean;
  divisor: number;
}

function prop(o: Record<string, unknown>, key: string, lo: number, hi: number): number {
  const v = o[key];
  const expected = `integer in [${lo}, ${hi}]`;
  if (typeof v !== 'number') throw argTypeError(`geometry.${key}`, expected, v);
  if (!(v >= lo && v <= hi) || !Number.isInteger(v)) throw argRangeError(`geometry.${key}`, expected, v);
  return v;
}

function boolProp(o: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw argTypeError(`geometry.${key}`, 'boolean', v);
  return v;
}

function object(g: unknown): Record<string, unknown> {
  if (typeof g !== 'object' || g === null || Array.isArray(g) || ArrayBuffer.isView(g)) {
    throw new TypeError(`Expected geometry object for geometry but received ${describe(g)}`);
  }
  return g as Record<string, unknown>;
}

/** Checks a windowed pooling geometry (max when `dilated`, else avg) exactly as the binding does. */
export function resolvePool2d(geometry: Pool2dGeometry, dilated: boolean): ResolvedPool2d {
  const o = object(geometry);
  const n = prop(o, 'n', 0, MAX_DIM);
  const c = prop(o, 'c', 0, MAX_DIM);
  const h = prop(o, 'h', 1, MAX_DIM);
  const w = prop(o, 'w', 1, MAX_DIM);
  const kh = prop(o, 'kh', 1, MAX_DIM);
  const kw = prop(o, 'kw', 1, MAX_DIM);
  const sh = prop(o, 'sh', 1, MAX_DIM);
  const sw = prop(o, 'sw', 1, MAX_DIM);
  const ph = prop(o, 'ph', 0, Math.floor(kh / 2));
  const pw = prop(o, 'pw', 0, Math.floor(kw / 2));
  const dh = dilated ? prop(o, 'dh', 1, MAX_DIM) : 1;
  const dw = dilated ? prop(o, 'dw', 1, MAX_DIM) : 1;
  const ceil = boolProp(o, 'ceilMode', false);
  const oh = poolOutSize(h, kh, sh, ph, dh, ceil);
  const ow = poolOutSize(w, kw, sw, pw, dw, ceil);
  if (oh < 1 || ow < 1) {
    throw new RangeError(
      `Expected a non-empty output but an input of ${h}x${w} pooled with kernel ${kh}x${kw}, stride ${sh}x${sw}, padding ${ph}x${pw} and dilation ${dh}x${dw} gives ${oh}x${ow}`,
    );
  }
  const planes = checkedMul(n, c, 'n * c');
  checkedMul(checkedMul(planes, h, 'n * c * h'), w, 'n * c * h * w');
  checkedMul(checkedMul(planes, oh, 'n * c * oh'), ow, 'n * c * oh * ow');
  let countIncludePad = true;
  let divisor = 0;
  if (!dilated) {
    countIncludePad = boolProp(o, 'countIncludePad', true);
    divisor = o.divisorOverride === undefined ? 0 : prop(o, 'divisorOverride', 0, MAX_DIM);
  }
  return { planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, countIncludePad, divisor };
}

/** Checks an adaptive pooling geometry exactly as the binding does. */
export function resolveAdaptive2d(geometry: AdaptivePool2dGeometry): ResolvedPool2d {
  const o = object(geometry);
  const n = prop(o, 'n', 0, MAX_DIM);
  const c = prop(o, 'c', 0, MAX_DIM);
  const h = prop(o, 'h', 1, MAX_DIM);
  const w = prop(o, 'w', 1, MAX_DIM);
  const oh = prop(o, 'oh', 1, MAX_DIM);
  const ow = prop(o, 'ow', 1, MAX_DIM);
  const planes = checkedMul(n, c, 'n * c');
  checkedMul(checkedMul(planes, h, 'n * c * h'), w, 'n * c * h * w');
  checkedMul(checkedMul(planes, oh, 'n * c * oh'), ow, 'n * c * oh * ow');
  return {
    planes,
    h,
    w,
    oh,
    ow,
    kh: 0,
    kw: 0,
    sh: 0,
    sw: 0,
    ph: 0,
    pw: 0,
    dh: 1,
    dw: 1,
    countIncludePad: true,
    divisor: 0,
  };
}
