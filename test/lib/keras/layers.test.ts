// Keras layers on nn modules: parameter counts equal to Keras's, PyTorch state-dict keys,
// channels-last convolution and pooling equal to nn's channels-first layers on transposed data,
// activations with Keras's constants, and option checks with exact messages.
import { describe, expect, it } from 'vitest';
import { keras, layers, manualSeed, nn, ops, randn, sequential, ShapeError, Tensor } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';

const nhwcToNchw = (x: Tensor): Tensor => ops.transpose(ops.transpose(x, 1, 3), 2, 3);
const nchwToNhwc = (x: Tensor): Tensor => ops.transpose(ops.transpose(x, 1, 3), 1, 2);

describe('keras layers', () => {
  it('dense: one Linear module per layer, Keras parameter counts, PyTorch keys', () => {
    const model = sequential([
      layers.dense({ units: 256, activation: 'relu', inputShape: [100] }),
      layers.dropout({ rate: 0.5 }),
      layers.dense({ units: 10, activation: 'softmax', useBias: false }),
    ]);
    expect(model.layers).toHaveLength(3);
    expect(model.layers[0]).toBeInstanceOf(nn.Linear);
    expect(model.layers[0]).toBeInstanceOf(keras.Dense);
    expect(model.layers[1]).toBeInstanceOf(nn.Dropout);
    expect(model.module.at(2)).toBe(model.layers[2]);
    // Keras: units * (in + 1); without bias units * in.
    expect(model.layers.map((l) => l.parameters().reduce((s, p) => s + p.size, 0))).toEqual([25856, 0, 2560]);
    expect(model.countParams()).toBe(28416);
    expect(Object.keys(model.module.stateDict())).toEqual(['0.weight', '0.bias', '2.weight']);
    expect(model.layerNames).toEqual(['dense', 'dropout', 'dense_1']);
    expect(model.outputShape).toEqual([10]);
  });

  it('dense: glorot_uniform kernel, zero bias', () => {
    manualSeed(3);
    const d = sequential([layers.dense({ units: 30, inputShape: [50] })]).layers[0] as keras.Dense;
    const a = Math.sqrt(6 / 80);
    expect(Math.max(...d.weight.data.map(Math.abs))).toBeLessThanOrEqual(a);
    expect(Math.max(...d.weight.data.map(Math.abs))).toBeGreaterThan(0.9 * a);
    expect([...d.bias!.data].every((v) => v === 0)).toBe(true);
  });

  it('dense: fused and separate activations equal linear followed by the Keras function', () => {
    const x = randn([4, 6]);
    const cases: [string, (t: Tensor) => Tensor][] = [
      ['relu', ops.relu],
      ['sigmoid', ops.sigmoid],
      ['tanh', ops.tanh],
      ['gelu', ops.gelu],
      ['elu', (t) => ops.elu(t, 1)],
      ['selu', ops.selu],
      ['softplus', (t) => ops.softplus(t)],
      ['softmax', (t) => ops.softmax(t, -1)],
      ['leakyRelu', (t) => ops.leakyRelu(t, 0.2)],
      ['leaky_relu', (t) => ops.leakyRelu(t, 0.2)],
      ['linear', (t) => t],
    ];
    for (const [name, f] of cases) {
      const m = sequential([layers.dense({ units: 5, activation: name as keras.ActivationName, inputShape: [6] })]);
      const d = m.layers[0] as keras.Dense;
      expectClose(m.predict(x).data, f(ops.linear(x, d.weight, d.bias)).data, { rtol: 1e-5, atol: 1e-6 });
    }
  });

  it('activation layers are nn modules with Keras constants', () => {
    const m = sequential([
      layers.activation({ activation: 'leakyRelu', inputShape: [3] }),
      layers.activation({ activation: 'softmax' }),
    ]);
    expect(m.layers[0]).toBeInstanceOf(nn.LeakyReLU);
    expect((m.layers[0] as nn.LeakyReLU).negativeSlope).toBe(0.2);
    expect(m.layers[1]).toBeInstanceOf(nn.Softmax);
    expect(m.layerNames).toEqual(['activation', 'activation_1']);
    expect(() => layers.activation({ activation: 'swish' })).toThrow(
      new RangeError(
        'Expected activation name (relu, sigmoid, tanh, softmax, linear, elu, selu, gelu, leakyRelu, softplus; also leaky_relu) for activation but received "swish" of type string',
      ),
    );
  });

  it('conv2d: Keras parameter counts; channels-last equals nn.Conv2d on transposed data, forward and backward', () => {
    manualSeed(1);
    const model = sequential([
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [7, 6, 3] }),
      layers.conv2d({ filters: 5, kernelSize: [2, 3], strides: 2 }),
    ]);
    // Keras: kh * kw * in * filters + filters.
    expect(model.layers.map((l) => l.parameters().reduce((s, p) => s + p.size, 0))).toEqual([
      3 * 3 * 3 * 4 + 4,
      2 * 3 * 4 * 5 + 5,
    ]);
    expect(model.outputShape).toEqual([2, 1, 5]);
    const [c1, c2] = model.layers as [keras.Conv2D, keras.Conv2D];
    const ref1 = new nn.Conv2d(3, 4, 3);
    const ref2 = new nn.Conv2d(4, 5, [2, 3], { stride: 2 });
    ref1.loadStateDict(c1.stateDict());
    ref2.loadStateDict(c2.stateDict());
    const x = randn([2, 7, 6, 3]);
    const y = model.module.call(x);
    const expected = nchwToNhwc(ref2.call(ops.relu(ref1.call(nhwcToNchw(x)))));
    expect(y.shape).toEqual([2, 2, 1, 5]);
    expectClose(y.data, expected.data, { rtol: 1e-5, atol: 1e-6 });
    ops.sum(ops.mul(y, y)).backward();
    ops.sum(ops.mul(expected, expected)).backward();
    expectClose(c1.weight.grad!.data, ref1.weight.grad!.data, { rtol: 1e-4, atol: 1e-5 });
    expectClose(c2.bias!.grad!.data, ref2.bias!.grad!.data, { rtol: 1e-4, atol: 1e-5 });
  });

  it('conv2d channelsFirst takes NCHW as nn does; same padding keeps the size at stride 1', () => {
    const m = sequential([
      layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', dataFormat: 'channelsFirst', inputShape: [3, 5, 5] }),
    ]);
    expect(m.outputShape).toEqual([2, 5, 5]);
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', strides: 2 })).not.toThrow();
    expect(() =>
      sequential([layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', strides: 2, inputShape: [5, 5, 1] })]),
    ).toThrow(
      new RangeError(
        "Expected 'valid' when strides are not 1 ('same' is supported at strides 1) for padding but received \"same\" of type string",
      ),
    );
  });

  it('maxPooling2d: channels last, valid and same (TensorFlow sizes and windows)', () => {
    const x = randn([2, 5, 7, 3]);
    const valid = sequential([layers.maxPooling2d({ poolSize: 2, inputShape: [5, 7, 3] })]);
    expect(valid.outputShape).toEqual([2, 3, 3]);
    expectClose(valid.predict(x).data, nchwToNhwc(ops.maxPool2d(nhwcToNchw(x), { kernelSize: 2 })).data);
    const same = sequential([layers.maxPooling2d({ poolSize: 2, padding: 'same', inputShape: [5, 7, 3] })]);
    expect(same.outputShape).toEqual([3, 4, 3]);
    const y = same.predict(x);
    expect(y.shape).toEqual([2, 3, 4, 3]);
    // TensorFlow 'same' at stride 2 over 5: windows [0,1], [2,3], [4]: the last row pools row 4 alone.
    const at = (t: Tensor, n: number, h: number, w: number, c: number): number =>
      t.data[((n * t.shape[1]! + h) * t.shape[2]! + w) * t.shape[3]! + c]!;
    expect(at(y, 1, 2, 3, 2)).toBe(at(x, 1, 4, 6, 2));
    expect(at(y, 0, 0, 0, 1)).toBe(
      Math.max(at(x, 0, 0, 0, 1), at(x, 0, 0, 1, 1), at(x, 0, 1, 0, 1), at(x, 0, 1, 1, 1)),
    );
    const same3 = sequential([
      layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same', inputShape: [5, 7, 3] }),
    ]);
    expect(same3.predict(x).shape).toEqual([2, 5, 7, 3]);
  });

  it('flatten follows the channels-last order; a CNN builds with Keras counts', () => {
    const m = sequential([
      layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [12, 12, 1] }),
      layers.maxPooling2d(),
      layers.spatialDropout2d({ rate: 0.2 }),
      layers.flatten(),
      layers.batchNormalization(),
      layers.dense({ units: 3, activation: 'softmax' }),
    ]);
    expect(m.outputShape).toEqual([3]);
    expect(m.layers[2]).toBeInstanceOf(nn.SpatialDropout2d);
    expect(m.layers[4]).toBeInstanceOf(nn.BatchNorm1d);
    expect((m.layers[4] as nn.BatchNorm1d).momentum).toBeCloseTo(0.01, 12);
    expect((m.layers[4] as nn.BatchNorm1d).eps).toBe(1e-3);
    const x = randn([1, 12, 12, 1]);
    const conv = m.layers[0] as keras.Conv2D;
    const pooled = ops.maxPool2d(ops.relu(ops.conv2d(nhwcToNchw(x), conv.weight, conv.bias)), { kernelSize: 2 });
    const flat = m.module.predict(x); // eval mode: dropout is the identity
    expect(flat.shape).toEqual([1, 3]);
    const inner = new nn.Sequential(m.layers[0]!, m.layers[1]!, m.layers[3]!);
    expectClose(inner.predict(x).data, nchwToNhwc(pooled).data, { rtol: 1e-5, atol: 1e-6 });
  });

  it('batchNormalization over channels-last images equals BatchNorm2d on NCHW', () => {
    const m = sequential([layers.batchNormalization({ inputShape: [4, 3, 2] })]);
    const bn = m.layers[0] as nn.BatchNorm2d;
    const ref = new nn.BatchNorm2d(2, { eps: 1e-3, momentum: 0.01 });
    const x = randn([3, 4, 3, 2]);
    expectClose(m.module.call(x).data, nchwToNhwc(ref.call(nhwcToNchw(x))).data, { rtol: 1e-5, atol: 1e-6 });
    expectClose(bn.running_mean!.data, ref.running_mean!.data, { rtol: 1e-6, atol: 1e-7 });
  });

  it("batchNormalization's moving variance takes the batch's biased variance, as Keras's", () => {
    for (const [inputShape, x] of [
      [[2], new Tensor(Float32Array.of(1, 2, 3, 6, 5, 10), [3, 2])],
      [[1, 3, 2], new Tensor(Float32Array.of(1, 2, 3, 6, 5, 10), [1, 1, 3, 2])],
    ] as const) {
      const m = sequential([layers.batchNormalization({ inputShape: [...inputShape] })]);
      const bn = m.layers[0] as nn.BatchNorm1d;
      expect(bn.unbiasedRunningVar).toBe(false);
      m.module.train();
      m.module.call(x);
      // Keras: moving = 0.99 moving + 0.01 var, var biased: channel 0 {1, 3, 5} -> 8/3; channel 1 {2, 6, 10} -> 32/3
      expectClose(bn.running_var!.data, [0.99 + 0.01 * (8 / 3), 0.99 + 0.01 * (32 / 3)], { rtol: 1e-6 });
      expectClose(bn.running_mean!.data, [0.01 * 3, 0.01 * 6], { rtol: 1e-6 });
    }
    expect(new nn.BatchNorm1d(2).unbiasedRunningVar).toBe(true);
  });

  it('dropout family maps onto nn layers with their options', () => {
    const m = sequential([
      layers.inputLayer({ inputShape: [4, 6] }),
      layers.dropout({ rate: 0.25, noiseShape: [null, 1, 6], seed: 5 }),
      layers.spatialDropout1d({ rate: 0.1 }),
      layers.gaussianDropout({ rate: 0.2 }),
      layers.gaussianNoise({ stddev: 0.3 }),
      layers.alphaDropout({ rate: 0.1 }),
    ]);
    expect(m.layers.map((l) => l.constructor.name)).toEqual([
      'Dropout',
      'SpatialDropout1d',
      'GaussianDropout',
      'GaussianNoise',
      'AlphaDropout',
    ]);
    expect((m.layers[0] as nn.Dropout).noiseShape).toEqual([null, 1, 6]);
    expect((m.layers[0] as nn.Dropout).seed).toBe(5);
    expect((m.layers[3] as nn.GaussianNoise).stddev).toBe(0.3);
    expect(m.layerNames).toEqual([
      'dropout',
      'spatial_dropout1d',
      'gaussian_dropout',
      'gaussian_noise',
      'alpha_dropout',
    ]);
  });

  it('checks options and shapes with exact messages', () => {
    expect(() => layers.dense({ units: 0 })).toThrow(
      new RangeError('Expected positive integer for units but received 0 of type number'),
    );
    expect(() => layers.dense({ units: 3, input_shape: [2] } as never)).toThrow(
      new RangeError(
        'layers.dense: unknown option "input_shape" (did you mean inputShape?); the options are name, inputShape, batchInputShape, units, activation, useBias, kernelRegularizer, biasRegularizer',
      ),
    );
    expect(() => layers.dropout({ rate: 1.5 })).toThrow(RangeError);
    expect(() => sequential([layers.dense({ units: 3 })])).toThrow(
      new RangeError(
        'sequential: the first layer needs inputShape (or batchInputShape), or start with layers.inputLayer({ inputShape })',
      ),
    );
    expect(() =>
      sequential([layers.dense({ units: 3, inputShape: [4] }), layers.dense({ units: 2, inputShape: [5] })]),
    ).toThrow(new ShapeError('sequential: layer 1 (Dense) declares inputShape [5] but receives [3]'));
    expect(() => sequential([layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5] })])).toThrow(
      'Conv2D needs samples of [height, width, channels] but receives samples of shape [5, 5]',
    );
    const m = sequential([layers.dense({ units: 3, batchInputShape: [null, 4], name: 'fc' })]);
    expect(m.inputShape).toEqual([4]);
    expect(m.getLayer('fc')).toBe(m.layers[0]);
    expect(() => m.predict(new Tensor(new Float32Array(10), [2, 5]))).toThrow(ShapeError);
  });
});

describe('activation names', () => {
  it('suggest the closest name at run time', () => {
    expect(() => layers.dense({ units: 2, activation: 'Relu' as never, inputShape: [2] })).toThrow(
      /received "Relu" of type string \(did you mean "relu"\?\)$/,
    );
    expect(() => layers.dense({ units: 2, activation: 'sigmod' as never, inputShape: [2] })).toThrow(
      /\(did you mean "sigmoid"\?\)$/,
    );
  });
});
