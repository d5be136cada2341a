// Module: discovery of children and parameters from properties, train/eval, build on first
// call, predict, apply, zeroGrad, toString. Subclasses are written the PyTorch way: assign
// layers in the constructor, write forward by hand.
import { describe, expect, it } from 'vitest';
import {
  defaultGenerator,
  isGradEnabled,
  manualSeed,
  nn,
  ops,
  Parameter,
  type Tensor,
  tensor,
  zeros,
} from '../../../lib/index.js';
import { FakeBatchNorm, FakeDropout } from '../../helpers/layers.js';

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 8);
  act = new nn.ReLU();
  fc2 = new nn.Linear(8, 3);
  scale = new Parameter(tensor([2]));
  note = 'not a module';
  forward(x: Tensor): Tensor {
    return ops.mul(this.fc2.call(this.act.call(this.fc1.call(x))), this.scale);
  }
}

class Stack extends nn.Module {
  blocks: nn.Module[];
  head: nn.Linear;
  constructor() {
    super();
    this.blocks = [new nn.Linear(2, 2), new nn.Tanh(), new nn.Linear(2, 2)];
    this.head = new nn.Linear(2, 1);
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (const b of this.blocks) h = b.call(h);
    return this.head.call(h);
  }
}

describe('children and parameters', () => {
  it('are found in property order, with PyTorch names', () => {
    const net = new Net();
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'act', 'fc2']);
    expect(net.children()).toEqual([net.fc1, net.act, net.fc2]);
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'scale',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
    expect(net.parameters()).toHaveLength(5);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'fc1', 'act', 'fc2']);
    expect(net.modules()[0]).toBe(net);
    expect(net.namedParameters({ recurse: false }).map(([n]) => n)).toEqual(['scale']);
  });

  it('include arrays of modules, named "<property>.<index>" like a ModuleList', () => {
    const s = new Stack();
    expect(s.namedParameters().map(([n]) => n)).toEqual([
      'blocks.0.weight',
      'blocks.0.bias',
      'blocks.2.weight',
      'blocks.2.bias',
      'head.weight',
      'head.bias',
    ]);
    expect(s.call(zeros([3, 2])).shape).toEqual([3, 1]);
  });

  it('list a shared parameter or module once, as PyTorch', () => {
    const net = new Net();
    (net as unknown as { tied: nn.Linear }).tied = net.fc1;
    expect(net.parameters()).toHaveLength(5);
    expect(net.modules()).toHaveLength(4);
    expect(Object.keys(net.stateDict())).toContain('tied.weight');
  });

  it('buffers: registered by name, listed, reassignable, optionally not persistent', () => {
    const bn = new FakeBatchNorm(3);
    bn.registerBuffer('scratch', zeros([2]), { persistent: false });
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(['runningMean', 'scratch']);
    bn.runningMean = tensor([1, 2, 3]);
    expect(bn.buffers()[0]!.toArray()).toEqual([1, 2, 3]);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'runningMean']);
    expect(() => bn.registerBuffer('a.b', null)).toThrow(
      new TypeError('Expected non-empty string without "." for name but received "a.b" of type string'),
    );
    expect(() => bn.registerBuffer('x', [1] as never)).toThrow(
      new TypeError('Expected Tensor or null for value but received Array(1)'),
    );
  });
});

