// Layers and models against PyTorch: the same weights (loaded from a PyTorch state_dict, so
// the key names must agree), the same input; outputs, input gradients and every parameter's
// gradient compared. Fixture: test/fixtures/autograd.json from scripts/fixtures/gen_autograd.py.
import { describe, expect, it } from 'vitest';
import { nn, ops, type Tensor } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';
import { decode, type Encoded, loadFixture } from '../../helpers/fixtures.js';

interface LayerCase {
  name: string;
  state: Record<string, Encoded>;
  input: Encoded;
  v: Encoded;
  output: Encoded;
  inputGrad: Encoded;
  grads: Record<string, Encoded>;
}

const fixture = loadFixture<{ torch: string; layers: LayerCase[] }>('autograd.json');

class SimpleModel extends nn.Module {
  fc1 = new nn.Linear(6, 5);
  fc2 = new nn.Linear(5, 2);
  forward(x: Tensor): Tensor {
    return this.fc2.call(ops.relu(this.fc1.call(x)));
  }
}

const MODELS: Record<string, () => nn.Module> = {
  linear: () => new nn.Sequential(new nn.Linear(7, 5)),
  linearNoBias: () => new nn.Sequential(new nn.Linear(4, 3, { bias: false })),
  linear3d: () => new nn.Sequential(new nn.Linear(4, 3)),
  mlp: () =>
    new nn.Sequential(
      new nn.Linear(6, 8),
      new nn.ReLU(),
      new nn.Linear(8, 8),
      new nn.GELU(),
      new nn.Linear(8, 3),
      new nn.LogSoftmax(1),
    ),
  activations: () =>
    new nn.Sequential(
      new nn.Linear(5, 6),
      new nn.Tanh(),
      new nn.Linear(6, 6),
      new nn.Sigmoid(),
      new nn.Linear(6, 6),
      new nn.ELU(0.5),
      new nn.Linear(6, 6),
      new nn.SELU(),
      new nn.Linear(6, 6),
      new nn.LeakyReLU(0.2),
      new nn.Flatten(),
      new nn.Linear(6, 4),
      new nn.Softmax(1),
    ),
  subclass: () => new SimpleModel(),
};

describe(`layers against PyTorch ${fixture.torch}`, () => {
  it.each(fixture.layers.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const model = MODELS[name]!();
    const state = Object.fromEntries(Object.entries(c.state).map(([k, e]) => [k, decode(e, false)]));
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(state));
    model.loadStateDict(state);
    const x = decode(c.input, true);
    const y = model.call(x);
    const tol = { atol: 1e-6, rtol: 1e-5 };
    expect(y.shape).toEqual(c.output.shape);
    expectClose(y.data, c.output.data, { ...tol, context: { name } });
    y.backward(decode(c.v));
    expectClose(x.grad!.data, c.inputGrad.data, { ...tol, context: { name, grad: 'input' } });
    const params = model.namedParameters();
    expect(params.map(([k]) => k)).toEqual(Object.keys(c.grads));
    for (const [key, p] of params)
      expectClose(p.grad!.data, c.grads[key]!.data, { ...tol, context: { name, grad: key } });
  });
});
