// Convolutional programs in the style of tensorflow/tfjs-examples' mnist-acgan and
// fashion-mnist-vae, written once against a `tf` parameter and run with the import swapped: on
// @tensorflow/tfjs and on dropnet/tfjs. A discriminator (conv2d strides 2 'same', leakyReLU,
// batchNormalization, dropout) trained with trainOnBatch, checked with evaluate and
// predictOnBatch; a generator (dense, reshape, upSampling2d, conv2d 'same') fitted with a loss
// built from tf.losses and tf.callbacks.earlyStopping. Data are small synthetic 8x8 images.
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';
import { close, fixWeights } from './program-weights.js';

type T = ReturnType<Lib['tensor']>;

/** 8x8 one-channel images: class 1 is bright in its top half, class 0 in its bottom half. */
function images(tf: Lib, n: number, seed: number): { x: T; y: T } {
  const pixels: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = (i + seed) % 2;
    for (let r = 0; r < 8; r++)
      for (let c = 0; c < 8; c++)
        pixels.push((r < 4 === (label === 1) ? 0.8 : -0.2) + 0.3 * Math.sin(i * 7.1 + r * 1.3 + c * 2.9 + seed));
    labels.push(label);
  }
  return { x: tf.tensor4d(pixels, [n, 8, 8, 1]), y: tf.tensor2d(labels, [n, 1]) };
}

function discriminatorLayers(tf: Lib, dropout: number): ReturnType<Lib['layers']['dense']>[] {
  return [
    tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [8, 8, 1] }),
    tf.layers.leakyReLU({ alpha: 0.2 }),
    ...(dropout > 0 ? [tf.layers.dropout({ rate: dropout })] : []),
    tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same' }),
    tf.layers.batchNormalization(),
    tf.layers.leakyReLU({ alpha: 0.2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ];
}

/** mnist-acgan's training style: trainOnBatch step by step, then evaluate and predictOnBatch. */
async function discriminator(tf: Lib): Promise<Record<string, number[]>> {
  const layers = discriminatorLayers(tf, 0);
  const model = tf.sequential({ layers });
  fixWeights(tf, layers);
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const { x, y } = images(tf, 24, 0);
  const steps: number[] = [];
  for (let step = 0; step < 4; step++) {
    const out = await model.trainOnBatch(x, y);
    steps.push(...(out as number[]));
  }
  const evaluated = (model.evaluate(x, y) as T[]).map((s) => s.dataSync()[0]!);
  const predicted = model.predictOnBatch(x) as T;
  const logLoss = tf.losses.logLoss(y, predicted).dataSync()[0]!;
  const result = { steps, evaluated, predicted: Array.from(predicted.dataSync()), logLoss: [logLoss] };
  const shape = predicted.shape;
  tf.dispose([x, y, predicted]);
  return { ...result, shape };
}

/** fashion-mnist-vae's decoder shape: dense, reshape, upSampling2d, conv2d; a tf.losses loss; early stopping. */
async function generator(tf: Lib): Promise<Record<string, number[]>> {
  const layers = [
    tf.layers.dense({ units: 2 * 2 * 4, inputShape: [3], activation: 'relu' }),
    tf.layers.reshape({ targetShape: [2, 2, 4] }),
    tf.layers.upSampling2d({ size: [2, 2] }),
    tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }),
    tf.layers.batchNormalization(),
    tf.layers.activation({ activation: 'relu' }),
    tf.layers.upSampling2d({}),
    tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'tanh' }),
  ];
  const model = tf.sequential({ layers });
  fixWeights(tf, layers);
  model.compile({
    optimizer: tf.train.adam(0.02),
    loss: (yTrue: T, yPred: T) => tf.losses.meanSquaredError(yTrue, yPred),
  });
  const codes = (n: number, seed: number): T =>
    tf.tensor2d(
      Array.from({ length: n * 3 }, (_, i) => Math.cos(i * 0.77 + seed)),
      [n, 3],
    );
  const train = images(tf, 8, 1);
  const val = images(tf, 4, 2);
  // Batches of one: @tensorflow/tfjs's CPU gradient of upSampling2d (resizeNearestNeighbor) reads
  // the first sample's gradient for every sample of a larger batch (see the test below).
  const h = await model.fit(codes(8, 1), train.x, {
    epochs: 8,
    batchSize: 1,
    shuffle: false,
    validationData: [codes(4, 2), val.x],
    callbacks: tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2 }),
  });
  const out = model.predict(codes(2, 3)) as T;
  return {
    loss: h.history.loss as number[],
    valLoss: h.history.val_loss as number[],
    epochs: h.epoch,
    shape: out.shape,
    out: Array.from(out.dataSync()),
  };
}

