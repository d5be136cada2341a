// Whole programs in the style of tensorflow/tfjs-examples (iris, mnist-node), written once
// against a `tf` parameter and run with the import swapped: on @tensorflow/tfjs and on
// dropnet/tfjs. Data are small local synthetic sets in place of downloads.
import { describe, expect, it } from 'vitest';
import { nativeAvailable } from '../../../lib/backend/index.js';
import { real, tf, type Lib } from './compare.js';

/** Iris-like data: 3 classes of 4 features, as the iris example's (xTrain, yTrain, xTest, yTest). */
function irisData(
  lib: Lib,
  n: number,
  seed: number,
): { xs: ReturnType<Lib['tensor2d']>; ys: ReturnType<Lib['tensor2d']> } {
  const centers = [
    [5.0, 3.4, 1.5, 0.2],
    [5.9, 2.8, 4.3, 1.3],
    [6.6, 3.0, 5.6, 2.0],
  ];
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = (i * 7 + seed) % 3;
    rows.push(centers[c]!.map((v, j) => v + 0.3 * Math.sin(i * 1.3 + j * 2.1 + seed)));
    labels.push(c);
  }
  return lib.tidy(() => ({
    xs: lib.tensor2d(rows, [n, 4]),
    ys: lib.oneHot(lib.tensor1d(labels, 'int32'), 3).toFloat(),
  }));
}

/** The iris example's shape: a small dense net, adam, validationData, an onEpochEnd hook, tidy + argMax. */
async function irisProgram(
  tf: Lib,
): Promise<{ history: Record<string, number[]>; predicted: number[]; numTensorsDelta: number }> {
  const start = tf.memory().numTensors;
  const train = irisData(tf, 90, 1);
  const test = irisData(tf, 30, 2);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 10, activation: 'sigmoid', inputShape: [train.xs.shape[1]!] }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const seen: number[] = [];
  const history = await model.fit(train.xs, train.ys, {
    epochs: 20,
    validationData: [test.xs, test.ys],
    callbacks: {
      onEpochEnd: async (epoch: number, logs?: Record<string, number>) => {
        seen.push(logs!.val_acc!);
        await tf.nextFrame();
      },
    },
  });
  expect(seen).toEqual(history.history.val_acc);
  const predicted = tf.tidy(() => {
    const probs = model.predict(test.xs) as ReturnType<Lib['tensor']>;
    return Array.from(probs.argMax(-1).dataSync());
  });
  const truth = Array.from(test.ys.argMax(-1).dataSync());
  tf.dispose([train.xs, train.ys, test.xs, test.ys]);
  return {
    history: history.history as Record<string, number[]>,
    predicted: predicted.map((p, i) => (p === truth[i] ? 1 : 0)),
    numTensorsDelta: tf.memory().numTensors - start,
  };
}

/**
 * mnist-node's model on 28x28x1 images (synthetic: the class sets a bright bar's row). `n`
 * images, in batches of n/2: with 15% held out for validation, two batches an epoch.
 */
async function mnistProgram(tf: Lib, n: number): Promise<{ loss: number[]; accuracy: number; batches: number }> {
  const images = new Float32Array(n * 28 * 28);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    labels[i] = c;
    for (let x = 2; x < 26; x++) images[i * 784 + (2 + c * 2) * 28 + x] = 1;
    for (let p = 0; p < 784; p += 37) images[i * 784 + ((p + i * 13) % 784)]! += 0.2;
  }
  const xs = tf.tensor4d(images, [n, 28, 28, 1]);
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();

  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dropout({ rate: 0.25 }));
  model.add(tf.layers.dense({ units: 512, activation: 'relu' }));
  model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  let batches = 0;
  const h = await model.fit(xs, ys, {
    batchSize: n / 2,
    epochs: 3,
    validationSplit: 0.15,
    callbacks: {
      onBatchEnd: async () => {
        batches++;
      },
    },
  });
  const evalOutput = model.evaluate(xs, ys) as ReturnType<Lib['scalar']>[];
  return { loss: h.history.loss, accuracy: evalOutput[1]!.dataSync()[0]!, batches };
}

describe('tfjs-examples-style programs with only the import changed', () => {
  it('iris (dense, adam, validationData, onEpochEnd + nextFrame, tidy/argMax) runs on both and learns on both', async () => {
    const ours = await irisProgram(tf);
    const theirs = await irisProgram(real as unknown as Lib);
    expect(Object.keys(ours.history).sort()).toEqual(Object.keys(theirs.history).sort());
    expect(ours.history.loss).toHaveLength(20);
    // Both start from their own unseeded initializers, so the bar is learning (chance is 1 in 3),
    // not one run's accuracy: 27 of 30 was missed now and then by one digit.
    for (const r of [ours, theirs]) {
      expect(r.history.val_acc!.at(-1)!).toBeGreaterThanOrEqual(0.8);
      expect(r.predicted.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24);
    }
    // Same tensor bookkeeping: the program disposes what it made except what tidy returned to it.
    expect(ours.numTensorsDelta).toBeLessThanOrEqual(theirs.numTensorsDelta);
  });

  // The reference backend (DROPNET_BACKEND=js) convolves by direct loops, some 20x slower than the
  // native kernels: it trains the same program on 16 images instead of 64.
  const mnistImages = nativeAvailable() ? 64 : 16;
  it(
    'mnist-node (conv2d/maxPooling2d/dropout/dense, rmsprop, validationSplit, onBatchEnd, evaluate) runs on dropnet/tfjs',
    { timeout: 180_000 },
    async () => {
      const r = await mnistProgram(tf, mnistImages);
      // 15% held out (64 -> 54 for training in batches of 32; 16 -> 13 in batches of 8): 2 batches an epoch, 3 epochs.
      expect(r.batches).toBe(6);
      expect(r.loss).toHaveLength(3);
      expect(r.loss[2]!).toBeLessThan(r.loss[0]!);
      expect(r.accuracy).toBeGreaterThan(0.5);
    },
  );
});
