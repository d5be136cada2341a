// The dropout family's layers: construction checks (exact texts), p = 0 / eval identity (the
// input itself, no draw), p = 1 zeros with zero gradients, the layer's own training flag, the
// stream (a seeded layer's sequence, its repetition across two layers with the same seed, the
// manualSeed stream), agreement with the functional ops, shapes, names and configs.
import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, nn, ops, type Shape, Tensor } from '../../../../lib/index.js';
import { expectBitEqual } from '../../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';
import { randomFloats } from '../../../helpers/rng.js';

type Stream = { seed?: number; generator?: Generator };
type Make = (p: number, stream?: Stream) => nn.Module;
type Op = (x: Tensor, o: { p: number; training: boolean; generator: Generator }) => Tensor;

const input = (shape: number[], seed = 1): Tensor =>
  new Tensor(
    randomFloats(
      shape.reduce((a, b) => a * b, 1),
      seed,
      0.5,
      2,
    ),
    shape,
  );

// [class name, constructor, op, an input shape it takes]
const LAYERS: [string, Make, Op, number[]][] = [
  ['Dropout', (p, s) => new nn.Dropout(p, s), ops.dropout, [4, 6]],
  ['Dropout1d', (p, s) => new nn.Dropout1d(p, s), ops.dropout1d, [3, 4, 5]],
  ['Dropout2d', (p, s) => new nn.Dropout2d(p, s), ops.dropout2d, [2, 3, 4, 5]],
  ['Dropout3d', (p, s) => new nn.Dropout3d(p, s), ops.dropout3d, [2, 3, 2, 3, 2]],
  ['SpatialDropout1d', (p, s) => new nn.SpatialDropout1d(p, s), ops.spatialDropout1d, [3, 5, 4]],
  ['SpatialDropout2d', (p, s) => new nn.SpatialDropout2d(p, s), ops.spatialDropout2d, [2, 4, 5, 3]],
  ['SpatialDropout3d', (p, s) => new nn.SpatialDropout3d(p, s), ops.spatialDropout3d, [2, 2, 3, 2, 3]],
  ['AlphaDropout', (p, s) => new nn.AlphaDropout(p, s), ops.alphaDropout, [4, 6]],
  ['FeatureAlphaDropout', (p, s) => new nn.FeatureAlphaDropout(p, s), ops.featureAlphaDropout, [2, 3, 4]],
  [
    'GaussianDropout',
    (p, s) => new nn.GaussianDropout(p, s),
    (x, o) => ops.gaussianDropout(x, { rate: o.p, training: o.training, generator: o.generator }),
    [4, 6],
  ],
];

const ones = (shape: Shape): Tensor => new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);

