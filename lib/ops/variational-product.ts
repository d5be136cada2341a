/**
 * The variance product of the local reparameterisation trick as one tape node, for the layers
 * of nn/dropout/ (svdo.ts, variational.ts):
 *
 *   sparseVdVariance(x, logSigma2)            δ = (x ⊙ x)·exp(logSigma2)ᵀ
 *   kingmaVarianceProduct(x, weight, logAlpha)  δ = (x ⊙ x)·(α ⊙ θ ⊙ θ)ᵀ,  α = min(exp(logAlpha), 1)
 *
 * x is (..., in), the per-weight tensors (out, in), δ is (..., out). The values are those of
 * linear(mul(x, x), sparseVdSigma2(logSigma2)) and linear(mul(x, x), kingmaVariance(weight,
 * logAlpha)), bit for bit, and so are the gradients of the per-weight tensors (x's sums its
 * two terms in another order). What one node saves over those three: x ⊙ x and the per-weight
 * variances live in arrays leased from the layer's parameter (`lease`: the same storage every
 * step; made again in `scratch` arrays if a later product of the layer took them over before
 * this node's backward); the weight gradient the product gives (gᵀ(x ⊙ x)) is scaled in place
 * into the parameter's gradient, which the engine then adopts without a copy. On a step of
 * 1024 × 1024 weights that is four (sparse) or five (Kingma) fewer 4 MB arrays to allocate,
 * fault in and copy. The leased arrays stay with the parameter: a layer holds x ⊙ x of its last
 * batch and one more array of its weights' size (two more with its KL term's derivatives).
 */
import { record } from '../autograd/record.js';
import { activeBackend } from '../backend/index.js';
import { newDataUninit } from '../backend/storage.js';
import { formatShape, ShapeError } from '../errors.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './check.js';
import { gemm } from './matmul.js';

const slots = new Map<string, Float32Array>();

/**
 * An array of n elements for values one call makes and uses up before it returns (never handed
 * out, never kept by the tape): the same storage every call, grown to the largest n asked.
 * Synchronous callers only; two live uses of one slot would overwrite each other.
 */
export function scratch(slot: string, n: number): Float32Array {
  let a = slots.get(slot);
  if (a === undefined || a.length < n) {
    a = new Float32Array(n);
    slots.set(slot, a);
  }
  return a.length === n ? a : a.subarray(0, n);
}

const owned = new WeakMap<object, Map<string, Float32Array>>();
const holders = new WeakMap<Float32Array, object>();

/**
 * An array of n elements kept with `owner` (a parameter: one per layer, collected with it) for
 * values a tape node keeps until its backward, lent to `holder` (the node's token) until
 * `release` or until a later lease of the same slot takes it over: a node then finds with
 * `holds` that its values are gone and makes them again. So a node never backpropagated holds
 * nothing up, and a step allocates nothing.
 */
export function lease(owner: object, slot: string, n: number, holder: object): Float32Array {
  let mine = owned.get(owner);
  if (mine === undefined) owned.set(owner, (mine = new Map()));
  let a = mine.get(slot);
  if (a === undefined || a.length !== n) {
    a = new Float32Array(n);
    mine.set(slot, a);
  }
  holders.set(a, holder);
  return a;
}

/** Whether `a` (from `lease`) still holds what `holder` put in it. */
export function holds(a: Float32Array, holder: object): boolean {
  return holders.get(a) === holder;
}

/** Ends the lease of `a`. */
export function release(a: Float32Array): void {
  holders.delete(a);
}

function checkProduct(x: Tensor, perWeight: Tensor, op: string, name: string): [number, number, number] {
  expectTensor(x, 'x');
  expectTensor(perWeight, name);
  if (perWeight.rank !== 2)
    throw new ShapeError(`${op}: expected ${name} of shape [out, in] but received ${formatShape(perWeight.shape)}`);
  const [outF, inF] = perWeight.shape as readonly [number, number];
  if (x.rank === 0 || x.shape[x.rank - 1] !== inF) {
    throw new ShapeError(`${op}: expected x of shape [*, ${inF}] but received ${formatShape(x.shape)}`);
  }
  return [x.size / inF, inF, outF];
}

/**
 * (x ⊙ x)·Σᵀ, with `variances(into)` writing Σ (the per-weight tensor's size), and its backward:
 * gx = 2x ⊙ (g Σ) when x needs one, and G = gᵀ(x ⊙ x), handed to `weightGrads`, which turns it
 * into the per-weight inputs' gradients. x ⊙ x and Σ are kept for the backward in arrays leased
 * from `owner` (the layer's parameter), and made again if a later product of the layer took them.
 */
