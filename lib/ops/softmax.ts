/**
 * softmax and logSoftmax over one dimension, numerically stable: the maximum along the
 * dimension is subtracted before exponentiating, so no exp overflows and the largest term is 1.
 * Along the dimension x is (outer, n, inner); element (o, i, j) sits at (o * n + i) * inner + j.
 */
import { record } from '../autograd/record.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expectTensor, normDim, splitAt } from './check.js';

type Lane = (base: number, n: number, inner: number) => void;

/** Runs `fn` once per lane (every (o, j) pair): the n elements base, base + inner, ... */
function forEachLane(shape: Shape, dim: number, fn: Lane): void {
  const [outer, n, inner] = splitAt(shape, dim);
  // An empty tensor has no lanes, however large its other dimensions (2**40 x 0 would loop 2**40 times).
  if (outer === 0 || n === 0 || inner === 0) return;
  for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) fn(o * n * inner + j, n, inner);
}

function forward(x: Tensor, dim: number, log: boolean): Float32Array {
  const xd = x.data;
  const out = new Float32Array(xd.length);
  forEachLane(x.shape, dim, (base, n, inner) => {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, xd[base + i * inner]!);
    // A lane of -Infinity (or of NaN) gives NaN, as in PyTorch.
    let total = 0;
    for (let i = 0; i < n; i++) total += Math.exp(xd[base + i * inner]! - max);
    const logTotal = Math.log(total);
    for (let i = 0; i < n; i++) {
      const at = base + i * inner;
      const shifted = xd[at]! - max;
      out[at] = log ? shifted - logTotal : Math.exp(shifted) / total;
    }
  });
  return out;
}

/** e^x / sum(e^x) along `dim`. */
export function softmax<S extends Shape>(x: Tensor<S>, dim: number): Tensor<S> {
  expectTensor(x, 'x');
  const d = normDim(dim, x.rank);
  const y = forward(x, d, false);
  return record(
    new Tensor(y, x.shape),
    'softmax',
    [x],
    (g) => {
      // dx = y * (g - sum(g * y))
      const gx = new Float32Array(g.length);
      forEachLane(x.shape, d, (base, n, inner) => {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += g[base + i * inner]! * y[base + i * inner]!;
        for (let i = 0; i < n; i++) {
          const at = base + i * inner;
          gx[at] = y[at]! * (g[at]! - dot);
        }
      });
      return [gx];
    },
    { dim: d },
  );
}

/** x - log(sum(e^x)) along `dim`: the log of softmax without its underflow. */
export function logSoftmax<S extends Shape>(x: Tensor<S>, dim: number): Tensor<S> {
  expectTensor(x, 'x');
  const d = normDim(dim, x.rank);
  const y = forward(x, d, true);
  return record(
    new Tensor(y, x.shape),
    'logSoftmax',
    [x],
    (g) => {
      // dx = g - softmax(x) * sum(g)
      const gx = new Float32Array(g.length);
      forEachLane(x.shape, d, (base, n, inner) => {
        let total = 0;
        for (let i = 0; i < n; i++) total += g[base + i * inner]!;
        for (let i = 0; i < n; i++) {
          const at = base + i * inner;
          gx[at] = g[at]! - Math.exp(y[at]!) * total;
        }
      });
      return [gx];
    },
    { dim: d },
  );
}
