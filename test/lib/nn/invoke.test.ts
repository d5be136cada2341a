// Root calls: the forgotten-eval warning (once per model, silenceable, never in eval or with
// gradients on), and shape errors that name the failing layer and where it sits.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nn, noGrad, ops, ShapeError, type Tensor, zeros } from '../../../lib/index.js';
import { FakeBatchNorm, FakeDropout } from '../../helpers/layers.js';

function warnings(fn: () => void): { message: string; code: string | undefined }[] {
  const seen: { message: string; code: string | undefined }[] = [];
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation(((message: string, options?: { code?: string }) => {
    seen.push({ message, code: options?.code });
  }) as typeof process.emitWarning);
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return seen;
}

function mlp(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(4, 6), new nn.ReLU(), new FakeDropout(0.5), new nn.Linear(6, 2));
}

afterEach(() => vi.restoreAllMocks());

describe('training mode inside noGrad', () => {
  it('warns once per model, with a code and the way out', () => {
    const model = mlp();
    const x = zeros([3, 4]);
    const seen = warnings(() => {
      noGrad(() => model.call(x));
      noGrad(() => model.forward(x));
      noGrad(() => model.at(2).call(x.reshape([2, 6])));
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.code).toBe(nn.TRAIN_MODE_INFERENCE);
    expect(seen[0]!.code).toBe('DROPNET_TRAIN_MODE_INFERENCE');
    expect(seen[0]!.message).toBe(
      'Sequential runs in training mode inside noGrad(), so its dropout and batch-norm layers (2: FakeDropout(p=0.5)) ' +
        'still behave as in training: dropout drops units at random and batch norm uses the statistics of the batch. ' +
        'For inference call model.eval() first, or use model.predict(x). ' +
        'If this is intended (Monte Carlo dropout, say), call model.allowTrainModeInference() to silence this warning.',
    );
  });

  it('also for a direct forward of a Sequential and for batch norm', () => {
    const model = new nn.Sequential(new nn.Linear(4, 3), new FakeBatchNorm(3));
    const seen = warnings(() => noGrad(() => model.forward(zeros([2, 4]))));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.message).toMatch(
      /^Sequential runs in training mode inside noGrad\(\), so its dropout and batch-norm layers \(1: FakeBatchNorm\) still/,
    );
  });

  it('stays quiet in eval, with gradients on, in predict, without such layers, or when allowed', () => {
    const x = zeros([1, 4]);
    const seen = warnings(() => {
      const a = mlp().eval();
      noGrad(() => a.call(x));
      const b = mlp();
      b.call(x);
      b.predict(x);
      noGrad(() => new nn.Sequential(new nn.Linear(4, 2), new nn.ReLU()).call(x));
      const c = mlp().allowTrainModeInference();
      noGrad(() => c.call(x));
      const d = mlp();
      d.at(2).eval();
      noGrad(() => d.call(x));
    });
    expect(seen).toEqual([]);
    const e = mlp().allowTrainModeInference().allowTrainModeInference(false);
    expect(warnings(() => noGrad(() => e.call(x)))).toHaveLength(1);
    expect(() => e.allowTrainModeInference('no' as never)).toThrow(
      new TypeError('Expected boolean for allow but received "no" of type string'),
    );
  });
});

describe('shape errors', () => {
  it('name the layer and its index in a Sequential, for call, forward and build', () => {
    const model = new nn.Sequential(
      new nn.Linear(784, 512),
      new nn.ReLU(),
      new nn.Linear(512, 784),
      new nn.Linear(784, 256),
    );
    const x: Tensor = zeros([64, 785]);
    const first = 'Linear(784→512) at layer 0 expected input [*, 784] but received [64, 785]';
    expect(() => model.call(x)).toThrow(first);
    expect(() => model.forward(x)).toThrow(first);
    expect(() => model.build([64, 785])).toThrow(first);
    try {
      model.build([-1, 785]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      const err = e as ShapeError;
      expect(err.message).toBe('Linear(784→512) at layer 0 expected input [*, 784] but received [*, 785]');
      expect(err.layer).toBe('Linear(784→512) at layer 0');
      expect(err.expected).toEqual([-1, 784]);
      expect(err.received).toEqual([-1, 785]);
    }
  });

  it('name a layer deep in the chain by its index', () => {
    // `as nn.Module` hides the first layer's width from the compile-time check, which would reject this chain.
    const model = new nn.Sequential(
      new nn.Linear(4, 785) as nn.Module,
      new nn.ReLU(),
      new nn.Identity(),
      new nn.Linear(784, 256),
    );
    expect(() => model.call(zeros([64, 4]))).toThrow(
      /^Linear\(784→256\) at layer 3 expected input \[\*, 784\] but received \[64, 785\]$/,
    );
  });

  it('give the full path in nested containers, and name the layer alone when called directly', () => {
    const inner = new nn.Sequential(new nn.Linear(3, 4), new nn.Linear(5, 2) as nn.Module);
    const model = new nn.Sequential(new nn.Tanh(), inner);
    expect(() => model.call(zeros([2, 3]))).toThrow(
      'Linear(5→2) at layer 1.1 expected input [*, 5] but received [2, 4]',
    );
    expect(() => model.build([-1, 3])).toThrow('Linear(5→2) at layer 1.1 expected input [*, 5] but received [*, 4]');
    expect(() => inner.at(1).call(zeros([2, 4]))).toThrow(
      /^Linear\(5→2\) expected input \[\*, 5\] but received \[2, 4\]$/,
    );
  });

  it('reach through hand-written forwards', () => {
    class Net extends nn.Module {
      encoder = new nn.Sequential(new nn.Linear(8, 4), new nn.ReLU());
      head = new nn.Linear(3, 1);
      forward(x: Tensor): Tensor {
        // The mismatch is deliberate: at compile time it is already an error.
        return ops.sigmoid(this.head.call(this.encoder.call(x) as Tensor));
      }
    }
    expect(() => new Net().call(zeros([5, 8]))).toThrow(
      'Linear(3→1) at layer head expected input [*, 3] but received [5, 4]',
    );
    expect(() => new Net().call(zeros([5, 9]))).toThrow(
      'Linear(8→4) at layer encoder.0 expected input [*, 8] but received [5, 9]',
    );
  });

  it('wrong rank and non-tensor inputs', () => {
    const lin = new nn.Linear(3, 2);
    expect(() => lin.call(zeros([]))).toThrow('Linear(3→2) expected input [*, 3] but received []');
    expect(() => lin.call([1, 2, 3] as never)).toThrow(
      new TypeError('Expected Tensor for the input of Linear(3→2) but received Array(3)'),
    );
    expect(() => new nn.Softmax(2).call(zeros([2, 2]))).toThrow(
      'Softmax(dim=2) expected input [*, *, *] but received [2, 2]',
    );
    expect(() => new nn.Flatten(1, 3).call(zeros([2, 2]))).toThrow(
      'Flatten expected input [*, *, *, *] but received [2, 2]',
    );
  });
});
