/**
 * Losses that compare input and target element by element (mse, l1, huber, binary cross-entropy,
 * KL divergence ...): a scalar function of (x, t) and its partial derivatives, an optional
 * per-element weight, and a reduction, recorded as one node on the tape.
 */
import { isGradEnabled } from '../../autograd/grad-mode.js';
import { record } from '../../autograd/record.js';
import { argTypeError, formatShape, ShapeError } from '../../errors.js';
import { broadcastIndex, expandThrough } from '../../ops/broadcast.js';
import { expectLiveStorage, Tensor } from '../../tensor.js';

export interface PointwiseLoss {
  /** The loss of element i, input x and target t (before weighting). */
  value(x: number, t: number, i: number): number;
  /** d value / dx */
  dx(x: number, t: number, i: number): number;
  /** d value / dt; absent when the loss has no gradient for its target (as in PyTorch). */
  dt?: (x: number, t: number, i: number) => number;
}

/** null: one value per element ('none'); otherwise the sum divided by `divisor`. */
export type Divisor = number | null;

/** A weight broadcast to `shape` (laid out like it), or null. */
export function expandWeight(
  weight: unknown,
  shape: readonly number[],
  op: string,
  name = 'weight',
): Float32Array | null {
  if (weight === undefined || weight === null) return null;
  if (!(weight instanceof Tensor)) throw argTypeError(name, 'Tensor or null', weight);
  expectLiveStorage(weight, name);
  const w: readonly number[] = weight.shape;
  const offset = shape.length - w.length;
  if (offset < 0 || w.some((d, i) => d !== 1 && d !== shape[offset + i])) {
    throw new ShapeError(
      `${op}: ${name} of shape ${formatShape(weight.shape)} does not broadcast to the input shape ${formatShape(shape)}`,
    );
  }
  return expandThrough(weight.data, broadcastIndex(weight.shape, shape));
}

export function elementwiseLoss(
  op: string,
  input: Tensor,
  target: Tensor,
  fn: PointwiseLoss,
  weight: Float32Array | null,
  divisor: Divisor,
): Tensor {
  if (target.requiresGrad && isGradEnabled() && fn.dt === undefined) {
    throw new Error(
      `${op}: the gradient with respect to the target is not implemented (nor in PyTorch); pass target.detach()`,
    );
  }
  const x = input.data;
  const t = target.data;
  const n = x.length;
  let out: Tensor;
  if (divisor === null) {
    const loss = new Float32Array(n);
    for (let i = 0; i < n; i++) loss[i] = (weight === null ? 1 : weight[i]!) * fn.value(x[i]!, t[i]!, i);
    out = new Tensor(loss, input.shape);
  } else {
    let s = 0;
    for (let i = 0; i < n; i++) s += (weight === null ? 1 : weight[i]!) * fn.value(x[i]!, t[i]!, i);
    out = new Tensor(Float32Array.of(s / divisor), []);
  }
  return record(out, op, [input, target], (g, needs) => {
    const scale = (i: number): number =>
      (weight === null ? 1 : weight[i]!) * (divisor === null ? g[i]! : g[0]! / divisor);
    let gx: Float32Array | null = null;
    let gt: Float32Array | null = null;
    if (needs[0]) {
      gx = new Float32Array(n);
      for (let i = 0; i < n; i++) gx[i] = scale(i) * fn.dx(x[i]!, t[i]!, i);
    }
    if (needs[1] && fn.dt !== undefined) {
      gt = new Float32Array(n);
      for (let i = 0; i < n; i++) gt[i] = scale(i) * fn.dt(x[i]!, t[i]!, i);
    }
    return [gx, gt];
  });
}
