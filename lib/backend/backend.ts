import type { Conv2dGeometry } from './conv-geometry.js';
import type { Activation } from './constants.js';
import type { RnnGeometry } from './rnn-geometry.js';

/**
 * The kernel contract both backends implement: `native` (the C++ addon) and `js` (reference.ts,
 * plain TypeScript, the test oracle and the fallback). Same names, same argument order (outputs
 * first, counts last), same checks, same error classes and texts.
 *
 * Kernels write into caller-allocated typed arrays; they never allocate their outputs. An output
 * may be the very same array as an input (in place), but must not partially overlap one.
 */
export interface Backend
  extends OptimKernels, PoolKernels, ConvKernels, LossKernels, RnnKernels, NormKernels, VdoKernels {
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
  // -- dropout and the Philox stream (lib/backend/philox.ts) ---------------------------------
  // Element i takes draw offset + i of the Philox4x32-10 stream keyed by `seed` (a safe integer
  // or a bigint in [0, 2^64)); it is kept iff draw >= round(p * 2^32), p a number in [0, 1].
  // Kept: x * scale, scale = fround(1 / (1 - p)); dropped: +0 even for NaN or infinite x.
  // p = 1 keeps nothing. Masks are bit-packed: bit i % 32 of word floor(i / 32), ceil(bits / 32)
  // words, the unused high bits of the last word 0. Same bits for any thread count and ISA.
  /** out = x * keep * scale and the keep bits into mask; n defaults to x.length. */
  dropoutForward(
    out: Float32Array,
    mask: Uint32Array,
    x: Float32Array,
    p: number,
    seed: number | bigint,
    offset: number,
    n?: number,
  ): void;
  /** dx = dy * keep * scale (zeros when p = 1, whatever the mask); n defaults to dy.length. */
  dropoutBackward(dx: Float32Array, dy: Float32Array, mask: Uint32Array, p: number, n?: number): void;
  /** The keep bits of n elements only (DropConnect, tests). */
  dropoutMask(mask: Uint32Array, p: number, seed: number | bigint, offset: number, n: number): void;
  /**
   * Dropout whose mask is shared along one axis: x is viewed as [outer, mid, inner], the mask has
   * outer * inner bits (bit o * inner + j drawn as stream element offset + o * inner + j) and
   * applies to every m. Dropout2d on NCHW: outer = N*C, mid = H*W, inner = 1; Keras
   * SpatialDropout2D on NHWC: outer = N, mid = H*W, inner = C.
   */
  dropoutBroadcastForward(
    out: Float32Array,
    mask: Uint32Array,
    x: Float32Array,
    p: number,
    seed: number | bigint,
    offset: number,
    outer: number,
    mid: number,
    inner: number,
  ): void;
  dropoutBroadcastBackward(
    dx: Float32Array,
    dy: Float32Array,
    mask: Uint32Array,
    p: number,
    outer: number,
    mid: number,
    inner: number,
  ): void;
  /**
   * out[i] ~ N(mean, std^2): Box-Muller on draw pairs (offset + 2j, offset + 2j + 1), exactly as
   * Generator.normal. The native transform uses the C library's log/sin/cos, the reference V8's:
   * they may differ in the last bit; native results are the same on every ISA and thread count.
   */
  randnFill(out: Float32Array, mean: number, std: number, seed: number | bigint, offset: number, n: number): void;
  /** out[i] = low + ((draw >>> 8) * 2^-24) * (high - low), exactly as Generator.uniform. */
  uniformFill(out: Float32Array, low: number, high: number, seed: number | bigint, offset: number, n: number): void;
  /** One Philox4x32-10 block: out = philox(counter[0..3], key[0..1]) (known-answer tests). */
  philox4x32(counter: Uint32Array, key: Uint32Array, out: Uint32Array): void;
}

/**
 * Fused optimizer steps over whole parameter buffers (PyTorch's single-tensor formulas; the exact
 * order of operations is in native/kernels/optim/optim.h). Buffers are updated in place, come
 * first, and must not overlap each other or the gradient; `n` elements of each are used.
 */
