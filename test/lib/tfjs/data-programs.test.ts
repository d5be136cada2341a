// A whole program in the style of tfjs's tf.data.csv example (boston-housing from a CSV file:
// columnConfigs with isLabel, map to arrays, batch, model.fitDataset with an onEpochEnd hook),
// then model.save / tf.loadLayersModel, written once against a `tf` parameter and run with the
// import swapped: on @tensorflow/tfjs and on dropnet/tfjs. The data are a small local CSV.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';

const dir = mkdtempSync(join(tmpdir(), 'dropnet-csv-program-'));
const csvPath = join(dir, 'housing.csv');
const rows = Array.from({ length: 40 }, (_, i) => {
  const crim = Math.abs(Math.sin(i * 1.7)) * 3;
  const rm = 5 + Math.abs(Math.cos(i * 0.9)) * 3;
  const age = ((i * 37) % 100) / 100;
  const medv = 10 + 4 * rm - 2 * crim - 5 * age + Math.sin(i);
  return [crim.toFixed(3), rm.toFixed(3), age.toFixed(2), medv.toFixed(2)].join(',');
});
writeFileSync(csvPath, `crim,rm,age,medv\n${rows.join('\n')}\n`);

type AnyModel = ReturnType<Lib['sequential']>;

/** The program; `init` gives both libraries the same starting weights. */
async function housingProgram(tf: Lib, init: (m: AnyModel) => void) {
  const csvDataset = tf.data.csv(`file://${csvPath}`, { columnConfigs: { medv: { isLabel: true } } });
  const numOfFeatures = (await csvDataset.columnNames()).length - 1;
  const flattenedDataset = csvDataset
    .map((e) => {
      const { xs, ys } = e as { xs: Record<string, number>; ys: Record<string, number> };
      return { xs: Object.values(xs), ys: Object.values(ys) };
    })
    .batch(10);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [numOfFeatures], units: 1 }));
  model.compile({ optimizer: tf.train.sgd(0.005), loss: 'meanSquaredError' });
  init(model);
  const losses: number[] = [];
  const history = await model.fitDataset(flattenedDataset as never, {
    epochs: 5,
    callbacks: {
      onEpochEnd: async (_epoch: number, logs?: Record<string, number>) => {
        losses.push(logs!.loss!);
      },
    },
  });
  expect(losses).toEqual(history.history.loss);
  const evaluated = (await model.evaluateDataset(flattenedDataset as never)) as { dataSync(): ArrayLike<number> };
  return { model, loss: history.history.loss!, evaluated: evaluated.dataSync()[0]! };
}

describe('a tf.data.csv + fitDataset program runs on both libraries', () => {
  it('boston-housing style: same losses per epoch, same evaluation; the saved model predicts the same in tfjs', async () => {
    const weights = [[0.1], [-0.2], [0.05]];
    const init = (lib: Lib) => (m: AnyModel) => m.setWeights([lib.tensor2d(weights, [3, 1]), lib.tensor1d([0.5])]);
    const ours = await housingProgram(tf, init(tf));
    const theirs = await housingProgram(real as unknown as Lib, init(real as unknown as Lib));
    expect(ours.loss.length).toBe(5);
    ours.loss.forEach((l, i) => expect(Math.abs(l - theirs.loss[i]!)).toBeLessThanOrEqual(1e-3 * theirs.loss[i]!));
    expect(Math.abs(ours.evaluated - theirs.evaluated)).toBeLessThanOrEqual(1e-3 * theirs.evaluated);
    expect(ours.loss[4]!).toBeLessThan(ours.loss[0]!);

    const saveDir = join(dir, 'model');
    await ours.model.save(`file://${saveDir}`);
    const loaded = await tf.loadLayersModel(`file://${join(saveDir, 'model.json')}`);
    const x = [
      [1, 6, 0.3],
      [0.2, 7.5, 0.8],
    ];
    const want = Array.from(theirs.model.predict(real.tensor2d(x) as never).dataSync());
    const got = Array.from((loaded.predict(tf.tensor2d(x)) as tf.Tensor).dataSync());
    got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-3 * Math.abs(want[i]!) + 1e-4));
  });
});
