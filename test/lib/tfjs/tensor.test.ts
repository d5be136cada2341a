// dropnet/tfjs tensors against @tensorflow/tfjs: creation, dtypes, reading, and every chained
// op of tfjs programs, compared on shape, dtype and values.
import { describe, expect, it } from 'vitest';
import { expectBothThrow, expectSame, real, tf, type Lib } from './compare.js';

const m = (lib: Lib) =>
  lib.tensor2d([
    [1, -2, 3],
    [4, 5, -6],
  ]);
const v = (lib: Lib) => lib.tensor1d([0.5, -1.5, 2, 7]);
const i32 = (lib: Lib) => lib.tensor1d([7, -3, 2, 9], 'int32');

describe('dropnet/tfjs tensors', () => {
  it.each<[string, (lib: Lib) => unknown]>([
    [
      'tensor from nested arrays',
      (lib) =>
        lib.tensor([
          [1, 2],
          [3, 4],
        ]),
    ],
    ['tensor with a shape', (lib) => lib.tensor([1, 2, 3, 4, 5, 6], [3, 2])],
    ['tensor from a Float32Array', (lib) => lib.tensor(new Float32Array([1, 2, 3]))],
    ['tensor from an Int32Array is int32', (lib) => lib.tensor(new Int32Array([1, 2, 3]))],
    ['tensor of booleans is bool', (lib) => lib.tensor([true, false, true])],
    ['tensor int32 truncates', (lib) => lib.tensor([1.7, -1.7, 2.5], [3], 'int32')],
    ['scalar', (lib) => lib.scalar(3.5)],
    ['scalar int32', (lib) => lib.scalar(3, 'int32')],
    ['tensor1d', (lib) => lib.tensor1d([1, 2, 3])],
    ['tensor2d with shape', (lib) => lib.tensor2d([1, 2, 3, 4, 5, 6], [2, 3])],
    [
      'tensor3d',
      (lib) =>
        lib.tensor3d([
          [[1], [2]],
          [[3], [4]],
        ]),
    ],
    ['tensor4d', (lib) => lib.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])],
    ['zeros', (lib) => lib.zeros([2, 3])],
    ['ones int32', (lib) => lib.ones([3], 'int32')],
    ['fill', (lib) => lib.fill([2, 2], 7)],
    ['zerosLike', (lib) => lib.zerosLike(i32(lib))],
    ['onesLike', (lib) => lib.onesLike(m(lib))],
    ['oneHot', (lib) => lib.oneHot(lib.tensor1d([0, 2, 1, 5], 'int32'), 3)],
    ['oneHot on/off values', (lib) => lib.oneHot(lib.tensor1d([1, 0], 'int32'), 2, 5, -1)],
    ['range', (lib) => lib.range(0, 10, 3)],
    ['range descending', (lib) => lib.range(5, 0, -2)],
    ['range empty', (lib) => lib.range(5, 0)],
    ['range int32', (lib) => lib.range(1, 4, 1, 'int32')],
    ['linspace', (lib) => lib.linspace(0, 1, 5)],
    ['cast to int32', (lib) => lib.cast(v(lib), 'int32')],
    ['cast to bool', (lib) => lib.cast(v(lib), 'bool')],
    ['cast int32 to float32', (lib) => lib.cast(i32(lib), 'float32')],
  ])('%s', (_name, program) => expectSame(program));

  it.each<[string, (lib: Lib) => unknown]>([
    ['add', (lib) => m(lib).add(lib.tensor1d([1, 2, 3]))],
    ['add a number', (lib) => m(lib).add(1.5)],
    ['int32 + int32 stays int32', (lib) => i32(lib).add(i32(lib))],
    ['int32 + float32 is float32', (lib) => i32(lib).add(v(lib))],
    ['sub broadcast column', (lib) => m(lib).sub(lib.tensor2d([[1], [2]]))],
    ['mul', (lib) => m(lib).mul(m(lib))],
    ['div', (lib) => m(lib).div(lib.scalar(4))],
    ['int32 div floors', (lib) => i32(lib).div(lib.tensor1d([2, 2, 3, -4], 'int32'))],
    ['square', (lib) => m(lib).square()],
    ['sqrt', (lib) => lib.tensor1d([4, 2, 0]).sqrt()],
    ['abs', (lib) => m(lib).abs()],
    ['abs int32', (lib) => i32(lib).abs()],
    ['neg', (lib) => i32(lib).neg()],
    ['exp', (lib) => v(lib).exp()],
    ['log', (lib) => lib.tensor1d([1, 2, 10]).log()],
    ['relu', (lib) => m(lib).relu()],
    ['sigmoid', (lib) => v(lib).sigmoid()],
    ['tanh', (lib) => v(lib).tanh()],
    ['softmax', (lib) => m(lib).softmax()],
    ['clipByValue', (lib) => m(lib).clipByValue(-1, 2)],
    ['mean of all', (lib) => m(lib).mean()],
    ['mean of int32', (lib) => i32(lib).mean()],
    ['mean axis 0', (lib) => m(lib).mean(0)],
    ['sum axis 1 keepDims', (lib) => m(lib).sum(1, true)],
    ['sum of int32', (lib) => i32(lib).sum()],
    ['sum of bool', (lib) => lib.tensor([true, true, false]).sum()],
    ['sum over two axes', (lib) => lib.ones([2, 3, 4]).sum([0, 2])],
    ['max', (lib) => m(lib).max()],
    ['max axis 1', (lib) => m(lib).max(1)],
    ['min axis -1 keepDims', (lib) => m(lib).min(-1, true)],
    ['argMax default axis 0', (lib) => m(lib).argMax()],
    ['argMax axis 1', (lib) => m(lib).argMax(1)],
    ['argMin axis -1', (lib) => m(lib).argMin(-1)],
    ['argMax ties pick the first', (lib) => lib.tensor1d([3, 1, 3]).argMax()],
    ['equal', (lib) => m(lib).equal(lib.tensor1d([1, 5, 3]))],
    ['greater', (lib) => m(lib).greater(0)],
    ['less', (lib) => i32(lib).less(3)],
    ['reshape', (lib) => m(lib).reshape([3, 2])],
    ['reshape -1', (lib) => m(lib).reshape([-1])],
    ['expandDims', (lib) => v(lib).expandDims(1)],
    ['expandDims default', (lib) => v(lib).expandDims()],
    ['squeeze', (lib) => lib.zeros([1, 3, 1]).squeeze()],
    ['squeeze one axis', (lib) => lib.zeros([1, 3, 1]).squeeze([2])],
    ['flatten', (lib) => m(lib).flatten()],
    ['slice 2d', (lib) => m(lib).slice([0, 1], [2, 2])],
    ['slice size -1', (lib) => m(lib).slice([1, 1], [-1, -1])],
    ['slice begin number', (lib) => v(lib).slice(1, 2)],
    ['slice rank 3', (lib) => lib.range(0, 24).reshape([2, 3, 4]).slice([1, 0, 2], [1, 2, 2])],
    ['gather rows (tfjs gather)', (lib) => m(lib).gather(lib.tensor1d([1, 0, 1], 'int32'))],
    ['gather axis 1', (lib) => m(lib).gather([2, 0], 1)],
    [
      'gather 2-d indices',
      (lib) =>
        v(lib).gather(
          lib.tensor2d(
            [
              [0, 3],
              [1, 1],
            ],
            [2, 2],
            'int32',
          ),
        ),
    ],
    ['concat axis 0', (lib) => lib.concat([m(lib), m(lib)])],
    ['concat axis 1', (lib) => lib.concat([m(lib), lib.ones([2, 1])], 1)],
    ['concat method', (lib) => v(lib).concat(v(lib))],
    ['stack', (lib) => lib.stack([v(lib), v(lib)])],
    ['stack axis 1', (lib) => lib.stack([v(lib), v(lib)], 1)],
    ['transpose default', (lib) => m(lib).transpose()],
    ['transpose perm', (lib) => lib.range(0, 24).reshape([2, 3, 4]).transpose([1, 2, 0])],
    ['matMul', (lib) => m(lib).matMul(m(lib), false, true)],
    ['tile', (lib) => m(lib).tile([2, 1])],
    ['where', (lib) => lib.where(m(lib).greater(0), m(lib), lib.zerosLike(m(lib)))],
    ['maximum', (lib) => lib.maximum(m(lib), 2)],
    ['logSoftmax', (lib) => m(lib).logSoftmax()],
    ['toFloat', (lib) => i32(lib).toFloat()],
    ['chained program', (lib) => m(lib).square().sum(1).sqrt().div(lib.scalar(2)).expandDims(0)],
  ])('%s', (_name, program) => expectSame(program));

  it('reads values as tfjs does: dataSync, data, array, arraySync, shape, dtype, size, rank', async () => {
    for (const lib of [tf, real as unknown as Lib]) {
      const t = lib.tensor2d(
        [
          [1, 2],
          [3, 4],
        ],
        [2, 2],
        'int32',
      );
      expect(t.dataSync()).toEqual(new Int32Array([1, 2, 3, 4]));
      expect(await t.data()).toEqual(new Int32Array([1, 2, 3, 4]));
      expect(await t.array()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(t.arraySync()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect([t.shape, t.dtype, t.size, t.rank]).toEqual([[2, 2], 'int32', 4, 2]);
      expect(lib.scalar(2).arraySync()).toBe(2);
      expect(lib.tensor([true, false]).dataSync()).toEqual(new Uint8Array([1, 0]));
    }
  });

  it('prints like tfjs', () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]).print();
      real
        .tensor2d([
          [1, 2],
          [3, 4],
        ])
        .print();
      tf.scalar(5, 'int32').print(true);
      real.scalar(5, 'int32').print(true);
    } finally {
      console.log = log;
    }
    expect(lines[0]).toBe(lines[1]);
    expect(lines[2]).toBe(lines[3]);
  });

  it('throws where tfjs throws', () => {
    expectBothThrow((lib) => lib.tensor([1, 2, 3], [2, 2]));
    expectBothThrow((lib) => lib.tensor2d([1, 2, 3]));
    expectBothThrow((lib) => m(lib).reshape([4, 2]));
    expectBothThrow((lib) => m(lib).slice([1, 1], [2, 2]));
    expectBothThrow((lib) => m(lib).add(lib.ones([3, 2])));
    expectBothThrow((lib) => lib.concat([m(lib), lib.ones([3, 2])], 1));
    expectBothThrow((lib) => lib.range(0, 5, 0));
    expectBothThrow((lib) => lib.clipByValue(m(lib), 2, 1));
    expectBothThrow((lib) => m(lib).matMul(m(lib)));
    const { got, want } = expectBothThrow((lib) => lib.zeros([1, 3, 1]).squeeze([1]));
    expect(got).toBe(want);
  });
});
