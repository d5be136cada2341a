// tf.layers.simpleRNN / lstm / gru / bidirectional / timeDistributed / repeatVector / embedding on
// dropnet/tfjs against @tensorflow/tfjs: the same model built in both, tfjs's weights copied into
// dropnet/tfjs with setWeights, predict compared; shapes, weight shapes and errors compared too.
import { describe, expect, it } from 'vitest';
import { TfRecurrent } from '../../../lib/tfjs/recurrent-modules.js';
import { real, tf, type Lib } from './compare.js';

type Model = ReturnType<Lib['sequential']>;
type AnyTensor = ReturnType<Lib['tensor']>;

/** Deterministic inputs: (n, steps, features) floats in [-1, 1]. */
function seqValues(n: number, steps: number, features: number): number[][][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: steps }, (_, t) =>
      Array.from({ length: features }, (_, f) => Math.sin(i * 1.7 + t * 0.9 + f * 2.3)),
    ),
  );
}

/** Builds `build` in both libraries, copies tfjs's weights into dropnet/tfjs, compares predict(x). */
function expectSamePredict(
  build: (lib: Lib) => Model,
  x: (lib: Lib) => AnyTensor,
  paths: ('fused' | 'steps')[] = [],
  atol = 2e-5,
): number[] {
  const want = build(real as unknown as Lib);
  const got = build(tf);
  const wWeights = want.getWeights();
  const gWeights = got.getWeights();
  expect(
    gWeights.map((w) => w.shape),
    'weight shapes',
  ).toEqual(wWeights.map((w) => w.shape));
  expect(got.countParams(), 'countParams').toBe(want.countParams());
  got.setWeights(wWeights.map((w) => tf.tensor(Array.from(w.dataSync() as Float32Array), w.shape)));
  const yw = want.predict(x(real as unknown as Lib)) as AnyTensor;
  const yg = got.predict(x(tf)) as AnyTensor;
  expect(yg.shape).toEqual(yw.shape);
  const a = Array.from(yg.dataSync());
  const b = Array.from(yw.dataSync());
  a.forEach((v, i) =>
    expect(Math.abs(v - b[i]!), `output ${i}: ${v} vs tfjs ${b[i]}`).toBeLessThanOrEqual(atol + 1e-5 * Math.abs(b[i]!)),
  );
  // And back: dropnet/tfjs's weights are tfjs's arrays.
  got.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(wWeights[i]!.dataSync())));
  // The recurrent layers' paths (one fused native op, or the steps as ops), in layer order.
  const ran = got.layers.flatMap((l) => (l.module instanceof TfRecurrent ? [l.module.lastPath] : []));
  expect(ran.slice(0, paths.length)).toEqual(paths);
  return a;
}

const x3 = (n: number, steps: number, f: number) => (lib: Lib) => lib.tensor3d(seqValues(n, steps, f));

describe('recurrent layers: tfjs weights give tfjs outputs', () => {
  for (const kind of ['simpleRNN', 'lstm', 'gru'] as const) {
    for (const returnSequences of [false, true]) {
      it(`${kind} (defaults) returnSequences ${returnSequences}`, () => {
        expectSamePredict(
          (lib) => {
            const m = lib.sequential();
            m.add(lib.layers[kind]({ units: 5, inputShape: [4, 3], returnSequences }));
            return m;
          },
          x3(3, 4, 3),
          // tfjs's defaults: SimpleRNN tanh is the fused kernel's; LSTM and GRU gates are hardSigmoid.
          [kind === 'simpleRNN' ? 'fused' : 'steps'],
        );
      });
    }
  }
  it('fused lstm: sigmoid gates, goBackwards, unitForgetBias, no bias; gru: relu', () => {
    expectSamePredict(
      (lib) => {
        const m = lib.sequential();
        m.add(
          lib.layers.lstm({
            units: 4,
            inputShape: [5, 2],
            recurrentActivation: 'sigmoid',
            goBackwards: true,
            unitForgetBias: true,
            returnSequences: true,
          }),
        );
        m.add(lib.layers.gru({ units: 3, activation: 'relu', useBias: false, goBackwards: true }));
        return m;
      },
      x3(2, 5, 2),
      ['fused'],
    );
  });
  it('simpleRNN steps path: sigmoid and linear activations, goBackwards, no bias', () => {
    expectSamePredict(
      (lib) => {
        const m = lib.sequential();
        m.add(
          lib.layers.simpleRNN({
            units: 4,
            inputShape: [5, 2],
            activation: 'sigmoid',
            returnSequences: true,
            goBackwards: true,
          }),
        );
        m.add(lib.layers.simpleRNN({ units: 3, activation: 'relu', useBias: false, returnSequences: true }));
        m.add(lib.layers.simpleRNN({ units: 2, activation: 'linear' }));
        return m;
      },
      x3(2, 5, 2),
      ['steps', 'fused', 'steps'],
    );
  });
});

