/**
 * Tensor storage: where the Float32Arrays under tensors, gradients and op temporaries come from.
 *
 * With the native backend, arrays of at least 32 MiB come from the addon's storage pool: a
 * Float32Array over an external ArrayBuffer whose block goes back to the pool when the garbage
 * collector frees the buffer, and is handed out again for a request of the same size class, so
 * a loop reuses the pages of the calls before it instead of faulting in fresh ones (see
 * docs/memory.md). Smaller arrays, the reference backend (DROPNET_BACKEND=js),
 * DROPNET_POOL=0, and runtimes that refuse external ArrayBuffers (V8's sandbox) use plain
 * `new Float32Array(n)`. Nothing here asks the caller to free anything.
 *
 * Two ways to ask: `newData(n)` gives zeros (as `new Float32Array(n)` does); `newDataUninit(n)`
 * gives unspecified contents and is only for callers that write every element (a kernel's
 * output). DROPNET_POOL_FILL=nan fills the latter with NaN, so a caller that reads what it did not
 * write shows up in the tests.
 */
import { signature } from '../args.js';
import { invalidArg } from '../errors.js';
import { activeBackend, kernels } from './index.js';
import type { NativeBackend, StorageStats } from './native.js';

/**
 * Arrays of at least this many elements (32 MiB) come from the pool. Measured (docs/memory.md):
 * below it glibc's malloc, which V8 allocates ArrayBuffers with, already reuses freed blocks (its
 * mmap threshold adapts up to 32 MiB), while an external ArrayBuffer costs more to make and
 * comes back only after a collection and an event-loop turn; above it every plain allocation
 * is a fresh mapping whose pages fault on first touch, and the pool wins several times over.
 */
const DEFAULT_POOL_MIN_ELEMENTS = 8 * 2 ** 20;
let poolMinElements = DEFAULT_POOL_MIN_ELEMENTS;

/**
 * Sets the smallest pooled array (elements); returns the previous value. For tests and
 * measurements, which need the pool to serve small arrays; not part of the public API.
 */
export function setPoolMinElements(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(invalidArg('n', 'non-negative safe integer', n));
  const previous = poolMinElements;
  poolMinElements = n;
  return previous;
}

/** The addon's limit on one pooled array; larger ones are plain. */
const POOL_MAX_ELEMENTS = 2 ** 31;

/** The addon's pool if it is active and usable here, else null (plain allocation). */
function openPool(): NativeBackend | null {
  const env = process.env.DROPNET_POOL;
  if (env !== undefined && env !== '0' && env !== '1') {
    process.emitWarning(`DROPNET_POOL must be 0 or 1 but is "${env}"; the storage pool stays on`, {
      code: 'DROPNET_POOL',
    });
  }
  if (env === '0' || activeBackend().name !== 'native') return null;
  const addon = kernels('native');
  try {
    addon.allocFloat32(1, true);
  } catch {
    return null; // external ArrayBuffers refused (V8 sandbox): plain allocation
  }
  return addon;
}

const pool = openPool();
const fillNaN = process.env.DROPNET_POOL_FILL === 'nan';

function plain(n: number): Float32Array {
  return new Float32Array(n);
}

/**
 * Node runs the finalizer of an external ArrayBuffer (which gives its block back) on a later turn
 * of the event loop, never inside synchronous code. A loop that trains without yielding would
 * so hold every block it took until it ends. So at most TURN_BUDGET_BYTES come from the pool
 * between two turns; past that, arrays are plain (freed by the collector alone) until the loop
 * turns again. fit() yields between batches and stays far below the budget.
 */
const TURN_BUDGET_BYTES = 256 * 2 ** 20;
let takenSinceTurn = 0;
let turnWatch = false;

function turned(): void {
  takenSinceTurn = 0;
  turnWatch = false;
}

/** The pool, if n elements should come from it now; null for a plain array. */
function poolFor(n: number): NativeBackend | null {
  if (pool === null || n < poolMinElements || n > POOL_MAX_ELEMENTS) return null;
  if (takenSinceTurn > TURN_BUDGET_BYTES) return null;
  takenSinceTurn += 4 * n;
  if (!turnWatch) {
    turnWatch = true;
    setImmediate(turned).unref();
  }
  return pool;
}

/** Elements of every array handed out here (pooled or plain), for memoryInfo(). */
let allocatedElements = 0;

