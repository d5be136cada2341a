// dropnet/tfjs models against @tensorflow/tfjs: the same layers with the same weights give the
// same outputs (tfjs's weight layouts through getWeights/setWeights), training logs the same
// values under the same names, evaluate/predict keep tfjs's types, and callbacks run as in tfjs.
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';

type AnyModel = ReturnType<Lib['sequential']>;

/** Builds the same model in both libraries and copies tfjs's initial weights into dropnet's. */
function twin(build: (lib: Lib) => AnyModel): { ours: AnyModel; theirs: AnyModel } {
  const theirs = build(real as unknown as Lib);
  const ours = build(tf);
  // Fixed weights, not tfjs's unseeded initializers: every run compares the same two trainings
  // (random ones occasionally put a sample on a decision boundary, where accuracy may differ by one).
  // Vectors (biases, batch-norm parameters and statistics) get positive values: a variance must be.
  const value = (k: number, i: number, rank: number): number =>
    rank === 1 ? 0.1 + 0.4 * Math.abs(Math.sin((i + 1) * (k + 1.3))) : Math.sin((i + 1) * (k + 1.3) * 0.77) * 0.5;
  theirs.setWeights(
    (theirs.getWeights() as { size: number; rank: number; shape: number[] }[]).map((t, k) =>
      real.tensor(
        Array.from({ length: t.size }, (_, i) => value(k, i, t.rank)),
        t.shape,
      ),
    ) as never,
  );
  const w = theirs.getWeights().map((t) => tf.tensor(t.dataSync() as Float32Array, t.shape));
  ours.setWeights(w);
  return { ours, theirs };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, atol = 1e-4): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i]! - b[i]!), `index ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(
      atol + 1e-4 * Math.abs(b[i]!),
    );
}

function input(lib: Lib, shape: number[]): ReturnType<Lib['tensor']> {
  const n = shape.reduce((p, d) => p * d, 1);
  return lib.tensor(
    Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 2),
    shape,
  );
}

describe('dropnet/tfjs layers', () => {
  it.each<[string, number[], (lib: Lib) => AnyModel]>([
    [
      'dense relu + dense softmax',
      [5, 4],
      (lib) =>
        lib.sequential({
          layers: [
            lib.layers.dense({ units: 6, activation: 'relu', inputShape: [4] }),
            lib.layers.dense({ units: 3, activation: 'softmax' }),
          ],
        }),
    ],
    [
      'dense without bias, sigmoid',
      [3, 4],
      (lib) =>
        lib.sequential({
          layers: [lib.layers.dense({ units: 2, useBias: false, activation: 'sigmoid', inputShape: [4] })],
        }),
    ],
    [
      'conv2d + maxPooling2d + flatten + dense',
      [2, 8, 8, 2],
      (lib) =>
        lib.sequential({
          layers: [
            lib.layers.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3, activation: 'relu' }),
            lib.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }),
            lib.layers.flatten(),
            lib.layers.dense({ units: 4 }),
          ],
        }),
    ],
    [
      'conv2d strides 2 + averagePooling2d + globalAveragePooling2d',
      [2, 9, 9, 1],
      (lib) =>
        lib.sequential({
          layers: [
            lib.layers.conv2d({ inputShape: [9, 9, 1], filters: 4, kernelSize: [3, 2], strides: 2 }),
            lib.layers.averagePooling2d({ poolSize: 2 }),
            lib.layers.globalAveragePooling2d({}),
          ],
        }),
    ],
    [
      'conv1d + maxPooling1d + globalAveragePooling1d',
      [3, 12, 2],
      (lib) =>
        lib.sequential({
          layers: [
            lib.layers.conv1d({ inputShape: [12, 2], filters: 5, kernelSize: 3, activation: 'relu' }),
            lib.layers.maxPooling1d({ poolSize: 2 }),
            lib.layers.conv1d({ filters: 2, kernelSize: 2, strides: 2 }),
            lib.layers.globalAveragePooling1d({}),
          ],
        }),
    ],
    [
      'conv1d same padding + globalMaxPooling1d',
      [2, 7, 3],
      (lib) =>
        lib.sequential({
          layers: [
            lib.layers.conv1d({ inputShape: [7, 3], filters: 4, kernelSize: 3, padding: 'same' }),
            lib.layers.globalMaxPooling1d({}),
          ],
        }),
    ],
    [
      'reshape + batchNormalization + activation + dropout family',
      [4, 6],
      (lib) =>
        lib.sequential({
          layers: [
            lib.layers.reshape({ targetShape: [2, 3], inputShape: [6] }),
            lib.layers.flatten(),
            lib.layers.batchNormalization({}),
            lib.layers.activation({ activation: 'tanh' }),
            lib.layers.dropout({ rate: 0.5 }),
            lib.layers.gaussianNoise({ stddev: 0.3 }),
            lib.layers.gaussianDropout({ rate: 0.2 }),
            lib.layers.alphaDropout({ rate: 0.2 }),
            lib.layers.dense({ units: 2 }),
          ],
        }),
    ],
    [
      'spatialDropout1d',
      [2, 5, 3],
      (lib) =>
        lib.sequential({
          layers: [lib.layers.spatialDropout1d({ rate: 0.5, inputShape: [5, 3] }), lib.layers.flatten()],
        }),
    ],
  ])('%s: same output shape, parameter count, weight shapes and predictions', (_name, xShape, build) => {
    const { ours, theirs } = twin(build);
    expect(ours.outputShape).toEqual(theirs.outputShape);
    expect(ours.countParams()).toBe(theirs.countParams());
    expect(ours.getWeights().map((w) => w.shape)).toEqual(theirs.getWeights().map((w) => w.shape));
    expect(ours.layers.map((l) => l.outputShape)).toEqual(theirs.layers.map((l) => l.outputShape));
    const y = ours.predict(input(tf, xShape));
    const want = theirs.predict(input(real as unknown as Lib, xShape));
    expect(y).toBeInstanceOf(tf.Tensor);
    expect(y.shape).toEqual(want.shape);
    expect(y.dtype).toBe('float32');
    close(y.dataSync(), want.dataSync());
  });

  it('tf.sequential() then model.add() equals tf.sequential({ layers })', () => {
    const a = tf.sequential();
    a.add(tf.layers.dense({ units: 3, inputShape: [2] }));
    a.add(tf.layers.dense({ units: 1 }));
    const b = tf.sequential({
      layers: [tf.layers.dense({ units: 3, inputShape: [2] }), tf.layers.dense({ units: 1 })],
    });
    b.setWeights(a.getWeights());
    const x = tf.tensor2d([
      [1, 2],
      [3, -1],
    ]);
    expect(a.predict(x).dataSync()).toEqual(b.predict(x).dataSync());
    expect(a.layers.map((l) => l.name)).toEqual(['dense', 'dense_1']);
    // tfjs's inputDim is inputShape [inputDim].
    for (const lib of [tf, real as unknown as Lib]) {
      expect(lib.sequential({ layers: [lib.layers.dense({ units: 3, inputDim: 5 } as never)] }).countParams()).toBe(18);
    }
  });

  it('rejects what tfjs rejects and names what dropnet/tfjs does not support', async () => {
    for (const lib of [tf, real as unknown as Lib]) {
      const m = lib.sequential();
      expect(() => m.add(lib.layers.dense({ units: 2 }))).toThrow(/inputShape/);
      expect(() => lib.sequential().compile({ optimizer: 'sgd', loss: 'mse' })).toThrow();
    }
    // The functional API is supported (functional.test.ts): tf.model without inputs names them.
    expect(() => tf.model({} as never)).toThrow(TypeError);
    expect(() => tf.data.microphone()).toThrow('dropnet/tfjs: tf.data.microphone is not supported');
    expect(() => tf.layers.dense({ units: 2, inputShape: [3], kernelConstraint: 'maxNorm' })).toThrow(
      'dropnet/tfjs: tf.layers.dense option kernelConstraint is not supported',
    );
    expect(() => tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' })).toThrow(
      "dropnet/tfjs: tf.layers.averagePooling2d with padding 'same' is not supported; use padding 'valid'",
    );
    expect(() => tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'nope' })).toThrow(RangeError);
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await expect(m.fit(tf.zeros([2, 2]), tf.zeros([2, 1]), { classWeight: {} })).rejects.toThrow(
      'dropnet/tfjs: fit option classWeight is not supported',
    );
    expect(() => m.compile({ optimizer: 'adamax', loss: 'mse' })).toThrow('Unknown Optimizer adamax');
    expect(() => m.predict(tf.zeros([2, 3]))).toThrow(
      'expected dense_input to have shape [null,2] but got array with shape [2,3]',
    );
  });
});

/** A small separable classification problem, the same in both libraries. */
function blobs(lib: Lib, n: number): { x: ReturnType<Lib['tensor']>; y: ReturnType<Lib['tensor']>; labels: number[] } {
  const xs: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels.push(c);
    xs.push([
      Math.cos(c * 2.1) * 2 + Math.sin(i * 1.7) * 0.5,
      Math.sin(c * 2.1) * 2 + Math.cos(i * 2.3) * 0.5,
      Math.sin(i),
    ]);
  }
  return { x: lib.tensor2d(xs), y: lib.oneHot(lib.tensor1d(labels, 'int32'), 3).toFloat(), labels };
}

describe('dropnet/tfjs training', () => {
  const build = (lib: Lib): AnyModel =>
    lib.sequential({
      layers: [
        lib.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }),
        lib.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });

  it('fit logs the same losses and accuracies under tfjs names (acc, val_acc) with the same weights', async () => {
    const { ours, theirs } = twin(build);
    for (const [m, lib] of [
      [ours, tf],
      [theirs, real],
    ] as const)
      m.compile({ optimizer: (lib as Lib).train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const run = async (m: AnyModel, lib: Lib) => {
      const { x, y } = blobs(lib, 30);
      return m.fit(x, y, { epochs: 3, batchSize: 30, shuffle: false, validationSplit: 0.2 });
    };
    const h1 = await run(ours, tf);
    const h2 = await run(theirs, real as unknown as Lib);
    expect(Object.keys(h1.history).sort()).toEqual(Object.keys(h2.history).sort());
    expect(Object.keys(h1.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    expect(h1.epoch).toEqual(h2.epoch);
    for (const key of Object.keys(h2.history))
      close(h1.history[key]!, (h2.history as Record<string, number[]>)[key]!, 1e-4);
  });

  it('sparseCategoricalCrossentropy, rmsprop/adam/adagrad objects and names, metric names as given', async () => {
    for (const opt of [
      tf.train.adam(0.01),
      tf.train.rmsprop(0.01),
      tf.train.adagrad(0.1),
      tf.train.momentum(0.1, 0.9),
      'adam',
      'sgd',
    ]) {
      const { ours, theirs } = twin(build);
      ours.compile({ optimizer: opt as never, loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
      const makers: Record<string, (lr: number) => unknown> = {
        Adam: (lr) => real.train.adam(lr),
        RMSProp: (lr) => real.train.rmsprop(lr),
        Adagrad: (lr) => real.train.adagrad(lr),
        Momentum: (lr) => real.train.momentum(lr, 0.9),
      };
      const theirsOpt = typeof opt === 'string' ? opt : makers[opt.className]!(opt.learningRate);
      theirs.compile({ optimizer: theirsOpt as never, loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
      const { x, labels } = blobs(tf, 24);
      const h1 = await ours.fit(x, tf.tensor1d(labels), { epochs: 3, batchSize: 24, shuffle: false });
      const rb = blobs(real as unknown as Lib, 24);
      const h2 = await theirs.fit(rb.x, real.tensor1d(labels) as never, { epochs: 3, batchSize: 24, shuffle: false });
      expect(Object.keys(h1.history).sort()).toEqual(['acc', 'loss']);
      expect(Object.keys(h2.history).sort()).toEqual(['acc', 'loss']);
      // RMSProp: tfjs adds epsilon inside the square root, dropnet (as PyTorch) outside it.
      close(h1.history.loss, h2.history.loss, typeof opt !== 'string' && opt.className === 'RMSProp' ? 1e-3 : 1e-5);
      close(h1.history.acc!, (h2.history as Record<string, number[]>).acc!, 1e-6);
    }
  });

  it('evaluate returns Scalars ([loss, ...metrics]) equal to tfjs, synchronously; a Scalar without metrics', () => {
    const { ours, theirs } = twin(build);
    for (const m of [ours, theirs])
      m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const a = ours.evaluate(blobs(tf, 12).x, blobs(tf, 12).y) as ReturnType<Lib['scalar']>[];
    const rb = blobs(real as unknown as Lib, 12);
    const b = theirs.evaluate(rb.x, rb.y) as ReturnType<Lib['scalar']>[];
    expect(a).toHaveLength(2);
    expect(a[0]).toBeInstanceOf(tf.Tensor);
    expect(a[0]!.rank).toBe(0);
    close(
      a.map((t) => t.dataSync()[0]!),
      b.map((t) => t.dataSync()[0]!),
    );
    const { ours: o2 } = twin(build);
    o2.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const single = o2.evaluate(blobs(tf, 12).x, blobs(tf, 12).y);
    expect(single).toBeInstanceOf(tf.Tensor);
  });

  it('a loss function (yTrue, yPred) => Tensor trains as the named loss does', async () => {
    const reg = (lib: Lib): AnyModel => lib.sequential({ layers: [lib.layers.dense({ units: 1, inputShape: [2] })] });
    const { ours, theirs } = twin(reg);
    ours.compile({
      optimizer: tf.train.sgd(0.05),
      loss: (yt, yp) => tf.losses.meanSquaredError(yt, yp),
      metrics: ['mse', 'mae'],
    });
    theirs.compile({ optimizer: real.train.sgd(0.05) as never, loss: 'meanSquaredError', metrics: ['mse', 'mae'] });
    const xs = [
      [1, 2],
      [2, 1],
      [3, 0],
      [0, 1],
    ];
    const ys = [[5], [4], [3], [2]];
    const h1 = await ours.fit(tf.tensor2d(xs), tf.tensor2d(ys), { epochs: 4, batchSize: 4, shuffle: false });
    const h2 = await theirs.fit(real.tensor2d(xs) as never, real.tensor2d(ys) as never, {
      epochs: 4,
      batchSize: 4,
      shuffle: false,
    });
    close(h1.history.loss, h2.history.loss, 1e-4);
    expect(Object.keys(h1.history).sort()).toEqual(Object.keys(h2.history).sort());
    expect(Object.keys(h1.history).sort()).toEqual(['loss', 'mae', 'mse']);
    close(h1.history.mse!, (h2.history as Record<string, number[]>).mse!, 1e-4);
    close(h1.history.mae!, (h2.history as Record<string, number[]>).mae!, 1e-4);
  });

  it('callbacks: an object of hooks, an array, tf.CustomCallback and earlyStopping, with tfjs logs', async () => {
    const m = build(tf);
    m.compile({ optimizer: tf.train.sgd(0.0), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const { x, y } = blobs(tf, 20);
    const events: string[] = [];
    await m.fit(x, y, {
      epochs: 2,
      batchSize: 10,
      callbacks: {
        onEpochEnd: (e: number, logs: Record<string, number>) => {
          events.push(`end${e}:${Object.keys(logs).sort().join(',')}`);
        },
        onBatchEnd: () => {
          events.push('batch');
        },
      },
    });
    expect(events).toEqual(['batch', 'batch', 'end0:acc,loss', 'batch', 'batch', 'end1:acc,loss']);
    const seen: number[] = [];
    await m.fit(x, y, {
      epochs: 2,
      callbacks: [
        new tf.CustomCallback({
          onEpochBegin: async (e: number) => {
            seen.push(e);
          },
        }),
        {
          onTrainEnd: () => {
            seen.push(-1);
          },
        },
      ],
    });
    expect(seen).toEqual([0, 1, -1]);
    // lr 0: val_loss never improves, so patience 1 stops after epoch 1 of 10.
    const h = await m.fit(x, y, {
      epochs: 10,
      validationSplit: 0.25,
      callbacks: tf.callbacks.earlyStopping({ monitor: 'val_acc', patience: 1 }),
    });
    expect(h.epoch).toEqual([0, 1]);
    // model.stopTraining from a hook ends fit, as in tfjs.
    const h2 = await m.fit(x, y, {
      epochs: 5,
      callbacks: {
        onEpochEnd: (e: number) => {
          if (e === 2) m.stopTraining = true;
        },
      },
    });
    expect(h2.epoch).toEqual([0, 1, 2]);
  });

  it('summary prints through printFn, one line at a time', () => {
    const lines: string[] = [];
    build(tf).summary(undefined, undefined, (l: string) => lines.push(l));
    expect(lines.length).toBeGreaterThan(4);
    expect(lines.join('\n')).toMatch(/dense_1/);
    expect(lines.join('\n')).toMatch(/59/);
  });
});