describe('bidirectional, timeDistributed, repeatVector: tfjs weights give tfjs outputs', () => {
  for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
    it(`bidirectional(lstm) mergeMode ${mergeMode}, returnSequences then last step`, () => {
      expectSamePredict(
        (lib) => {
          const m = lib.sequential();
          m.add(
            lib.layers.bidirectional({
              layer: lib.layers.lstm({ units: 3, returnSequences: true }),
              mergeMode,
              inputShape: [4, 2],
            }),
          );
          m.add(lib.layers.bidirectional({ layer: lib.layers.gru({ units: 2 }), mergeMode }));
          return m;
        },
        x3(2, 4, 2),
      );
    });
  }
  it('the addition-rnn shape: lstm, repeatVector, lstm returnSequences, timeDistributed(dense), softmax', () => {
    const out = expectSamePredict(
      (lib) => {
        const m = lib.sequential();
        m.add(lib.layers.lstm({ units: 6, recurrentInitializer: 'glorotNormal', inputShape: [5, 4] }));
        m.add(lib.layers.repeatVector({ n: 3 }));
        m.add(lib.layers.lstm({ units: 6, recurrentInitializer: 'glorotNormal', returnSequences: true }));
        m.add(lib.layers.timeDistributed({ layer: lib.layers.dense({ units: 4 }) }));
        m.add(lib.layers.activation({ activation: 'softmax' }));
        return m;
      },
      x3(3, 5, 4),
    );
    expect(out.length).toBe(3 * 3 * 4);
  });
  it("timeDistributed(dense) with a kernelRegularizer: fit's loss carries the penalty, as tfjs's", async () => {
    const lossOf = async (lib: Lib): Promise<number> => {
      const m = lib.sequential();
      const dense = lib.layers.dense({
        units: 2,
        kernelInitializer: 'ones',
        kernelRegularizer: lib.regularizers.l2({ l2: 0.5 }),
      });
      m.add(lib.layers.timeDistributed({ layer: dense, inputShape: [3, 4] }));
      m.compile({ optimizer: lib.train.sgd(0), loss: 'meanSquaredError' });
      const h = await m.fit(lib.ones([2, 3, 4]), lib.zeros([2, 3, 2]), { epochs: 1, verbose: 0 });
      return h.history.loss![0] as number;
    };
    const want = await lossOf(real as unknown as Lib);
    // The data loss alone is 16 (every output 4); the penalty 0.5 * 8 ones adds 4.
    expect(want).toBeCloseTo(20, 5);
    expect(await lossOf(tf)).toBeCloseTo(want, 5);
  });
});

/** (n, steps) ids in [0, vocab), some 0 (padding) at the start of each row. */
function ids(n: number, steps: number, vocab: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: steps }, (_, t) => (t < i % 3 ? 0 : 1 + ((i * 5 + t * 3) % (vocab - 1)))),
  );
}

