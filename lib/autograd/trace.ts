/**
 * Tracing: an optional observer of every operation that runs, for exporters that turn one
 * forward pass into a graph (lib/io/onnx/). It is off by default; while it is off, recording an
 * operation costs one comparison more. While it is on (the synchronous extent of `traceOps`),
 * every op reports its output, its inputs (numbers included, absent inputs as null) and the
 * attributes that shaped it, whether or not anything requires grad.
 */
import { argTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** Settings of an operation that its inputs do not show (stride, axis, eps, ...), as a plain object. */
export type OpAttrs = object;

export type OpTracer = (
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | number | null | undefined)[],
  attrs: OpAttrs | undefined,
) => void;

let tracer: OpTracer | null = null;

/** Reports an op to the active tracer, if any. Called by `record` and by Tensor's own views. */
export function traceOp(
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | number | null | undefined)[],
  attrs: OpAttrs | undefined,
): void {
  if (tracer !== null) tracer(out, name, inputs, attrs);
}

/** Whether a tracer is observing ops (an op that records nothing must still report itself then). */
export function tracing(): boolean {
  return tracer !== null;
}

/** Runs `fn` with `onOp` observing every operation; tracers do not nest. Returns what fn returns. */
export function traceOps<T>(onOp: OpTracer, fn: () => T): T {
  if (typeof onOp !== 'function') throw argTypeError('onOp', 'function', onOp);
  if (typeof fn !== 'function') throw argTypeError('fn', 'function', fn);
  if (tracer !== null) throw new Error('traceOps: a trace is already running; traces do not nest');
  tracer = onOp;
  try {
    return fn();
  } finally {
    tracer = null;
  }
}
