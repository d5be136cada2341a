/**
 * The `out` option of linear, matmul and conv2d (PyTorch's `out=`): the op writes its result into
 * the storage of an existing tensor and returns that tensor, so a loop that calls the op many
 * times (a server answering requests) reuses one output instead of allocating one per call.
 *
 * The rules, as in PyTorch: `out` is a Tensor of exactly the result's shape; an op with `out`
 * records nothing, so it refuses when a gradient would be recorded (an input requires grad while
 * grad mode is on, or a tracer is observing ops) and when `out` itself requires grad (a leaf
 * being trained, or a result on the tape: overwriting either would corrupt what backward reads).
 * `out` must not share memory with an input, exact aliasing included: the kernels read their
 * inputs while they write the output.
 *
 * What no check here can see: a tensor an earlier recorded op kept for its backward (an input of
 * a product whose weight requires grad) is read again by that backward; writing into it with
 * `out` changes the gradient, as any in-place write would. Pass an `out` of your own.
 *
 * On success nothing here allocates: shapes are compared element by element, and error messages
 * (with their shape arrays) are built only when something is wrong.
 */
import { isGradEnabled } from '../autograd/grad-mode.js';
import { tracing } from '../autograd/trace.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { expectTensorType } from './check.js';

/**
 * `value` as the out of `op`: a Tensor that does not require grad. Its storage is checked by the
 * caller (expectLive) once the shape is known to be the result's.
 */
export function expectOut(value: unknown, op: string): Tensor {
  const out = expectTensorType(value, 'out');
  if (out.requiresGrad) {
    throw new Error(
      `${op}: out requires grad; ops with an out argument do not support automatic differentiation (pass an out tensor that does not require grad)`,
    );
  }
  return out;
}

/**
 * Throws unless a call of `op` on these inputs would record nothing: with `out` the result is
 * written, not recorded, so a gradient would silently be lost.
 */
export function expectNotRecorded(
  op: string,
  a: Tensor,
  aName: string,
  b: Tensor,
  bName: string,
  c: Tensor | null,
  cName: string,
): void {
  if (tracing()) {
    throw new Error(
      `${op}: out cannot be used while a tracer is observing ops (traceOps, an export): the op would not be recorded`,
    );
  }
  if (!isGradEnabled()) return;
  const name = a.requiresGrad ? aName : b.requiresGrad ? bName : c !== null && c.requiresGrad ? cName : null;
  if (name !== null) {
    throw new Error(
      `${op}: out cannot be used when a gradient would be recorded (${name} requires grad and grad mode is on); ops with an out argument do not support automatic differentiation (call it inside noGrad, or leave out unset)`,
    );
  }
}

/**
 * Throws unless out's storage and input's are disjoint (the same tensor or a view of it
 * included). Both backends' kernels refuse an output that overlaps an input, with a RangeError
 * naming their own parameters (c, w); the ops call this when a kernel threw, so the error names
 * the op's arguments and a call that succeeds reads no ArrayBuffer.
 */
export function expectNoOverlap(op: string, out: Tensor, input: Tensor | null, name: string): void {
  if (input === null) return;
  const o = out.data;
  const i = input.data;
  if (o.byteLength === 0 || i.byteLength === 0 || o.buffer !== i.buffer) return;
  if (o.byteOffset < i.byteOffset + i.byteLength && i.byteOffset < o.byteOffset + o.byteLength) {
    throw new RangeError(
      `${op}: expected out not to share memory with ${name} but they overlap (the op reads ${name} while it writes out; pass a separate output tensor)`,
    );
  }
}

/** Rethrows a kernel's error on the out path as an overlap error naming the op's arguments, if that is what it was. */
export function rethrowOverlap(
  e: unknown,
  op: string,
  out: Tensor,
  a: Tensor,
  aName: string,
  b: Tensor,
  bName: string,
  c: Tensor | null,
  cName: string,
): never {
  if (e instanceof RangeError) {
    expectNoOverlap(op, out, a, aName);
    expectNoOverlap(op, out, b, bName);
    expectNoOverlap(op, out, c, cName);
  }
  throw e;
}

/** The ShapeError for an out of the wrong shape; `expected` is built by the caller on this path only. */
export function outShapeError(op: string, expected: readonly number[], out: Tensor): ShapeError {
  return new ShapeError(
    `${op}: expected out of shape ${formatShape(expected)} (the result's) but received ${formatShape(out.shape)}`,
    { expected, received: out.shape },
  );
}
