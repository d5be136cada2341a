/**
 * The reference backend: every kernel as plain, obviously-correct TypeScript. It is the oracle
 * the native kernels are tested against and the fallback when the addon cannot load.
 *
 * Float32 semantics: each element is computed as in the scalar C++ kernel. One IEEE operation on
 * two float32 values, done in double and rounded once on store, gives the correctly rounded
 * float32 result, so these loops match the native kernels bit for bit. Scalars that the native
 * side takes as float (scale's s, fill's value) are rounded with Math.fround first.
 */
import { activationFn } from './activation.js';
import type { Backend } from './backend.js';
import * as check from './check.js';
import { referenceOptim } from './reference-optim.js';
import { referencePool } from './reference-pool.js';
import { referenceConv } from './reference-conv.js';
import { referenceLoss } from './reference-loss.js';
import { referenceDropout } from './reference-dropout.js';
import { referenceRnn } from './reference-rnn.js';
import { referenceNorm } from './reference-norm.js';
import { referenceVdo } from './reference-vdo.js';

let threads = 1;

export const reference: Backend = {
  name: 'js',
  ...referenceOptim,
  ...referencePool,
  ...referenceConv,
  ...referenceLoss,
  ...referenceRnn,
  ...referenceNorm,
  ...referenceVdo,

  isa: () => 'js',
  availableIsas: () => ['js'],
  selectIsa(cap: string): string {
    check.isaName(cap, 'cap');
    return 'js';
  },
  numThreads: () => threads,
  setNumThreads(n: number): void {
    // The reference kernels are single-threaded; the number is kept so the setting round-trips.
    threads = check.int(n, 'n', 1, 256);
  },

  add(out, a, b, n) {
    check.expectArgs(arguments, 4, 'add(out, a, b, n)');
    binaryChecks(out, a, b, n);
    for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
  },

  mul(out, a, b, n) {
    check.expectArgs(arguments, 4, 'mul(out, a, b, n)');
    binaryChecks(out, a, b, n);
    for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  },

  scale(out, x, s, n) {
    check.expectArgs(arguments, 4, 'scale(out, x, s, n)');
    check.f32(out, 'out');
    check.f32(x, 'x');
    const sf = Math.fround(check.num(s, 's'));
    check.size(n, 'n');
    check.expectLength(out, n, 'out');
    check.expectLength(x, n, 'x');
    check.expectSameOrDisjoint(out, 'out', x, 'x');
    for (let i = 0; i < n; i++) out[i] = x[i]! * sf;
  },

  relu(out, x, n) {
    check.expectArgs(arguments, 3, 'relu(out, x, n)');
    check.f32(out, 'out');
    check.f32(x, 'x');
    check.size(n, 'n');
    check.expectLength(out, n, 'out');
    check.expectLength(x, n, 'x');
    check.expectSameOrDisjoint(out, 'out', x, 'x');
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      out[i] = 0 > v ? 0 : v; // NaN and -0 pass through, as SIMD max(0, x) does
    }
  },

  reluBackward(dx, dy, x, n) {
    check.expectArgs(arguments, 4, 'reluBackward(dx, dy, x, n)');
    check.f32(dx, 'dx');
    check.f32(dy, 'dy');
    check.f32(x, 'x');
    check.size(n, 'n');
    check.expectLength(dx, n, 'dx');
    check.expectLength(dy, n, 'dy');
    check.expectLength(x, n, 'x');
    check.expectSameOrDisjoint(dx, 'dx', dy, 'dy');
    check.expectSameOrDisjoint(dx, 'dx', x, 'x');
    for (let i = 0; i < n; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
  },

  fill(out, value, n) {
    check.expectArgs(arguments, 3, 'fill(out, value, n)');
    check.f32(out, 'out');
    const v = Math.fround(check.num(value, 'value'));
    check.size(n, 'n');
    check.expectLength(out, n, 'out');
    out.fill(v, 0, n);
  },

  colSum(out, x, rows, cols) {
    check.expectArgs(arguments, 4, 'colSum(out, x, rows, cols)');
    check.f32(out, 'out');
    check.f32(x, 'x');
    check.size(rows, 'rows');
    check.size(cols, 'cols');
    check.expectLength(out, cols, 'out');
    check.expectLength(x, check.checkedMul(rows, cols, 'rows * cols'), 'x');
    check.expectDisjoint(out, 'out', x, 'x');
    // The contract's order: each column's float64 sum over the rows in order, rounded once.
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0, at = j; r < rows; r++, at += cols) s += x[at]!;
      out[j] = s;
    }
  },

  sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
    sgemmChecks(arguments);
    if (m === 0 || n === 0) return; // an empty C: return at once, however large the other size
    // Triple loop with a float64 accumulator: slow and obviously right.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = transA ? a[p * lda + i]! : a[i * lda + p]!;
          const bv = transB ? b[j * ldb + p]! : b[p * ldb + j]!;
          acc += av * bv;
        }
        const at = i * ldc + j;
        // As BLAS: alpha = 0 does not use the product, beta = 0 does not use C (NaN * 0 is NaN).
        const prod = alpha === 0 ? 0 : alpha * acc;
        c[at] = beta === 0 ? prod : prod + beta * c[at]!;
      }
    }
  },

  linearForward(out, x, w, bias, batch, inFeatures, outFeatures, activation) {
    linearForwardChecks(arguments);
    // Double accumulation and bias, rounded to float32; the activation then runs in double on
    // that float and rounds once on the store, as the native epilogue does (so a fused
    // activation equals the activation op applied to the unfused output).
    const act = activationFn(activation);
    if (batch === 0 || outFeatures === 0) return; // an empty output
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < outFeatures; o++) {
        let acc = 0;
        for (let i = 0; i < inFeatures; i++) acc += x[b * inFeatures + i]! * w[o * inFeatures + i]!;
        if (bias !== null) acc += bias[o]!;
        out[b * outFeatures + o] = act(Math.fround(acc));
      }
    }
  },
  ...referenceDropout,
};