/** The discriminator with dropout, fitted with validationSplit and early stopping: both libraries learn. */
async function learner(tf: Lib): Promise<{ keys: string[]; acc: number }> {
  const model = tf.sequential({ layers: discriminatorLayers(tf, 0.25) });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const train = images(tf, 64, 3);
  const h = await model.fit(train.x, train.y, {
    epochs: 12,
    batchSize: 16,
    validationSplit: 0.25,
    callbacks: [tf.callbacks.earlyStopping({ monitor: 'val_acc', patience: 4 })],
  });
  const test = images(tf, 32, 4);
  const acc = (model.evaluate(test.x, test.y) as T[])[1]!.dataSync()[0]!;
  return { keys: Object.keys(h.history).sort(), acc };
}

describe('convolutional programs with only the import changed', () => {
  it('discriminator: trainOnBatch, evaluate, predictOnBatch and tf.losses give tfjs losses with the same weights', async () => {
    const ours = await discriminator(tf);
    const theirs = await discriminator(real as unknown as Lib);
    expect(ours.shape).toEqual([24, 1]);
    expect(ours.shape).toEqual(theirs.shape);
    expect(ours.steps).toHaveLength(8); // [loss, acc] per step
    for (const key of ['steps', 'evaluated', 'predicted', 'logLoss'])
      expect(close(ours[key]!, theirs[key]!), `${key}: ${ours[key]!.join()} vs ${theirs[key]!.join()}`).toBe(true);
    // It trained: the loss fell over the four steps.
    expect(ours.steps![6]!).toBeLessThan(ours.steps![0]!);
  });

  it('generator: upSampling2d, conv2d same, a tf.losses loss and earlyStopping give tfjs losses', async () => {
    const ours = await generator(tf);
    const theirs = await generator(real as unknown as Lib);
    expect(ours.shape).toEqual([2, 8, 8, 1]);
    expect(ours.epochs).toEqual(theirs.epochs);
    // 64 adam steps on batches of one through batch normalization: float32 rounding grows to
    // about 2e-3 (relative) with the JS backend's summation order, so the tolerance is 1e-2.
    for (const key of ['loss', 'valLoss', 'out'])
      expect(
        close(ours[key]!, theirs[key]!, 1e-3, 1e-2),
        `${key}: ${ours[key]!.join()} vs ${theirs[key]!.join()}`,
      ).toBe(true);
    expect(ours.loss!.at(-1)!).toBeLessThan(ours.loss![0]!);
  });

  it("upSampling2d's gradient sums each output block into its pixel, for every sample of the batch", () => {
    const up = tf.layers.upSampling2d({ size: [2, 2] });
    const w = tf.tensor4d(
      Array.from({ length: 2 * 4 * 4 * 2 }, (_, i) => i + 1),
      [2, 4, 4, 2],
    );
    const g = tf.grad((x: T) => (up.apply(x) as T).mul(w).sum())(tf.ones([2, 2, 2, 2]));
    // Pixel (b, i, j, c) receives w at rows 2i, 2i+1 and columns 2j, 2j+1 of the same sample and channel.
    const want: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++)
          for (let c = 0; c < 2; c++) {
            let total = 0;
            for (const r of [2 * i, 2 * i + 1])
              for (const q of [2 * j, 2 * j + 1]) total += b * 32 + (r * 4 + q) * 2 + c + 1;
            want.push(total);
          }
    expect(Array.from(g.dataSync())).toEqual(want);
  });

  it('a discriminator with dropout learns on both, with the same history keys', async () => {
    const ours = await learner(tf);
    const theirs = await learner(real as unknown as Lib);
    expect(ours.keys).toEqual(theirs.keys);
    expect(ours.keys).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    for (const r of [ours, theirs]) expect(r.acc).toBeGreaterThan(0.85);
  });
});
