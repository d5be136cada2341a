/**
 * ISA helpers for parity tests: which instruction sets to test on this machine, and running a
 * block of code with one of them selected.
 *
 * testedIsas() is every ISA of this architecture; each entry says whether it can run here and,
 * if not, why, so a suite can register a named, reported skip instead of passing silently.
 * DROPNET_ISA caps the list, as it caps the library.
 */
import { isaOrder, kernels, nativeAvailable, type NativeBackend } from '../../lib/backend/index.js';

export interface IsaCase {
  isa: string;
  /** Empty when the ISA can run here; otherwise why it is skipped. */
  skip: string;
}

export function testedIsas(): IsaCase[] {
  const order = isaOrder();
  if (!nativeAvailable()) return order.map((isa) => ({ isa, skip: 'native backend not loaded' }));
  const available = kernels('native').availableIsas();
  const cap = process.env.DROPNET_ISA;
  const capIndex = cap !== undefined && order.includes(cap) ? order.indexOf(cap) : order.length - 1;
  return order.map((isa, i) => {
    if (!available.includes(isa)) return { isa, skip: 'not supported by this CPU' };
    if (i > capIndex) return { isa, skip: `above DROPNET_ISA=${cap}` };
    return { isa, skip: '' };
  });
}

/** Runs fn with the native kernels capped at `isa`, then restores the previous selection. */
export function withIsa<T>(isa: string, fn: (native: NativeBackend) => T): T {
  const native = kernels('native');
  const before = native.isa();
  const got = native.selectIsa(isa);
  if (got !== isa) throw new Error(`selectIsa(${isa}) selected ${got}`);
  try {
    return fn(native);
  } finally {
    native.selectIsa(before);
  }
}

/** Runs fn with the native pool at `threads` threads, then restores the previous count. */
export function withThreads<T>(threads: number, fn: () => T): T {
  const native = kernels('native');
  const before = native.numThreads();
  native.setNumThreads(threads);
  try {
    return fn();
  } finally {
    native.setNumThreads(before);
  }
}
