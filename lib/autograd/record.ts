/**
 * How an operation puts itself on the tape: after computing its output, it calls `record` with
 * its inputs and a backward closure. Nothing is recorded inside `noGrad` or when no input
 * requires grad, so inference pays only for the closure it built.
 */
import { setGradFn, type Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { type BackwardFn, Node } from './node.js';
import { type OpAttrs, traceOp } from './trace.js';

/** Whether an operation on these inputs would be recorded. */
export function needsGrad(...inputs: readonly (Tensor | number | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (typeof t === 'object' && t !== null && t.requiresGrad) return true;
  return false;
}

/**
 * Records `out` as the result of `name` applied to `inputs` (numbers and absent inputs take
 * no gradient); returns `out`. `backward` returns one gradient per entry of `inputs`.
 * `attrs` are the op's settings for a tracer (trace.ts); ops an exporter maps pass them.
 */
export function record<T extends Tensor>(
  out: T,
  name: string,
  inputs: readonly (Tensor | number | null | undefined)[],
  backward: BackwardFn,
  attrs?: OpAttrs,
): T {
  traceOp(out, name, inputs, attrs);
  if (!needsGrad(...inputs)) return out;
  const tracked = inputs.map((t) => (typeof t === 'object' && t !== null && t.requiresGrad ? t : null));
  return setGradFn(out, new Node(name, tracked, backward));
}
