// add/sub/mul/div/neg/pow: values, broadcasting in both directions, number operands, gradients
// by finite differences (reduced back over broadcast dimensions), and bad arguments.
import { describe, expect, it } from 'vitest';
import { ops, ShapeError, Tensor, tensor } from '../../../lib/index.js';
import { awayFrom, gradcheck, leaf } from '../../helpers/gradcheck.js';

const PAIRS: [number[], number[]][] = [
  [
    [3, 5],
    [3, 5],
  ],
  [[3, 5], [5]],
  [
    [2, 1, 5],
    [3, 1],
  ],
  [[1], [4, 3]],
  [[], [2, 3]],
  [[7], [1]],
];

const BINARY = { add: ops.add, sub: ops.sub, mul: ops.mul, div: ops.div } as const;

describe('binary ops', () => {
  it('compute element-wise with broadcasting', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([10, 20, 30]);
    expect(ops.add(a, b).toArray()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(ops.sub(b, a).toArray()).toEqual([
      [9, 18, 27],
      [6, 15, 24],
    ]);
    expect(ops.mul(tensor([[1], [2]]), tensor([[1, 2, 3]])).toArray()).toEqual([
      [1, 2, 3],
      [2, 4, 6],
    ]);
    expect(ops.div(a, 2).toArray()).toEqual([
      [0.5, 1, 1.5],
      [2, 2.5, 3],
    ]);
    expect(ops.div(1, tensor([0, -0, 4])).toArray()).toEqual([Infinity, -Infinity, 0.25]);
    expect(ops.sub(10, tensor([1, 2])).toArray()).toEqual([9, 8]);
    expect(ops.mul(0.1, tensor([1])).data[0]).toBe(Math.fround(0.1));
  });

  for (const [name, op] of Object.entries(BINARY)) {
    it.each(PAIRS)(`${name} gradients for %j and %j`, (sa, sb) => {
      const a = leaf(sa, 1);
      const b = name === 'div' ? awayFrom(leaf(sb, 2, 0.5, 2), [0]) : leaf(sb, 2);
      const n = gradcheck((x, y) => op(x!, y!), [a, b], { context: { name, sa, sb } });
      expect(n).toBe(a.size + b.size);
    });

    it(`${name} gradients with a number operand on either side`, () => {
      const x = awayFrom(leaf([3, 4], 3), [0], 0.2);
      expect(gradcheck((t) => op(t!, 1.5), [x])).toBe(12);
      expect(gradcheck((t) => op(-2.5, t!), [x])).toBe(12);
    });
  }

  it('reject non-tensors and shapes that do not broadcast, with exact messages', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => ops.add(t, tensor([1, 2, 3, 4]))).toThrow(
      new ShapeError('add: shapes [2, 3] and [4] cannot be broadcast together (dimension 1: 3 vs 4)'),
    );
    expect(() => ops.mul(t, tensor([[1], [2], [3]]))).toThrow(ShapeError);
    expect(() => ops.add(1 as never, 2)).toThrow(
      new TypeError('Expected Tensor (add needs at least one tensor) for a but received 1 of type number'),
    );
    expect(() => ops.sub('x' as never, t)).toThrow(
      new TypeError('Expected Tensor or number for a but received "x" of type string'),
    );
    expect(() => ops.div(t, [1, 2] as never)).toThrow(
      new TypeError('Expected Tensor or number for b but received Array(2)'),
    );
  });
});

describe('neg and pow', () => {
  it('compute and differentiate', () => {
    expect(ops.neg(tensor([1, -2])).toArray()).toEqual([-1, 2]);
    expect(ops.pow(tensor([2, 3]), 2).toArray()).toEqual([4, 9]);
    expect(gradcheck((x) => ops.neg(x!), [leaf([2, 3], 4)])).toBe(6);
    for (const p of [2, 3, -1, 0.5, 0]) {
      const x = leaf([5], 5, 0.3, 2);
      const y = ops.pow(x, p);
      if (p === 0) {
        ops.sum(y).backward();
        expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0, 0]);
      } else {
        expect(gradcheck((t) => ops.pow(t!, p), [x], { context: { p } })).toBe(5);
      }
    }
  });

  it('pow rejects a non-finite or non-number exponent', () => {
    const x = tensor([1]);
    expect(() => ops.pow(x, Number.NaN)).toThrow(
      new RangeError('Expected finite number for exponent but received NaN of type number'),
    );
    expect(() => ops.pow(x, '2' as never)).toThrow(
      new TypeError('Expected finite number for exponent but received "2" of type string'),
    );
    expect(() => ops.neg({} as Tensor)).toThrow(new TypeError('Expected Tensor for x but received object'));
  });
});
