// Linear and an MLP, forward and backward, on whichever backend is active against the same
// math done by hand with the reference kernels (kernels('js')): on the reference backend the two
// agree bit for bit; on the native backend (once it has sgemm) to float32 summation-order
// differences. Odd sizes, so no tile of a native GEMM divides them.
import { describe, expect, it } from 'vitest';
import { backendInfo, kernels, nn, Tensor } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';
import { randomFloats } from '../../helpers/rng.js';

const js = kernels('js');

function gemm(
  ta: boolean,
  tb: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
): Float32Array {
  const c = new Float32Array(m * n);
  js.sgemm(ta, tb, m, n, k, 1, a, ta ? m : k, b, tb ? k : n, 0, c, n);
  return c;
}

/** x w^T + b with the fused kernel Linear runs on (the bias is added before the one rounding). */
function linearRows(
  x: Float32Array,
  w: Float32Array,
  b: Float32Array,
  m: number,
  nIn: number,
  nOut: number,
): Float32Array {
  const y = new Float32Array(m * nOut);
  js.linearForward(y, x, w, b, m, nIn, nOut, 'none');
  return y;
}

function colSums(g: Float32Array, cols: number): Float32Array {
  const s = new Float64Array(cols);
  for (let i = 0; i < g.length; i++) s[i % cols]! += g[i]!;
  return Float32Array.from(s);
}

const exact = backendInfo().backend === 'js';
const tol = exact ? {} : { atol: 1e-5, rtol: 1e-5 };

describe(`Linear and Sequential on the ${backendInfo().backend} backend against the reference kernels`, () => {
  it('forward and backward of Linear -> ReLU -> Linear', () => {
    const [m, nIn, hidden, nOut] = [13, 17, 11, 5];
    const model = new nn.Sequential(new nn.Linear(nIn, hidden), new nn.ReLU(), new nn.Linear(hidden, nOut));
    const [w1, b1, w2, b2] = model.parameters().map((p) => p.data) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const x = new Tensor(randomFloats(m * nIn, 1), [m, nIn], { requiresGrad: true });
    const dy = randomFloats(m * nOut, 2);

    const y = model.call(x);
    y.backward(new Tensor(dy, [m, nOut]));

    const z = linearRows(x.data, w1, b1, m, nIn, hidden);
    const h = new Float32Array(z.length);
    js.relu(h, z, z.length);
    const want = linearRows(h, w2, b2, m, hidden, nOut);
    const dh = gemm(false, false, m, hidden, nOut, dy, w2);
    const dz = new Float32Array(dh.length);
    js.reluBackward(dz, dh, z, dz.length);

    expectClose(y.data, want, tol);
    expectClose(model.at(2).weight.grad!.data, gemm(true, false, nOut, hidden, m, dy, h), tol);
    expectClose(model.at(2).bias!.grad!.data, colSums(dy, nOut), tol);
    expectClose(model.at(0).weight.grad!.data, gemm(true, false, hidden, nIn, m, dz, x.data), tol);
    expectClose(model.at(0).bias!.grad!.data, colSums(dz, hidden), tol);
    expectClose(x.grad!.data, gemm(false, false, m, nIn, hidden, dz, w1), tol);
    expect(y.shape).toEqual([m, nOut]);
  });
});
