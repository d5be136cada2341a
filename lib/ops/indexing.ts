/**
 * gather: picks elements along one dimension by index, the building block of class-index
 * losses (the log-probability of each row's target class is gather(logp, 1, targets[N, 1])).
 * Indices are a Tensor of integer values (float32 holds integers exactly up to 2^24).
 */
import { record } from '../autograd/record.js';
import { argRangeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { expectTensor, normDim } from './check.js';

/**
 * out[i][j]... = x[..., index[i][j]..., ...] with the index replacing coordinate `dim`, as
 * torch.gather: index has x's rank, and no larger size than x in the other dimensions. The
 * output has index's shape; the gradient is scattered back (added where indices repeat).
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  expectTensor(x, 'x');
  expectTensor(index, 'index');
  const d = normDim(dim, x.rank);
  const rank = x.rank;
  if (index.rank !== rank || index.shape.some((s, i) => i !== d && s > x.shape[i]!)) {
    throw new ShapeError(
      `gather: index of shape ${formatShape(index.shape)} does not fit x of shape ${formatShape(x.shape)} along dim ${d} (same rank, no larger in the other dimensions)`,
    );
  }
  const size = x.shape[d] ?? 1;
  const xStrides = new Array<number>(rank);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    xStrides[i] = stride;
    stride *= x.shape[i]!;
  }
  const n = index.size;
  const source = new Uint32Array(n);
  const counter = new Array<number>(rank).fill(0);
  const id = index.data;
  for (let p = 0; p < n; p++) {
    const v = id[p]!;
    if (!Number.isInteger(v) || v < 0 || v >= size) {
      throw argRangeError(`index (element ${p})`, `integer in [0, ${size - 1}]`, v);
    }
    let at = v * xStrides[d]!;
    for (let i = 0; i < rank; i++) if (i !== d) at += counter[i]! * xStrides[i]!;
    source[p] = at;
    for (let i = rank - 1; i >= 0; i--) {
      if (++counter[i]! < index.shape[i]!) break;
      counter[i] = 0;
    }
  }
  const xd = x.data;
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) out[p] = xd[source[p]!]!;
  return record(
    new Tensor(out, index.shape),
    'gather',
    [x, null],
    (g) => {
      const gx = new Float32Array(x.size);
      for (let p = 0; p < n; p++) gx[source[p]!] = gx[source[p]!]! + g[p]!;
      return [gx, null];
    },
    { dim: d, index },
  );
}
