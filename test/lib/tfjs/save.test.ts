// Saving and loading in tfjs's format, both directions: models written by @tensorflow/tfjs
// (test/fixtures/tfjs-models, from scripts/fixtures/gen_tfjs_models.mjs) load into dropnet/tfjs
// and predict what tfjs recorded; models saved by dropnet/tfjs load into @tensorflow/tfjs and
// predict what dropnet/tfjs does. The topology written equals tfjs's for the same model.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { flatten, LayerSpec } from '../../../lib/keras/layers.js';
import { real, tf, type Lib } from './compare.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/tfjs-models/', import.meta.url));
const NAMES = ['dense-dropout', 'conv-pool-dense', 'batchnorm'];

type AnyModel = ReturnType<Lib['sequential']>;

function close(a: ArrayLike<number>, b: ArrayLike<number>, atol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i]! - b[i]!), `index ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(
      atol + 1e-5 * Math.abs(b[i]!),
    );
}

/** The fixtures' architectures, built in either library. */
const BUILD: Record<string, [number[], (lib: Lib) => AnyModel]> = {
  'dense-dropout': [
    [4, 5],
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.dense({ units: 8, activation: 'relu', inputShape: [5], kernelInitializer: 'heNormal' }),
          lib.layers.dropout({ rate: 0.4 }),
          lib.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
  ],
  'conv-pool-dense': [
    [2, 7, 7, 2],
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.conv2d({
            inputShape: [7, 7, 2],
            filters: 4,
            kernelSize: 3,
            activation: 'relu',
            kernelRegularizer: lib.regularizers.l2({ l2: 0.01 }),
          }),
          lib.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
          lib.layers.flatten(),
          lib.layers.dense({ units: 3 }),
        ],
      }),
  ],
  batchnorm: [
    [5, 6],
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.dense({ units: 4, inputShape: [6], useBias: false }),
          lib.layers.batchNormalization({ momentum: 0.9, epsilon: 0.01 }),
          lib.layers.activation({ activation: 'tanh' }),
          lib.layers.dense({ units: 2, activation: 'sigmoid' }),
        ],
      }),
  ],
  'input-layer': [
    [2, 3, 4],
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.inputLayer({ inputShape: [3, 4] }),
          lib.layers.spatialDropout1d({ rate: 0.2 }),
          lib.layers.flatten(),
          lib.layers.dense({ units: 2, activation: 'relu', kernelInitializer: 'glorotUniform' }),
        ],
      }),
  ],
  'conv1d-pools': [
    [3, 9, 2],
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.conv1d({ inputShape: [9, 2], filters: 3, kernelSize: 2, activation: 'elu' }),
          lib.layers.averagePooling1d({ poolSize: 2 }),
          lib.layers.globalMaxPooling1d({}),
          lib.layers.gaussianNoise({ stddev: 0.1 }),
          lib.layers.dense({ units: 2, useBias: true }),
        ],
      }),
  ],
};

function values(shape: number[], k: number): number[] {
  const n = shape.reduce((p, d) => p * d, 1);
  return Array.from({ length: n }, (_, i) => Math.sin((i + 1) * (k + 1.3) * 0.77) * 0.6);
}

/** A dropnet/tfjs model with fixed weights (positive vectors, so variances are valid). */
function ours(name: string): AnyModel {
  const m = BUILD[name]![1](tf);
  m.setWeights(
    m
      .getWeights()
      .map((w, k) =>
        tf.tensor(w.rank === 1 ? values(w.shape, k).map((v) => 0.2 + Math.abs(v)) : values(w.shape, k), w.shape),
      ),
  );
  return m;
}

describe('files written by @tensorflow/tfjs load into dropnet/tfjs', () => {
  it.each(NAMES)('%s: predictions equal those tfjs recorded', async (name) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as {
      generatedBy: string;
      input: { shape: number[]; values: number[] };
      output: { shape: number[]; values: number[] };
    };
    expect(expected.generatedBy).toMatch(/^TensorFlow\.js tfjs-layers/);
    const model = await tf.loadLayersModel(`file://${join(FIXTURES, name, 'model.json')}`);
    const y = model.predict(tf.tensor(expected.input.values, expected.input.shape)) as tf.Tensor;
    expect(y.shape).toEqual(expected.output.shape);
    close(y.dataSync(), expected.output.values);
    // Layer names come from the file.
    const topo = JSON.parse(readFileSync(join(FIXTURES, name, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: { config: { name: string } }[] } };
    };
    expect(model.layers.map((l) => l.name)).toEqual(topo.modelTopology.config.layers.map((l) => l.config.name));
  });

  it('a plain path loads too; the loaded model trains after compile', async () => {
    const model = await tf.loadLayersModel(join(FIXTURES, 'dense-dropout', 'model.json'));
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const h = await model.fit(tf.ones([4, 5]), tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3), { epochs: 2 });
    expect(h.history.loss!.length).toBe(2);
  });
});

