// Every layer and optimizer takes PyTorch's positional order as well as an options object, and
// both build the same configuration; whatever a constructor does not take is a TypeError that
// names the class and the argument.
import { describe, expect, it } from 'vitest';
import { nn, optim, Parameter, Tensor } from '../../../lib/index.js';

// Any class: these tests call constructors with argument lists TypeScript would reject.
type AnyCtor = unknown;
const build = (C: AnyCtor, args: unknown[]): nn.Module =>
  new (C as unknown as new (...a: unknown[]) => nn.Module)(...args);

// [class, positional arguments (PyTorch's order), the same as required + options, the configuration expected]
const LAYERS: [string, AnyCtor, unknown[], unknown[], Record<string, unknown>][] = [
  ['Linear', nn.Linear, [10, 20, false], [10, 20, { bias: false }], { inFeatures: 10, outFeatures: 20, bias: false }],
  [
    'Conv2d',
    nn.Conv2d,
    [3, 16, 3, 2, 1],
    [3, 16, 3, { stride: 2, padding: 1 }],
    { stride: [2, 2], padding: 1, dilation: [1, 1], groups: 1, bias: true },
  ],
  [
    'Conv2d (all)',
    nn.Conv2d,
    [4, 8, 3, 1, 'same', 2, 2, false, 'zeros'],
    [4, 8, 3, { padding: 'same', dilation: 2, groups: 2, bias: false }],
    { stride: [1, 1], padding: 'same', dilation: [2, 2], groups: 2, bias: false },
  ],
  [
    'Conv1d',
    nn.Conv1d,
    [3, 6, 5, 2, 2, 1, 3, false],
    [3, 6, 5, { stride: 2, padding: 2, groups: 3, bias: false }],
    { stride: 2, padding: 2, dilation: 1, groups: 3, bias: false },
  ],
  [
    'MaxPool2d',
    nn.MaxPool2d,
    [3, 1],
    [3, { stride: 1 }],
    { kernelSize: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], ceilMode: false },
  ],
  [
    'MaxPool2d (all)',
    nn.MaxPool2d,
    [3, 2, 1, 1, false, true],
    [3, { stride: 2, padding: 1, ceilMode: true }],
    { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceilMode: true },
  ],
  [
    'AvgPool2d',
    nn.AvgPool2d,
    [2, 1, 1, true, false, 3],
    [2, { stride: 1, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 3 }],
    { kernelSize: [2, 2], stride: [1, 1], padding: [1, 1], ceilMode: true, countIncludePad: false, divisorOverride: 3 },
  ],
  [
    'MaxPool1d',
    nn.MaxPool1d,
    [3, 1, 1, 2, false, true],
    [3, { stride: 1, padding: 1, dilation: 2, ceilMode: true }],
    { kernelSize: 3, stride: 1, padding: 1, dilation: 2, ceilMode: true },
  ],
  [
    'AvgPool1d',
    nn.AvgPool1d,
    [3, 1, 1, true],
    [3, { stride: 1, padding: 1, ceilMode: true }],
    { kernelSize: 3, stride: 1, padding: 1, dilation: 1, ceilMode: true },
  ],
  [
    'BatchNorm1d',
    nn.BatchNorm1d,
    [10, 1e-3],
    [10, { eps: 1e-3 }],
    { numFeatures: 10, eps: 1e-3, momentum: 0.1, affine: true, trackRunningStats: true },
  ],
  [
    'BatchNorm2d',
    nn.BatchNorm2d,
    [4, 1e-3, 0.2, false, false],
    [4, { eps: 1e-3, momentum: 0.2, affine: false, trackRunningStats: false }],
    { numFeatures: 4, eps: 1e-3, momentum: 0.2, affine: false, trackRunningStats: false },
  ],
  ['Dropout', nn.Dropout, [0.2, false], [{ p: 0.2 }], { p: 0.2 }],
  ['Dropout2d', nn.Dropout2d, [0.3], [{ p: 0.3 }], { p: 0.3 }],
  ['AlphaDropout', nn.AlphaDropout, [0.1, false], [{ p: 0.1 }], { p: 0.1 }],
  ['FeatureAlphaDropout', nn.FeatureAlphaDropout, [0.1], [{ p: 0.1 }], { p: 0.1 }],
  [
    'SpatialDropout1d',
    nn.SpatialDropout1d,
    [0.25, { dataFormat: 'channelsFirst' }],
    [{ p: 0.25, dataFormat: 'channelsFirst' }],
    { p: 0.25, dataFormat: 'channelsFirst' },
  ],
  ['GaussianDropout', nn.GaussianDropout, [0.3, 7], [0.3, { seed: 7 }], { rate: 0.3, seed: 7 }],
  ['GaussianNoise', nn.GaussianNoise, [0.1, 7], [0.1, { seed: 7 }], { stddev: 0.1, seed: 7 }],
  ['LeakyReLU', nn.LeakyReLU, [0.2, false], [{ negativeSlope: 0.2 }], { negativeSlope: 0.2 }],
  ['ELU', nn.ELU, [0.5], [{ alpha: 0.5 }], { alpha: 0.5 }],
  ['Softplus', nn.Softplus, [2, 10], [{ beta: 2, threshold: 10 }], { beta: 2, threshold: 10 }],
  ['Flatten', nn.Flatten, [0, 2], [{ startDim: 0, endDim: 2 }], { startDim: 0, endDim: 2 }],
];

