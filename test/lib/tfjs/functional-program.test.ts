// A functional-API program in the style of tensorflow/tfjs-examples, written once against a `tf`
// parameter and run with the import swapped: on @tensorflow/tfjs and on dropnet/tfjs. Two inputs
// (measurements and a one-hot category), a branch each, tf.layers.concatenate, a softmax head;
// adam, validationSplit, onEpochEnd, evaluate, tidy + argMax. Data are small and synthetic.
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';

type T = ReturnType<Lib['tensor']>;
type Symbolic = ReturnType<Lib['input']>;

function data(tf: Lib, n: number, seed: number): { measures: T; kinds: T; labels: T } {
  const m: number[][] = [];
  const k: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const kind = (i * 5 + seed) % 3;
    const a = Math.sin(i * 1.7 + seed);
    const b = Math.cos(i * 0.9 + seed * 2);
    m.push([a, b, 0.3 * Math.sin(i * 2.3)]);
    k.push(kind);
    // The class needs both inputs: the sign of a, flipped for kind 2.
    y.push((a > 0 ? 1 : 0) ^ (kind === 2 ? 1 : 0));
  }
  return tf.tidy(() => ({
    measures: tf.tensor2d(m, [n, 3]),
    kinds: tf.oneHot(tf.tensor1d(k, 'int32'), 3).toFloat(),
    labels: tf.oneHot(tf.tensor1d(y, 'int32'), 2).toFloat(),
  }));
}

async function program(tf: Lib): Promise<{ history: Record<string, number[]>; accuracy: number; correct: number }> {
  const train = data(tf, 120, 1);
  const test = data(tf, 40, 2);

  const measures = tf.input({ shape: [3], name: 'measures' });
  const kinds = tf.input({ shape: [3], name: 'kinds' });
  const m = tf.layers.dense({ units: 16, activation: 'relu' }).apply(measures) as Symbolic;
  const k = tf.layers.dense({ units: 8, activation: 'relu' }).apply(kinds) as Symbolic;
  const joined = tf.layers.concatenate().apply([m, k]) as Symbolic;
  const hidden = tf.layers.dense({ units: 16, activation: 'relu' }).apply(joined) as Symbolic;
  const dropped = tf.layers.dropout({ rate: 0.1 }).apply(hidden) as Symbolic;
  const output = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(dropped) as Symbolic;
  const model = tf.model({ inputs: [measures, kinds], outputs: output });
  model.compile({ optimizer: tf.train.adam(0.03), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  const seen: number[] = [];
  const h = await model.fit([train.measures, train.kinds], train.labels, {
    epochs: 40,
    batchSize: 16,
    validationSplit: 0.2,
    callbacks: {
      onEpochEnd: async (_epoch: number, logs?: Record<string, number>) => {
        seen.push(logs!.loss!);
        await tf.nextFrame();
      },
    },
  });
  expect(seen).toEqual(h.history.loss);
  const [, acc] = model.evaluate([test.measures, test.kinds], test.labels) as T[];
  const correct = tf.tidy(() => {
    const predicted = (model.predict([test.measures, test.kinds]) as T).argMax(-1);
    return predicted.equal(test.labels.argMax(-1)).sum().dataSync()[0]!;
  });
  tf.dispose([train.measures, train.kinds, train.labels, test.measures, test.kinds, test.labels]);
  return { history: h.history as Record<string, number[]>, accuracy: acc!.dataSync()[0]!, correct };
}

describe('a functional program (two inputs, concatenate) with only the import changed', () => {
  it('runs and learns on both libraries, with the same history keys', { timeout: 60_000 }, async () => {
    const ours = await program(tf);
    const theirs = await program(real as unknown as Lib);
    expect(Object.keys(ours.history).sort()).toEqual(Object.keys(theirs.history).sort());
    expect(ours.history.loss).toHaveLength(40);
    for (const r of [ours, theirs]) {
      expect(r.accuracy).toBeGreaterThan(0.85);
      expect(r.correct).toBeGreaterThan(34);
    }
  });
});
