/**
 * matmul and linear, on the backend's row-major sgemm for the forward and both backward
 * products. With x as rows (M, K), w as (N, K) (PyTorch's Linear layout [out, in]) and the
 * output gradient g as (M, N):
 *   linear:  y = x w^T + b     dx = g w     dw = g^T x     db = column sums of g
 *   matmul:  y = a b           da = g b^T   db = a^T g
 * Leading dimensions of x (or a) are flattened into M: every tensor is contiguous, so that is
 * free. Bias and activation are applied after the product.
 */
import { needsGrad, record } from '../autograd/record.js';
import { tracing } from '../autograd/trace.js';
import { ACTIVATION_TABLE, type ActivationSpec } from '../backend/activation.js';
import { activeBackend } from '../backend/index.js';
import { copyData, newDataUninit } from '../backend/storage.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expectLive, expectOptions, expectTensorType } from './check.js';
import { expectNotRecorded, expectOut, outShapeError, rethrowOverlap } from './out.js';

/**
 * C (m x n) = op(A) op(B); leading dimensions are the row lengths of the stored matrices.
 * With `into` (a backward closure's in-place target), C is added into it instead (beta = 1)
 * and `into` is returned, unless `into` shares storage with a or b (a grad set to an input's
 * own storage): then C is a new array, which the engine adds as usual.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
  into: Float32Array | null = null,
): Float32Array {
  if (into !== null && (into.buffer === a.buffer || into.buffer === b.buffer)) into = null;
  const c = into ?? newDataUninit(m * n);
  const lda = Math.max(1, transA ? m : k);
  const ldb = Math.max(1, transB ? k : n);
  activeBackend().sgemm(transA, transB, m, n, k, 1, a, lda, b, ldb, into === null ? 0 : 1, c, Math.max(1, n));
  return c;
}

type MatmulShape<A extends Shape, B extends Shape> = A extends readonly [infer M extends number, number]
  ? B extends readonly [number, infer N extends number]
    ? readonly [M, N]
    : Shape
  : Shape;

export interface MatmulOptions {
  /**
   * A tensor of the result's shape to write the result into (PyTorch's `out=`); it is returned.
   * Not with autograd: an input that requires grad (in grad mode), a tracer, or an `out` that
   * requires grad is an error, and so is an `out` sharing memory with a or b. Default none (a
   * new tensor).
   */
  out?: Tensor | null;
}

const MATMUL_OPTIONS = ['out'];

/**
 * Matrix product. a is (M, K) or a batch (..., M, K), or a vector (K); b is (K, N) or a vector
 * (K). A vector operand's dimension is dropped from the result, as in PyTorch.
 */
