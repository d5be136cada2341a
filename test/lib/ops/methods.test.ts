// PyTorch habits on tensors: the everyday methods are the ops (same values, same gradients),
// max/argmax with a dim, varargs sizes, and a printable tensor and module.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { manualSeed, nn, ops, randn, rand, type Tensor, tensor } from '../../../lib/index.js';
import { TENSOR_METHODS } from '../../../lib/ops/methods.js';

const x = tensor([
  [1, 5, 3],
  [7, 2, 7],
]);

describe('ops.max / ops.argmax with dim', () => {
  it('returns [values, indices] along a dim, first index on ties', () => {
    const [values, indices] = ops.max(x, 1);
    expect(values.toArray()).toEqual([5, 7]);
    expect(indices.toArray()).toEqual([1, 0]);
    const r = ops.max(x, 0, true);
    expect(r.values.shape).toEqual([1, 3]);
    expect(r.indices.toArray()).toEqual([[1, 0, 1]]);
    expect(ops.min(x, 1).values.toArray()).toEqual([1, 2]);
  });

  it('reduces everything without a dim; argmax of the flattened tensor', () => {
    expect(ops.max(x).item()).toBe(7);
    expect(ops.min(x).item()).toBe(1);
    expect(ops.argmax(x).item()).toBe(3);
    expect(ops.argmax(x, 1).toArray()).toEqual([1, 0]);
    expect(ops.argmin(x, -1).toArray()).toEqual([0, 1]);
    expect(ops.argmax(x, 1, true).shape).toEqual([2, 1]);
  });

  it('NaN wins, as in PyTorch', () => {
    expect(ops.argmax(tensor([1, NaN, 3])).item()).toBe(1);
  });

  it('sends the gradient of max to the chosen element', () => {
    const w = tensor(
      [
        [1, 5, 3],
        [7, 2, 7],
      ],
      { requiresGrad: true },
    );
    ops.sum(ops.max(w, 1).values).backward();
    expect(w.grad!.toArray()).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });

  it('rejects a bad dim', () => {
    expect(() => ops.argmax(x, 2)).toThrow(RangeError);
    expect(() => ops.max(x, '1' as never)).toThrow(
      new TypeError('Expected integer for dim but received "1" of type string'),
    );
  });
});

describe('Tensor methods', () => {
  it('are the ops', () => {
    const y = tensor([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    const same = (a: Tensor, b: Tensor): void => expect(a.toArray()).toEqual(b.toArray());
    same(x.add(y), ops.add(x, y));
    same(x.sub(1), ops.sub(x, 1));
    same(x.mul(y), ops.mul(x, y));
    same(x.div(2), ops.div(x, 2));
    same(x.neg(), ops.neg(x));
    same(x.pow(2), ops.pow(x, 2));
    same(x.matmul(tensor([[1], [0], [0]])), tensor([[1], [7]]));
    expect(x.mean().item()).toBeCloseTo(25 / 6, 6);
    same(x.sum(1), tensor([9, 16]));
    same(x.argmax(1), tensor([1, 0]));
    expect(x.max().item()).toBe(7);
    same(x.max(1).values, tensor([5, 7]));
    same(x.sub(4).relu(), ops.relu(ops.sub(x, 4)));
    same(x.softmax(1), ops.softmax(x, 1));
    same(x.transpose(), ops.transpose(x));
    same(x.flatten(), tensor([1, 5, 3, 7, 2, 7]));
    expect(TENSOR_METHODS).toContain('argmax');
  });

  it('reshape and view take sizes as separate arguments', () => {
    const t = tensor(Array.from({ length: 10 }, (_, i) => i));
    expect(t.reshape(-1, 5).shape).toEqual([2, 5]);
    expect(t.view(2, 5).shape).toEqual([2, 5]);
    expect(t.view([5, 2]).shape).toEqual([5, 2]);
    expect(t.numel()).toBe(10);
    expect(() => t.reshape(2, '5' as never)).toThrow(TypeError);
  });

  it('randn and rand take sizes as separate arguments, with options last', () => {
    manualSeed(1);
    const a = randn(64, 10);
    manualSeed(1);
    const b = randn([64, 10]);
    expect(a.shape).toEqual([64, 10]);
    expect(a.toArray()).toEqual(b.toArray());
    expect(rand(2, 3, { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('prints its values, abbreviated past 6 per dimension', () => {
    expect(
      String(
        tensor([
          [1, 2.5],
          [3, 4],
        ]),
      ),
    ).toBe('Tensor([2, 2], [[1, 2.5], [3, 4]])');
    const long = tensor(Array.from({ length: 10 }, (_, i) => i / 3));
    expect(long.toString()).toBe('Tensor([10], [0, 0.3333, 0.6667, ..., 2.333, 2.667, 3])');
    expect(inspect(tensor([1, 2]))).toBe('Tensor([2], [1, 2])');
  });
});

describe('modules', () => {
  it('console.log(model) shows the module tree', () => {
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Dropout(0.2));
    expect(inspect(model)).toBe(
      'Sequential(\n  (0): Linear(inFeatures=4, outFeatures=3, bias=true)\n  (1): ReLU()\n  (2): Dropout(p=0.2)\n)',
    );
  });

  it('a multi-input forward(a, b) type-checks and runs through call', () => {
    class Sum extends nn.Module {
      a = new nn.Linear(2, 3);
      b = new nn.Linear(4, 3);
      forward(left: Tensor, right: Tensor): Tensor {
        return this.a.call(left).add(this.b.call(right));
      }
    }
    const out = new Sum().call(tensor([[1, 2]]), tensor([[1, 2, 3, 4]]));
    expect(out.shape).toEqual([1, 3]);
  });
});
