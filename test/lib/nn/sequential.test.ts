// Sequential: children "0", "1", ..., indexing, iteration, forward through every layer (each
// built and checked), forward and backward against composing the layers by hand, config.
import { describe, expect, it } from 'vitest';
import { nn, ops, type Tensor, tensor } from '../../../lib/index.js';
import { expectBitEqual } from '../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';

function mlp() {
  return new nn.Sequential(new nn.Linear(5, 7), new nn.GELU(), new nn.Linear(7, 3), new nn.LogSoftmax(1));
}

describe('Sequential', () => {
  it('names children "0", "1", ... and indexes them', () => {
    const m = mlp();
    expect(m.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2', '3']);
    expect(m.length).toBe(4);
    expect(m.at(0)).toBe(m[0]);
    expect(m.at(-1)).toBe(m[3]);
    expect([...m]).toEqual(m.children());
    expect(m.category).toBe('container');
    expect(() => m.at(4)).toThrow(
      new RangeError('Expected integer in [-4, 3] for index but received 4 of type number'),
    );
    expect(() => m.at(1.5)).toThrow(new TypeError('Expected integer for index but received 1.5 of type number'));
    expect(() => new nn.Sequential(new nn.ReLU(), {} as never)).toThrow(
      new TypeError('Expected Module for modules[1] but received object'),
    );
  });

  it('forward and backward equal composing the layers by hand', () => {
    const m = mlp();
    const x = leaf([4, 5], 1);
    const y = m.forward(x);
    const h = (m.at(3) as nn.Module).call((m.at(2) as nn.Module).call(m.at(1).call(m.at(0).call(x))));
    expectBitEqual(y.data, h.data);
    const v = tensor(
      new Float32Array(12).map((_, i) => (i % 5) - 2),
      [4, 3],
    );
    y.backward(v);
    const grads = m.parameters().map((p) => Array.from(p.grad!.data));
    const gx = Array.from(x.grad!.data);
    m.zeroGrad();
    x.grad = null;
    h.backward(v);
    expect(m.parameters().map((p) => Array.from(p.grad!.data))).toEqual(grads);
    expect(Array.from(x.grad!.data)).toEqual(gx);
  });

  it('gradients pass finite differences end to end', () => {
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
    const x = leaf([5, 3], 2);
    expect(gradcheck((t) => m.call(t!), [x, ...m.parameters()])).toBe(15 + 12 + 4 + 8 + 2);
  });

  it('builds every layer and reports output shapes', () => {
    const m = new nn.Sequential(new nn.Flatten(), new nn.Linear(12, 4), new nn.ReLU());
    expect(m.computeOutputShape([-1, 3, 4])).toEqual([-1, 4]);
    expect(m.built).toBe(false);
    expect(m.build([-1, 3, 4])).toEqual([-1, 4]);
    expect(m.children().every((c) => c.built)).toBe(true);
    expect(m.at(1).inputShape).toEqual([-1, 12]);
    expect(() => m.computeOutputShape([-1, 3, 5])).toThrow(
      'Linear(12→4) at layer 1 expected input [*, 12] but received [*, 15]',
    );
  });

  it('an empty Sequential is the identity', () => {
    const x = tensor([1, 2]);
    expect(new nn.Sequential().forward(x)).toBe(x);
  });

  it('has a config listing its layers', () => {
    expect(new nn.Sequential(new nn.Linear(2, 3), new nn.LeakyReLU(0.2)).getConfig()).toEqual({
      layers: [
        { className: 'Linear', config: { inFeatures: 2, outFeatures: 3, bias: true } },
        { className: 'LeakyReLU', config: { negativeSlope: 0.2 } },
      ],
    });
  });

  it('works with ops between layers in a hand-written model', () => {
    class Residual extends nn.Module {
      inner = new nn.Sequential(new nn.Linear(4, 4), new nn.ReLU());
      forward(x: Tensor): Tensor {
        return ops.add(x, this.inner.call(x));
      }
    }
    const model = new nn.Sequential(new Residual(), new nn.Linear(4, 1));
    expect(model.namedParameters().map(([n]) => n)).toEqual([
      '0.inner.0.weight',
      '0.inner.0.bias',
      '1.weight',
      '1.bias',
    ]);
    expect(gradcheck((t) => model.call(t!), [leaf([3, 4], 5), ...model.parameters()])).toBe(12 + 16 + 4 + 4 + 1);
  });
});
