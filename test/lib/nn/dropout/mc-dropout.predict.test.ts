// nn.mcDropoutPredict: dropout-family layers stochastic, a batch-norm stand-in in eval during
// the passes, every mode restored (after a throw too), no train-mode-under-noGrad warning, the
// variance > 0 with dropout and exactly 0 without, the mean converging to the eval output of a
// linear model, and the documented draw order with batchSize.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { noGrad, nn, Tensor } from '../../../../lib/index.js';
import { expectBitEqual } from '../../../helpers/expect-close.js';
import { leaf } from '../../../helpers/gradcheck.js';
import { FakeBatchNorm } from '../../../helpers/layers.js';

afterEach(() => vi.restoreAllMocks());

/** A batch-norm stand-in that records the mode of every call. */
class ModeSpy extends FakeBatchNorm {
  readonly modes: boolean[] = [];
  override forward(x: Tensor): Tensor {
    this.modes.push(this.training);
    return super.forward(x);
  }
}

const x = leaf([5, 6], 1).detach();

function model(p: number, seed = 3) {
  const spy = new ModeSpy(8);
  const net = new nn.Sequential(
    new nn.Linear(6, 8),
    spy,
    new nn.ReLU(),
    new nn.Dropout(p, { seed }),
    new nn.Linear(8, 3),
  );
  return { net, spy };
}

describe('mcDropoutPredict', () => {
  it('runs dropout in training mode and the batch norm in eval mode, then restores every mode, silently', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    const { net, spy } = model(0.5);
    net.train();
    net.at(0).eval();
    const before = net.modules().map((m) => m.training);
    const { mean, variance } = nn.mcDropoutPredict(net, x, { samples: 30 });
    expect(spy.modes).toEqual(new Array(30).fill(false));
    expect(mean.shape).toEqual([5, 3]);
    expect(variance.shape).toEqual([5, 3]);
    expect(variance.data.every((v) => v > 0)).toBe(true);
    expect(net.modules().map((m) => m.training)).toEqual(before);
    expect(warn).not.toHaveBeenCalled();
    expect(mean.requiresGrad).toBe(false);
  });

  it('gives variance exactly 0 and the eval output as the mean at p = 0', () => {
    const { net } = model(0);
    const { mean, variance } = nn.mcDropoutPredict(net, x, { samples: 7 });
    expect(variance.data.every((v) => v === 0)).toBe(true);
    expectBitEqual(mean.data, net.predict(x).data);
  });

  it('averages to the eval output of a model that is linear in the dropped units', () => {
    const net = new nn.Sequential(new nn.Linear(6, 20), new nn.Dropout(0.3, { seed: 1 }), new nn.Linear(20, 4));
    const samples = 2000;
    const { mean, variance } = nn.mcDropoutPredict(net, x, { samples });
    const exact = net.predict(x).data;
    // 5 standard errors of a mean of `samples` passes.
    for (let i = 0; i < exact.length; i++)
      expect(Math.abs(mean.data[i]! - exact[i]!)).toBeLessThan(5 * Math.sqrt(variance.data[i]! / samples) + 1e-6);
  });

  it('keeps DropConnect stochastic too; a model without dropout has no variance', () => {
    const dc = new nn.Sequential(new nn.DropConnect(6, 3, { seed: 2 }));
    expect(nn.mcDropoutPredict(dc, x, { samples: 5 }).variance.data.every((v) => v > 0)).toBe(true);
    const plain = new nn.Sequential(new nn.Linear(6, 3));
    expect(nn.mcDropoutPredict(plain, x, { samples: 5 }).variance.data.every((v) => v === 0)).toBe(true);
  });

  it('with batchSize runs every chunk `samples` times in order and stitches the rows', () => {
    const weights = model(0.5, 9).net.stateDict();
    const batched = model(0.5, 9).net;
    batched.loadStateDict(weights);
    const whole = nn.mcDropoutPredict(batched, x, { samples: 4, batchSize: 2 });
    const byHand = model(0.5, 9).net;
    byHand.loadStateDict(weights);
    const parts = [
      [0, 2],
      [2, 4],
      [4, 5],
    ].map(([a, b]) => nn.mcDropoutPredict(byHand, sliceRows(x, a!, b!), { samples: 4 }));
    expectBitEqual(whole.mean.data, Float32Array.from(parts.flatMap((r) => Array.from(r.mean.data))));
    expectBitEqual(whole.variance.data, Float32Array.from(parts.flatMap((r) => Array.from(r.variance.data))));
    expect(whole.mean.shape).toEqual([5, 3]);
  });

  it('restores the modes when a pass throws, and the warning stays on for later misuse', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const { net } = model(0.5);
    net.train();
    expect(() => nn.mcDropoutPredict(net, leaf([2, 7], 1), { samples: 3 })).toThrow(
      'Linear(6→8) at layer 0 expected input [*, 6] but received [2, 7]',
    );
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(warn).not.toHaveBeenCalled();
    noGrad(() => net.call(x));
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('restores modes of a module shared by two parents', () => {
    const shared = new nn.Sequential(new nn.Dropout(0.5), new ModeSpy(6));
    const net = new nn.Sequential(shared, new nn.Sequential(shared));
    net.train();
    shared.at(1).eval();
    const before = net.modules().map((m) => m.training);
    nn.mcDropoutPredict(net, x, { samples: 2 });
    expect(net.modules().map((m) => m.training)).toEqual(before);
  });

  it('checks its arguments', () => {
    const { net } = model(0.5);
    expect(() => nn.mcDropoutPredict(net, x, { samples: 0 })).toThrow(
      new RangeError('Expected positive integer for samples but received 0 of type number'),
    );
    expect(() => nn.mcDropoutPredict(net, x, {} as never)).toThrow(
      new TypeError('Expected positive integer for samples but received undefined'),
    );
    expect(() => nn.mcDropoutPredict(net, x, { samples: 2, batchSize: 1.5 })).toThrow(
      new RangeError('Expected positive integer for batchSize but received 1.5 of type number'),
    );
    expect(() => nn.mcDropoutPredict({} as never, x, { samples: 2 })).toThrow(
      new TypeError('Expected Module for model but received object'),
    );
    expect(() => nn.mcDropoutPredict(net, [1] as never, { samples: 2 })).toThrow(
      new TypeError('Expected Tensor for x but received Array(1)'),
    );
  });
});

function sliceRows(t: Tensor, a: number, b: number): Tensor {
  const row = t.size / t.shape[0]!;
  return new Tensor(t.data.slice(a * row, b * row), [b - a, ...t.shape.slice(1)]);
}
