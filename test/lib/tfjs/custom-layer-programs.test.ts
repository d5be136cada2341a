// Custom layers as tensorflow/tfjs-examples write them (custom-layer's antirectifier,
// date-conversion-attention's last-time-step layer, fashion-mnist-vae's sampling layer):
// `class X extends tf.layers.Layer` with call, computeOutputShape, getConfig, a static className
// and tf.serialization.registerClass. Written once against a `tf` parameter and run with the
// import swapped: on @tensorflow/tfjs and on dropnet/tfjs. Data are small and synthetic.
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';
import { close, fixWeights } from './program-weights.js';

type T = ReturnType<Lib['tensor']>;
type Symbolic = ReturnType<Lib['input']>;
type Shape = (number | null)[];

/** The custom classes, made for one library (each extends that library's tf.layers.Layer). */
function customLayers(tf: Lib) {
  class Antirectifier extends tf.layers.Layer {
    constructor(config?: Record<string, unknown>) {
      super(config ?? {});
    }
    computeOutputShape(inputShape: Shape): Shape {
      return [inputShape[0]!, 2 * inputShape[1]!];
    }
    call(inputs: T | T[], kwargs: Record<string, unknown>): T {
      let input = inputs;
      if (Array.isArray(input)) input = input[0]!;
      this.invokeCallHook(inputs, kwargs);
      return tf.tidy(() => {
        const centered = tf.sub(input, tf.mean(input, 1, true));
        const normalized = tf.div(centered, tf.sqrt(tf.sum(tf.square(centered), 1, true)).add(1e-6));
        return tf.concat([tf.relu(normalized), tf.relu(tf.neg(normalized))], 1);
      });
    }
    override getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), epsilon: 1e-6 };
    }
    static get className(): string {
      return 'Antirectifier';
    }
  }

  class GetLastTimestepLayer extends tf.layers.Layer {
    constructor(config?: Record<string, unknown>) {
      super(config ?? {});
    }
    computeOutputShape(inputShape: Shape): Shape {
      return [inputShape[0]!, inputShape[2]!];
    }
    call(input: T | T[]): T {
      const x = Array.isArray(input) ? input[0]! : input;
      return tf.tidy(() => tf.squeeze(tf.gather(x, [x.shape[1]! - 1], 1), [1]));
    }
    static get className(): string {
      return 'GetLastTimestepLayer';
    }
  }

  /** fashion-mnist-vae's zLayer: zMean + exp(zLogVar / 2) · epsilon. */
  class ZLayer extends tf.layers.Layer {
    constructor(config?: Record<string, unknown>) {
      super(config ?? {});
    }
    computeOutputShape(inputShape: Shape[]): Shape {
      return inputShape[0]!;
    }
    call(inputs: T | T[]): T {
      const [zMean, zLogVar] = inputs as T[];
      return tf.tidy(() => {
        const epsilon = tf.randomNormal(zMean!.shape, 0, 0.1);
        return zMean!.add(tf.exp(zLogVar!.mul(0.5)).mul(epsilon));
      });
    }
    static get className(): string {
      return 'ZLayer';
    }
  }

  for (const c of [Antirectifier, GetLastTimestepLayer, ZLayer]) tf.serialization.registerClass(c as never);
  return { Antirectifier, GetLastTimestepLayer, ZLayer };
}

function points(tf: Lib, n: number, seed: number): { x: T; y: T } {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.sin(i * 1.3 + seed);
    const b = Math.cos(i * 0.7 + seed * 2);
    xs.push([a, b, a * b, 0.5 * Math.sin(i * 2.1)]);
    ys.push(a * b > 0 ? 1 : 0);
  }
  return { x: tf.tensor2d(xs), y: tf.oneHot(tf.tensor1d(ys, 'int32'), 2).toFloat() };
}

/** custom-layer's model: dense, Antirectifier, dense softmax in a tf.sequential(). */
interface AntirectifierRun {
  before: number[];
  loss: number[];
  eager: number[];
  shape: number[];
  config: unknown;
  className: string;
}

async function antirectifier(tf: Lib): Promise<AntirectifierRun> {
  const { Antirectifier } = customLayers(tf);
  const custom = new Antirectifier();
  const layers = [
    tf.layers.dense({ units: 8, inputShape: [4] }),
    custom,
    tf.layers.dense({ units: 2, activation: 'softmax' }),
  ];
  const model = tf.sequential({ layers });
  fixWeights(tf, [layers[0], layers[2]]);
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const { x, y } = points(tf, 40, 0);
  const before = Array.from((model.predict(x) as T).dataSync()).slice(0, 20);
  const h = await model.fit(x, y, { epochs: 15, batchSize: 10, shuffle: false });
  const eager = custom.apply(tf.tensor2d([[1, -2, 3, 0.5]])) as T;
  const { name, ...config } = custom.getConfig();
  expect(typeof name).toBe('string');
  return {
    before,
    loss: h.history.loss as number[],
    eager: Array.from(eager.dataSync()),
    shape: model.outputs[0]!.shape.map((d) => d ?? -1),
    config,
    className: custom.getClassName(),
  };
}

/** date-conversion-attention's last time step, after an LSTM with returnSequences, in a tf.model(). */
async function lastStep(tf: Lib): Promise<{ shape: number[]; loss: number[] }> {
  const { GetLastTimestepLayer } = customLayers(tf);
  const input = tf.input({ shape: [4, 3] });
  const lstm = tf.layers.lstm({ units: 6, returnSequences: true });
  const dense = tf.layers.dense({ units: 1 });
  const last = new GetLastTimestepLayer().apply(lstm.apply(input) as Symbolic) as Symbolic;
  const model = tf.model({ inputs: input, outputs: dense.apply(last) as Symbolic });
  fixWeights(tf, [lstm, dense]);
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
  const x = tf.tensor3d(
    Array.from({ length: 16 * 12 }, (_, i) => Math.sin(i * 0.37)),
    [16, 4, 3],
  );
  const y = x.sum([1, 2]).reshape([16, 1]).div(6);
  const h = await model.fit(x, y, { epochs: 5, batchSize: 8, shuffle: false });
  return { shape: last.shape.map((d) => d ?? -1), loss: h.history.loss as number[] };
}

