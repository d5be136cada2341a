// The functional API (tf.input, layer.apply, tf.model, merge layers) on dropnet/tfjs and on
// @tensorflow/tfjs: the same graphs with the same weights give the same outputs, shapes and
// errors; models of several inputs and outputs train.
import { describe, expect, it } from 'vitest';
import { expectBothThrow, expectSame, real, tf, type Lib } from './compare.js';

type T = ReturnType<Lib['tensor']>;
type Model = ReturnType<Lib['model']>;

/** Gives every weight of `model` deterministic values (same on both libraries). */
function fillWeights(lib: Lib, model: Model): void {
  const ws = model.getWeights().map((w, k) => {
    const n = w.size;
    const values = Array.from({ length: n }, (_, i) => Math.sin(i * 0.7 + k) * 0.5);
    return lib.tensor(values, w.shape);
  });
  model.setWeights(ws);
}

/** Two inputs, a shared dense on both, concatenate, and a head. */
function twoInputs(lib: Lib): Model {
  const a = lib.input({ shape: [3] });
  const b = lib.input({ shape: [3] });
  const shared = lib.layers.dense({ units: 4, activation: 'relu' });
  const merged = lib.layers.concatenate().apply([shared.apply(a), shared.apply(b)]);
  const out = lib.layers.dense({ units: 2, activation: 'softmax' }).apply(merged);
  return lib.model({ inputs: [a, b], outputs: out });
}

const xa = (lib: Lib): T =>
  lib.tensor2d([
    [1, 2, 3],
    [0, -1, 0.5],
    [2, 0, -2],
    [0.1, 0.2, 0.3],
  ]);
const xb = (lib: Lib): T =>
  lib.tensor2d([
    [0, 1, 0],
    [1, 1, 1],
    [-1, 2, 0.5],
    [3, 0, 1],
  ]);

describe('tf.input and layer.apply', () => {
  it('tf.input gives a SymbolicTensor with a null batch', () => {
    for (const lib of [tf, real as unknown as Lib]) {
      const x = lib.input({ shape: [4, 2] });
      expect(x.shape).toEqual([null, 4, 2]);
      expect(x).toBeInstanceOf(lib.SymbolicTensor);
      expect(lib.input({ batchShape: [null, 5] }).shape).toEqual([null, 5]);
      const y = lib.layers.dense({ units: 3 }).apply(x) as ReturnType<Lib['input']>;
      expect(y.shape).toEqual([null, 4, 3]);
      const c = lib.layers.concatenate().apply([x, x]) as ReturnType<Lib['input']>;
      expect(c.shape).toEqual([null, 4, 4]);
    }
  });

  it("tf.input's int32 dtype stays on the input and in the saved topology; layers give float32, as tfjs", async () => {
    const saved = async (lib: Lib): Promise<unknown[]> => {
      const x = lib.input({ shape: [3], dtype: 'int32' });
      const e = lib.layers.embedding({ inputDim: 5, outputDim: 2 }).apply(x) as ReturnType<Lib['input']>;
      const y = lib.layers.dense({ units: 1 }).apply(lib.layers.flatten().apply(e)) as ReturnType<Lib['input']>;
      let topology: unknown;
      await lib.model({ inputs: x, outputs: y }).save({
        save: async (a: { modelTopology: unknown }) => {
          topology = a.modelTopology;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        },
      } as never);
      const first = (topology as { config: { layers: { config: { dtype?: string } }[] } }).config.layers[0]!;
      return [x.dtype, e.dtype, y.dtype, lib.input({ shape: [3] }).dtype, first.config.dtype];
    };
    const want = await saved(real as unknown as Lib);
    expect(want).toEqual(['int32', 'float32', 'float32', 'float32', 'int32']);
    expect(await saved(tf)).toEqual(want);
  });

  it('layer.apply(tensor) computes at once, as tfjs', () => {
    expectSame((lib) => {
      const d = lib.layers.dense({ units: 2, kernelInitializer: 'ones', biasInitializer: 'zeros', activation: 'relu' });
      return d.apply(
        lib.tensor2d([
          [1, -2, 3],
          [-4, 0, 1],
        ]),
      ) as T;
    });
    for (const name of ['add', 'multiply', 'average', 'maximum', 'minimum', 'concatenate'] as const)
      expectSame(
        (lib) =>
          lib.layers[name]().apply([
            lib.tensor2d([
              [1, 5],
              [3, -1],
            ]),
            lib.tensor2d([
              [2, 2],
              [0, 4],
            ]),
          ]) as T,
      );
    expectSame((lib) => lib.layers.concatenate({ axis: 1 }).apply([lib.ones([2, 1, 2]), lib.zeros([2, 3, 2])]) as T);
    expectSame(
      (lib) =>
        lib.layers.dot({ axes: -1 }).apply([
          lib.tensor2d([
            [1, 2],
            [3, 4],
          ]),
          lib.tensor2d([
            [5, 6],
            [7, 8],
          ]),
        ]) as T,
    );
    expectSame(
      (lib) =>
        lib.layers.dot({ axes: -1, normalize: true }).apply([
          lib.tensor2d([
            [1, 2],
            [3, 4],
          ]),
          lib.tensor2d([
            [5, 6],
            [-7, 8],
          ]),
        ]) as T,
    );
  });

  it('subtract (Keras has it; tfjs 4 does not) takes two inputs', () => {
    const d = tf.layers.subtract().apply([tf.tensor1d([5, 1]).reshape([1, 2]), tf.tensor2d([[2, 3]])]) as T;
    expect(Array.from(d.dataSync())).toEqual([3, -2]);
    expect(() =>
      tf.layers.subtract().apply([tf.input({ shape: [2] }), tf.input({ shape: [2] }), tf.input({ shape: [2] })]),
    ).toThrow('exactly 2 inputs');
  });

  it('merge shape errors throw on both', () => {
    expectBothThrow((lib) =>
      lib.layers.concatenate().apply([lib.input({ shape: [2, 3] }), lib.input({ shape: [4, 3] })]),
    );
    expectBothThrow((lib) => lib.layers.add().apply([lib.input({ shape: [3] })]));
    expectBothThrow((lib) => lib.input({} as never));
  });
});