export interface OptimKernels {
  /** SGD with optional momentum / dampening / Nesterov; momentumBuffer may be null when momentum is 0. */
  sgdStep(
    param: Float32Array,
    momentumBuffer: Float32Array | null,
    grad: Float32Array,
    lr: number,
    weightDecay: number,
    momentum: number,
    dampening: number,
    nesterov: boolean,
    maximize: boolean,
    init: boolean,
    n: number,
  ): void;
  /** Adam (coupled L2) or AdamW (decoupled); vmax non-null for AMSGrad. step counts from 1. */
  adamStep(
    param: Float32Array,
    m: Float32Array,
    v: Float32Array,
    vmax: Float32Array | null,
    grad: Float32Array,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    decoupled: boolean,
    step: number,
    maximize: boolean,
    n: number,
  ): void;
  /** RMSprop; gradAvg non-null when centered, momentumBuffer non-null when momentum > 0. */
  rmspropStep(
    param: Float32Array,
    squareAvg: Float32Array,
    gradAvg: Float32Array | null,
    momentumBuffer: Float32Array | null,
    grad: Float32Array,
    lr: number,
    alpha: number,
    eps: number,
    weightDecay: number,
    momentum: number,
    maximize: boolean,
    n: number,
  ): void;
  /** Adagrad. step counts from 1. */
  adagradStep(
    param: Float32Array,
    sum: Float32Array,
    grad: Float32Array,
    lr: number,
    lrDecay: number,
    weightDecay: number,
    eps: number,
    step: number,
    maximize: boolean,
    n: number,
  ): void;
  /** Sum of squares of x[0..n) in double, the same for any thread count (gradient clipping by norm). */
  sumSquares(x: Float32Array, n: number): number;
}

/** Geometry of a windowed 2-D pooling over an (n, c, h, w) tensor; PyTorch's semantics. */
export interface Pool2dGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  /** Padding, at most half the kernel. */
  ph: number;
  pw: number;
  /** Dilation (max pooling only; default 1). */
  dh?: number;
  dw?: number;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
  /** avg only: count padded elements in the divisor (default true). */
  countIncludePad?: boolean;
  /** avg only: divide by this instead (0 or absent: none). */
  divisorOverride?: number;
}

/** Geometry of an adaptive average pooling from (n, c, h, w) to (n, c, oh, ow). */
export interface AdaptivePool2dGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
}

/**
 * 2-D pooling over NCHW tensors (PyTorch's output sizes and semantics; see
 * native/kernels/conv/pool2d.h). Max pooling records, per output, the index h * W + w of the
 * winning input within its plane; backward scatters through those indices.
 */
export interface PoolKernels {
  maxPool2dForward(out: Float32Array, indices: Int32Array, x: Float32Array, geometry: Pool2dGeometry): void;
  maxPool2dBackward(dx: Float32Array, dy: Float32Array, indices: Int32Array, geometry: Pool2dGeometry): void;
  avgPool2dForward(out: Float32Array, x: Float32Array, geometry: Pool2dGeometry): void;
  avgPool2dBackward(dx: Float32Array, dy: Float32Array, geometry: Pool2dGeometry): void;
  adaptiveAvgPool2dForward(out: Float32Array, x: Float32Array, geometry: AdaptivePool2dGeometry): void;
  adaptiveAvgPool2dBackward(dx: Float32Array, dy: Float32Array, geometry: AdaptivePool2dGeometry): void;
}

/**
 * 2-D convolution over NCHW tensors with OIHW weights: stride, per-side padding, dilation and
 * groups (see conv-geometry.ts). Outputs are overwritten, never accumulated into.
 */
