// Linear: PyTorch's initialization (range and reproducibility), forward on any leading dims,
// gradients of input, weight and bias through the layer, config and errors.
import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, nn, ops, Parameter, tensor, zeros } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';

describe('Linear', () => {
  it('starts at U(-1/sqrt(in), 1/sqrt(in)) for weight and bias, as PyTorch', () => {
    const lin = new nn.Linear(100, 300);
    const bound = 1 / Math.sqrt(100);
    expect(lin.weight).toBeInstanceOf(Parameter);
    expect(lin.weight.shape).toEqual([300, 100]);
    expect(lin.bias!.shape).toEqual([300]);
    const w = lin.weight.data;
    expect(w.every((v) => v >= -bound && v <= bound)).toBe(true);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    // U(-b, b) has variance b^2 / 3; 30000 draws pin it to about 1%.
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(variance / ((bound * bound) / 3)).toBeCloseTo(1, 1);
    expect(lin.bias!.data.every((v) => v >= -bound && v <= bound)).toBe(true);
  });

  it('is reproducible under manualSeed or a given generator', () => {
    manualSeed(42);
    const a = new nn.Linear(5, 3);
    manualSeed(42);
    const b = new nn.Linear(5, 3);
    expect(Array.from(b.weight.data)).toEqual(Array.from(a.weight.data));
    expect(Array.from(b.bias!.data)).toEqual(Array.from(a.bias!.data));
    const c = new nn.Linear(5, 3, { generator: new Generator(42) });
    expect(Array.from(c.weight.data)).toEqual(Array.from(a.weight.data));
    expect(Array.from(new nn.Linear(5, 3).weight.data)).not.toEqual(Array.from(a.weight.data));
  });

  it('computes x w^T + b over the last dimension', () => {
    const lin = new nn.Linear(3, 2);
    lin.weight.data.set([1, 0, 0, 0, 1, 1]);
    lin.bias!.data.set([10, 20]);
    expect(lin.forward(tensor([[1, 2, 3]])).toArray()).toEqual([[11, 25]]);
    expect(lin.call(tensor([[[1, 2, 3]], [[0, 0, 0]]])).toArray()).toEqual([[[11, 25]], [[10, 20]]]);
    expect(lin.call(tensor([1, 2, 3])).toArray()).toEqual([11, 25]);
    const noBias = new nn.Linear(3, 2, { bias: false });
    expect(noBias.bias).toBeNull();
    expect(noBias.parameters()).toHaveLength(1);
  });

  it('gradients of input, weight and bias pass finite differences', () => {
    const lin = new nn.Linear(7, 5);
    const x = leaf([3, 7], 1);
    expect(gradcheck((t) => lin.forward(t!), [x, lin.weight, lin.bias!])).toBe(21 + 35 + 5);
  });

  it('matches the functional op and records a linear node', () => {
    const lin = new nn.Linear(4, 3);
    const x = leaf([2, 4], 2);
    const y = lin.call(x);
    expect(y.gradFn!.name).toBe('linear');
    expectClose(y.data, ops.linear(x, lin.weight, lin.bias).data);
  });

  it('has config, repr and category', () => {
    const lin = new nn.Linear(4, 3, { bias: false });
    expect(lin.getConfig()).toEqual({ inFeatures: 4, outFeatures: 3, bias: false });
    expect(lin.extraRepr()).toBe('inFeatures=4, outFeatures=3, bias=false');
    expect(lin.layerName).toBe('Linear(4→3)');
    expect(lin.category).toBe('linear');
    expect(lin.computeOutputShape([-1, 5, 4])).toEqual([-1, 5, 3]);
  });

  it('rejects bad arguments and inputs with exact messages', () => {
    expect(() => new nn.Linear(0, 3)).toThrow(
      new RangeError('Expected positive integer for inFeatures but received 0 of type number'),
    );
    expect(() => new nn.Linear(2.5, 3)).toThrow(
      new RangeError('Expected positive integer for inFeatures but received 2.5 of type number'),
    );
    expect(() => new nn.Linear(2, '3' as never)).toThrow(
      new TypeError('Expected positive integer for outFeatures but received "3" of type string'),
    );
    expect(() => new nn.Linear(2, 3, { bias: 1 as never })).toThrow(
      new TypeError('Expected boolean for bias of Linear but received 1 of type number'),
    );
    expect(() => new nn.Linear(2, 3, { generator: {} as never })).toThrow(
      new TypeError('Expected Generator for generator but received object'),
    );
    const lin = new nn.Linear(784, 256);
    expect(() => lin.forward(zeros([64, 785]) as never)).toThrow(
      /^Linear\(784→256\) expected input \[\*, 784\] but received \[64, 785\]$/,
    );
    expect(() => lin.forward('x' as never)).toThrow(
      new TypeError('Expected Tensor for the input of Linear(784→256) but received "x" of type string'),
    );
  });
});
