// stateDict / loadStateDict: PyTorch key names, shared storage, in-place loading, and one
// error listing every problem with the model left untouched.
import { describe, expect, it } from 'vitest';
import { manualSeed, nn, ops, StateDictError, type Tensor, tensor, zeros } from '../../../lib/index.js';
import { FakeBatchNorm } from '../../helpers/layers.js';

function mlp(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
}

function snapshot(m: nn.Module): number[][] {
  return Object.values(m.stateDict()).map((t) => Array.from(t.data));
}

describe('stateDict', () => {
  it('uses PyTorch names in PyTorch order and shares storage, detached', () => {
    class Net extends nn.Module {
      fc1 = new nn.Linear(2, 3);
      bn = new FakeBatchNorm(3);
      fc2 = new nn.Linear(3, 1, { bias: false });
      forward(x: Tensor): Tensor {
        return this.fc2.call(this.bn.call(this.fc1.call(x)));
      }
    }
    const net = new Net();
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(['fc1.weight', 'fc1.bias', 'bn.weight', 'bn.bias', 'bn.runningMean', 'fc2.weight']);
    expect(sd['fc1.weight']!.data).toBe(net.fc1.weight.data);
    expect(sd['fc1.weight']!.requiresGrad).toBe(false);
    expect(Object.keys(mlp().stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });
});

describe('loadStateDict', () => {
  it('copies values in place, so optimizers keep their references, and reproduces outputs', () => {
    manualSeed(1);
    const a = mlp();
    const b = mlp();
    const weight = b.at(0).parameters()[0]!;
    const x = tensor([[0.5, -1, 2]]);
    expect(Array.from(b.call(x).data)).not.toEqual(Array.from(a.call(x).data));
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.at(0).parameters()[0]).toBe(weight);
    expect(Array.from(b.call(x).data)).toEqual(Array.from(a.call(x).data));
    expect(weight.data).not.toBe(a.at(0).parameters()[0]!.data);
  });

  it('accepts a Map and loads buffers', () => {
    const bn = new FakeBatchNorm(2);
    bn.loadStateDict(
      new Map([
        ['weight', tensor([3, 4])],
        ['bias', tensor([0, 1])],
        ['runningMean', tensor([5, 6])],
      ]),
    );
    expect(Array.from(bn.runningMean.data)).toEqual([5, 6]);
    expect(Array.from(bn.weight.data)).toEqual([3, 4]);
  });

  it('reports missing, unexpected, wrongly shaped and non-tensor entries at once, changing nothing', () => {
    const model = mlp();
    const before = snapshot(model);
    const sd: Record<string, unknown> = model.stateDict();
    delete sd['2.bias'];
    delete sd['2.weight'];
    sd['3.weight'] = zeros([2, 4]);
    sd['0.weight'] = zeros([4, 4]);
    sd['0.bias'] = [1, 2, 3, 4];
    let error: unknown;
    try {
      model.loadStateDict(sd as Record<string, Tensor>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    expect((error as Error).message).toBe(
      [
        'loadStateDict: the state dict does not fit Sequential; nothing was loaded:',
        '  missing keys: "2.weight", "2.bias"',
        '  unexpected keys: "3.weight"',
        '  "0.weight" has shape [4, 4] in the state dict but [4, 3] in the model',
        '  "0.bias" is not a Tensor but Array(4)',
      ].join('\n'),
    );
    const e = error as StateDictError;
    expect([e.missingKeys, e.unexpectedKeys, e.mismatchedKeys]).toEqual([
      ['2.weight', '2.bias'],
      ['3.weight'],
      ['0.weight', '0.bias'],
    ]);
    expect(snapshot(model)).toEqual(before);
  });

  it('with strict: false allows missing and unexpected keys but never wrong shapes', () => {
    const model = mlp();
    const result = model.loadStateDict({ '0.bias': tensor([1, 2, 3, 4]), extra: zeros([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['0.weight', '2.weight', '2.bias'], unexpectedKeys: ['extra'] });
    expect(Array.from(model.at(0).parameters()[1]!.data)).toEqual([1, 2, 3, 4]);
    expect(() => model.loadStateDict({ '0.bias': zeros([3]) }, { strict: false })).toThrow(
      'loadStateDict: the state dict does not fit Sequential; nothing was loaded:\n  "0.bias" has shape [3] in the state dict but [4] in the model',
    );
  });

  it('rejects a state dict that is not an object, and a non-boolean strict', () => {
    expect(() => mlp().loadStateDict([] as never)).toThrow(
      new TypeError('Expected object or Map of Tensors by name for state but received Array(0)'),
    );
    expect(() => mlp().loadStateDict(null as never)).toThrow(
      new TypeError('Expected object or Map of Tensors by name for state but received null'),
    );
    expect(() => mlp().loadStateDict({}, { strict: 'no' as never })).toThrow(
      new TypeError('Expected boolean for strict but received "no" of type string'),
    );
  });

  it('round-trips a trained model', () => {
    const a = mlp();
    const x = tensor([[1, 2, 3]]);
    ops.sum(a.call(x)).backward();
    for (const p of a.parameters()) for (let i = 0; i < p.size; i++) p.data[i]! -= 0.1 * p.grad!.data[i]!;
    const b = mlp();
    b.loadStateDict(a.stateDict());
    expect(snapshot(b)).toEqual(snapshot(a));
  });
});