/** fashion-mnist-vae's sampling layer between an encoder and a decoder: random, so both only learn. */
async function sampler(tf: Lib): Promise<{ loss: number[]; shape: number[] }> {
  const { ZLayer } = customLayers(tf);
  const input = tf.input({ shape: [4] });
  const hidden = tf.layers.dense({ units: 8, activation: 'relu' }).apply(input) as Symbolic;
  const zMean = tf.layers.dense({ units: 2 }).apply(hidden) as Symbolic;
  const zLogVar = tf.layers.dense({ units: 2 }).apply(hidden) as Symbolic;
  const z = new ZLayer({ name: 'z' }).apply([zMean, zLogVar]) as Symbolic;
  const output = tf.layers
    .dense({ units: 4 })
    .apply(tf.layers.dense({ units: 8, activation: 'relu' }).apply(z) as Symbolic);
  const model = tf.model({ inputs: input, outputs: output as Symbolic });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
  const { x } = points(tf, 64, 1);
  const h = await model.fit(x, x, { epochs: 30, batchSize: 16 });
  return { loss: h.history.loss as number[], shape: (model.predict(x) as T).shape };
}

describe('custom layers (class X extends tf.layers.Layer) with only the import changed', () => {
  it('an antirectifier in tf.sequential(): the same outputs and losses as tfjs', async () => {
    const ours = await antirectifier(tf);
    const theirs = await antirectifier(real as unknown as Lib);
    expect(ours.shape).toEqual([-1, 2]);
    expect(ours.className).toBe('Antirectifier');
    expect(ours.config).toEqual(theirs.config);
    for (const key of ['before', 'loss', 'eager'] as const)
      expect(close(ours[key], theirs[key]), `${key}: ${ours[key].join()} vs ${theirs[key].join()}`).toBe(true);
    expect(ours.loss.at(-1)!).toBeLessThan(ours.loss[0]!);
  });

  it("the last time step of an LSTM's sequence in tf.model(): the same losses as tfjs", async () => {
    const ours = await lastStep(tf);
    const theirs = await lastStep(real as unknown as Lib);
    expect(ours.shape).toEqual([-1, 6]);
    expect(close(ours.loss, theirs.loss), `${ours.loss.join()} vs ${theirs.loss.join()}`).toBe(true);
  });

  it('a sampling layer of two inputs trains on both', async () => {
    for (const lib of [tf, real as unknown as Lib]) {
      const r = await sampler(lib);
      expect(r.shape).toEqual([64, 4]);
      expect(r.loss.at(-1)!).toBeLessThan(0.7 * r.loss[0]!);
    }
  });

  it('call() receives kwargs.training as tfjs passes it (fit: true, predict: not true), in both kinds of model', async () => {
    const seen = async (tf: Lib, functional: boolean): Promise<[boolean, boolean]> => {
      const flags: unknown[] = [];
      class Probe extends tf.layers.Layer {
        call(x: T | T[], kwargs: Record<string, unknown>): T {
          flags.push(kwargs.training);
          return (Array.isArray(x) ? x[0]! : x).mul(1);
        }
        static get className(): string {
          return 'Probe';
        }
      }
      const dense = tf.layers.dense({ units: 1, inputShape: [2] });
      let model: ReturnType<Lib['model']>;
      if (functional) {
        const input = tf.input({ shape: [2] });
        model = tf.model({ inputs: input, outputs: new Probe().apply(dense.apply(input) as Symbolic) as Symbolic });
      } else model = tf.sequential({ layers: [dense, new Probe()] });
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      await model.fit(tf.ones([4, 2]), tf.ones([4, 1]), { epochs: 1, batchSize: 4 });
      const inFit = flags.includes(true);
      flags.length = 0;
      model.predict(tf.ones([2, 2]));
      return [inFit, flags.includes(true)];
    };
    for (const functional of [false, true]) {
      const ours = await seen(tf, functional);
      expect(ours).toEqual([true, false]);
      expect(ours).toEqual(await seen(real as unknown as Lib, functional));
    }
  });

  it('weights, several outputs and other custom classes are dropnet/tfjs errors', () => {
    class Weighted extends tf.layers.Layer {
      build(): void {
        this.addWeight('kernel', [2, 2], 'float32');
      }
      static get className(): string {
        return 'Weighted';
      }
    }
    const m = tf.sequential();
    expect(() => m.add(tf.layers.dense({ units: 2, inputShape: [2] }))).not.toThrow();
    expect(() => new Weighted().apply(tf.input({ shape: [2] }))).toThrow(
      /^dropnet\/tfjs: Weighted\.addWeight\('kernel'\): custom layers with weights are not supported/,
    );
    class Two extends tf.layers.Layer {
      call(x: T): T[] {
        return [x, x];
      }
    }
    expect(() => new Two().apply(tf.ones([1, 2]))).toThrow(/call must return one tf\.Tensor/);
    expect(() => tf.serialization.registerClass(class Init {} as never)).toThrow(
      /^dropnet\/tfjs: tf\.serialization\.registerClass\(Init\): only custom layers/,
    );
    expect(() => tf.serialization.registerClass(Two as never)).toThrow(/static className/);
  });
});
