// A transfer-learning program in the style of tensorflow/tfjs-examples' mnist-transfer-cnn:
// a model is trained, its first layers are frozen (`layer.trainable = false`), it is compiled
// again and trained on new data. Written once against a `tf` parameter and run with the import
// swapped: on @tensorflow/tfjs and on dropnet/tfjs, with the same starting weights.
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';
import { close, fixWeights } from './program-weights.js';

type T = ReturnType<Lib['tensor']>;

function data(tf: Lib, n: number, flip: boolean): { x: T; y: T } {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [Math.sin(i * 1.1), Math.cos(i * 0.7), Math.sin(i * 0.3 + 1)];
    xs.push(row);
    ys.push(row[0]! + row[1]! > 0 !== flip ? 1 : 0);
  }
  return { x: tf.tensor2d(xs), y: tf.tensor2d(ys, [n, 1]) };
}

async function program(
  tf: Lib,
): Promise<{ frozen: boolean[]; changed: boolean[]; loss: number[]; trainable: boolean[] }> {
  const layers = [
    tf.layers.dense({ units: 6, activation: 'relu', inputShape: [3] }),
    tf.layers.dense({ units: 4, activation: 'relu' }),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ];
  const model = tf.sequential({ layers });
  fixWeights(tf, layers);
  model.compile({ optimizer: tf.train.sgd(0.3), loss: 'binaryCrossentropy' });
  const first = data(tf, 32, false);
  await model.fit(first.x, first.y, { epochs: 3, batchSize: 8, shuffle: false });
  // Freeze the feature layers, compile again, train the head on the new task.
  for (const layer of model.layers.slice(0, 2)) layer.trainable = false;
  model.compile({ optimizer: tf.train.sgd(0.3), loss: 'binaryCrossentropy' });
  const before = model.layers.map((l) =>
    l
      .getWeights()
      .map((w) => Array.from(w.dataSync()))
      .flat(),
  );
  const second = data(tf, 32, true);
  const h = await model.fit(second.x, second.y, { epochs: 4, batchSize: 8, shuffle: false });
  const after = model.layers.map((l) =>
    l
      .getWeights()
      .map((w) => Array.from(w.dataSync()))
      .flat(),
  );
  return {
    frozen: before.map((b, i) => close(b, after[i]!, 0, 0)),
    changed: before.map((b, i) => !close(b, after[i]!, 0, 0)),
    loss: h.history.loss as number[],
    trainable: model.layers.map((l) => l.trainable),
  };
}

describe('transfer learning: layer.trainable = false with only the import changed', () => {
  it('keeps the frozen layers fixed and gives tfjs losses', async () => {
    const ours = await program(tf);
    const theirs = await program(real as unknown as Lib);
    expect(ours.trainable).toEqual([false, false, true]);
    expect(ours.trainable).toEqual(theirs.trainable);
    expect(ours.frozen.slice(0, 2)).toEqual([true, true]);
    expect(ours.changed[2]).toBe(true);
    expect(ours.frozen).toEqual(theirs.frozen);
    expect(close(ours.loss, theirs.loss), `${ours.loss.join()} vs ${theirs.loss.join()}`).toBe(true);
  });

  it('trainable set before the layer is built, and a bad value', () => {
    const frozen = tf.layers.dense({ units: 2, inputShape: [2] });
    frozen.trainable = false;
    const m = tf.sequential({ layers: [frozen, tf.layers.dense({ units: 1 })] });
    expect(m.layers[0]!.trainable).toBe(false);
    expect(tf.layers.dense({ units: 2, trainable: false }).trainable).toBe(false);
    expect(() => {
      frozen.trainable = 'no' as never;
    }).toThrow(TypeError);
  });
});