export interface ConvKernels {
  /** out = conv(x, weight) + bias (bias may be null). */
  conv2dForward(
    out: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    bias: Float32Array | null,
    geometry: Conv2dGeometry,
  ): void;
  /** dx = the gradient of the convolution with respect to its input. */
  conv2dBackwardData(dx: Float32Array, dy: Float32Array, weight: Float32Array, geometry: Conv2dGeometry): void;
  /** dweight (and dbias, if not null) = the gradients with respect to the weight and bias. */
  conv2dBackwardWeight(
    dweight: Float32Array,
    dbias: Float32Array | null,
    dy: Float32Array,
    x: Float32Array,
    geometry: Conv2dGeometry,
  ): void;
  /**
   * The algorithm each pass runs for this geometry: the native planner's choice on the active
   * ISA (native/kernels/conv/conv_plan.h, or DROPNET_CONV_ALGO's), 'reference' on the reference
   * backend. A forced algorithm that cannot run the geometry is a RangeError.
   */
  convPlan(geometry: Conv2dGeometry): ConvPlan;
}

/** The convolution algorithms of the native backend (conv_plan.h), plus the reference loops. */
export const CONV_ALGORITHMS = [
  'im2col',
  'pointwise',
  'direct',
  'winograd_f2x3',
  'winograd_stride2_f2x2',
  'winograd_stride2_f4x2',
] as const;
export type ConvAlgorithm = (typeof CONV_ALGORITHMS)[number] | 'reference';

/** An algorithm name per convolution pass. */
export interface ConvPlan {
  forward: ConvAlgorithm;
  backwardData: ConvAlgorithm;
  backwardWeight: ConvAlgorithm;
}

/** Fused loss kernels (see native/kernels/loss/softmax_xent.h for the formulas). */
export interface LossKernels {
  /**
   * Softmax cross-entropy with class-index targets, per row: loss[r], its gradient with respect
   * to the logits dlogits[r, :], and wsum[r] (the target's class weight, 0 for ignored rows).
   */
  softmaxCrossEntropy(
    loss: Float32Array,
    dlogits: Float32Array,
    wsum: Float32Array,
    logits: Float32Array,
    targets: Int32Array,
    weight: Float32Array | null,
    rows: number,
    classes: number,
    labelSmoothing: number,
    ignoreIndex: number,
  ): void;
}

/**
 * Layer normalization over the rows of a (rows, n) matrix (see native/kernels/norm/layernorm.h
 * for the formulas and the fixed summation order). weight, bias and the backward outputs are n
 * floats or null (weight null: 1, bias null: 0; a null output is not computed). Outputs must not
 * overlap any other array. The backward recomputes the row statistics from x.
 */
export interface NormKernels {
  /** y = (x - mean) * rstd * weight + bias, per row. */
  layerNormForward(
    y: Float32Array,
    x: Float32Array,
    weight: Float32Array | null,
    bias: Float32Array | null,
    rows: number,
    n: number,
    eps: number,
  ): void;
  /** dx, and dweight / dbias summed over rows, from dy. */
  layerNormBackward(
    dx: Float32Array | null,
    dweight: Float32Array | null,
    dbias: Float32Array | null,
    dy: Float32Array,
    x: Float32Array,
    weight: Float32Array | null,
    rows: number,
    n: number,
    eps: number,
  ): void;
}

