/**
 * Pooling on Tensors with PyTorch's semantics and output sizes: maxPool2d (backward through the
 * recorded argmax), avgPool2d, adaptiveAvgPool2d, and 1-D forms that view (N, C, L) as
 * (N, C, 1, L). Inputs are (N, C, H, W) or unbatched (C, H, W).
 */
import { boolean, orDefault } from '../args.js';
import { record } from '../autograd/record.js';
import { activeBackend } from '../backend/index.js';
import { newData, newDataUninit } from '../backend/storage.js';
import type { AdaptivePool2dGeometry, Pool2dGeometry } from '../backend/backend.js';
import { resolveAdaptive2d, resolvePool2d } from '../backend/pool-geometry.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './check.js';
import { pair, type Pair } from './conv.js';

export interface MaxPool2dOptions {
  /** Window size. */
  kernelSize: Pair;
  /** Step between windows (default: kernelSize). */
  stride?: Pair | null;
  /** Implicit -inf padding on each side, at most half the kernel (default 0). */
  padding?: Pair;
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  kernelSize: Pair;
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size. */
  divisorOverride?: number | null;
}

function nchw(x: Tensor, op: string): [number, number, number, number] {
  if (x.rank === 4) return x.shape as unknown as [number, number, number, number];
  if (x.rank === 3) return [1, x.shape[0]!, x.shape[1]!, x.shape[2]!];
  throw new ShapeError(`${op}: expected input of shape [N, C, H, W] or [C, H, W] but received ${formatShape(x.shape)}`);
}

function outShape(x: Tensor, n: number, c: number, oh: number, ow: number): number[] {
  return x.rank === 4 ? [n, c, oh, ow] : [c, oh, ow];
}

function options(value: unknown, op: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null)
    throw argTypeError('options', `${op} options with kernelSize`, value);
  return value as Record<string, unknown>;
}

/** Window geometry shared by max and avg pooling. */
function windowGeometry(x: Tensor, o: Record<string, unknown>, op: string): Pool2dGeometry {
  const [n, c, h, w] = nchw(x, op);
  const [kh, kw] = pair(o.kernelSize, 'kernelSize');
  const [sh, sw] = o.stride === undefined || o.stride === null ? [kh, kw] : pair(o.stride, 'stride');
  const [ph, pw] = pair(o.padding ?? 0, 'padding', 0);
  if (ph > kh / 2 || pw > kw / 2)
    throw argRangeError(
      'padding',
      `at most half the kernel size (${Math.floor(kh / 2)}, ${Math.floor(kw / 2)})`,
      o.padding,
    );
  return { n, c, h, w, kh, kw, sh, sw, ph, pw, ceilMode: boolean(orDefault(o.ceilMode, false), 'ceilMode') };
}

/** 2-D max pooling (PyTorch's F.max_pool2d). */
export function maxPool2d(x: Tensor, opts: MaxPool2dOptions): Tensor {
  expectTensor(x, 'x');
  const o = options(opts, 'maxPool2d');
  const [dh, dw] = pair(o.dilation ?? 1, 'dilation');
  const g = { ...windowGeometry(x, o, 'maxPool2d'), dh, dw };
  const r = resolvePool2d(g, true);
  const k = activeBackend();
  const out = newDataUninit(r.planes * r.oh * r.ow);
  const indices = new Int32Array(out.length);
  k.maxPool2dForward(out, indices, x.data, g);
  return record(
    new Tensor(out, outShape(x, g.n, g.c, r.oh, r.ow)),
    'maxPool2d',
    [x],
    (dy) => {
      const dx = newData(x.size);
      k.maxPool2dBackward(dx, dy, indices, g);
      return [dx];
    },
    g,
  );
}

/** 2-D average pooling (PyTorch's F.avg_pool2d). */
export function avgPool2d(x: Tensor, opts: AvgPool2dOptions): Tensor {
  expectTensor(x, 'x');
  const o = options(opts, 'avgPool2d');
  const div = o.divisorOverride;
  if (div !== undefined && div !== null && (typeof div !== 'number' || !Number.isInteger(div) || div < 1)) {
    throw argRangeError('divisorOverride', 'positive integer or null', div);
  }
  const g = {
    ...windowGeometry(x, o, 'avgPool2d'),
    countIncludePad: boolean(orDefault(o.countIncludePad, true), 'countIncludePad'),
    divisorOverride: typeof div === 'number' ? div : 0,
  };
  const r = resolvePool2d(g, false);
  const k = activeBackend();
  const out = newDataUninit(r.planes * r.oh * r.ow);
  k.avgPool2dForward(out, x.data, g);
  return record(
    new Tensor(out, outShape(x, g.n, g.c, r.oh, r.ow)),
    'avgPool2d',
    [x],
    (dy) => {
      const dx = newData(x.size);
      k.avgPool2dBackward(dx, dy, g);
      return [dx];
    },
    g,
  );
}