describe('files written by dropnet/tfjs load into @tensorflow/tfjs', () => {
  it.each(Object.keys(BUILD))('%s: model.json + weights.bin, same predictions in tfjs', async (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'dropnet-tfjs-save-'));
    const model = ours(name);
    const result = await model.save(`file://${dir}`);
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('JSON');
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
      modelTopology: Record<string, unknown>;
      format: string;
      generatedBy: string;
      convertedBy: null;
      weightsManifest: { paths: string[]; weights: never[] }[];
    };
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toMatch(/dropnet\/tfjs/);
    expect(json.convertedBy).toBeNull();
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    const bin = readFileSync(join(dir, 'weights.bin'));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(bin.byteLength);
    const theirs = await real.loadLayersModel(
      real.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0]!.weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    const [shape] = BUILD[name]!;
    const x = values(shape, 7);
    const want = (theirs.predict(real.tensor(x, shape)) as { dataSync(): Float32Array }).dataSync();
    close(model.predict(tf.tensor(x, shape)).dataSync(), want);
    // And back: dropnet/tfjs reads its own files.
    const again = await tf.loadLayersModel(`file://${join(dir, 'model.json')}`);
    close((again.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync(), want);
  });

  it('the topology is the one tfjs writes for the same model (names aside)', async () => {
    for (const name of ['dense-dropout', 'conv-pool-dense', 'batchnorm', 'input-layer', 'conv1d-pools']) {
      let mine: Record<string, unknown> = {};
      let theirs: Record<string, unknown> = {};
      await ours(name).save(
        tf.io.withSaveHandler(async (a) => {
          mine = a.modelTopology;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } } as never;
        }),
      );
      await BUILD[name]![1](real as unknown as Lib).save(
        real.io.withSaveHandler(async (a) => {
          theirs = a.modelTopology as Record<string, unknown>;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }) as never,
      );
      const strip = (t: Record<string, unknown>): unknown =>
        (t.config as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers.map((l) => ({
          class_name: l.class_name,
          config: { ...l.config, name: undefined },
        }));
      expect(mine.class_name).toBe('Sequential');
      expect(strip(mine), name).toEqual(strip(theirs));
    }
  });

  it('in memory: tf.io.withSaveHandler artifacts load into tfjs through tf.io.fromMemory, and back', async () => {
    const model = ours('batchnorm');
    let artifacts: Parameters<typeof tf.io.fromMemory>[0] | null = null;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } } as never;
      }),
    );
    const theirs = await real.loadLayersModel(real.io.fromMemory(artifacts as never));
    const x = values([5, 6], 3);
    const want = (theirs.predict(real.tensor(x, [5, 6])) as { dataSync(): Float32Array }).dataSync();
    close(model.predict(tf.tensor(x, [5, 6])).dataSync(), want);
    const back = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    close((back.predict(tf.tensor(x, [5, 6])) as tf.Tensor).dataSync(), want);
  });
});

describe('what cannot be written or read says so', () => {
  const fixture = (): {
    modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  } => JSON.parse(readFileSync(join(FIXTURES, 'conv-pool-dense', 'model.json'), 'utf8'));

  it('a layer class dropnet/tfjs cannot read or write is named', async () => {
    const t = fixture();
    t.modelTopology.config.layers[1]!.class_name = 'Conv3D';
    await expect(tf.loadLayersModel(tf.io.fromMemory({ modelTopology: t.modelTopology as never }))).rejects.toThrow(
      "dropnet/tfjs: loadLayersModel: layer class Conv3D cannot be read in tfjs's format",
    );
    const base = flatten({});
    const odd = new tf.Layer(new LayerSpec('Mystery', {}, 'mystery', base.create));
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] }), odd] });
    await expect(m.save(tf.io.withSaveHandler(async () => ({}) as never))).rejects.toThrow(
      "dropnet/tfjs: model.save: layer class Mystery cannot be written in tfjs's format",
    );
  });

  it('an option dropnet/tfjs does not support is named with its layer', async () => {
    const t = fixture();
    t.modelTopology.config.layers[0]!.config.dilation_rate = [2, 2];
    await expect(tf.loadLayersModel(tf.io.fromMemory({ modelTopology: t.modelTopology as never }))).rejects.toThrow(
      'dropnet/tfjs: loadLayersModel: layer conv2d_Conv2D1 (Conv2D) has dilation_rate = [2,2], which dropnet/tfjs does not support',
    );
  });

  it('browser stores and URLs are refused; a missing weight is named', async () => {
    const m = ours('dense-dropout');
    await expect(m.save('localstorage://my-model')).rejects.toThrow(
      'dropnet/tfjs: model.save: localstorage:// is not supported',
    );
    await expect(tf.loadLayersModel('https://example.com/model.json')).rejects.toThrow(
      'dropnet/tfjs: loadLayersModel: https:// is not supported',
    );
    const t = fixture();
    await expect(
      tf.loadLayersModel(
        tf.io.fromMemory({ modelTopology: t.modelTopology as never, weightSpecs: [], weightData: new ArrayBuffer(0) }),
      ),
    ).rejects.toThrow('dropnet/tfjs: loadLayersModel: weight conv2d_Conv2D1/kernel is not in the weights manifest');
    expect(() => tf.io.browserFiles()).toThrow('dropnet/tfjs: tf.io.browserFiles is not supported');
  });
});
