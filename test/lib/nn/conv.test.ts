// Conv and pooling layers: PyTorch init ranges and parameter names, output shapes at build time,
// and a small CNN whose forward and backward match PyTorch (scripts/fixtures/gen_cnn.py).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nn, ShapeError, Tensor, zeros } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';

describe('Conv2d', () => {
  it('initializes like PyTorch and names its parameters weight and bias', () => {
    const conv = new nn.Conv2d(6, 8, [3, 2], { groups: 2 });
    expect(conv.weight.shape).toEqual([8, 3, 3, 2]);
    const bound = 1 / Math.sqrt(3 * 3 * 2);
    for (const v of [...conv.weight.data, ...conv.bias!.data]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    expect(new nn.Conv2d(1, 1, 1, { bias: false }).bias).toBeNull();
  });

  it('computes output shapes when built and names itself in shape errors', () => {
    const model = new nn.Sequential(
      new nn.Conv2d(3, 16, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(4096, 10),
    );
    model.build([-1, 3, 32, 32]);
    expect(model.forward(zeros([2, 3, 32, 32])).shape).toEqual([2, 10]);
    expect(() => model.forward(zeros([2, 4, 32, 32]))).toThrow(ShapeError);
    expect(() => model.forward(zeros([2, 4, 32, 32]))).toThrow(
      'Conv2d(3→16, 3x3) at layer 0 expected input [*, 3, *, *] but received [2, 4, 32, 32]',
    );
  });

  it('rejects bad construction arguments', () => {
    expect(() => new nn.Conv2d(3, 4, 0)).toThrow(
      new RangeError('Expected integer >= 1 or a pair of them for kernelSize but received 0 of type number'),
    );
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(
      new RangeError('Expected a divisor of inChannels (3) for groups but received 2 of type number'),
    );
    expect(() => new nn.Conv2d(3, 4, 3, { padding: 'same', stride: 2 })).toThrow(RangeError);
    expect(() => new nn.Conv2d(3, 4, 3, { paddingMode: 'reflect' as never })).toThrow(RangeError);
  });

  it('Conv1d maps (N, C, L) to (N, K, L_out)', () => {
    const conv = new nn.Conv1d(2, 3, 5, { padding: 'same' });
    expect(conv.forward(zeros([4, 2, 17])).shape).toEqual([4, 3, 17]);
    expect(conv.computeOutputShape([-1, 2, 17])).toEqual([-1, 3, 17]);
  });
});

describe('pooling layers', () => {
  it('default the stride to the kernel size and compute PyTorch output sizes', () => {
    expect(new nn.MaxPool2d(2).forward(zeros([1, 1, 5, 5])).shape).toEqual([1, 1, 2, 2]);
    expect(new nn.MaxPool2d(2, { ceilMode: true }).forward(zeros([1, 1, 5, 5])).shape).toEqual([1, 1, 3, 3]);
    expect(new nn.AvgPool2d(3, { stride: 1, padding: 1 }).forward(zeros([2, 5, 5])).shape).toEqual([2, 5, 5]);
    expect(new nn.AdaptiveAvgPool2d([1, null]).forward(zeros([1, 2, 6, 4])).shape).toEqual([1, 2, 1, 4]);
    expect(new nn.MaxPool1d(3).forward(zeros([2, 3, 10])).shape).toEqual([2, 3, 3]);
    expect(new nn.AvgPool1d(2, { stride: 1 }).forward(zeros([3, 10])).shape).toEqual([3, 9]);
    expect(new nn.AdaptiveAvgPool1d(4).computeOutputShape([-1, 3, 10])).toEqual([-1, 3, 4]);
    expect(() => new nn.MaxPool2d(2).forward(zeros([1, 1, 1, 1]))).toThrow(ShapeError);
  });
});

interface Flat {
  shape: number[];
  data: number[];
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/cnn.json'), 'utf8')) as {
  torch: string;
  state: Record<string, Flat>;
  x: Flat;
  y: Flat;
  dy: number[];
  dx: number[];
  grads: Record<string, number[]>;
};

describe(`a small CNN against PyTorch ${fixture.torch}`, () => {
  it('matches forward and every gradient', () => {
    const model = new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(4, 6, 3, { padding: 'same', groups: 2 }),
      new nn.Tanh(),
      new nn.AvgPool2d(2, { ceilMode: true }),
      new nn.Conv2d(6, 5, 1),
      new nn.AdaptiveAvgPool2d([2, 3]),
      new nn.Flatten(),
      new nn.Linear(30, 7),
    );
    const state = new Map(
      Object.entries(fixture.state).map(([k, v]) => [k, new Tensor(Float32Array.from(v.data), v.shape)]),
    );
    model.loadStateDict(state);
    const x = new Tensor(Float32Array.from(fixture.x.data), fixture.x.shape, { requiresGrad: true });
    const y = model.forward(x);
    expect(y.shape).toEqual(fixture.y.shape);
    expectClose(y.data, fixture.y.data, { atol: 1e-5, rtol: 1e-4, context: { what: 'y' } });
    y.backward(new Tensor(Float32Array.from(fixture.dy), y.shape));
    expectClose(x.grad!.data, fixture.dx, { atol: 1e-5, rtol: 1e-4, context: { what: 'dx' } });
    for (const [name, p] of model.namedParameters()) {
      expectClose(p.grad!.data, fixture.grads[name]!, { atol: 1e-5, rtol: 1e-4, context: { what: name } });
    }
  });
});