describe('tf.model', () => {
  it('two inputs with a shared layer: predict equals tfjs with the same weights', () => {
    expectSame((lib) => {
      const m = twoInputs(lib);
      fillWeights(lib, m);
      return m.predict([xa(lib), xb(lib)]) as T;
    });
    const m = twoInputs(tf);
    expect(m.getWeights().map((w) => w.shape)).toEqual(
      twoInputs(real as unknown as Lib)
        .getWeights()
        .map((w) => w.shape),
    );
    expect(m.countParams()).toBe(16 + 18);
    expect(m.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'InputLayer',
      'Dense',
      'Concatenate',
      'Dense',
    ]);
    expect(m.getLayer('dense_1').getClassName()).toBe('Dense');
    expect(m.inputs.map((i) => i.shape)).toEqual([
      [null, 3],
      [null, 3],
    ]);
    expect(m.outputShape).toEqual([null, 2]);
  });

  it('several outputs: predict gives one tensor per output', () => {
    const build = (lib: Lib): Model => {
      const x = lib.input({ shape: [3] });
      const h = lib.layers.dense({ units: 5, activation: 'tanh' }).apply(x);
      const o1 = lib.layers.dense({ units: 2, activation: 'softmax' }).apply(h);
      const o2 = lib.layers.dense({ units: 1 }).apply(h);
      const m = lib.model({ inputs: x, outputs: [o1, o2] });
      fillWeights(lib, m);
      return m;
    };
    for (const i of [0, 1]) expectSame((lib) => (build(lib).predict(xa(lib)) as T[])[i]!);
    expect(build(tf).outputShape).toEqual([
      [null, 2],
      [null, 1],
    ]);
  });

  it('fit on two inputs: the same losses as tfjs from the same weights (sgd, no shuffle)', async () => {
    const run = async (lib: Lib): Promise<number[]> => {
      const m = twoInputs(lib);
      fillWeights(lib, m);
      m.compile({ optimizer: lib.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const y = lib.tensor2d([
        [1, 0],
        [0, 1],
        [1, 0],
        [0, 1],
      ]);
      const h = await m.fit([xa(lib), xb(lib)], y, {
        epochs: 3,
        batchSize: 4,
        shuffle: false,
        validationData: [[xb(lib), xa(lib)], y],
      });
      const ev = m.evaluate([xa(lib), xb(lib)], y) as T[];
      expect(Object.keys(h.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      return [...h.history.loss!, ...h.history.val_loss!, ...ev.map((t) => t.dataSync()[0]!)];
    };
    const got = await run(tf);
    const want = await run(real as unknown as Lib);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 4));
  });

  it('fit on two outputs: one loss per output, logged as tfjs does', async () => {
    const run = async (lib: Lib): Promise<{ keys: string[]; values: number[] }> => {
      const x = lib.input({ shape: [3], name: 'x' });
      const h = lib.layers.dense({ units: 4, activation: 'relu', name: 'hidden' }).apply(x);
      const o1 = lib.layers.dense({ units: 2, activation: 'softmax', name: 'cls' }).apply(h);
      const o2 = lib.layers.dense({ units: 1, name: 'reg' }).apply(h);
      const m = lib.model({ inputs: x, outputs: [o1, o2] });
      fillWeights(lib, m);
      m.compile({
        optimizer: lib.train.sgd(0.05),
        loss: ['categoricalCrossentropy', 'meanSquaredError'],
        metrics: ['accuracy'],
      });
      const y1 = lib.tensor2d([
        [1, 0],
        [0, 1],
        [1, 0],
        [0, 1],
      ]);
      const y2 = lib.tensor2d([[0.5], [1], [-1], [2]]);
      const hist = await m.fit(xa(lib), [y1, y2], { epochs: 2, batchSize: 4, shuffle: false });
      const ev = m.evaluate(xa(lib), [y1, y2]) as T[];
      return {
        keys: Object.keys(hist.history).sort(),
        values: [...hist.history.loss!, ...hist.history.cls_loss!, ...ev.map((t) => t.dataSync()[0]!)],
      };
    };
    const got = await run(tf);
    const want = await run(real as unknown as Lib);
    expect(got.keys).toEqual(want.keys);
    // History: loss and cls_loss per epoch, equal.
    got.values.slice(0, 4).forEach((g, i) => expect(g).toBeCloseTo(want.values[i]!, 4));
    // evaluate: [loss, cls_loss, reg_loss, cls_acc, reg_acc] as the fit logs name them; tfjs 4 puts
    // one more scalar in front of these (docs/tfjs.md, known differences).
    expect(got.values.length).toBe(4 + 5);
    got.values.slice(4).forEach((g, i) => expect(g).toBeCloseTo(want.values.slice(-5)[i]!, 4));
  });

  it('evaluate reports the data loss of a regularized model, as tfjs', () => {
    expectSame(
      (lib) => {
        const x = lib.input({ shape: [3] });
        const h = lib.layers.dense({
          units: 4,
          activation: 'relu',
          kernelRegularizer: lib.regularizers.l2({ l2: 0.1 }),
        });
        const out = lib.layers.dense({ units: 1 }).apply(h.apply(x));
        const m = lib.model({ inputs: x, outputs: out });
        fillWeights(lib, m);
        m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
        return m.evaluate(xa(lib), lib.tensor2d([[1], [0], [2], [-1]])) as T;
      },
      { atol: 1e-5, rtol: 1e-5 },
    );
  });

  it('one loss for every output, and a sparse loss among several outputs', async () => {
    const x = tf.input({ shape: [3] });
    const o1 = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(x);
    const o2 = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(x);
    const m = tf.model({ inputs: x, outputs: [o1, o2] });
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const h = await m.fit(xa(tf), [tf.tensor1d([0, 2, 1, 0]), tf.tensor1d([1, 0, 1, 0])], { epochs: 2 });
    expect(Object.keys(h.history)).toEqual(['loss', 'dense_loss', 'dense_1_loss']);
    const [l, l1, l2] = h.history.loss!.map((_, e) => [
      h.history.loss![e]!,
      h.history.dense_loss![e]!,
      h.history.dense_1_loss![e]!,
    ])[0]!;
    expect(l).toBeCloseTo(l1! + l2!, 5);
  });

  it('bad graphs and arguments throw, naming the problem', () => {
    const a = tf.input({ shape: [2] });
    const b = tf.input({ shape: [2] });
    const out = tf.layers.add().apply([a, b]);
    expect(() => tf.model({ inputs: a, outputs: out })).toThrow('Graph disconnected');
    expect(() => tf.model({ inputs: [a, b], outputs: out, extra: 1 } as never)).toThrow('unknown option "extra"');
    expect(() => tf.model({ inputs: [a, b], outputs: 3 as never })).toThrow(TypeError);
    const m = tf.model({ inputs: [a, b], outputs: out });
    expect(() => m.predict(tf.ones([2, 2]))).toThrow('expects 2 input tensor(s)');
    expect(() => m.predict([tf.ones([2, 2]), tf.ones([2, 3])])).toThrow('to have shape [null,2]');
    expect(() => m.predict({ a: tf.ones([2, 2]) } as never)).toThrow('dropnet/tfjs: x as an object by name');
    expect(() => m.apply(a)).toThrow(
      'dropnet/tfjs: model.apply (nested models, minimize over a model) is not supported',
    );
    const d = tf.layers.dense({ units: 2 });
    d.apply(tf.input({ shape: [3] }));
    expect(() => d.apply(tf.input({ shape: [4] }))).toThrow('incompatible');
  });

  it("a layer of a Sequential model applied eagerly uses that model's weights", () => {
    const seq = tf.sequential({
      layers: [tf.layers.dense({ units: 2, inputShape: [3] }), tf.layers.dense({ units: 1 })],
    });
    const x = tf.tensor2d([[1, 2, 3]]);
    const first = seq.layers[0]!.apply(x) as T;
    const whole = seq.layers[1]!.apply(first) as T;
    expect(Array.from(whole.dataSync())).toEqual(Array.from(seq.predict(x).dataSync()));
  });

  it('predict of a model of several inputs and outputs leaves no tensor behind but its results', () => {
    const a = tf.input({ shape: [2] });
    const b = tf.input({ shape: [2] });
    const s = tf.layers.add().apply([a, b]);
    const m = tf.model({ inputs: [a, b], outputs: [tf.layers.dense({ units: 1 }).apply(s), s] });
    const xs = [tf.ones([3, 2]), tf.zeros([3, 2])];
    const before = tf.memory().numTensors;
    const outs = m.predict(xs) as T[];
    expect(tf.memory().numTensors - before).toBe(outs.length);
    expect(Array.from(outs[1]!.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('summary lists each layer with the layers it receives from', () => {
    const lines: string[] = [];
    twoInputs(tf).summary(undefined, undefined, (l) => lines.push(l));
    expect(lines.some((l) => l.startsWith('concatenate (Concatenate)') && l.includes('dense, dense'))).toBe(true);
    expect(lines).toContain('Total params: 34');
  });
});
