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
import { ACTIVATION_TABLE } from '../backend/activation.js';
import { activeBackend } from '../backend/index.js';
import { copyData, newDataUninit } from '../backend/storage.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './check.js';

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

/**
 * Matrix product. a is (M, K) or a batch (..., M, K), or a vector (K); b is (K, N) or a vector
 * (K). A vector operand's dimension is dropped from the result, as in PyTorch.
 */
export function matmul<A extends Shape, B extends Shape>(a: Tensor<A>, b: Tensor<B>): Tensor<MatmulShape<A, B>>;
export function matmul(a: Tensor, b: Tensor): Tensor {
  expectTensor(a, 'a');
  expectTensor(b, 'b');
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
  const m = a.shape.slice(0, -1).reduce((p, d) => p * d, 1);
  const shape = [...a.shape.slice(0, -1), ...(b.rank === 2 ? [n] : [])];
  const out = gemm(false, false, m, n, k, a.data, b.data);
  return record(new Tensor(out, shape), 'matmul', [a, b], (g, needs, into) => [
    needs[0] ? gemm(false, true, m, k, n, g, b.data, into[0] ?? null) : null,
    needs[1] ? gemm(true, false, k, n, m, a.data, g, into[1] ?? null) : null,
  ]);
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
}

function checkActivation(value: unknown): LinearActivation | null {
  if (value === undefined || value === null) return null;
  const names: readonly string[] = LINEAR_ACTIVATIONS;
  if (typeof value !== 'string') throw argTypeError('activation', `one of ${names.join(', ')}`, value);
  if (!names.includes(value)) throw argRangeError('activation', `one of ${names.join(', ')}`, value);
  return value as LinearActivation;
}

/**
 * x w^T + b, optionally followed by an activation. x is (..., in), weight (out, in), bias
 * (out) or omitted; the result is (..., out).
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, options: LinearOptions = {}): Tensor {
  expectTensor(x, 'x');
  expectTensor(weight, 'weight');
  if (bias !== undefined && bias !== null) expectTensor(bias, 'bias');
  const activation = checkActivation(options.activation);
  if (weight.rank !== 2)
    throw new ShapeError(`linear: expected weight of shape [out, in] but received ${formatShape(weight.shape)}`);
  const [outF, inF] = weight.shape as readonly [number, number];
  if (x.rank === 0 || x.shape[x.rank - 1] !== inF) {
    throw new ShapeError(`linear: expected input [*, ${inF}] but received ${formatShape(x.shape)}`, {
      expected: [-1, inF],
      received: x.shape,
    });
  }
  const b = bias ?? null;
  if (b !== null && (b.rank !== 1 || b.shape[0] !== outF)) {
    throw new ShapeError(`linear: expected bias of shape [${outF}] but received ${formatShape(b.shape)}`);
  }
  // The output's shape and row count in one pass (this path runs per call; no array spreads).
  const shape = x.shape.slice();
  shape[shape.length - 1] = outF;
  let m = 1;
  for (let i = 0; i < shape.length - 1; i++) m *= shape[i]!;
  const backend = activeBackend();
  const act = activation === null ? null : ACTIVATION_TABLE[activation];
  const track = needsGrad(x, weight, b);
  // One pass over the output: the kernel adds the bias and applies the activation as it writes
  // each tile. Activations the kernel lacks, and those whose derivative needs the
  // pre-activation when a gradient will be taken (gelu), keep the pre-activation and apply the
  // activation here.
  const fuse = act !== null && act.kernel !== null && (act.dfFromOutput || !track);
  const y = newDataUninit(m * outF);
  backend.linearForward(y, x.data, weight.data, b === null ? null : b.data, m, inF, outF, fuse ? act.kernel! : 'none');
  const pre = act === null || fuse ? null : copyData(y);
  if (pre !== null) {
    const { f } = act!.fn;
    for (let i = 0; i < y.length; i++) y[i] = f(pre[i]!);
  }
  const out = new Tensor(y, shape);
  if (!track && !tracing()) return out;
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
