/**
 * Chooses the backend once, at import, from DROPNET_BACKEND, and applies DROPNET_ISA,
 * DROPNET_NUM_THREADS and DROPNET_CONV_ALGO to it.
 *
 *   DROPNET_BACKEND=native  the addon must load; its load error is thrown otherwise
 *   DROPNET_BACKEND=js      the reference backend; the addon is not loaded at all
 *   unset                   the addon if it loads, else the reference backend with one warning
 */
import { createRequire } from 'node:module';
import { argRangeError, invalidArg } from '../errors.js';
import type { Backend } from './backend.js';
import { check } from './check-env.js';
import { loadNative, type NativeBackend } from './native.js';
import { reference } from './reference.js';

export type { Backend, ConvAlgorithm, ConvPlan } from './backend.js';
export { ACTIVATIONS, isaOrder, ISA_NAMES, LEAKY_RELU_SLOPE, type Activation } from './constants.js';
export { CONV_ALGORITHMS } from './backend.js';
export type { NativeBackend } from './native.js';

const version: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

function warn(message: string, code: string): void {
  process.emitWarning(message, { code });
}

const forced = check.backend(process.env.DROPNET_BACKEND, warn);

let native: NativeBackend | undefined;
let nativeError: Error | undefined;
if (forced !== 'js') {
  const loaded = loadNative();
  if (loaded.ok) native = loaded.backend;
  else nativeError = loaded.error;
}
if (forced === 'native' && nativeError) throw nativeError;
if (forced === undefined && nativeError) {
  warn(`${nativeError.message}\nUsing the reference backend (pure TypeScript, slower).`, 'DROPNET_NATIVE_UNAVAILABLE');
}

const active: Backend = native ?? reference;

const isaCap = check.isa(process.env.DROPNET_ISA, warn);
if (isaCap !== undefined && native) native.selectIsa(isaCap);
// Forced convolution algorithms (tests and benchmarks): an unknown name throws here, at import,
// rather than falling back silently; the reference backend has one algorithm and ignores it.
const convAlgo = process.env.DROPNET_CONV_ALGO;
if (convAlgo !== undefined && convAlgo !== '') {
  if (native) native.setConvAlgo(convAlgo);
  else warn('DROPNET_CONV_ALGO applies to the native backend only; ignoring it.', 'DROPNET_BAD_ENV');
}
const envThreads = check.threads(process.env.DROPNET_NUM_THREADS, warn);
if (envThreads !== undefined) {
  native?.setNumThreads(envThreads);
  reference.setNumThreads(envThreads);
}

/** The backend that tensors and layers use. */
export function activeBackend(): Backend {
  return active;
}

/**
 * The raw kernels of a backend, for benchmarking one against the other or calling a kernel
 * directly: `kernels('native')`, `kernels('js')`, or `kernels()` for the active one.
 * Asking for 'native' when the addon did not load throws the load error.
 */
export function kernels(): Backend;
export function kernels(name: 'native'): NativeBackend;
export function kernels(name: 'js'): Backend;
export function kernels(name?: 'native' | 'js'): Backend {
  if (name === undefined) return active;
  if (name === 'js') return reference;
  if (name === 'native') {
    if (native) return native;
    throw nativeError ?? new Error('dropnet: the native backend is disabled by DROPNET_BACKEND=js');
  }
  throw argRangeError('name', `'native' or 'js'`, name);
}

/** Whether the native addon is loaded in this process. */
export function nativeAvailable(): boolean {
  return native !== undefined;
}

export interface BackendInfo {
  /** The active backend. */
  backend: 'native' | 'js';
  /** The instruction set its kernels run on ('js' for the reference backend). */
  isa: string;
  /** The instruction sets available to the active backend, lowest first. */
  available: string[];
  /** Threads kernels may use. */
  threads: number;
  /** The package version. */
  version: string;
}

/** What runs the kernels: put it in bug reports and benchmark results. */
export function backendInfo(): BackendInfo {
  return {
    backend: active.name,
    isa: active.isa(),
    available: active.availableIsas(),
    threads: active.numThreads(),
    version,
  };
}

/** Sets the threads kernels may use (an integer in [1, 256]); results do not depend on it. */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 256) {
    const e = invalidArg('n', 'integer in [1, 256]', n);
    throw typeof n === 'number' ? new RangeError(e) : new TypeError(e);
  }
  native?.setNumThreads(n);
  reference.setNumThreads(n);
}

/** Threads kernels may use, the calling thread included. */
export function getNumThreads(): number {
  return active.numThreads();
}