describe.each(LAYERS)('%s', (name, make, op, shape) => {
  const isGaussian = name === 'GaussianDropout';
  const rateName = isGaussian ? 'rate' : 'p';
  const range = isGaussian ? '[0, 1)' : '[0, 1]';

  it(`rejects ${rateName} outside ${range} and NaN at construction`, () => {
    for (const bad of [-0.1, 1.5, Number.NaN, ...(isGaussian ? [1] : [])]) {
      expect(() => make(bad)).toThrow(
        new RangeError(`Expected number in ${range} for ${rateName} but received ${bad} of type number`),
      );
    }
    // A wrong type is caught by the argument parser, which names the class.
    const typeName = isGaussian ? rateName : `${rateName} of ${name}`;
    expect(() => make('0.5' as never)).toThrow(
      new TypeError(`Expected number in ${range} for ${typeName} but received "0.5" of type string`),
    );
    expect(() => make(0.5, { seed: 1, generator: new Generator(1) })).toThrow(
      new TypeError('Expected undefined (a generator is given) for seed but received 1 of type number'),
    );
  });

  it('is a shape-preserving dropout layer that reports its rate', () => {
    const layer = make(0.25);
    expect(layer.category).toBe('dropout');
    expect(layer.dropoutRate).toBe(0.25);
    expect(layer.layerName).toBe(`${name}(${rateName}=0.25)`);
    expect(layer.toString()).toBe(`${name}(${rateName}=0.25)`);
    expect(layer.extraRepr()).toBe(`${rateName}=0.25`);
    expect(layer.getConfig()).toEqual(
      name.startsWith('Spatial') ? { p: 0.25, dataFormat: 'channelsLast' } : { [rateName]: 0.25 },
    );
    expect(make(0.25, { seed: 3 }).getConfig()).toMatchObject({ seed: 3 });
    expect(layer.parameters()).toEqual([]);
    expect(layer.computeOutputShape([-1, ...shape.slice(1)])).toEqual([-1, ...shape.slice(1)]);
  });

  // Keras's GaussianDropout has no default rate, and rate 1 is not allowed: these two are for the rest.
  if (!isGaussian)
    it('defaults to p = 0.5, as PyTorch and Keras', () => {
      const Ctor = make(0.1).constructor as new () => nn.Module;
      expect(new Ctor().dropoutRate).toBe(0.5);
    });

  it('returns the input itself, drawing nothing, at rate 0 and in eval mode', () => {
    const g = new Generator(1);
    const x = input(shape);
    expect(make(0, { generator: g }).call(x)).toBe(x);
    const layer = make(0.5, { generator: g });
    layer.eval();
    expect(layer.call(x)).toBe(x);
    expect(g.offset).toBe(0);
    // The mode of the enclosing model reaches it.
    const model = new nn.Sequential(make(0.5, { generator: g }));
    model.eval();
    expect(model.call(x)).toBe(x);
    expect(g.offset).toBe(0);
  });

  if (!isGaussian)
    it('gives zeros and zero gradients at p = 1', () => {
      const g = new Generator(1);
      const x = leaf(shape, 2);
      const y = make(1, { generator: g }).call(x);
      expect(y.data.every((v) => Object.is(v, 0))).toBe(true);
      y.backward(ones(y.shape));
      expect(x.grad!.data.every((v) => v === 0)).toBe(true);
      expect(g.offset).toBe(0);
    });

  it('in training mode computes the op with its rate, its flag and its stream', () => {
    const x = input(shape, 3);
    const y = make(0.4, { generator: new Generator(8) }).call(x);
    expectBitEqual(y.data, op(x, { p: 0.4, training: true, generator: new Generator(8) }).data, { name });
    expect(Array.from(y.data)).not.toEqual(Array.from(x.data));
  });

  it('with a seed draws a reproducible sequence: new noise every step, the same sequence for the same seed', () => {
    const x = input(shape, 4);
    const a = make(0.5, { seed: 42 });
    const b = make(0.5, { seed: 42 });
    const a1 = a.call(x);
    const a2 = a.call(x);
    expect(Array.from(a2.data)).not.toEqual(Array.from(a1.data));
    expectBitEqual(b.call(x).data, a1.data, { name, step: 1 });
    expectBitEqual(b.call(x).data, a2.data, { name, step: 2 });
    expect(Array.from(make(0.5, { seed: 43 }).call(x).data)).not.toEqual(Array.from(a1.data));
  });

  it('without a seed draws from the manualSeed stream', () => {
    const x = input(shape, 5);
    manualSeed(1);
    const first = make(0.5).call(x);
    const second = make(0.5).call(x);
    manualSeed(1);
    expectBitEqual(make(0.5).call(x).data, first.data);
    expectBitEqual(make(0.5).call(x).data, second.data);
    expect(Array.from(second.data)).not.toEqual(Array.from(first.data));
  });

  it('has finite-difference gradients through the layer (the mask fixed by resetting the stream offset)', () => {
    const g = new Generator(6);
    const layer = make(0.3, { generator: g });
    const n = gradcheck(
      (x) => {
        g.offset = 0;
        return layer.call(x);
      },
      [leaf(shape, 7)],
    );
    expect(n).toBe(shape.reduce((a, b) => a * b, 1));
  });
});