describe('train and eval', () => {
  it('recurse, return this, and default to training', () => {
    const net = new Net();
    expect(net.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    expect(net.train()).toBe(net);
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.fc1.eval();
    expect([net.training, net.fc1.training, net.fc2.training]).toEqual([true, false, true]);
  });

  it('reject a non-boolean mode; training is read-only', () => {
    const net = new Net();
    expect(() => net.train('yes' as never)).toThrow(
      new TypeError('Expected boolean for mode but received "yes" of type string'),
    );
    expect(() => net.train(0 as never)).toThrow(
      new TypeError('Expected boolean for mode but received 0 of type number'),
    );
    expect(() => {
      (net as unknown as { training: boolean }).training = false;
    }).toThrow(TypeError);
    expect(net.training).toBe(true);
  });
});

describe('call, build and predict', () => {
  it('call builds on first use, for any batch size', () => {
    const net = new Net();
    expect(net.built).toBe(false);
    net.call(zeros([5, 4]));
    expect(net.built).toBe(true);
    expect(net.inputShape).toEqual([-1, 4]);
    expect(net.fc1.inputShape).toEqual([-1, 4]);
    expect(net.call(zeros([2, 4])).shape).toEqual([2, 3]);
  });

  it('build infers the output shape (running a hand-written forward once, in eval, without side effects)', () => {
    manualSeed(3);
    const net = new Net();
    (net as unknown as { drop: nn.Module }).drop = new FakeDropout(0.5);
    const offset = defaultGenerator.offset;
    expect(net.build([-1, 4])).toEqual([-1, 3]);
    expect(net.summary()).toMatch(/\nfc2 {2}Linear\(8→3\) +\[\*, 3\] /);
    expect(defaultGenerator.offset).toBe(offset); // the trial runs draw no random numbers
    expect(net.training).toBe(true);
    expect(isGradEnabled()).toBe(true);
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    expect(() => net.build([-1, 5])).toThrow('Linear(4→8) at layer fc1 expected input [*, 4] but received [*, 5]');
    expect(() => net.build([2, 5])).toThrow('Linear(4→8) at layer fc1 expected input [*, 4] but received [2, 5]');
    expect(() => net.build('x' as never)).toThrow(
      new TypeError(
        'Expected array of non-negative integers (or -1 for any size) for inputShape but received "x" of type string',
      ),
    );
    expect(() => net.build([2, -3])).toThrow(
      new RangeError('Expected integer >= -1 for inputShape[1] but received -3 of type number'),
    );
  });

  it('predict runs in eval without recording and restores every mode, even on error', () => {
    const net = new Net();
    net.fc2.eval();
    const drop = new FakeDropout(0.5);
    const model = new nn.Sequential(net, drop);
    const x = tensor([[1, 2, 3, 4]]);
    const y = model.predict(x);
    expect(y.requiresGrad).toBe(false);
    expect(Array.from(y.data)).toEqual(Array.from(net.predict(x).data)); // dropout was off
    expect([model.training, net.training, net.fc1.training, net.fc2.training, drop.training]).toEqual([
      true,
      true,
      true,
      false,
      true,
    ]);
    expect(() => model.predict(zeros([1, 7]))).toThrow(
      'Linear(4→8) at layer 0.fc1 expected input [*, 4] but received [1, 7]',
    );
    expect([model.training, net.fc2.training, drop.training]).toEqual([true, false, true]);
    expect(isGradEnabled()).toBe(true);
  });
});

describe('apply, zeroGrad, toString', () => {
  it('apply visits children before parents and returns this', () => {
    const net = new Net();
    const seen: string[] = [];
    expect(net.apply((m) => seen.push(m.layerName))).toBe(net);
    expect(seen).toEqual(['Linear(4→8)', 'ReLU', 'Linear(8→3)', 'Net']);
    expect(() => net.apply(1 as never)).toThrow(
      new TypeError('Expected function for fn but received 1 of type number'),
    );
  });

  it('zeroGrad sets grads to null, or to zeros with setToNone: false', () => {
    const net = new Net();
    ops.sum(net.call(tensor([[1, 2, 3, 4]]))).backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad({ setToNone: false });
    expect(net.parameters().every((p) => p.grad!.data.every((v) => v === 0))).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('toString prints the tree as PyTorch does', () => {
    expect(
      String(new nn.Sequential(new nn.Linear(2, 3, { bias: false }), new nn.Sequential(new nn.LeakyReLU(0.1)))),
    ).toBe(
      [
        'Sequential(',
        '  (0): Linear(inFeatures=2, outFeatures=3, bias=false)',
        '  (1): Sequential(',
        '    (0): LeakyReLU(negativeSlope=0.1)',
        '  )',
        ')',
      ].join('\n'),
    );
  });
});
