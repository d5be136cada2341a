// The local reparameterisation's variance product as one tape node (sparseVdVariance,
// kingmaVarianceProduct) against the composition of ops it replaces: the same values and
// per-weight gradients bit for bit, x's gradient to rounding, finite differences; the KL ops'
// reused derivative arrays (leases) under several terms made before one backward.
import { describe, expect, it } from 'vitest';
import { ops, Tensor, ShapeError } from '../../../lib/index.js';
import { linear } from '../../../lib/ops/matmul.js';
import { kingmaVariance, sparseVdKl, sparseVdSigma2 } from '../../../lib/ops/variational.js';
import { kingmaVarianceProduct, sparseVdVariance } from '../../../lib/ops/variational-product.js';
import { expectClose } from '../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';
import { randomFloats } from '../../helpers/rng.js';

/** [x shape, out]: rows of 1, a prime, a batch of 3-d inputs. */
const SHAPES: [number[], number][] = [
  [[1, 5], 3],
  [[7, 13], 11],
  [[2, 3, 17], 4],
];

function grads(ts: Tensor[]): Float32Array[] {
  return ts.map((t) => Float32Array.from(t.grad!.data));
}

describe('sparseVdVariance and kingmaVarianceProduct', () => {
  it.each(SHAPES)('x %j, %i outputs: the values and gradients of the composed ops', (xShape, out) => {
    const inF = xShape[xShape.length - 1]!;
    const rows = xShape.reduce((p, d) => p * d, 1) / inF;
    const g = new Tensor(randomFloats(rows * out, 9), [...xShape.slice(0, -1), out]);
    const make = () => [leaf(xShape, 1), leaf([out, inF], 2), leaf([out, inF], 3, -6, 1)] as const;

    const [x1, w1, s1] = make();
    const [x2, , s2] = make();
    const fused = sparseVdVariance(x1, s1);
    const composed = linear(ops.mul(x2, x2), sparseVdSigma2(s2));
    expect(fused.shape).toEqual(composed.shape);
    expect(Array.from(fused.data)).toEqual(Array.from(composed.data));
    fused.backward(g);
    composed.backward(g);
    expect(Array.from(s1.grad!.data)).toEqual(Array.from(s2.grad!.data));
    expectClose(x1.grad!.data, x2.grad!.data, { rtol: 1e-6, atol: 1e-7 });
    expect(w1.grad).toBeNull();

    const [x3, w3, a3] = make();
    const [x4, w4, a4] = make();
    const kFused = kingmaVarianceProduct(x3, w3, a3);
    const kComposed = linear(ops.mul(x4, x4), kingmaVariance(w4, a4));
    expect(Array.from(kFused.data)).toEqual(Array.from(kComposed.data));
    kFused.backward(g);
    kComposed.backward(g);
    const [gw3, ga3] = grads([w3, a3]);
    const [gw4, ga4] = grads([w4, a4]);
    expect(Array.from(gw3!)).toEqual(Array.from(gw4!));
    expect(Array.from(ga3!)).toEqual(Array.from(ga4!));
    expectClose(x3.grad!.data, x4.grad!.data, { rtol: 1e-6, atol: 1e-7 });
  });

  it('gives the per-weight gradient alone when only one input needs it', () => {
    const x = new Tensor(randomFloats(12, 4), [3, 4]);
    const w = leaf([2, 4], 5);
    const la = new Tensor(randomFloats(8, 6, -3, 1), [2, 4]);
    kingmaVarianceProduct(x, w, la).backward(new Tensor(new Float32Array(6).fill(1), [3, 2]));
    const w2 = leaf([2, 4], 5);
    linear(ops.mul(x, x), kingmaVariance(w2, la)).backward(new Tensor(new Float32Array(6).fill(1), [3, 2]));
    expect(Array.from(w.grad!.data)).toEqual(Array.from(w2.grad!.data));
    const la2 = leaf([2, 4], 7, -3, -0.1);
    kingmaVarianceProduct(x, new Tensor(randomFloats(8, 8), [2, 4]), la2).backward(
      new Tensor(new Float32Array(6).fill(1), [3, 2]),
    );
    expect(la2.grad!.data.some((v) => v !== 0)).toBe(true);
  });

  it('stays right when the same parameters enter two products before one backward', () => {
    const xa = leaf([3, 6], 31);
    const xb = leaf([5, 6], 32);
    const s = leaf([4, 6], 33, -4, 0);
    const s2 = leaf([4, 6], 33, -4, 0);
    const fused = ops.add(ops.sum(sparseVdVariance(xa, s)), ops.sum(ops.mul(sparseVdVariance(xb, s), 2)));
    const composed = ops.add(
      ops.sum(linear(ops.mul(xa, xa), sparseVdSigma2(s2))),
      ops.sum(ops.mul(linear(ops.mul(xb, xb), sparseVdSigma2(s2)), 2)),
    );
    fused.backward();
    composed.backward();
    expectClose(s.grad!.data, s2.grad!.data, { rtol: 1e-6, atol: 1e-7 });
    expect(s.grad!.data.some((v) => v !== 0)).toBe(true);
  });

  it('has the gradients of finite differences in x and every per-weight input', () => {
    const x = leaf([3, 5], 11);
    const s = leaf([4, 5], 12, -3, 0);
    expect(gradcheck((a, b) => sparseVdVariance(a!, b!), [x, s])).toBe(35);
    const w = leaf([4, 5], 13);
    const la = leaf([4, 5], 14, -3, -0.1);
    expect(gradcheck((a, b, c) => kingmaVarianceProduct(a!, b!, c!), [x, w, la])).toBe(55);
  });

  it('checks its arguments', () => {
    const x = new Tensor(new Float32Array(6), [2, 3]);
    expect(() => sparseVdVariance(x, new Tensor(new Float32Array(8), [2, 4]))).toThrow(ShapeError);
    expect(() => sparseVdVariance(x, new Tensor(new Float32Array(3), [3]))).toThrow(/logSigma2/);
    expect(() => sparseVdVariance('x' as never, new Tensor(new Float32Array(6), [2, 3]))).toThrow(TypeError);
    const w = new Tensor(new Float32Array(6), [2, 3]);
    expect(() => kingmaVarianceProduct(x, w, new Tensor(new Float32Array(6), [3, 2]))).toThrow(/logAlpha/);
    expect(() => kingmaVarianceProduct(x, w, 'a' as never)).toThrow(TypeError);
  });
});

describe('the KL terms’ derivative arrays', () => {
  it('stay right when several terms are made before one backward, or one is never backpropagated', () => {
    const w = leaf([3, 4], 21);
    const s = leaf([3, 4], 22, -6, 0);
    sparseVdKl(w, s).backward();
    const once = grads([w, s]);
    w.grad = s.grad = null;
    sparseVdKl(w, s); // never backpropagated: keeps its arrays
    const a = sparseVdKl(w, s);
    const b = sparseVdKl(w, s);
    ops.add(a, ops.mul(b, 3)).backward();
    expectClose(
      w.grad!.data,
      once[0]!.map((v) => 4 * v),
    );
    expectClose(
      s.grad!.data,
      once[1]!.map((v) => 4 * v),
    );

    const la = leaf([5], 23, -3, -0.1);
    ops.kingmaKl(la).backward();
    const one = Float32Array.from(la.grad!.data);
    la.grad = null;
    const k1 = ops.kingmaKl(la);
    const k2 = ops.kingmaKl(la);
    ops.add(ops.mul(k1, 0.5), k2).backward();
    expectClose(
      la.grad!.data,
      one.map((v) => 1.5 * v),
    );
    expect(one.some((v) => v !== 0)).toBe(true);
  });
});