describe('shape checks', () => {
  it('name the layer and the ranks it takes', () => {
    expect(() => new nn.Dropout1d().computeOutputShape([2, 3, 4, 5])).toThrow(
      'Dropout1d(p=0.5) expected input [*, *, *] but received [2, 3, 4, 5]',
    );
    expect(() => new nn.Dropout2d().call(input([3, 4]))).toThrow(
      'Dropout2d(p=0.5) expected input [*, *, *, *] but received [3, 4]',
    );
    expect(new nn.Dropout2d().computeOutputShape([3, 4, 5])).toEqual([3, 4, 5]);
    expect(new nn.Dropout3d().computeOutputShape([3, 4, 5, 6])).toEqual([3, 4, 5, 6]);
    expect(() => new nn.SpatialDropout2d().computeOutputShape([3, 4, 5])).toThrow(
      'SpatialDropout2d(p=0.5) expected input [*, *, *, *] but received [3, 4, 5]',
    );
    expect(() => new nn.FeatureAlphaDropout(0.2).computeOutputShape([5])).toThrow(
      'FeatureAlphaDropout(p=0.2) expected input [*, *] but received [5]',
    );
    expect(() => new nn.Sequential(new nn.Linear(4, 4), new nn.Dropout2d()).build([-1, 4])).toThrow(
      'Dropout2d(p=0.5) at layer 1 expected input [*, *, *, *] but received [*, 4]',
    );
  });

  it('check a Dropout noiseShape against the input at build time', () => {
    const layer = new nn.Dropout(0.5, { noiseShape: [null, 1, 6] });
    expect(layer.build([-1, 4, 6])).toEqual([-1, 4, 6]);
    expect(() => layer.computeOutputShape([-1, 4, 5])).toThrow(
      'Dropout(p=0.5, noiseShape=[null, 1, 6]) expected input [*, *, 6] but received [*, 4, 5]',
    );
    expect(() => layer.computeOutputShape([4, 6])).toThrow(
      'Dropout(p=0.5, noiseShape=[null, 1, 6]) expected input [*, *, 6] but received [4, 6]',
    );
    expect(layer.getConfig()).toEqual({ p: 0.5, noiseShape: [null, 1, 6] });
    const x = input([3, 4, 6]);
    const y = layer.call(x);
    // One mask per sample, shared by the 4 steps.
    for (let n = 0; n < 3; n++) {
      for (let t = 1; t < 4; t++) {
        for (let f = 0; f < 6; f++) expect(y.data[(n * 4 + t) * 6 + f] === 0).toBe(y.data[n * 24 + f] === 0);
      }
    }
  });
});

describe('options', () => {
  it('are checked', () => {
    expect(() => new nn.Dropout(0.5, null as never)).toThrow(
      new TypeError('Expected boolean for inplace of Dropout but received null'),
    );
    expect(() => new nn.Dropout(0.5, { noiseShape: [0] })).toThrow(
      new RangeError('Expected positive integer or null for noiseShape[0] but received 0 of type number'),
    );
    expect(() => new nn.Dropout(0.5, { noiseShape: 'x' as never })).toThrow(
      new TypeError('Expected array or null for noiseShape of Dropout but received "x" of type string'),
    );
    expect(() => new nn.Dropout(0.5, { generator: 1 as never })).toThrow(
      new TypeError('Expected Generator for generator of Dropout but received 1 of type number'),
    );
    expect(() => new nn.SpatialDropout2d(0.5, { dataFormat: 'NHWC' as never })).toThrow(
      new RangeError(`Expected 'channelsLast' or 'channelsFirst' for dataFormat but received "NHWC" of type string`),
    );
  });

  it('SpatialDropout takes channels-first input with dataFormat', () => {
    const layer = new nn.SpatialDropout2d(0.3, { dataFormat: 'channelsFirst', seed: 2 });
    expect(layer.toString()).toBe('SpatialDropout2d(p=0.3, dataFormat=channelsFirst)');
    expect(layer.getConfig()).toEqual({ p: 0.3, seed: 2, dataFormat: 'channelsFirst' });
    const x = input([2, 3, 4, 5]);
    expectBitEqual(layer.call(x).data, new nn.Dropout2d(0.3, { seed: 2 }).call(x).data);
  });
});

describe('GaussianNoise', () => {
  it('adds noise in training, is the identity in eval, and reports no drop rate', () => {
    expect(() => new nn.GaussianNoise(-0.1)).toThrow(
      new RangeError('Expected finite number >= 0 for stddev but received -0.1 of type number'),
    );
    expect(() => new nn.GaussianNoise(Number.NaN)).toThrow(
      new RangeError('Expected finite number >= 0 for stddev but received NaN of type number'),
    );
    const g = new Generator(2);
    const layer = new nn.GaussianNoise(0.2, { generator: g });
    expect([layer.category, layer.dropoutRate, layer.toString()]).toEqual([
      'dropout',
      undefined,
      'GaussianNoise(stddev=0.2)',
    ]);
    expect(layer.getConfig()).toEqual({ stddev: 0.2 });
    const x = input([3, 5]);
    const y = layer.call(x);
    expectBitEqual(y.data, ops.gaussianNoise(x, { stddev: 0.2, training: true, seed: 2 }).data);
    const offset = g.offset;
    layer.eval();
    expect(layer.call(x)).toBe(x);
    expect(g.offset).toBe(offset);
    expect(new nn.GaussianNoise(0).train().call(x)).toBe(x);
    const a = new nn.GaussianNoise(1, { seed: 5 });
    const b = new nn.GaussianNoise(1, { seed: 5 });
    const a1 = a.call(x);
    expectBitEqual(b.call(x).data, a1.data);
    expect(Array.from(a.call(x).data)).not.toEqual(Array.from(a1.data));
  });
});