/** Adaptive average pooling to a fixed output size (null keeps that dimension). */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  expectTensor(x, 'x');
  const [n, c, h, w] = nchw(x, 'adaptiveAvgPool2d');
  const [oh0, ow0] =
    typeof outputSize === 'number'
      ? [outputSize, outputSize]
      : Array.isArray(outputSize) && outputSize.length === 2
        ? outputSize
        : [undefined, undefined];
  const oh = oh0 === null ? h : oh0;
  const ow = ow0 === null ? w : ow0;
  for (const v of [oh, ow]) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      throw argRangeError('outputSize', 'positive integer, or a pair of positive integers or null', outputSize);
  }
  const g: AdaptivePool2dGeometry = { n, c, h, w, oh: oh as number, ow: ow as number };
  const r = resolveAdaptive2d(g);
  const k = activeBackend();
  const out = newDataUninit(r.planes * r.oh * r.ow);
  k.adaptiveAvgPool2dForward(out, x.data, g);
  return record(
    new Tensor(out, outShape(x, n, c, r.oh, r.ow)),
    'adaptiveAvgPool2d',
    [x],
    (dy) => {
      const dx = newData(x.size);
      k.adaptiveAvgPool2dBackward(dx, dy, g);
      return [dx];
    },
    g,
  );
}

/** The 2-D view (N, C, 1, L) of a 1-D input (N, C, L) or (C, L). */
function as2d(x: Tensor, op: string): Tensor {
  expectTensor(x, 'x');
  if (x.rank === 3) return x.reshape([x.shape[0]!, x.shape[1]!, 1, x.shape[2]!]);
  if (x.rank === 2) return x.reshape([x.shape[0]!, 1, x.shape[1]!]);
  throw new ShapeError(`${op}: expected input of shape [N, C, L] or [C, L] but received ${formatShape(x.shape)}`);
}

function as1d(y: Tensor, rank: number): Tensor {
  return rank === 3 ? y.reshape([y.shape[0]!, y.shape[1]!, y.shape[3]!]) : y.reshape([y.shape[0]!, y.shape[2]!]);
}

function single(value: unknown, name: string, min = 1): number {
  if (typeof value !== 'number') throw argTypeError(name, `integer >= ${min}`, value);
  if (!Number.isInteger(value) || value < min) throw argRangeError(name, `integer >= ${min}`, value);
  return value;
}

export interface Pool1dOptions {
  kernelSize: number;
  stride?: number | null;
  padding?: number;
  dilation?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** 1-D max pooling over (N, C, L). */
export function maxPool1d(x: Tensor, opts: Pool1dOptions): Tensor {
  const o = options(opts, 'maxPool1d');
  const k = single(o.kernelSize, 'kernelSize');
  const y = maxPool2d(as2d(x, 'maxPool1d'), {
    kernelSize: [1, k],
    stride: [1, o.stride === undefined || o.stride === null ? k : single(o.stride, 'stride')],
    padding: [0, single(o.padding ?? 0, 'padding', 0)],
    dilation: [1, single(o.dilation ?? 1, 'dilation')],
    ceilMode: (o.ceilMode as boolean | undefined) ?? false,
  });
  return as1d(y, x.rank);
}

/** 1-D average pooling over (N, C, L). */
export function avgPool1d(x: Tensor, opts: Pool1dOptions): Tensor {
  const o = options(opts, 'avgPool1d');
  const k = single(o.kernelSize, 'kernelSize');
  const y = avgPool2d(as2d(x, 'avgPool1d'), {
    kernelSize: [1, k],
    stride: [1, o.stride === undefined || o.stride === null ? k : single(o.stride, 'stride')],
    padding: [0, single(o.padding ?? 0, 'padding', 0)],
    ceilMode: (o.ceilMode as boolean | undefined) ?? false,
    countIncludePad: (o.countIncludePad as boolean | undefined) ?? true,
  });
  return as1d(y, x.rank);
}

/** Adaptive 1-D average pooling over (N, C, L). */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  return as1d(adaptiveAvgPool2d(as2d(x, 'adaptiveAvgPool1d'), [1, single(outputSize, 'outputSize')]), x.rank);
}
