/**
 * tfjs's memory API, backend queries and tf.util. dropnet's tensors are garbage-collected, so
 * nothing here frees memory; it keeps tfjs's contract instead: tidy() returns fn's result and
 * marks the tensors made inside it disposed (except the result and kept ones), dispose() marks,
 * a disposed tensor cannot be read, and memory().numTensors counts the tensors not disposed.
 */
import { backendInfo } from '../backend/index.js';
import { argTypeError } from '../errors.js';
import { shapeSize } from '../shape.js';
import { liveTensors, Tensor, tidyScopes } from './tensor.js';

/** Every Tensor inside a result (a tensor, arrays, plain objects, Maps). */
function collect(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (depth > 32 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value)) collect(v, out, depth + 1);
}

/** Runs fn; tensors it created and does not return are disposed (tfjs's tidy). fn must not be async. */
export function tidy<T>(nameOrFn: string | (() => T), fn?: () => T): T {
  const f = typeof nameOrFn === 'function' ? nameOrFn : fn;
  if (typeof f !== 'function') throw argTypeError('fn', 'function', f);
  const scope: Tensor[] = [];
  tidyScopes.push(scope);
  let result: T;
  try {
    result = f();
  } finally {
    tidyScopes.pop();
  }
  if (result instanceof Promise) throw new Error('Cannot return a Promise inside of tidy.');
  const keep = new Set<Tensor>();
  collect(result, keep);
  const parent = tidyScopes[tidyScopes.length - 1];
  for (const t of scope) {
    if (keep.has(t) || t.kept) parent?.push(t);
    else t.dispose();
  }
  return result;
}

/** Disposes every tensor in a tensor, array or object of tensors. */
export function dispose(container: unknown): void {
  const found = new Set<Tensor>();
  collect(container, found);
  for (const t of found) t.dispose();
}

/** Keeps a tensor alive past the enclosing tidy(). */
export function keep<T extends Tensor>(result: T): T {
  if (!(result instanceof Tensor)) throw argTypeError('result', 'Tensor', result);
  result.kept = true;
  return result;
}

export interface MemoryInfo {
  numTensors: number;
  numDataBuffers: number;
  numBytes: number;
  unreliable: boolean;
  reasons: string[];
}

export function memory(): MemoryInfo {
  return {
    numTensors: liveTensors.count,
    numDataBuffers: liveTensors.count,
    numBytes: liveTensors.bytes,
    unreliable: true,
    reasons: [
      'dropnet tensors are garbage-collected: these count the tf.Tensors not disposed, as tfjs does; the memory is freed by the garbage collector either way',
    ],
  };
}

/** dropnet's backend, named for tfjs's backend queries. */
export const BACKEND_NAME = 'dropnet';

/** tfjs's backend names: each is accepted by setBackend and runs on dropnet. */
const TFJS_BACKENDS = ['dropnet', 'cpu', 'tensorflow', 'webgl', 'wasm', 'webgpu'];

export function getBackend(): string {
  return BACKEND_NAME;
}

/** Resolves true: every tfjs backend name runs on dropnet (native kernels, or its JS reference). */
export function setBackend(name: string): Promise<boolean> {
  if (typeof name !== 'string') return Promise.reject(argTypeError('backendName', 'string', name));
  if (!TFJS_BACKENDS.includes(name))
    return Promise.reject(
      new RangeError(
        `setBackend: unknown backend "${name}"; dropnet/tfjs accepts ${TFJS_BACKENDS.join(', ')} (all run on dropnet)`,
      ),
    );
  return Promise.resolve(true);
}

export function ready(): Promise<void> {
  return Promise.resolve();
}

export function backend(): { name: string; info: ReturnType<typeof backendInfo> } {
  return { name: BACKEND_NAME, info: backendInfo() };
}

/** The engine object programs sometimes touch (memory, the backend name, scopes). */
export function engine(): { memory: typeof memory; backendName: string; startScope(): void; endScope(): void } {
  const stack: Tensor[][] = [];
  return {
    memory,
    backendName: BACKEND_NAME,
    startScope(): void {
      const scope: Tensor[] = [];
      stack.push(scope);
      tidyScopes.push(scope);
    },
    endScope(): void {
      const scope = stack.pop();
      if (scope === undefined) return;
      tidyScopes.splice(tidyScopes.lastIndexOf(scope), 1);
      for (const t of scope) if (!t.kept) t.dispose();
    },
  };
}

export function nextFrame(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function time(f: () => void): Promise<{ wallMs: number; kernelMs: number }> {
  const t0 = performance.now();
  f();
  const wallMs = performance.now() - t0;
  return { wallMs, kernelMs: wallMs };
}

export function enableProdMode(): void {}
export function enableDebugMode(): void {}
// -- tf.util ------------------------------------------------------------------------------------

function assert(expr: boolean, msg: string | (() => string)): void {
  if (!expr) throw new Error(typeof msg === 'string' ? msg : msg());
}

/** Shuffles an array in place (Fisher-Yates with Math.random, as tfjs). */
function shuffle<T>(array: T[] | Uint32Array | Int32Array | Float32Array): void {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const tmp = array[i]!;
    array[i] = array[j]!;
    array[j] = tmp;
  }
}

/** Shuffles two arrays of the same length in the same order. */
function shuffleCombo<T, U>(a: T[] | Float32Array, b: U[] | Float32Array): void {
  if (a.length !== b.length)
    throw new Error(
      `Array sizes must match to be shuffled together First array length was ${a.length}Second array length was ${b.length}`,
    );
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
    [b[i], b[j]] = [b[j]!, b[i]!];
  }
}

function createShuffledIndices(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  shuffle(out);
  return out;
}

function flattenArray(arr: unknown, result: unknown[] = []): unknown[] {
  if (Array.isArray(arr) || ArrayBuffer.isView(arr)) {
    const list = arr as ArrayLike<unknown>;
    for (let i = 0; i < list.length; i++) flattenArray(list[i], result);
  } else result.push(arr);
  return result;
}

function arraysEqual(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const util = {
  assert,
  shuffle,
  shuffleCombo,
  createShuffledIndices,
  sizeFromShape: (shape: readonly number[]): number => shapeSize(shape),
  flatten: flattenArray,
  arraysEqual,
  now: (): number => performance.now(),
  isTypedArray: (a: unknown): boolean =>
    a instanceof Float32Array || a instanceof Int32Array || a instanceof Uint8Array || a instanceof Uint8ClampedArray,
  range: (start: number, stop: number): number[] =>
    Array.from({ length: Math.max(stop - start, 0) }, (_, i) => start + i),
  clamp: (min: number, x: number, max: number): number => Math.max(min, Math.min(x, max)),
};