describe.each(LAYERS)('%s', (_name, C, positional, named, expected) => {
  it('builds the same configuration from PyTorch positionals and from options', () => {
    const a = build(C, positional).getConfig();
    const b = build(C, named).getConfig();
    expect(a).toMatchObject(expected);
    expect(b).toEqual(a);
  });
});

describe('what PyTorch code means is what it gets', () => {
  it('Linear(10, 20, false) has no bias; Dropout(p, inplace) keeps p', () => {
    expect(new nn.Linear(10, 20, false).bias).toBeNull();
    expect(new nn.Dropout(0.2, true).p).toBe(0.2);
  });

  it('Conv2d(3, 16, 3, 2, 1) halves a 32x32 image; MaxPool2d(3, 1) keeps stride 1', () => {
    expect(new nn.Conv2d(3, 16, 3, 2, 1).computeOutputShape([1, 3, 32, 32])).toEqual([1, 16, 16, 16]);
    expect(new nn.MaxPool2d(3, 1).computeOutputShape([1, 1, 8, 8])).toEqual([1, 1, 6, 6]);
  });

  it('BatchNorm1d(10, 1e-3) uses eps 1e-3 in forward', () => {
    const bn = new nn.BatchNorm1d(2, 1e-3);
    const x = new Tensor(new Float32Array([0, 0, 1, 1]), [2, 2]);
    // Batch variance 0.25, mean 0.5: (1 - 0.5) / sqrt(0.25 + 1e-3).
    expect(bn.call(x).data[2]).toBeCloseTo(0.5 / Math.sqrt(0.25 + 1e-3), 6);
  });
});

describe('what a layer does not take', () => {
  it('an extra positional is a TypeError naming the class', () => {
    expect(() => build(nn.Linear, [10, 20, false, 1])).toThrow(
      new TypeError(
        'Linear takes at most 3 arguments (inFeatures, outFeatures, bias) and an options object but received 4; argument 4 is 1 of type number',
      ),
    );
    expect(() => build(nn.ReLU, [false, 1])).toThrow(/^ReLU takes at most 1 argument \(inplace\)/);
    expect(() => build(nn.Sigmoid, [1])).toThrow(
      new TypeError('Sigmoid takes no arguments but received 1; argument 1 is 1 of type number'),
    );
    expect(() => build(nn.Softmax, [1, 2])).toThrow(
      new TypeError('Softmax takes at most 1 argument (dim) but received 2; argument 2 is 2 of type number'),
    );
    expect(() => build(nn.AdaptiveAvgPool2d, [1, 2])).toThrow(
      /^AdaptiveAvgPool2d takes at most 1 argument \(outputSize\)/,
    );
  });

  it('an unknown option is a TypeError with a did-you-mean', () => {
    expect(() => build(nn.Conv2d, [3, 16, 3, { strides: 2 }])).toThrow(
      new TypeError(
        'Conv2d: unknown option "strides" (did you mean "stride"?); it takes the options stride, padding, dilation, groups, bias, paddingMode, generator',
      ),
    );
    expect(() => build(nn.BatchNorm2d, [4, { track_running_stats: false }])).toThrow(
      /^BatchNorm2d: unknown option "track_running_stats" \(did you mean "trackRunningStats"\?\)/,
    );
    expect(() => build(nn.AvgPool1d, [2, { dilation: 2 }])).toThrow(/^AvgPool1d: unknown option "dilation"/);
    expect(() => build(nn.Dropout, [{ rate: 0.2 }])).toThrow(/^Dropout: unknown option "rate"/);
  });

  it('a wrong type is a TypeError naming the argument and the class', () => {
    expect(() => build(nn.Linear, [10, 20, 'no'])).toThrow(
      new TypeError('Expected boolean for bias of Linear but received "no" of type string'),
    );
    expect(() => build(nn.BatchNorm1d, [10, '1e-3'])).toThrow(
      new TypeError('Expected number for eps of BatchNorm1d but received "1e-3" of type string'),
    );
    expect(() => build(nn.MaxPool2d, [2, 2, 0, 1, false, 'yes'])).toThrow(
      new TypeError('Expected boolean for ceilMode of MaxPool2d but received "yes" of type string'),
    );
  });

  it('what is not supported is a RangeError, not ignored', () => {
    expect(() => build(nn.MaxPool2d, [2, 2, 0, 1, true])).toThrow(
      new RangeError(
        'Expected false (MaxPool2d returns no indices) for returnIndices but received true of type boolean',
      ),
    );
    expect(() => build(nn.GELU, ['tanh'])).toThrow(/for approximate but received "tanh"/);
  });
});