export function matmul<A extends Shape, B extends Shape>(
  a: Tensor<A>,
  b: Tensor<B>,
  options?: MatmulOptions,
): Tensor<MatmulShape<A, B>>;
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  expectTensorType(a, 'a');
  expectTensorType(b, 'b');
  expectOptions(options, MATMUL_OPTIONS, 'matmul');
  if (a.rank === 0 || b.rank === 0 || b.rank > 2) {
    throw new ShapeError(
      `matmul: expected a of rank >= 1 and b of rank 1 or 2 but received shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const k = a.shape[a.rank - 1]!;
  const kb = b.shape[0]!;
  if (k !== kb) {
    throw new ShapeError(
      `matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied (${k} != ${kb})`,
    );
  }
  const n = b.rank === 2 ? b.shape[1]! : 1;
  let m = 1;
  for (let i = 0; i < a.rank - 1; i++) m *= a.shape[i]!;
  expectLive(a, m * k, 'a');
  expectLive(b, k * n, 'b');
  if (options.out !== undefined && options.out !== null) return matmulInto(a, b, m, n, k, options.out);
  const shape = [...a.shape.slice(0, -1), ...(b.rank === 2 ? [n] : [])];
  const y = new Tensor(gemm(false, false, m, n, k, a.data, b.data), shape);
  if (!tracing() && !needsGrad(a, b)) return y;
  return recordMatmul(y, a, b, m, n, k);
}

/** Puts a matmul result on the tape (apart from matmul, which so captures nothing; see recordLinear). */
function recordMatmul(y: Tensor, a: Tensor, b: Tensor, m: number, n: number, k: number): Tensor {
  return record(y, 'matmul', [a, b], (g, needs, into) => [
    needs[0] ? gemm(false, true, m, k, n, g, b.data, into[0] ?? null) : null,
    needs[1] ? gemm(true, false, k, n, m, a.data, g, into[1] ?? null) : null,
  ]);
}

/** matmul's out path: checks, then the product written straight into out (no allocation). */
function matmulInto(a: Tensor, b: Tensor, m: number, n: number, k: number, value: unknown): Tensor {
  const out = expectOut(value, 'matmul');
  const lead = a.rank - 1;
  const rank = b.rank === 2 ? lead + 1 : lead;
  let same = out.rank === rank && (b.rank === 1 || out.shape[lead] === n);
  for (let i = 0; same && i < lead; i++) same = out.shape[i] === a.shape[i];
  if (!same) throw outShapeError('matmul', [...a.shape.slice(0, -1), ...(b.rank === 2 ? [n] : [])], out);
  expectLive(out, m * n, 'out');
  expectNotRecorded('matmul', a, 'a', b, 'b', null, '');
  const ldc = Math.max(1, n);
  try {
    activeBackend().sgemm(false, false, m, n, k, 1, a.data, Math.max(1, k), b.data, ldc, 0, out.data, ldc);
  } catch (e) {
    rethrowOverlap(e, 'matmul', out, a, 'a', b, 'b', null, '');
  }
  return out;
}

/** Activations linear can apply to its output in the same op. */
export type LinearActivation = 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'gelu' | 'elu' | 'selu' | 'softplus';

/** Every activation linear takes. */
export const LINEAR_ACTIVATIONS: readonly LinearActivation[] = [
  'relu',
  'leakyRelu',
  'sigmoid',
  'tanh',
  'gelu',
  'elu',
  'selu',
  'softplus',
];

export interface LinearOptions {
  /** Applied to x w^T + b in the same op (default none); parameters are PyTorch's defaults. */
  activation?: LinearActivation | null;
  /**
   * A tensor of the result's shape (..., out) to write the result into (PyTorch's `out=`); it is
   * returned. Not with autograd: an input that requires grad (in grad mode), a tracer, or an
   * `out` that requires grad is an error, and so is an `out` sharing memory with x, weight or
   * bias. Default none (a new tensor).
   */
  out?: Tensor | null;
}

const LINEAR_OPTIONS = ['activation', 'out'];

function checkActivation(value: unknown): LinearActivation | null {
  if (value === undefined || value === null) return null;
  const names: readonly string[] = LINEAR_ACTIVATIONS;
  if (typeof value !== 'string') throw argTypeError('activation', `one of ${names.join(', ')}`, value);
  if (!names.includes(value)) throw argRangeError('activation', `one of ${names.join(', ')}`, value);
  return value as LinearActivation;
}

/**
 * x w^T + b, optionally followed by an activation. x is (..., in), weight (out, in), bias
 * (out) or omitted; the result is (..., out), a new tensor or `options.out`.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, options: LinearOptions = {}): Tensor {
  // Types first, storage once the shapes give the element counts (expectLive: one comparison
  // each instead of a product over every shape; this op runs per request in a server).
  expectTensorType(x, 'x');
  expectTensorType(weight, 'weight');
  const b = bias ?? null;
  if (b !== null) expectTensorType(b, 'bias');
  expectOptions(options, LINEAR_OPTIONS, 'linear');
  const activation = checkActivation(options.activation);
  const ws = weight.shape;
  if (ws.length !== 2)
    throw new ShapeError(`linear: expected weight of shape [out, in] but received ${formatShape(ws)}`);
  const outF = ws[0]!;
  const inF = ws[1]!;
  const lead = x.rank - 1;
  if (lead < 0 || x.shape[lead] !== inF) {
    throw new ShapeError(`linear: expected input [*, ${inF}] but received ${formatShape(x.shape)}`, {
      expected: [-1, inF],
      received: x.shape,
    });
  }
  if (b !== null && (b.rank !== 1 || b.shape[0] !== outF)) {
    throw new ShapeError(`linear: expected bias of shape [${outF}] but received ${formatShape(b.shape)}`);
  }
  let m = 1;
  for (let i = 0; i < lead; i++) m *= x.shape[i]!;
  expectLive(x, m * inF, 'x');
  expectLive(weight, outF * inF, 'weight');
  if (b !== null) expectLive(b, outF, 'bias');
  if (options.out !== undefined && options.out !== null)
    return linearInto(x, weight, b, activation, m, inF, outF, options.out);
  // The output's shape without array spreads (this path runs per call).
  const shape = x.shape.slice();
  shape[lead] = outF;
  const backend = activeBackend();
  const act = activation === null ? null : ACTIVATION_TABLE[activation];
  const track = needsGrad(x, weight, b);
  // One pass over the output: the kernel adds the bias and applies the activation as it writes
  // each tile. Activations the kernel lacks, and those whose derivative needs the
  // pre-activation when a gradient will be taken (gelu), are applied here; the pre-activation
  // is kept only when a gradient will be taken.
  const fuse = act !== null && act.kernel !== null && (act.dfFromOutput || !track);
  const y = newDataUninit(m * outF);
  backend.linearForward(y, x.data, weight.data, b === null ? null : b.data, m, inF, outF, fuse ? act.kernel! : 'none');
  const pre = act === null || fuse || !track ? null : copyData(y);
  if (act !== null && !fuse) {
    const { f } = act.fn;
    if (pre === null) for (let i = 0; i < y.length; i++) y[i] = f(y[i]!);
    else for (let i = 0; i < y.length; i++) y[i] = f(pre[i]!);
  }
  const out = new Tensor(y, shape);
  if (!track && !tracing()) return out;
  return recordLinear(out, x, weight, b, activation, act, pre, m, inF, outF);
}

/**
 * Puts a fresh linear result on the tape. Apart from linear so that linear itself captures
 * nothing: a function with a closure allocates the closure's context on every call, taken or not.
 */
function recordLinear(
  out: Tensor,
  x: Tensor,
  weight: Tensor,
  b: Tensor | null,
  activation: LinearActivation | null,
  act: ActivationSpec | null,
  pre: Float32Array | null,
  m: number,
  inF: number,
  outF: number,
): Tensor {
  const backend = activeBackend();
  const y = out.data;
  return record(
    out,
    activation === null ? 'linear' : `linear+${activation}`,
    [x, weight, b],
    (g, needs, into) => {
      let gz = g;
      if (activation === 'relu') {
        // relu(z) > 0 exactly where z > 0, so the output stands in for the pre-activation.
        gz = newDataUninit(g.length);
        backend.reluBackward(gz, g, y, g.length);
      } else if (act !== null) {
        // pre is null only when the derivative reads from the output alone.
        const { df } = act.fn;
        gz = newDataUninit(g.length);
        if (pre === null) for (let i = 0; i < g.length; i++) gz[i] = g[i]! * df(Number.NaN, y[i]!);
        else for (let i = 0; i < g.length; i++) gz[i] = g[i]! * df(pre[i]!, y[i]!);
      }
      let gb: Float32Array | null = null;
      if (needs[2]) {
        gb = newDataUninit(outF);
        backend.colSum(gb, gz, m, outF);
      }
      return [
        needs[0] ? gemm(false, false, m, inF, outF, gz, weight.data) : null,
        // The weight's gradient, added into its existing grad when the engine offers it.
        needs[1] ? gemm(true, false, outF, inF, m, gz, x.data, into[1] ?? null) : null,
        gb,
      ];
    },
    { activation },
  );
}

/**
 * linear's out path: the checks of out.ts, then the kernel writes into out's storage (the
 * activation fused, or applied in place here when the kernel lacks it). Nothing is allocated: no
 * shape array, no output array, no Tensor.
 */
function linearInto(
  x: Tensor,
  weight: Tensor,
  b: Tensor | null,
  activation: LinearActivation | null,
  m: number,
  inF: number,
  outF: number,
  value: unknown,
): Tensor {
  const out = expectOut(value, 'linear');
  const lead = x.rank - 1;
  let same = out.rank === x.rank && out.shape[lead] === outF;
  for (let i = 0; same && i < lead; i++) same = out.shape[i] === x.shape[i];
  if (!same) {
    const expected = x.shape.slice();
    expected[lead] = outF;
    throw outShapeError('linear', expected, out);
  }
  expectLive(out, m * outF, 'out');
  expectNotRecorded('linear', x, 'x', weight, 'weight', b, 'bias');
  const act = activation === null ? null : ACTIVATION_TABLE[activation];
  const y = out.data;
  try {
    activeBackend().linearForward(
      y,
      x.data,
      weight.data,
      b === null ? null : b.data,
      m,
      inF,
      outF,
      act === null ? 'none' : (act.kernel ?? 'none'),
    );
  } catch (e) {
    rethrowOverlap(e, 'linear', out, x, 'x', weight, 'weight', b, 'bias');
  }
  if (act !== null && act.kernel === null) {
    // The same float64 function, element by element, as the fresh path applies without a tape.
    const { f } = act.fn;
    for (let i = 0; i < y.length; i++) y[i] = f(y[i]!);
  }
  return out;
}
