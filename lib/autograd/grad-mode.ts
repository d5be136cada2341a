/**
 * Whether operations record themselves on the tape. Recording is on by default; `noGrad(fn)`
 * turns it off for the synchronous extent of `fn` (inference, weight updates), `enableGrad(fn)`
 * turns it back on inside such a block. The mode is process-wide, as in PyTorch: it is about
 * what the tape records, not about how layers behave (that is each module's `training` flag).
 */
import { argTypeError } from '../errors.js';

let enabled = true;

/** True unless running inside `noGrad`. */
export function isGradEnabled(): boolean {
  return enabled;
}

function withMode<T>(mode: boolean, fn: () => T, name: string): T {
  if (typeof fn !== 'function') throw argTypeError('fn', 'function', fn);
  const before = enabled;
  enabled = mode;
  try {
    const result = fn();
    // The mode is restored when fn returns, before any awaited work resumes: an async fn
    // would silently record (or not) whatever runs after its first await.
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      throw new TypeError(
        `${name}(fn) covers synchronous code only but fn returned a Promise; call ${name} inside the async function instead`,
      );
    }
    return result;
  } finally {
    enabled = before;
  }
}

/**
 * Runs `fn` without recording operations: results have no gradFn and do not require grad.
 * Use it for inference and for updating parameters in place. Returns what `fn` returns.
 */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn, 'noGrad');
}

/** Runs `fn` with recording on, also inside `noGrad`. Returns what `fn` returns. */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn, 'enableGrad');
}