function varianceProduct(
  x: Tensor,
  dims: [number, number, number],
  inputs: Tensor[],
  name: string,
  variances: (into: Float32Array) => void,
  weightGrads: (big: Float32Array, needs: readonly boolean[], variance: () => Float32Array) => (Float32Array | null)[],
): Tensor {
  const [m, inF, outF] = dims;
  const backend = activeBackend();
  const owner = inputs[inputs.length - 1]!;
  const n = owner.size;
  const token = {};
  const x2 = lease(owner, 'x2', x.size, token);
  backend.mul(x2, x.data, x.data, x.size);
  const v = lease(owner, 'variance', n, token);
  variances(v);
  const out = newDataUninit(m * outF);
  backend.linearForward(out, x2, v, null, m, inF, outF, 'none');
  const shape = [...x.shape.slice(0, -1), outF];
  const squares = (): Float32Array => {
    if (holds(x2, token)) return x2;
    const s = scratch('x2', x.size);
    backend.mul(s, x.data, x.data, x.size);
    return s;
  };
  const variance = (): Float32Array => {
    if (holds(v, token)) return v;
    const s = scratch('variance', n);
    variances(s);
    return s;
  };
  return record(new Tensor(out, shape), name, [x, ...inputs], (g, needs) => {
    let gx: Float32Array | null = null;
    if (needs[0]) {
      gx = gemm(false, false, m, inF, outF, g, variance());
      backend.mul(gx, gx, x.data, gx.length);
      backend.scale(gx, gx, 2, gx.length);
    }
    const rest = needs.slice(1);
    if (!rest.some((r) => r)) return [gx, ...rest.map(() => null)];
    return [gx, ...weightGrads(gemm(true, false, outF, inF, m, g, squares()), rest, variance)];
  });
}

/**
 * δ = (x ⊙ x)·exp(logSigma2)ᵀ: the variances of sparse variational dropout's pre-activations.
 * Gradients: 2x ⊙ (g·σ²) to x, (gᵀ(x ⊙ x)) ⊙ σ² to logSigma2.
 */
export function sparseVdVariance(x: Tensor, logSigma2: Tensor): Tensor {
  const dims = checkProduct(x, logSigma2, 'sparseVdVariance', 'logSigma2');
  const n = logSigma2.size;
  // Only σ² is asked for, so the weight argument is not read: logSigma2 stands in for it.
  const sigma2 = (into: Float32Array): number =>
    activeBackend().sparseVd(into, null, null, null, logSigma2.data, logSigma2.data, false, n);
  return varianceProduct(x, dims, [logSigma2], 'sparseVdVariance', sigma2, (big, _needs, variance) => {
    activeBackend().mul(big, big, variance(), n);
    return [big];
  });
}

/**
 * δ = (x ⊙ x)·(α ⊙ θ ⊙ θ)ᵀ with α = min(exp(logAlpha), 1): the variances of variational
 * dropout's per-weight local reparameterisation. With G = gᵀ(x ⊙ x), gradients G ⊙ 2αθ to the
 * weight, G ⊙ αθ² to logAlpha where logAlpha ≤ 0 (0 where it is clamped), 2x ⊙ (g·αθ²) to x.
 */
export function kingmaVarianceProduct(x: Tensor, weight: Tensor, logAlpha: Tensor): Tensor {
  const dims = checkProduct(x, weight, 'kingmaVarianceProduct', 'weight');
  expectTensor(logAlpha, 'logAlpha');
  if (!shapesEqual(logAlpha.shape, weight.shape)) {
    throw new ShapeError(
      `kingmaVarianceProduct: expected logAlpha of the shape of weight ${formatShape(weight.shape)} but received ${formatShape(logAlpha.shape)}`,
    );
  }
  const n = weight.size;
  const backend = activeBackend();
  const variance = (into: Float32Array): number =>
    backend.kingmaVd(into, null, null, null, weight.data, logAlpha.data, false, n);
  return varianceProduct(x, dims, [weight, logAlpha], 'kingmaVarianceProduct', variance, (big, needs) => {
    const dw = needs[0] ? scratch('dvar_dw', n) : null;
    const dla = needs[1] ? scratch('dvar', n) : null;
    backend.kingmaVd(null, dw, dla, null, weight.data, logAlpha.data, false, n);
    if (dw === null) {
      backend.mul(big, big, dla!, n);
      return [null, big];
    }
    if (dla !== null) {
      const gw = newDataUninit(n);
      backend.mul(gw, big, dw, n);
      backend.mul(big, big, dla, n);
      return [gw, big];
    }
    backend.mul(big, big, dw, n);
    return [big, null];
  });
}