/** Elements a row-major matrix of `rows` x `cols` with leading dimension `ld` spans. */
export function matrixSpan(rows: number, cols: number, ld: number, what: string): number {
  if (rows === 0 || cols === 0) return 0;
  return check.checkedMul(rows - 1, ld, what) + cols;
}

const INT_MAX = 2147483647;

/** Validates sgemm's arguments exactly as the native binding does. */
export function sgemmChecks(args: IArguments | unknown[]): void {
  check.expectArgs(args, 13, 'sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)');
  const [transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc] = Array.from(args);
  check.bool(transA, 'transA');
  check.bool(transB, 'transB');
  const M = check.size(m, 'm', INT_MAX);
  const N = check.size(n, 'n', INT_MAX);
  const K = check.size(k, 'k', INT_MAX);
  check.num(alpha, 'alpha');
  const A = check.f32(a, 'a');
  const [aRows, aCols] = transA ? [K, M] : [M, K];
  const LDA = check.int(lda, 'lda', Math.max(1, aCols), INT_MAX);
  const B = check.f32(b, 'b');
  const [bRows, bCols] = transB ? [N, K] : [K, N];
  const LDB = check.int(ldb, 'ldb', Math.max(1, bCols), INT_MAX);
  check.num(beta, 'beta');
  const C = check.f32(c, 'c');
  const LDC = check.int(ldc, 'ldc', Math.max(1, N), INT_MAX);
  // A and B are only read when the product contributes.
  const used = M > 0 && N > 0 && K > 0;
  if (used) {
    check.expectLength(A, matrixSpan(aRows, aCols, LDA, 'a'), 'a');
    check.expectLength(B, matrixSpan(bRows, bCols, LDB, 'b'), 'b');
  }
  check.expectLength(C, matrixSpan(M, N, LDC, 'c'), 'c');
  if (used) {
    check.expectDisjoint(C, 'c', A, 'a');
    check.expectDisjoint(C, 'c', B, 'b');
  }
}

/** Validates linearForward's arguments exactly as the native binding does. */
export function linearForwardChecks(args: IArguments | unknown[]): void {
  check.expectArgs(args, 8, 'linearForward(out, x, w, bias, batch, inFeatures, outFeatures, activation)');
  const [out, x, w, bias, batch, inFeatures, outFeatures, activation] = Array.from(args);
  const OUT = check.f32(out, 'out');
  const X = check.f32(x, 'x');
  const W = check.f32(w, 'w');
  const BIAS = check.f32OrNull(bias, 'bias');
  const B = check.size(batch, 'batch', INT_MAX);
  const I = check.size(inFeatures, 'inFeatures', INT_MAX);
  const O = check.size(outFeatures, 'outFeatures', INT_MAX);
  check.activation(activation, 'activation');
  check.expectLength(OUT, check.checkedMul(B, O, 'out'), 'out');
  check.expectLength(X, check.checkedMul(B, I, 'x'), 'x');
  check.expectLength(W, check.checkedMul(O, I, 'w'), 'w');
  if (BIAS !== null) check.expectLength(BIAS, O, 'bias');
  check.expectDisjoint(OUT, 'out', X, 'x');
  check.expectDisjoint(OUT, 'out', W, 'w');
  if (BIAS !== null) check.expectDisjoint(OUT, 'out', BIAS, 'bias');
}

function binaryChecks(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  check.f32(out, 'out');
  check.f32(a, 'a');
  check.f32(b, 'b');
  check.size(n, 'n');
  check.expectLength(out, n, 'out');
  check.expectLength(a, n, 'a');
  check.expectLength(b, n, 'b');
  check.expectSameOrDisjoint(out, 'out', a, 'a');
  check.expectSameOrDisjoint(out, 'out', b, 'b');
}
