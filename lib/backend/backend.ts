import type { Activation } from './constants.js';
import type { ConvKernels } from './contract/conv.js';
import type { DropoutKernels } from './contract/dropout.js';
import type { LossKernels } from './contract/loss.js';
import type { NormKernels } from './contract/norm.js';
import type { OptimKernels } from './contract/optim.js';
import type { PoolKernels } from './contract/pool.js';
import type { RnnKernels } from './contract/rnn.js';
import type { VdoKernels } from './contract/vdo.js';

export { CONV_ALGORITHMS, type ConvAlgorithm, type ConvKernels, type ConvPlan } from './contract/conv.js';
export type { DropoutKernels } from './contract/dropout.js';
export type { LossKernels } from './contract/loss.js';
export type { NormKernels } from './contract/norm.js';
export type { OptimKernels } from './contract/optim.js';
export type { AdaptivePool2dGeometry, Pool2dGeometry, PoolKernels } from './contract/pool.js';
export type { RnnKernels } from './contract/rnn.js';
export type { VdoKernels } from './contract/vdo.js';

/**
 * The kernel contract both backends implement: `native` (the C++ addon) and `js` (reference.ts,
 * plain TypeScript, the test oracle and the fallback). Same names, same argument order (outputs
 * first, counts last), same checks, same error classes and texts.
 *
 * Kernels write into caller-allocated typed arrays; they never allocate their outputs. An output
 * may be the very same array as an input (in place), but must not partially overlap one.
 *
 * The runtime, element-wise and GEMM kernels are declared here; each other family has its own
 * file in contract/ (named as its native/kernels/ folder), re-exported here.
 */
export interface Backend
  extends OptimKernels, PoolKernels, ConvKernels, LossKernels, RnnKernels, NormKernels, VdoKernels, DropoutKernels {
  /** Which implementation this is. */
  readonly name: 'native' | 'js';

  // -- runtime ------------------------------------------------------------------------------
  /** The instruction set the kernels run on now: 'scalar' | 'avx2' | 'avx512' | 'neon', or 'js'. */
  isa(): string;
  /** The instruction sets this build and CPU can run, lowest first. */
  availableIsas(): string[];
  /** Caps the instruction set (the best available one not above `cap`); returns the one selected. */
  selectIsa(cap: string): string;
  /** Threads kernels may use, the caller included. */
  numThreads(): number;
  /** Sets the threads kernels may use (integer in [1, 256]). */
  setNumThreads(n: number): void;

  // -- element-wise (n elements of each array; arrays may be longer) -------------------------
  /** out[i] = a[i] + b[i] */
  add(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void;
  /** out[i] = a[i] * b[i] */
  mul(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void;
  /** out[i] = x[i] * s (s rounded to float32 first) */
  scale(out: Float32Array, x: Float32Array, s: number, n: number): void;
  /** out[i] = max(0, x[i]); NaN and -0 pass through */
  relu(out: Float32Array, x: Float32Array, n: number): void;
  /** dx[i] = x[i] > 0 ? dy[i] : 0 */
  reluBackward(dx: Float32Array, dy: Float32Array, x: Float32Array, n: number): void;
  /** out[i] = value (rounded to float32) */
  fill(out: Float32Array, value: number, n: number): void;
  /**
   * out[j] = sum over r < rows of x[r * cols + j]: each column summed in float64, rows in order
   * from 0, rounded to float32 once (the same bits on every backend, ISA and thread count).
   * out must not overlap x.
   */
  colSum(out: Float32Array, x: Float32Array, rows: number, cols: number): void;

  // -- GEMM ------------------------------------------------------------------------------------
  /**
   * Row-major SGEMM, BLAS argument order: C = alpha * op(A) * op(B) + beta * C, where op(A) is
   * m x k and op(B) is k x n. A is stored m x k (lda >= k), or k x m when transA (lda >= m);
   * B is stored k x n (ldb >= n), or n x k when transB (ldb >= k); C is m x n (ldc >= n).
   * Leading dimensions are in elements and at least 1. beta = 0 ignores what C held (NaN
   * included). C must not overlap A or B. Sizes are integers in [0, 2^31 - 1].
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;

  /**
   * A Linear layer's forward pass, fused: out[b, o] = act(sum_i x[b, i] * w[o, i] + bias[o]) for
   * b < batch, o < outFeatures. x is (batch, inFeatures), w is in PyTorch's layout
   * (outFeatures, inFeatures), so this is x · wᵀ; bias is (outFeatures) or null; out is
   * (batch, outFeatures) and must not overlap x, w or bias. Sizes are integers in [0, 2^31 - 1].
   * activation is one of ACTIVATIONS: leaky_relu has PyTorch's default slope 0.01; gelu is the
   * exact (erf) form, PyTorch's nn.GELU() default; gelu_tanh is GELU(approximate='tanh').
   */
  linearForward(
    out: Float32Array,
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array | null,
    batch: number,
    inFeatures: number,
    outFeatures: number,
    activation: Activation,
  ): void;
}