const params = (): Parameter[] => [new Parameter(new Tensor(new Float32Array(4), [4]))];

// [class, positional after params, the same as options, expected defaults]
const OPTIMIZERS: [string, unknown, unknown[], Record<string, unknown>][] = [
  [
    'SGD',
    optim.SGD,
    [0.1, 0.9, 0, 1e-4, true],
    { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true },
  ],
  [
    'Adam',
    optim.Adam,
    [0.01, [0.8, 0.99], 1e-6, 1e-4, true],
    { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 1e-4, amsgrad: true },
  ],
  [
    'AdamW',
    optim.AdamW,
    [0.01, [0.8, 0.99], 1e-6, 0.1, false],
    { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, amsgrad: false },
  ],
  [
    'RMSprop',
    optim.RMSprop,
    [0.05, 0.9, 1e-6, 1e-4, 0.5, true],
    { lr: 0.05, alpha: 0.9, eps: 1e-6, weightDecay: 1e-4, momentum: 0.5, centered: true },
  ],
  [
    'Adagrad',
    optim.Adagrad,
    [0.05, 1e-3, 1e-4, 0.1, 1e-8],
    { lr: 0.05, lrDecay: 1e-3, weightDecay: 1e-4, initialAccumulatorValue: 0.1, eps: 1e-8 },
  ],
];

describe.each(OPTIMIZERS)('optim.%s', (name, C, positional, expected) => {
  const make = (...args: unknown[]) =>
    new (C as unknown as new (...a: unknown[]) => optim.Optimizer<object>)(params(), ...args);

  it('takes PyTorch positionals and options alike', () => {
    expect(make(...positional).defaults).toMatchObject(expected);
    expect(make(expected).defaults).toEqual(make(...positional).defaults);
    expect(make(positional[0]).defaults).toMatchObject({ lr: positional[0] });
  });

  it('rejects an extra positional, an unknown option and a wrong type', () => {
    expect(() => make(...positional, 1)).toThrow(
      new RegExp(`^${name} takes at most ${positional.length + 1} arguments \\(params, lr,`),
    );
    expect(() => make({ learning_rate: 0.1 })).toThrow(new RegExp(`^${name}: unknown option "learning_rate"`));
    expect(() => make({ weight_decay: 0.1 })).toThrow(
      new RegExp(`^${name}: unknown option "weight_decay" \\(did you mean "weightDecay"\\?\\)`),
    );
    expect(() => make('0.1')).toThrow(
      new TypeError(`Expected number for lr of ${name} but received "0.1" of type string`),
    );
  });
});

describe('schedulers', () => {
  const sgd = (): optim.SGD => new optim.SGD(params(), 0.1);

  it('take PyTorch positionals and options alike', () => {
    expect(new optim.StepLR(sgd(), 5, 0.5).gamma).toBe(0.5);
    expect(new optim.StepLR(sgd(), { stepSize: 5, gamma: 0.5 }).stepSize).toBe(5);
    expect(new optim.ExponentialLR(sgd(), 0.9).gamma).toBe(0.9);
    expect(new optim.CosineAnnealingLR(sgd(), 10, 0.01).etaMin).toBe(0.01);
    expect(new optim.OneCycleLR(sgd(), 1, 100).totalSteps).toBe(100);
    expect(new optim.OneCycleLR(sgd(), 1, null, 2, 50).totalSteps).toBe(100);
    const plateau = new optim.ReduceLROnPlateau(sgd(), 'max', 0.5, 3);
    expect([plateau.mode, plateau.factor, plateau.patience]).toEqual(['max', 0.5, 3]);
  });

  it('reject what they do not take', () => {
    expect(() => new (optim.StepLR as unknown as new (...a: unknown[]) => unknown)(sgd(), 5, 0.5, -1)).toThrow(
      /^StepLR takes at most 3 arguments \(optimizer, stepSize, gamma\)/,
    );
    expect(() => new optim.ExponentialLR(sgd(), { gama: 0.9 } as never)).toThrow(
      /^ExponentialLR: unknown option "gama" \(did you mean "gamma"\?\)/,
    );
    expect(() => new optim.StepLR(sgd(), {} as never)).toThrow(
      new TypeError('Expected positive integer for stepSize but received undefined'),
    );
  });
});