/** Sparse variational dropout's fused per-weight pass and the local reparameterisation's noise (native/kernels/vdo/vdo.h). */
export interface VdoKernels {
  /**
   * For n weights θ = weight[i] and their log σ² = logSigma2[i], in one read of both:
   * sigma2 = exp(log σ²); logAlpha = clip(log σ² − log θ², −8, 8) (θ = 0 gives 8, NaN stays NaN);
   * dLogSigma2 = dKL/dlog σ² (Molchanov's KL, 0 where log σ² − log θ² is outside [−8, 8]) and
   * dWeight = dKL/dθ = −2·dLogSigma2/θ (0 where dLogSigma2 is). Each output may be null (not
   * computed); dLogSigma2 and dWeight are both given or both null; outputs overlap nothing.
   * Returns Σ KL when withKl (accumulated in double), else 0.
   */
  sparseVd(
    sigma2: Float32Array | null,
    logAlpha: Float32Array | null,
    dLogSigma2: Float32Array | null,
    dWeight: Float32Array | null,
    weight: Float32Array,
    logSigma2: Float32Array,
    withKl: boolean,
    n: number,
  ): number;
  /**
   * The local reparameterisation's noise pass: out = mean + s·ε and half = ε / (2s) with
   * s = sqrt(variance + 1e-8), ε the normals of randnFill(…, 0, 1, seed, offset, n) (Box-Muller
   * pairs at offset + 2j, offset + 2j + 1). The reference computes ε as randnFill does; the native
   * pass uses float log/sin/cos of its own, within a few float32 ulp of it, the same on every
   * thread count. out and half overlap nothing; mean and variance may be one array.
   */
  lrtNoise(
    out: Float32Array,
    half: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    seed: number | bigint,
    offset: number,
    n: number,
  ): void;
  /**
   * Variational dropout's per-weight pass (Kingma et al.), with a = min(log α, 0) (NaN stays NaN)
   * and α = exp(a): variance = α·θ², dVarDWeight = 2·α·θ, dVarDLogAlpha = α·θ² where log α <= 0
   * (else 0), dKlDLogAlpha = −(0.5 + c1·α + 2·c2·α² + 3·c3·α³) where log α <= 0 (else 0). Each
   * output may be null; weight may be null when the first three are. Returns, when withKl,
   * Σ −(0.5·a + c1·α + c2·α² + c3·α³) (the KL without its constant, summed in double), else 0.
   */
  kingmaVd(
    variance: Float32Array | null,
    dVarDWeight: Float32Array | null,
    dVarDLogAlpha: Float32Array | null,
    dKlDLogAlpha: Float32Array | null,
    weight: Float32Array | null,
    logAlpha: Float32Array,
    withKl: boolean,
    n: number,
  ): number;
}

/**
 * Recurrent layers, one layer in one direction (see rnn-geometry.ts for the shapes and
 * native/kernels/rnn/rnn.h for the equations). Masks are float arrays of 0 or 1/(1-p), one per
 * sample for the whole sequence; zoneout arrays give, per step, sample and unit, the weight of
 * the previous value. Arrays a geometry does not use are null. Outputs are overwritten.
 */
export interface RnnKernels {
  /** y, hN, cN and the workspace backward needs. */
  rnnForward(
    y: Float32Array,
    hN: Float32Array,
    cN: Float32Array | null,
    workspace: Float32Array,
    x: Float32Array,
    wIh: Float32Array,
    wHh: Float32Array,
    bIh: Float32Array | null,
    bHh: Float32Array | null,
    wHr: Float32Array | null,
    h0: Float32Array,
    c0: Float32Array | null,
    inputMask: Float32Array | null,
    recurrentMask: Float32Array | null,
    zoneoutH: Float32Array | null,
    zoneoutC: Float32Array | null,
    geometry: RnnGeometry,
  ): void;
  /** Gradients of x, h0, c0 and every parameter from those of y, hN and cN. */
  rnnBackward(
    dx: Float32Array,
    dh0: Float32Array,
    dc0: Float32Array | null,
    dwIh: Float32Array,
    dwHh: Float32Array,
    dbIh: Float32Array | null,
    dbHh: Float32Array | null,
    dwHr: Float32Array | null,
    dy: Float32Array,
    dhN: Float32Array,
    dcN: Float32Array | null,
    x: Float32Array,
    wIh: Float32Array,
    wHh: Float32Array,
    wHr: Float32Array | null,
    h0: Float32Array,
    c0: Float32Array | null,
    y: Float32Array,
    workspace: Float32Array,
    inputMask: Float32Array | null,
    recurrentMask: Float32Array | null,
    zoneoutH: Float32Array | null,
    zoneoutC: Float32Array | null,
    geometry: RnnGeometry,
  ): void;
}