/**
 * The arrays handed out while a capture is open (see `captureFresh`): new storage that no one
 * but the code that asked for it has seen yet.
 */
let captured: Set<Float32Array> | null = null;

function handOut(out: Float32Array): Float32Array {
  allocatedElements += out.length;
  if (captured !== null) captured.add(out);
  return out;
}

/**
 * Runs fn and returns its result with the set of arrays this module handed out during it (the
 * autograd engine uses it to tell a gradient a backward closure made from one it passed on or
 * shares). A capture sees only its own arrays: one opened inside it hides them from it, so what
 * an inner user may have kept never counts as fresh outside.
 */
export function captureFresh<T>(fn: () => T): { result: T; fresh: ReadonlySet<Float32Array> } {
  const outer = captured;
  const mine = new Set<Float32Array>();
  captured = mine;
  try {
    const result = fn();
    return { result, fresh: mine };
  } finally {
    captured = outer;
  }
}

/** A zero-filled Float32Array of n elements (the pool's when n is large enough). */
export function newData(n: number): Float32Array {
  return handOut(poolFor(n)?.allocFloat32(n, true) ?? plain(n));
}

/**
 * A Float32Array of n elements whose contents are unspecified: only for a caller that writes
 * every element before anything reads it.
 */
export function newDataUninit(n: number): Float32Array {
  const out = poolFor(n)?.allocFloat32(n, false) ?? plain(n);
  if (fillNaN) out.fill(NaN);
  return handOut(out);
}

/** A copy of src in new storage. */
export function copyData(src: Float32Array): Float32Array {
  const out = poolFor(src.length)?.allocFloat32(src.length, false);
  if (out === undefined) return handOut(src.slice());
  out.set(src);
  return handOut(out);
}

/** The memory picture of the process, for seeing a training loop's steady state. */
export interface MemoryInfo {
  /** Whether tensor storage comes from the native pool ('native') or plain allocation ('off'). */
  pool: 'native' | 'off';
  /** Bytes of pooled storage (arrays of 32 MiB and up) not yet given back: live arrays, and dead ones awaiting collection. */
  bytesInUse: number;
  /** Bytes of free blocks the pool keeps for reuse. */
  bytesPooled: number;
  /** The most free bytes the pool keeps (DROPNET_POOL_LIMIT_MB; default 1 GiB). */
  poolLimit: number;
  /** Blocks the pool has taken from the system since the process began, and their bytes. */
  freshAllocations: number;
  freshBytes: number;
  /** Requests the pool served with a block it had kept. */
  reuses: number;
  /** Bytes of every block the pool handed out, fresh or kept (the storage traffic). */
  servedBytes: number;
  /**
   * Bytes of every tensor array the library's storage handed out, pooled or plain (op outputs,
   * gradients, temporaries): the pages a loop writes, against which to judge its page faults.
   */
  allocatedBytes: number;
  /** Minor page faults of the process so far (process.resourceUsage()). */
  minorPageFaults: number;
  /** Resident set size of the process, in bytes. */
  rss: number;
  /** Bytes of all ArrayBuffers the engine knows of, pooled ones included (process.memoryUsage()). */
  arrayBuffers: number;
}

const MEMORY_INFO = signature('memoryInfo', [], {});

/** Counters of tensor storage and of the process: call it twice and compare to see a loop's steady state. */
export function memoryInfo(...none: []): MemoryInfo {
  MEMORY_INFO.parse(none);
  const s: StorageStats = pool?.storageStats() ?? {
    bytesInUse: 0,
    blocksInUse: 0,
    bytesPooled: 0,
    blocksPooled: 0,
    freshAllocations: 0,
    freshBytes: 0,
    reuses: 0,
    servedBytes: 0,
    poolLimit: 0,
  };
  const usage = process.memoryUsage();
  return {
    pool: pool === null ? 'off' : 'native',
    bytesInUse: s.bytesInUse,
    bytesPooled: s.bytesPooled,
    poolLimit: s.poolLimit,
    freshAllocations: s.freshAllocations,
    freshBytes: s.freshBytes,
    reuses: s.reuses,
    servedBytes: s.servedBytes,
    allocatedBytes: 4 * allocatedElements,
    minorPageFaults: process.resourceUsage().minorPageFault,
    rss: usage.rss,
    arrayBuffers: usage.arrayBuffers,
  };
}