describe('embedding', () => {
  for (const dtype of ['int32', 'float32'] as const) {
    it(`embedding -> lstm -> dense on ${dtype} ids`, () => {
      expectSamePredict(
        (lib) => {
          const m = lib.sequential();
          m.add(lib.layers.embedding({ inputDim: 7, outputDim: 3, inputLength: 5 }));
          m.add(lib.layers.lstm({ units: 4 }));
          m.add(lib.layers.dense({ units: 1, activation: 'sigmoid' }));
          return m;
        },
        (lib) => lib.tensor2d(ids(4, 5, 7), [4, 5], dtype),
      );
    });
  }
  it('maskZero: the recurrent layers hold their state at padding steps, as tfjs', () => {
    const build = (maskZero: boolean) => (lib: Lib) => {
      const m = lib.sequential();
      m.add(lib.layers.embedding({ inputDim: 7, outputDim: 3, inputLength: 5, maskZero }));
      m.add(lib.layers.simpleRNN({ units: 3, returnSequences: true }));
      m.add(lib.layers.bidirectional({ layer: lib.layers.gru({ units: 2 }) }));
      return m;
    };
    const masked = expectSamePredict(build(true), (lib) => lib.tensor2d(ids(4, 5, 7), [4, 5], 'int32'));
    const plain = expectSamePredict(build(false), (lib) => lib.tensor2d(ids(4, 5, 7), [4, 5], 'int32'));
    expect(masked).not.toEqual(plain); // the mask changed the outputs (rows with padding)
  });
  it('maskZero with other layers before a recurrent one is a dropnet/tfjs error', () => {
    const m = tf.sequential();
    m.add(tf.layers.embedding({ inputDim: 7, outputDim: 3, inputLength: 5, maskZero: true }));
    m.add(tf.layers.dropout({ rate: 0.1 }));
    expect(() => m.add(tf.layers.lstm({ units: 2 }))).toThrow(
      /^dropnet\/tfjs: tf\.layers\.embedding: the maskZero mask/,
    );
  });
  it('float ids are truncated as tfjs casts them; ids out of range throw on both', () => {
    const y = expectSamePredict(
      (lib) => {
        const m = lib.sequential();
        m.add(lib.layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3 }));
        return m;
      },
      (lib) => lib.tensor2d([[1.7, 2.2, 0.4]]),
    );
    expect(y).toHaveLength(6);
    for (const bad of [7, -1]) {
      for (const lib of [tf, real as unknown as Lib]) {
        const m = lib.sequential();
        m.add(lib.layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3 }));
        expect(() => m.predict(lib.tensor2d([[bad, 1, 1]]))).toThrow(String(bad));
      }
    }
  });
  it('weights: one [inputDim, outputDim] table; embeddingsInitializer by name', () => {
    const m = tf.sequential();
    m.add(tf.layers.embedding({ inputDim: 6, outputDim: 2, inputLength: 3, embeddingsInitializer: 'ones' }));
    const w = m.getWeights();
    expect(w.map((t) => t.shape)).toEqual([[6, 2]]);
    expect(Array.from(w[0]!.dataSync())).toEqual(new Array(12).fill(1));
    const y = m.predict(tf.tensor2d([[0, 5, 2]], [1, 3], 'int32')) as AnyTensor;
    expect(y.shape).toEqual([1, 3, 2]);
  });
});

