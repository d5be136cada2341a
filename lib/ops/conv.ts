/**
 * conv2d and conv1d on Tensors (PyTorch's F.conv2d / F.conv1d), differentiable in input, weight
 * and bias through the backend's convolution kernels.
 *   x (N, C, H, W) or unbatched (C, H, W); weight (K, C / groups, kh, kw); bias (K) or null
 *   out (N, K, OH, OW), OH = floor((H + pad_top + pad_bottom - dilation*(kh-1) - 1) / stride) + 1
 * conv1d views (N, C, L) as (N, C, 1, L) with a (K, C / groups, 1, k) kernel.
 */
import { positiveInt } from '../args.js';
import { needsGrad, record } from '../autograd/record.js';
import { tracing } from '../autograd/trace.js';
import { activeBackend } from '../backend/index.js';
import { newDataUninit } from '../backend/storage.js';
import {
  resolveConv2d,
  resolvePadding,
  type Conv2dGeometry,
  type PaddingSpec,
  type ResolvedConv2d,
} from '../backend/conv-geometry.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { expectLive, expectOptions, expectTensor, expectTensorType } from './check.js';
import { expectNotRecorded, expectOut, outShapeError, rethrowOverlap } from './out.js';

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  /** Stride (default 1). */
  stride?: Pair;
  /** Zero padding: a size, a [h, w] pair, 'valid' (none) or 'same' (output size = input size; stride 1 only). Default 0. */
  padding?: PaddingSpec;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Split channels into this many independent groups (default 1; groups = C is depthwise). */
  groups?: number;
  /**
   * A tensor of the result's shape ((N, K, OH, OW), or (K, OH, OW) for an unbatched x) to write
   * the result into (PyTorch's `out=`); it is returned. Not with autograd: an input that
   * requires grad (in grad mode), a tracer, or an `out` that requires grad is an error, and so
   * is an `out` sharing memory with x, weight or bias. Default none (a new tensor).
   */
  out?: Tensor | null;
}

const CONV2D_OPTIONS = ['stride', 'padding', 'dilation', 'groups', 'out'];

/** A positive integer or a pair of them, as [h, w]. */
export function pair(value: unknown, name: string, min = 1): [number, number] {
  const expected = `integer >= ${min} or a pair of them`;
  const [a, b] =
    typeof value === 'number'
      ? [value, value]
      : Array.isArray(value) && value.length === 2
        ? value
        : [undefined, undefined];
  for (const v of [a, b]) {
    if (typeof v !== 'number') throw argTypeError(name, expected, value);
    if (!Number.isInteger(v) || v < min) throw argRangeError(name, expected, value);
  }
  return [a as number, b as number];
}

/** The checked geometry of conv2d(x, weight) with these options (x is 4-D). */
export function conv2dGeometry(
  xShape: readonly number[],
  wShape: readonly number[],
  options: Conv2dOptions,
): Conv2dGeometry {
  return conv2dResolved(xShape, wShape, options).g;
}

/** conv2dGeometry and its resolved sizes, checked once (conv2d's per-call path). */
function conv2dResolved(
  xShape: readonly number[],
  wShape: readonly number[],
  options: Conv2dOptions,
): { g: Conv2dGeometry; r: ResolvedConv2d } {
  const [n, c, h, w] = xShape as [number, number, number, number];
  if (wShape.length !== 4)
    throw new ShapeError(
      `conv2d: expected weight of shape [out, in / groups, kh, kw] but received ${formatShape(wShape)}`,
    );
  const [k, cg, kh, kw] = wShape as [number, number, number, number];
  const [sh, sw] = pair(options.stride ?? 1, 'stride');
  const [dh, dw] = pair(options.dilation ?? 1, 'dilation');
  const groups = positiveInt(options.groups ?? 1, 'groups');
  const [pt, pb, pl, pr] = resolvePadding(options.padding ?? 0, [kh, kw], [dh, dw], [sh, sw]);
  if (c !== cg * groups) {
    throw new ShapeError(
      `conv2d: expected input with ${cg * groups} channels (weight ${formatShape(wShape)}, groups ${groups}) but received ${formatShape(xShape)}`,
      {
        expected: [-1, cg * groups, -1, -1],
        received: xShape,
      },
    );
  }
  const g = { n, c, h, w, k, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups };
  // RangeError for an empty output, channels not divisible by groups, overflow.
  return { g, r: resolveConv2d(g) };
}

