// nn.LayerNorm: PyTorch's defaults and names, eval = train, options it does not take, and shapes.
import { describe, expect, it } from 'vitest';
import { nn, ops, ShapeError, Tensor } from '../../../lib/index.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';
import { randomFloats } from '../../helpers/rng.js';

describe('nn.LayerNorm', () => {
  it("has PyTorch's defaults: eps 1e-5, weight ones, bias zeros of normalizedShape", () => {
    const ln = new nn.LayerNorm([3, 4]);
    expect(ln.eps).toBe(1e-5);
    expect(Object.keys(ln.stateDict())).toEqual(['weight', 'bias']);
    expect(ln.weight!.shape).toEqual([3, 4]);
    expect(Array.from(ln.weight!.data)).toEqual(new Array(12).fill(1));
    expect(Array.from(ln.bias!.data)).toEqual(new Array(12).fill(0));
    expect(new nn.LayerNorm(8).normalizedShape).toEqual([8]);
    expect(new nn.LayerNorm(8).toString()).toBe('LayerNorm([8], eps=0.00001, elementwiseAffine=true)');
  });

  it('has no parameters without elementwiseAffine, and no bias with bias: false', () => {
    expect(new nn.LayerNorm(5, { elementwiseAffine: false }).parameters()).toEqual([]);
    const noBias = new nn.LayerNorm(5, { bias: false });
    expect(Object.keys(noBias.stateDict())).toEqual(['weight']);
    expect(
      gradcheck(
        (x, w) => {
          noBias.weight = w as nn.Parameter;
          return noBias.forward(x!);
        },
        [leaf([2, 5], 1), new nn.Parameter(leaf([5], 2, 0.5, 1.5))],
      ),
    ).toBe(15);
  });

  it('gives the same output in training and eval, equal to the op', () => {
    const ln = new nn.LayerNorm(6);
    ln.weight!.data.set(randomFloats(6, 3));
    const x = new Tensor(randomFloats(24, 4, -3, 3), [2, 2, 6]);
    const train = ln.call(x);
    const evald = ln.predict(x);
    expect(Array.from(evald.data)).toEqual(Array.from(train.data));
    expect(Array.from(train.data)).toEqual(Array.from(ops.layerNorm(x, 6, { weight: ln.weight, bias: ln.bias }).data));
  });

  it('names itself and the expected shape in a Sequential', () => {
    const model = new nn.Sequential(new nn.Linear(4, 6), new nn.LayerNorm(5));
    expect(() => model.build([-1, 4])).toThrow(ShapeError);
    expect(() => model.build([-1, 4])).toThrow(
      /^LayerNorm\(\[5\]\) at layer 1 expected input \[\*, 5\] but received \[\*, 6\]$/,
    );
    const ok = new nn.Sequential(new nn.Linear(4, 6), new nn.LayerNorm(6), new nn.ReLU());
    expect(ok.build([-1, 4])).toEqual([-1, 6]);
  });

  it('rejects arguments it does not take', () => {
    const L = nn.LayerNorm as unknown as new (...a: unknown[]) => nn.LayerNorm;
    expect(() => new L(4, { epsilon: 1e-3 })).toThrow(
      new TypeError('LayerNorm: unknown option "epsilon"; the options are eps, elementwiseAffine, bias'),
    );
    expect(() => new L(4, { eps: -1 })).toThrow(RangeError);
    expect(() => new L(4, { elementwiseAffine: 1 })).toThrow(
      new TypeError('Expected boolean for elementwiseAffine but received 1 of type number'),
    );
    expect(() => new L([4, 0])).toThrow(RangeError);
    expect(() => new L('4')).toThrow(TypeError);
  });
});
