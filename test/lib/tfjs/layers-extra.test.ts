// tf.layers.leakyReLU / elu / reLU / softmax / upSampling2d, conv2d 'same' at strides > 1, and
// the tfjs factories dropnet/tfjs does not have: values compared with @tensorflow/tfjs.
import { describe, expect, it } from 'vitest';
import { expectSame, real, tf, type Lib } from './compare.js';

type T = ReturnType<Lib['tensor']>;

const x4 = (tf: Lib, shape: [number, number, number, number]): T =>
  tf.tensor4d(
    Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 1.7) * 2),
    shape,
  );

describe('tf.layers advanced activations and upSampling2d', () => {
  it('leakyReLU (tfjs default alpha 0.3), elu, reLU, softmax give tfjs values', () => {
    const x = (tf: Lib): T =>
      tf.tensor2d([
        [-2, -0.5, 0, 0.7, 3],
        [1, -1, 2, -3, 0.1],
      ]);
    expectSame((tf) => tf.layers.leakyReLU().apply(x(tf)) as T);
    expectSame((tf) => tf.layers.leakyReLU({ alpha: 0.1 }).apply(x(tf)) as T);
    expectSame((tf) => tf.layers.elu({}).apply(x(tf)) as T);
    expectSame((tf) => tf.layers.reLU().apply(x(tf)) as T);
    expectSame((tf) => tf.layers.softmax().apply(x(tf)) as T);
  });

  it('upSampling2d repeats rows and columns as tfjs', () => {
    expectSame((tf) => tf.layers.upSampling2d({}).apply(x4(tf, [2, 3, 2, 3])) as T);
    expectSame((tf) => tf.layers.upSampling2d({ size: [3, 1] }).apply(x4(tf, [1, 2, 4, 2])) as T);
  });

  it("conv2d with padding 'same' at strides > 1 pads as TensorFlow (odd and even sizes, kernels 1 to 5)", () => {
    const cases: [number, number, number, number][] = [
      [6, 7, 3, 2],
      [7, 7, 3, 2],
      [5, 5, 2, 2],
      [7, 8, 4, 3],
      [8, 5, 5, 2],
      [4, 4, 1, 2],
    ];
    for (const [h, w, k, s] of cases) {
      expectSame(
        (tf) => {
          const m = tf.sequential();
          m.add(
            tf.layers.conv2d({
              filters: 2,
              kernelSize: k,
              strides: s,
              padding: 'same',
              inputShape: [h, w, 3],
              kernelInitializer: 'ones',
              biasInitializer: 'ones',
            }),
          );
          return m.predict(x4(tf, [2, h, w, 3])) as T;
        },
        { atol: 1e-4, rtol: 1e-5 },
      );
    }
  });

  it('bad options and tfjs factories dropnet/tfjs lacks are named errors', () => {
    expect(() => tf.layers.reLU({ maxValue: 6 })).toThrow(/^dropnet\/tfjs: tf\.layers\.reLU option maxValue/);
    expect(() => tf.layers.softmax({ axis: 1 })).toThrow(RangeError);
    expect(() => tf.layers.leakyReLU({ alpha: 'x' })).toThrow(TypeError);
    expect(() => tf.layers.upSampling2d({ interpolation: 'bilinear' })).toThrow(/interpolation 'nearest' only/);
    expect(() => tf.layers.upSampling2d({ colour: 1 })).toThrow(/unknown option "colour"/);
    for (const name of ['conv2dTranspose', 'permute', 'masking', 'lstmCell', 'rnn', 'zeroPadding2d'] as const) {
      expect(typeof (real.layers as unknown as Record<string, unknown>)[name]).toBe('function');
      expect(() => tf.layers[name]({})).toThrow(new RegExp(`^dropnet/tfjs: tf\\.layers\\.${name} is not supported`));
    }
  });
});

describe('model.trainOnBatch', () => {
  it('returns the loss, or [loss, ...metrics], as tfjs, and trains', async () => {
    const run = async (tf: Lib, metrics: string[]): Promise<number[]> => {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones', activation: 'softmax' }));
      m.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy', metrics });
      const x = tf.tensor2d([
        [1, 0, -1],
        [0.5, 2, 0],
        [-1, -1, 1],
        [2, 0, 0],
      ]);
      const y = tf.tensor2d([
        [1, 0],
        [0, 1],
        [0, 1],
        [1, 0],
      ]);
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await m.trainOnBatch(x, y);
        out.push(...(Array.isArray(r) ? r : [r]));
      }
      return out;
    };
    for (const metrics of [[], ['accuracy']]) {
      const ours = await run(tf, metrics);
      const theirs = await run(real as unknown as Lib, metrics);
      expect(ours).toHaveLength(3 * (1 + metrics.length));
      ours.forEach((v, i) => expect(v).toBeCloseTo(theirs[i]!, 5));
    }
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 1, inputShape: [1] }));
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await expect(m.trainOnBatch('x' as never, tf.ones([1, 1]))).rejects.toThrow(TypeError);
  });
});