/** 2-D convolution (PyTorch's F.conv2d); the result is a new tensor or `options.out`. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  // Types first, storage once the geometry gives the element counts (expectLive).
  expectTensorType(x, 'x');
  expectTensorType(weight, 'weight');
  if (bias !== null) expectTensorType(bias, 'bias');
  expectOptions(options, CONV2D_OPTIONS, 'conv2d');
  if (x.rank !== 3 && x.rank !== 4) {
    throw new ShapeError(
      `conv2d: expected input of shape [N, C, H, W] or [C, H, W] but received ${formatShape(x.shape)}`,
    );
  }
  const batched = x.rank === 4;
  const xShape = batched ? x.shape : [1, ...x.shape];
  const { g, r } = conv2dResolved(xShape, weight.shape, options);
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== g.k)) {
    throw new ShapeError(`conv2d: expected bias of shape [${g.k}] but received ${formatShape(bias.shape)}`);
  }
  expectLive(x, r.xSize, 'x');
  expectLive(weight, r.wSize, 'weight');
  if (bias !== null) expectLive(bias, g.k, 'bias');
  if (options.out !== undefined && options.out !== null) return conv2dInto(x, weight, bias, batched, g, r, options.out);
  const k = activeBackend();
  const out = newDataUninit(r.outSize);
  k.conv2dForward(out, x.data, weight.data, bias === null ? null : bias.data, g);
  const shape = batched ? [g.n, g.k, r.oh, r.ow] : [g.k, r.oh, r.ow];
  const y = new Tensor(out, shape);
  if (!tracing() && !needsGrad(x, weight, bias)) return y; // no closure or input list per call
  return recordConv2d(y, x, weight, bias, g, r);
}

/** Puts a conv2d result on the tape (apart from conv2d, which so captures nothing; see recordLinear in matmul.ts). */
function recordConv2d(
  y: Tensor,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  g: Conv2dGeometry,
  r: ResolvedConv2d,
): Tensor {
  const k = activeBackend();
  return record(
    y,
    'conv2d',
    [x, weight, bias],
    (dy, needs) => {
      let dx: Float32Array | null = null;
      if (needs[0]) {
        dx = newDataUninit(r.xSize);
        k.conv2dBackwardData(dx, dy, weight.data, g);
      }
      let dw: Float32Array | null = null;
      let db: Float32Array | null = null;
      if (needs[1] || needs[2]) {
        dw = newDataUninit(r.wSize);
        db = needs[2] ? newDataUninit(g.k) : null;
        k.conv2dBackwardWeight(dw, db, dy, x.data, g);
      }
      return [dx, needs[1] ? dw : null, db];
    },
    g,
  );
}

/**
 * conv2d's out path: out's shape checked in place against the resolved geometry, then the
 * kernel writes into out's storage (no output array, no shape array, no Tensor).
 */
function conv2dInto(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  batched: boolean,
  g: Conv2dGeometry,
  r: ResolvedConv2d,
  value: unknown,
): Tensor {
  const out = expectOut(value, 'conv2d');
  const s = out.shape;
  const same = batched
    ? out.rank === 4 && s[0] === g.n && s[1] === g.k && s[2] === r.oh && s[3] === r.ow
    : out.rank === 3 && s[0] === g.k && s[1] === r.oh && s[2] === r.ow;
  if (!same) throw outShapeError('conv2d', batched ? [g.n, g.k, r.oh, r.ow] : [g.k, r.oh, r.ow], out);
  expectLive(out, r.outSize, 'out');
  expectNotRecorded('conv2d', x, 'x', weight, 'weight', bias, 'bias');
  try {
    activeBackend().conv2dForward(out.data, x.data, weight.data, bias === null ? null : bias.data, g);
  } catch (e) {
    rethrowOverlap(e, 'conv2d', out, x, 'x', weight, 'weight', bias, 'bias');
  }
  return out;
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'valid' | 'same';
  dilation?: number;
  groups?: number;
}

const CONV1D_OPTIONS = ['stride', 'padding', 'dilation', 'groups'];

/** 1-D convolution (PyTorch's F.conv1d): x (N, C, L) or (C, L), weight (K, C / groups, k). */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  expectTensor(x, 'x');
  expectTensor(weight, 'weight');
  expectOptions(options, CONV1D_OPTIONS, 'conv1d');
  if (x.rank !== 2 && x.rank !== 3)
    throw new ShapeError(`conv1d: expected input of shape [N, C, L] or [C, L] but received ${formatShape(x.shape)}`);
  if (weight.rank !== 3)
    throw new ShapeError(
      `conv1d: expected weight of shape [out, in / groups, k] but received ${formatShape(weight.shape)}`,
    );
  const p = options.padding ?? 0;
  const padding: PaddingSpec = typeof p === 'number' ? [0, p] : p;
  const x4 = x.reshape(x.rank === 3 ? [x.shape[0]!, x.shape[1]!, 1, x.shape[2]!] : [x.shape[0]!, 1, x.shape[1]!]);
  const w4 = weight.reshape([weight.shape[0]!, weight.shape[1]!, 1, weight.shape[2]!]);
  const y = conv2d(x4, w4, bias, {
    stride: [1, options.stride ?? 1],
    padding,
    dilation: [1, options.dilation ?? 1],
    groups: options.groups ?? 1,
  });
  return y.reshape(x.rank === 3 ? [y.shape[0]!, y.shape[1]!, y.shape[3]!] : [y.shape[0]!, y.shape[2]!]);
}