describe('training matches tfjs', () => {
  // 'steps': tfjs's default hardSigmoid LSTM and GRU (the steps as ops); 'fused': an LSTM with
  // sigmoid gates and a tanh SimpleRNN (dropnet's fused kernel).
  const layersOf = (lib: Lib, path: 'steps' | 'fused', dropout = 0): Model => {
    const m = lib.sequential();
    const lstm = { units: 4, inputShape: [4, 3], returnSequences: true, dropout, recurrentDropout: dropout };
    m.add(lib.layers.lstm(path === 'fused' ? { ...lstm, recurrentActivation: 'sigmoid' } : lstm));
    m.add(path === 'fused' ? lib.layers.simpleRNN({ units: 3, dropout }) : lib.layers.gru({ units: 3, dropout }));
    m.add(lib.layers.dense({ units: 2, activation: 'softmax' }));
    return m;
  };
  const fitFrom = async (lib: Lib, path: 'steps' | 'fused', start: AnyTensor[]) => {
    const m = layersOf(lib, path);
    m.setWeights(start.map((w) => lib.tensor(Array.from(w.dataSync()), w.shape)));
    m.compile({ optimizer: lib.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    const xs = lib.tensor3d(seqValues(8, 4, 3));
    const ys = lib.oneHot(lib.tensor1d([0, 1, 1, 0, 1, 0, 0, 1], 'int32'), 2).toFloat();
    const h = await m.fit(xs, ys, { epochs: 2, batchSize: 4, shuffle: false });
    return { loss: h.history.loss as number[], weights: m.getWeights(), model: m };
  };

  for (const path of ['steps', 'fused'] as const) {
    it(`${path}: two epochs of sgd from the same weights give the same losses and weights`, async () => {
      const start = layersOf(real as unknown as Lib, path).getWeights();
      const want = await fitFrom(real as unknown as Lib, path, start);
      const got = await fitFrom(tf, path, start);
      expect(got.model.layers.slice(0, 2).map((l) => (l.module as TfRecurrent).lastPath)).toEqual([path, path]);
      expect(got.loss.length).toBe(2);
      got.loss.forEach((l, i) =>
        expect(Math.abs(l - want.loss[i]!), `epoch ${i}: ${l} vs tfjs ${want.loss[i]}`).toBeLessThan(1e-5),
      );
      got.weights.forEach((w, i) => {
        const r = Array.from(want.weights[i]!.dataSync());
        Array.from(w.dataSync()).forEach((v, j) => expect(Math.abs(v - r[j]!), `weight ${i}[${j}]`).toBeLessThan(1e-5));
      });
    });

    it(`${path}: dropout and recurrentDropout act in training only (predict equals tfjs)`, async () => {
      const want = layersOf(real as unknown as Lib, path, 0.4);
      const start = want.getWeights();
      const got = layersOf(tf, path, 0.4);
      got.setWeights(start.map((w) => tf.tensor(Array.from(w.dataSync()), w.shape)));
      const x = tf.tensor3d(seqValues(3, 4, 3));
      const p = Array.from((got.predict(x) as AnyTensor).dataSync());
      const q = Array.from(
        (want.predict((real as unknown as Lib).tensor3d(seqValues(3, 4, 3))) as AnyTensor).dataSync(),
      );
      p.forEach((v, i) => expect(Math.abs(v - q[i]!)).toBeLessThan(2e-5));
      // In training mode the masks change the outputs.
      const net = got.module;
      net.train();
      const trained = Array.from(net.forward(x.value).data);
      net.eval();
      expect((got.layers[0]!.module as TfRecurrent).lastPath).toBe(path);
      expect(trained).not.toEqual(p);
      got.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      const h = await got.fit(x, tf.oneHot(tf.tensor1d([0, 1, 0], 'int32'), 2).toFloat(), { epochs: 2 });
      expect((h.history.loss as number[]).every(Number.isFinite)).toBe(true);
    });
  }
});

describe('regularizers', () => {
  const x = (lib: Lib): AnyTensor => lib.tensor2d(ids(6, 4, 6), [6, 4], 'int32');
  const y = (lib: Lib): AnyTensor => lib.tensor2d([[1], [0], [1], [1], [0], [0]]);
  /** The first epoch's loss (the weights do not move: learning rate 0) of `build` from `start`. */
  const firstLoss = async (lib: Lib, build: (lib: Lib) => Model, start: AnyTensor[]): Promise<number> => {
    const m = build(lib);
    m.setWeights(start.map((w) => lib.tensor(Array.from(w.dataSync()), w.shape)));
    m.compile({ optimizer: lib.train.sgd(0), loss: 'binaryCrossentropy' });
    const h = await m.fit(x(lib), y(lib), { epochs: 1, batchSize: 6 });
    return (h.history.loss as number[])[0]!;
  };
  const model =
    (regs: { emb?: boolean; rnn?: boolean }) =>
    (lib: Lib): Model => {
      const m = lib.sequential();
      m.add(
        lib.layers.embedding({
          inputDim: 6,
          outputDim: 3,
          inputLength: 4,
          embeddingsRegularizer: regs.emb ? lib.regularizers.l2({ l2: 0.05 }) : undefined,
        }),
      );
      const lstm = { units: 2, unitForgetBias: true };
      const penalties = {
        kernelRegularizer: lib.regularizers.l1({ l1: 0.02 }),
        recurrentRegularizer: lib.regularizers.l2({ l2: 0.03 }),
        biasRegularizer: lib.regularizers.l1l2({ l1: 0.01, l2: 0.01 }),
      };
      m.add(lib.layers.bidirectional({ layer: lib.layers.lstm(regs.rnn ? { ...lstm, ...penalties } : lstm) }));
      m.add(lib.layers.dense({ units: 1, activation: 'sigmoid' }));
      return m;
    };

  it("embeddingsRegularizer: the loss equals tfjs's", async () => {
    const start = model({})(real as unknown as Lib).getWeights();
    const want = await firstLoss(real as unknown as Lib, model({ emb: true }), start);
    const got = await firstLoss(tf, model({ emb: true }), start);
    expect(Math.abs(got - want), `${got} vs tfjs ${want}`).toBeLessThan(1e-5);
    const plain = await firstLoss(tf, model({}), start);
    const table = Array.from(start[0]!.dataSync());
    expect(got - plain).toBeCloseTo(0.05 * table.reduce((p, v) => p + v * v, 0), 5);
  });

  it('kernel, recurrent and bias regularizers of recurrent layers add their penalties (tfjs 4.22 drops them)', async () => {
    const start = model({})(real as unknown as Lib).getWeights();
    const plain = await firstLoss(tf, model({}), start);
    const got = await firstLoss(tf, model({ rnn: true }), start);
    // Forward then backward LSTM: kernel, recurrentKernel, bias each.
    const v = (i: number): number[] => Array.from(start[i]!.dataSync());
    const l1 = (a: number[]): number => a.reduce((p, q) => p + Math.abs(q), 0);
    const l2 = (a: number[]): number => a.reduce((p, q) => p + q * q, 0);
    let penalty = 0;
    for (const base of [1, 4]) {
      penalty += 0.02 * l1(v(base)) + 0.03 * l2(v(base + 1)) + 0.01 * l1(v(base + 2)) + 0.01 * l2(v(base + 2));
    }
    expect(got - plain).toBeCloseTo(penalty, 4);
    // tfjs's LSTM registers the penalties on its cell, which the model never reads.
    const tfjsWith = await firstLoss(real as unknown as Lib, model({ rnn: true }), start);
    const tfjsWithout = await firstLoss(real as unknown as Lib, model({}), start);
    expect(tfjsWith).toBeCloseTo(tfjsWithout, 6);
  });
});

describe('options and errors', () => {
  it('tfjs defaults: hardSigmoid gates, unitForgetBias off, orthogonal recurrent kernel, zero bias', () => {
    const m = tf.sequential();
    m.add(tf.layers.lstm({ units: 3, inputShape: [2, 4] }));
    const [kernel, recurrentKernel, bias] = m.getWeights();
    expect([kernel!.shape, recurrentKernel!.shape, bias!.shape]).toEqual([[4, 12], [3, 12], [12]]);
    expect(Array.from(bias!.dataSync())).toEqual(new Array(12).fill(0));
    // Orthogonal [3, 12]: orthonormal rows.
    const r = recurrentKernel!.arraySync() as number[][];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const dot = r[i]!.reduce((s, v, k) => s + v * r[j]![k]!, 0);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    const f = tf.sequential();
    f.add(tf.layers.lstm({ units: 2, inputShape: [2, 4], unitForgetBias: true }));
    expect(Array.from(f.getWeights()[2]!.dataSync())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    const g = tf.sequential();
    g.add(tf.layers.gru({ units: 2, inputShape: [2, 4] }));
    expect(g.getWeights().map((w) => w.shape)).toEqual([[4, 6], [2, 6], [6]]);
  });

  it("a layer's getWeights / setWeights: tfjs's shapes, checked before anything changes", () => {
    const m = tf.sequential();
    m.add(tf.layers.gru({ units: 2, inputShape: [3, 4] }));
    const layer = m.layers[0]!;
    expect(layer.getWeights().map((w) => w.shape)).toEqual([[4, 6], [2, 6], [6]]);
    const before = layer.getWeights().map((w) => Array.from(w.dataSync()));
    expect(() => layer.setWeights([tf.zeros([4, 6]), tf.zeros([6, 2]), tf.zeros([6])])).toThrow(
      'setWeights: weights[1]: expected shape [2,6] but received [6,2]',
    );
    expect(layer.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    layer.setWeights([tf.ones([4, 6]), tf.ones([2, 6]), tf.ones([6])]);
    expect(Array.from(layer.getWeights()[1]!.dataSync())).toEqual(new Array(12).fill(1));
    expect(layer.countParams()).toBe(24 + 12 + 6);
  });

  it('output shapes as tfjs (outputShape, layer.outputShape)', () => {
    for (const lib of [tf, real as unknown as Lib]) {
      const m = lib.sequential();
      m.add(lib.layers.simpleRNN({ units: 5, inputShape: [7, 3], returnSequences: true }));
      m.add(lib.layers.bidirectional({ layer: lib.layers.lstm({ units: 2 }) }));
      m.add(lib.layers.repeatVector({ n: 4 }));
      m.add(lib.layers.timeDistributed({ layer: lib.layers.dense({ units: 6 }) }));
      expect(m.layers.map((l) => l.outputShape)).toEqual([
        [null, 7, 5],
        [null, 4],
        [null, 4, 4],
        [null, 4, 6],
      ]);
    }
  });

  it('returnState, mergeMode null and stateful are dropnet/tfjs errors (tfjs rejects the first two in a sequential model too)', () => {
    expect(() => tf.layers.lstm({ units: 2, returnState: true })).toThrow(
      /^dropnet\/tfjs: tf\.layers\.lstm: returnState/,
    );
    expect(() => tf.layers.gru({ units: 2, stateful: true })).toThrow(/^dropnet\/tfjs: tf\.layers\.gru: stateful/);
    expect(() => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2 }), mergeMode: null as never })).toThrow(
      /^dropnet\/tfjs: tf\.layers\.bidirectional: mergeMode null/,
    );
    for (const lib of [tf, real as unknown as Lib]) {
      expect(() => {
        const m = lib.sequential();
        m.add(lib.layers.lstm({ units: 2, inputShape: [3, 2], returnState: true }));
      }).toThrow();
    }
  });

  it('errors tfjs also throws: gru resetAfter, units missing, wrong input rank', () => {
    const both = (fn: (lib: Lib) => unknown): string => {
      let want = '';
      expect(() => {
        try {
          fn(real as unknown as Lib);
        } catch (e) {
          want = (e as Error).message;
          throw e;
        }
      }).toThrow();
      expect(() => fn(tf)).toThrow();
      return want;
    };
    expect(both((lib) => lib.layers.gru({ units: 2, resetAfter: true } as never))).toMatch(/reset_after/);
    expect(() => tf.layers.gru({ units: 2, resetAfter: true } as never)).toThrow(
      'GRUCell does not support reset_after parameter set to true.',
    );
    both((lib) => lib.sequential().add(lib.layers.lstm({ units: 2, inputShape: [3] })));
    expect(() => tf.layers.lstm({} as never)).toThrow('tf.layers.lstm needs units (the size of the state)');
    expect(() => tf.layers.lstm({ units: 2, recurrentActivation: 'nope' })).toThrow(/recurrentActivation/);
    expect(() => tf.layers.lstm({ units: 2, dropout: 1.5 })).toThrow(/dropout/);
    expect(() => tf.layers.simpleRNN({ units: 2, unitForgetBias: true })).toThrow(/unknown option "unitForgetBias"/);
    expect(() => tf.layers.bidirectional({ layer: tf.layers.dense({ units: 2 }) })).toThrow(/layer/);
    expect(() => tf.layers.timeDistributed({ layer: 3 as never })).toThrow(/layer/);
    expect(() => tf.layers.repeatVector({} as never)).toThrow('tf.layers.repeatVector needs n (the number of repeats)');
    expect(() => tf.layers.embedding({ inputDim: 4 } as never)).toThrow(/outputDim/);
  });

  it('tfjs aliases globalMaxPool1d, maxPool1d, avgPool1d', () => {
    expect(tf.layers.globalMaxPool1d({}).getClassName()).toBe('GlobalMaxPooling1D');
    expect(tf.layers.maxPool1d({}).getClassName()).toBe('MaxPooling1D');
    expect(tf.layers.avgPool1d({}).getClassName()).toBe('AveragePooling1D');
  });
});
