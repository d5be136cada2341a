// BatchNorm: gradients by finite differences in training and eval, running statistics as
// PyTorch updates them, and a PyTorch-written state dict (conv, batch norm, linear) that loads by
// name and reproduces PyTorch's eval forward.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { io, nn, noGrad, ops, ShapeError, Tensor } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';
import { gradcheck } from '../../helpers/gradcheck.js';
import { randomFloats } from '../../helpers/rng.js';

const t = (shape: number[], seed: number, requiresGrad = true) =>
  new Tensor(
    randomFloats(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
    { requiresGrad },
  );

describe('batchNorm op', () => {
  it('has correct gradients with batch statistics and with running statistics', () => {
    const x = t([3, 2, 4], 1);
    const w = t([2], 2);
    const b = t([2], 3);
    expect(
      gradcheck((a, ww, bb) => ops.batchNorm(a!, { training: true, weight: ww!, bias: bb! }), [x, w, b]),
    ).toBeGreaterThan(0);
    const rm = new Tensor(Float32Array.of(0.1, -0.2), [2]);
    const rv = new Tensor(Float32Array.of(0.5, 2), [2]);
    expect(
      gradcheck(
        (a, ww, bb) => ops.batchNorm(a!, { training: false, runningMean: rm, runningVar: rv, weight: ww!, bias: bb! }),
        [x, w, b],
      ),
    ).toBeGreaterThan(0);
  });

  it('updates running statistics with the unbiased variance, as PyTorch', () => {
    const x = new Tensor(Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]);
    const rm = new Tensor(new Float32Array(2), [2]);
    const rv = new Tensor(Float32Array.of(1, 1), [2]);
    ops.batchNorm(x, { training: true, runningMean: rm, runningVar: rv });
    // channel 0: values 1, 3, 5 -> mean 3, unbiased variance 4
    expectClose(rm.data, [0.3, 0.4], { atol: 1e-6 });
    expectClose(rv.data, [0.9 + 0.4, 0.9 + 0.4], { atol: 1e-6 });
  });

  it('with unbiasedRunningVar false takes the biased variance, as Keras and TensorFlow.js', () => {
    const x = new Tensor(Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]);
    const rm = new Tensor(new Float32Array(2), [2]);
    const rv = new Tensor(Float32Array.of(1, 1), [2]);
    const y = ops.batchNorm(x, { training: true, runningMean: rm, runningVar: rv, unbiasedRunningVar: false });
    // channel 0: values 1, 3, 5 -> biased variance 8/3; the output is normalized as before
    expectClose(rv.data, [0.9 + 0.1 * (8 / 3), 0.9 + 0.1 * (8 / 3)], { atol: 1e-6 });
    expectClose(y.data, ops.batchNorm(x, { training: true }).data, { atol: 0 });
    expect(() => ops.batchNorm(x, { training: true, unbiasedRunningVar: 1 as never })).toThrow(
      new TypeError('Expected boolean for unbiasedRunningVar but received 1 of type number'),
    );
  });

  it('requires the training flag and more than one value per channel', () => {
    const x = t([1, 2], 1, false);
    expect(() => ops.batchNorm(x, {} as never)).toThrow(
      new TypeError('Expected boolean for training but received undefined'),
    );
    expect(() => ops.batchNorm(x, { training: true })).toThrow(RangeError);
  });
});

describe('BatchNorm layers', () => {
  it('use PyTorch names and switch statistics with the mode', () => {
    const bn = new nn.BatchNorm1d(3);
    expect(Object.keys(bn.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    const x = t([4, 3], 5, false);
    bn.forward(x);
    bn.forward(x);
    expect(bn.num_batches_tracked!.data[0]).toBe(2);
    bn.eval();
    const y = noGrad(() => bn.forward(x));
    const expected = ops.batchNorm(x, {
      training: false,
      runningMean: bn.running_mean,
      runningVar: bn.running_var,
      weight: bn.weight,
      bias: bn.bias,
    });
    expect(y.data).toEqual(expected.data);
    expect(() => new nn.BatchNorm2d(3).forward(t([2, 4, 5, 5], 1, false))).toThrow(ShapeError);
    expect(() => new nn.BatchNorm2d(3).forward(t([3, 5, 5], 1, false))).toThrow(ShapeError);
  });
});

const fixtureDir = join(import.meta.dirname, '../../fixtures/safetensors');
const cnn = JSON.parse(readFileSync(join(fixtureDir, 'torch_cnn.json'), 'utf8')) as {
  torch: string;
  forward: { input_shape: number[]; input_f32_bits: number[]; output_shape: number[]; output_f32_bits: number[] };
};

describe(`a state dict written from PyTorch ${cnn.torch}`, () => {
  it('loads by name into the same architecture and gives PyTorch eval output', async () => {
    const model = new nn.Sequential(
      new nn.Conv2d(1, 2, 3),
      new nn.BatchNorm2d(2),
      new nn.ReLU(),
      new nn.Flatten(),
      new nn.Identity(),
      new nn.Linear(8, 3),
    );
    const { tensors } = await io.loadSafetensors(join(fixtureDir, 'torch_cnn.safetensors'));
    model.loadStateDict(tensors);
    model.eval();
    const x = new Tensor(
      new Float32Array(Uint32Array.from(cnn.forward.input_f32_bits).buffer),
      cnn.forward.input_shape,
    );
    const y = noGrad(() => model.forward(x));
    const want = new Float32Array(Uint32Array.from(cnn.forward.output_f32_bits).buffer);
    expect(y.shape).toEqual(cnn.forward.output_shape);
    expectClose(y.data, want, { atol: 1e-5, rtol: 1e-5 });
  });
});
