// Activation layers: each equals its op, keeps any shape, differentiates, configures; and
// Softmax/LogSoftmax, Flatten, Identity.
import { describe, expect, it } from 'vitest';
import { nn, ops, type Tensor, tensor, zeros } from '../../../lib/index.js';
import { expectBitEqual } from '../../helpers/expect-close.js';
import { awayFrom, gradcheck, leaf } from '../../helpers/gradcheck.js';

const LAYERS: [nn.Module, (t: Tensor) => Tensor][] = [
  [new nn.ReLU(), ops.relu],
  [new nn.LeakyReLU(), (t) => ops.leakyRelu(t, 0.01)],
  [new nn.LeakyReLU(0.2), (t) => ops.leakyRelu(t, 0.2)],
  [new nn.Sigmoid(), ops.sigmoid],
  [new nn.Tanh(), ops.tanh],
  [new nn.GELU(), ops.gelu],
  [new nn.ELU(), (t) => ops.elu(t, 1)],
  [new nn.ELU(0.5), (t) => ops.elu(t, 0.5)],
  [new nn.SELU(), ops.selu],
  [new nn.Softmax(1), (t) => ops.softmax(t, 1)],
  [new nn.LogSoftmax(-1), (t) => ops.logSoftmax(t, -1)],
];

describe.each(LAYERS)('%s', (layer, op) => {
  it('equals its op on any shape, and differentiates', () => {
    for (const shape of [
      [4, 5],
      [2, 3, 7],
    ]) {
      const x = awayFrom(leaf(shape, shape.length, -3, 3), [0]);
      const y = layer.call(x);
      expect(y.shape).toEqual(shape);
      expectBitEqual(y.data, op(x).data);
      expect(layer.computeOutputShape(shape)).toEqual(shape);
    }
    expect(gradcheck((t) => layer.call(t!), [awayFrom(leaf([3, 4], 9, -3, 3), [0])])).toBe(12);
    expect(layer.parameters()).toEqual([]);
    expect(layer.category).toBe('activation');
  });
});

describe('activation layers', () => {
  it('keep their settings', () => {
    expect(new nn.LeakyReLU(0.2).getConfig()).toEqual({ negativeSlope: 0.2 });
    expect(String(new nn.LeakyReLU())).toBe('LeakyReLU(negativeSlope=0.01)');
    expect(String(new nn.ELU(2))).toBe('ELU(alpha=2)');
    expect(String(new nn.Softmax(1))).toBe('Softmax(dim=1)');
    expect(new nn.LogSoftmax(-1).layerName).toBe('LogSoftmax(dim=-1)');
    expect(new nn.Softmax(0).getConfig()).toEqual({ dim: 0 });
    expect(String(new nn.GELU())).toBe('GELU()');
  });

  it('reject bad settings and inputs with exact messages', () => {
    expect(() => new nn.LeakyReLU('x' as never)).toThrow(
      new TypeError('Expected finite number for negativeSlope of LeakyReLU but received "x" of type string'),
    );
    expect(() => new nn.ELU(NaN)).toThrow(
      new RangeError('Expected finite number for alpha but received NaN of type number'),
    );
    expect(() => new (nn.Softmax as unknown as new () => nn.Module)()).toThrow(
      new TypeError('Expected integer for dim but received undefined'),
    );
    expect(() => new nn.LogSoftmax(0.5)).toThrow(
      new RangeError('Expected integer for dim but received 0.5 of type number'),
    );
    expect(() => new nn.ReLU().call(5 as never)).toThrow(
      new TypeError('Expected Tensor for the input of ReLU but received 5 of type number'),
    );
  });
});

describe('Flatten', () => {
  it('merges everything but the batch by default, or a range', () => {
    const x = leaf([2, 3, 4], 3);
    expect(new nn.Flatten().call(x).shape).toEqual([2, 12]);
    expect(new nn.Flatten(0, 1).call(x).shape).toEqual([6, 4]);
    expect(new nn.Flatten().computeOutputShape([-1, 3, 4])).toEqual([-1, 12]);
    expect(new nn.Flatten(0).computeOutputShape([-1, 3])).toEqual([-1]);
    expect(gradcheck((t) => new nn.Flatten().call(t!), [x])).toBe(24);
    expect(new nn.Flatten(1, 2).getConfig()).toEqual({ startDim: 1, endDim: 2 });
    expect(new nn.Flatten().category).toBe('reshape');
  });

  it('rejects inputs of too low a rank and bad dims', () => {
    expect(() => new nn.Flatten().call(zeros([5]))).toThrow('Flatten expected input [*, *] but received [5]');
    expect(() => new nn.Flatten('1' as never)).toThrow(
      new TypeError('Expected integer for startDim of Flatten but received "1" of type string'),
    );
    expect(() => new nn.Flatten(0, 1.5)).toThrow(
      new RangeError('Expected integer for endDim but received 1.5 of type number'),
    );
  });
});

describe('Identity', () => {
  it('returns its input', () => {
    const x = tensor([1, 2]);
    const id = new nn.Identity();
    expect(id.call(x)).toBe(x);
    expect(id.category).toBe('identity');
    expect(id.computeOutputShape([3, -1])).toEqual([3, -1]);
  });
});
