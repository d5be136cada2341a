// reshape/view/flatten, transpose and concat: layouts, gradients, bad arguments.
import { describe, expect, it } from 'vitest';
import { ops, ShapeError, tensor } from '../../../lib/index.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';

describe('reshape, view, flatten', () => {
  it('share data and infer -1', () => {
    const x = tensor([1, 2, 3, 4, 5, 6]);
    const r = ops.reshape(x, [3, -1]);
    expect(r.shape).toEqual([3, 2]);
    expect(r.data).toBe(x.data);
    expect(ops.view(x, [2, 3]).shape).toEqual([2, 3]);
    expect(() => ops.reshape(x, [4, -1])).toThrow('reshape: cannot reshape [6] (6 elements) to [4, *]');
  });

  it('flatten ranges of dimensions', () => {
    const x = leaf([2, 3, 4, 5], 1);
    expect(ops.flatten(x).shape).toEqual([120]);
    expect(ops.flatten(x, 1).shape).toEqual([2, 60]);
    expect(ops.flatten(x, 1, 2).shape).toEqual([2, 12, 5]);
    expect(ops.flatten(x, -2).shape).toEqual([2, 3, 20]);
    expect(ops.flatten(tensor(3)).shape).toEqual([1]);
    expect(() => ops.flatten(x, 2, 1)).toThrow(
      new RangeError('Expected dimension at or after startDim (2) for endDim but received 1 of type number'),
    );
    expect(gradcheck((t) => ops.flatten(t!, 1, 2), [leaf([2, 3, 2], 2)])).toBe(12);
  });
});

describe('transpose', () => {
  it('swaps two dimensions', () => {
    expect(
      ops
        .transpose(
          tensor([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        )
        .toArray(),
    ).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const x = tensor(
      Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    const t = ops.transpose(x, 0, 2);
    expect(t.shape).toEqual([4, 3, 2]);
    // t[k][j][i] = x[i][j][k] = 12 i + 4 j + k
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 3; j++)
        for (let i = 0; i < 2; i++) expect(t.data[k * 6 + j * 2 + i]).toBe(12 * i + 4 * j + k);
    expect(ops.transpose(x, 1, 1).toArray()).toEqual(x.toArray());
  });

  it('differentiates, on odd sizes', () => {
    expect(gradcheck((t) => ops.transpose(t!), [leaf([3, 5], 3)])).toBe(15);
    expect(gradcheck((t) => ops.transpose(t!, -1, 0), [leaf([3, 1, 5], 4)])).toBe(15);
  });

  it('rejects rank < 2', () => {
    expect(() => ops.transpose(tensor([1, 2]))).toThrow(
      new ShapeError('transpose: expected a tensor of at least 2 dimensions but received shape [2]'),
    );
  });
});

describe('concat', () => {
  it('joins along a dimension', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([[5, 6]]);
    expect(ops.concat([a, b]).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(ops.concat([a, tensor([[7], [8]])], -1).toArray()).toEqual([
      [1, 2, 7],
      [3, 4, 8],
    ]);
  });

  it('differentiates into every input that requires grad', () => {
    const a = leaf([2, 3, 2], 5);
    const b = leaf([2, 1, 2], 6);
    const c = tensor(new Float32Array(8), [2, 2, 2]);
    expect(gradcheck((x, y, z) => ops.concat([x!, y!, z!], 1), [a, b, c])).toBe(16);
    expect(c.grad).toBeNull();
  });

  it('rejects mismatched shapes and empty lists', () => {
    expect(() => ops.concat([tensor([[1, 2]]), tensor([[1, 2, 3]])])).toThrow(
      new ShapeError(
        'concat: tensors[1] has shape [1, 3] but tensors[0] has [1, 2]; they may differ only in dimension 0',
      ),
    );
    expect(() => ops.concat([])).toThrow(
      new RangeError('Expected non-empty array of Tensors for tensors but received Array(0)'),
    );
    expect(() => ops.concat([tensor([1]), 2 as never])).toThrow(
      new TypeError('Expected Tensor for tensors[1] but received 2 of type number'),
    );
  });
});
