/**
 * The kernel contract both backends implement: `native` (the C++ addon) and `js` (reference.ts,
 * plain TypeScript, the test oracle and the fallback). Same names, same argument order (outputs
 * first, counts last), same checks, same error classes and texts.
 *
 * Kernels write into caller-allocated typed arrays; they never allocate their outputs. An output
 * may be the very same array as an input (in place), but must not partially overlap one.
 */
export interface Backend {
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
}

/** The ISAs of this CPU architecture, lowest first (the order in which they supersede each other). */
export function isaOrder(arch: string = process.arch): string[] {
  if (arch === 'x64' || arch === 'ia32') return ['scalar', 'avx2', 'avx512'];
  if (arch === 'arm64') return ['scalar', 'neon'];
  return ['scalar'];
}

/** Every ISA name dropnet knows, on any architecture. */
export const ISA_NAMES = ['scalar', 'avx2', 'avx512', 'neon'] as const;
