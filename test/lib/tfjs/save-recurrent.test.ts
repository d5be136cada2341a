// tfjs's saved format for the embedding, recurrent and Bidirectional layers, both directions:
// files written by @tensorflow/tfjs (test/fixtures/tfjs-models, from
// scripts/fixtures/gen_tfjs_models.mjs) load into dropnet/tfjs and predict what tfjs recorded;
// models saved by dropnet/tfjs load into @tensorflow/tfjs and predict what dropnet/tfjs does, and
// their topology is the one tfjs writes for the same model.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dense, LayerSpec } from '../../../lib/keras/layers.js';
import { real, tf, type Lib } from './compare.js';
import { artifactsOf, close, values } from './save-helpers.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/tfjs-models/', import.meta.url));

type AnyModel = ReturnType<Lib['sequential']>;
type Input = { shape: number[]; ids?: number };

/** Token ids in [0, vocab), each row starting with zeros (padding). */
function ids(shape: number[], vocab: number): number[] {
  const [n, t] = shape as [number, number];
  return Array.from({ length: n * t }, (_, j) => {
    const i = Math.floor(j / t);
    const s = j % t;
    return s < (1 + i) % t ? 0 : 1 + ((i * 5 + s * 3) % (vocab - 1));
  });
}

const inputValues = (x: Input, k: number): number[] => (x.ids === undefined ? values(x.shape, k) : ids(x.shape, x.ids));

/** Models with every recurrent option tfjs writes, built in either library. */
const BUILD: Record<string, [Input, (lib: Lib) => AnyModel]> = {
  'embedding-lstm-mask': [
    { shape: [3, 6], ids: 12 },
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 6, maskZero: true }),
          lib.layers.lstm({ units: 5, returnSequences: true, dropout: 0.2, recurrentDropout: 0.1 }),
          lib.layers.lstm({ units: 3, goBackwards: true, unitForgetBias: true }),
          lib.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
  ],
  'embedding-shape-lstm-fused': [
    { shape: [2, 5], ids: 7 },
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.embedding({ inputDim: 7, outputDim: 3, inputShape: [5] }),
          lib.layers.lstm({ units: 4, recurrentActivation: 'sigmoid' }),
          lib.layers.dense({ units: 2 }),
        ],
      }),
  ],
  'gru-stack': [
    { shape: [2, 5, 3] },
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.gru({ units: 4, inputShape: [5, 3], returnSequences: true, goBackwards: true, dropout: 0.3 }),
          lib.layers.gru({ units: 3, recurrentActivation: 'sigmoid', resetAfter: false, recurrentDropout: 0.2 }),
          lib.layers.dense({ units: 2 }),
        ],
      }),
  ],
  'simple-rnn-sequences': [
    { shape: [2, 4, 3] },
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.simpleRNN({ units: 3, inputShape: [4, 3], returnSequences: true, activation: 'relu' }),
          lib.layers.simpleRNN({ units: 2, useBias: false, goBackwards: true }),
          lib.layers.dense({ units: 2, activation: 'sigmoid' }),
        ],
      }),
  ],
  'bidirectional-modes': [
    { shape: [2, 5], ids: 9 },
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.embedding({ inputDim: 9, outputDim: 3, inputLength: 5, maskZero: true }),
          lib.layers.bidirectional({
            layer: lib.layers.lstm({ units: 3, returnSequences: true }) as never,
            mergeMode: 'concat',
          }),
          lib.layers.bidirectional({
            layer: lib.layers.gru({ units: 2, returnSequences: true }) as never,
            mergeMode: 'sum',
          }),
          lib.layers.bidirectional({
            layer: lib.layers.simpleRNN({ units: 2, returnSequences: true, goBackwards: true }) as never,
            mergeMode: 'mul',
          }),
          lib.layers.bidirectional({ layer: lib.layers.gru({ units: 2 }) as never, mergeMode: 'ave' }),
          lib.layers.dense({ units: 2 }),
        ],
      }),
  ],
  'bidirectional-first': [
    { shape: [2, 4, 3] },
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.bidirectional({ layer: lib.layers.simpleRNN({ units: 2 }) as never, inputShape: [4, 3] }),
          lib.layers.dense({ units: 1 }),
        ],
      }),
  ],
  'repeat-time-distributed': [
    { shape: [2, 4] },
    (lib) =>
      lib.sequential({
        layers: [
          lib.layers.dense({ units: 3, inputShape: [4], activation: 'relu' }),
          lib.layers.repeatVector({ n: 3 }),
          lib.layers.lstm({ units: 4, returnSequences: true }),
          lib.layers.timeDistributed({ layer: lib.layers.dense({ units: 2, activation: 'softmax' }) as never }),
        ],
      }),
  ],
  'time-distributed-first': [
    { shape: [2, 3, 4] },
    (lib) =>
      lib.sequential({
        layers: [lib.layers.timeDistributed({ layer: lib.layers.dense({ units: 2 }) as never, inputShape: [3, 4] })],
      }),
  ],
};

/** A dropnet/tfjs model of BUILD with fixed weights. */
function ours(name: string): AnyModel {
  const m = BUILD[name]![1](tf);
  m.setWeights(m.getWeights().map((w, k) => tf.tensor(values(w.shape, k, w.rank === 1), w.shape)));
  return m;
}

/** A topology without layer names (tfjs names dense_Dense1, dropnet dense), recursively. */
export function unnamed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unnamed);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (k === 'name' ? [] : [[k, unnamed(x)]])));
}

describe('dropnet/tfjs writes recurrent models that @tensorflow/tfjs loads', () => {
  it.each(Object.keys(BUILD))(
    "%s: the topology is tfjs's; tfjs predicts what dropnet does; dropnet reads it back",
    async (name) => {
      const model = ours(name);
      const mine = await artifactsOf((h) => model.save(h), tf.io);
      const theirsTopology = (
        await artifactsOf((h) => BUILD[name]![1](real as unknown as Lib).save(h), real.io as never)
      ).modelTopology;
      expect(unnamed(mine.modelTopology)).toEqual(unnamed(theirsTopology));
      const [input] = BUILD[name]!;
      const x = inputValues(input, 7);
      const theirs = await real.loadLayersModel(real.io.fromMemory(mine as never));
      const want = (theirs.predict(real.tensor(x, input.shape)) as { dataSync(): Float32Array }).dataSync();
      close(model.predict(tf.tensor(x, input.shape)).dataSync(), want);
      const back = await tf.loadLayersModel(tf.io.fromMemory(mine));
      close((back.predict(tf.tensor(x, input.shape)) as tf.Tensor).dataSync(), want);
      expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    },
  );

  it("weight names and order are tfjs's (embeddings, kernel, recurrent_kernel, bias, forward_/backward_)", async () => {
    const mine = await artifactsOf((h) => ours('bidirectional-modes').save(h), tf.io);
    const names = mine.weightSpecs!.map((w) => w.name);
    expect(names.slice(0, 7)).toEqual([
      'embedding/embeddings',
      'bidirectional/forward_lstm/kernel',
      'bidirectional/forward_lstm/recurrent_kernel',
      'bidirectional/forward_lstm/bias',
      'bidirectional/backward_lstm/kernel',
      'bidirectional/backward_lstm/recurrent_kernel',
      'bidirectional/backward_lstm/bias',
    ]);
    expect(mine.weightSpecs!.slice(1, 4).map((w) => w.shape)).toEqual([[3, 12], [3, 12], [12]]);
  });
});

describe('files written by @tensorflow/tfjs with recurrent layers load into dropnet/tfjs', () => {
  it.each(['embedding-lstm', 'gru', 'simple-rnn-sequences', 'bidirectional-lstm', 'repeat-time-distributed'])(
    '%s: predictions equal those tfjs recorded',
    async (name) => {
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
      // Saved again by dropnet/tfjs, the same topology (names included) and weights.
      const file = JSON.parse(readFileSync(join(FIXTURES, name, 'model.json'), 'utf8')) as {
        modelTopology: { config: unknown };
        weightsManifest: { weights: { name: string }[] }[];
      };
      const again = await artifactsOf((h) => model.save(h), tf.io);
      expect((again.modelTopology as { config: unknown }).config).toEqual(file.modelTopology.config);
      expect(again.weightSpecs!.map((w) => w.name).sort()).toEqual(
        file.weightsManifest[0]!.weights.map((w) => w.name).sort(),
      );
    },
  );

  it('a loaded recurrent model trains after compile', async () => {
    const model = await tf.loadLayersModel(join(FIXTURES, 'gru', 'model.json'));
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const h = await model.fit(tf.ones([2, 5, 3]), tf.zeros([2, 2]), { epochs: 2 });
    expect(h.history.loss!.length).toBe(2);
    expect(h.history.loss![1]!).toBeLessThan(h.history.loss![0]!);
  });
});

describe('what tfjs cannot represent, or dropnet/tfjs cannot read, says so', () => {
  const fixture = (
    name: string,
  ): { modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } } } =>
    JSON.parse(readFileSync(join(FIXTURES, name, 'model.json'), 'utf8'));

  it('an unsupported class is named, reading and writing', async () => {
    const t = fixture('gru');
    t.modelTopology.config.layers[0]!.class_name = 'ConvLSTM2D';
    await expect(tf.loadLayersModel(tf.io.fromMemory({ modelTopology: t.modelTopology as never }))).rejects.toThrow(
      "dropnet/tfjs: loadLayersModel: layer class ConvLSTM2D cannot be read in tfjs's format",
    );
    // Every tf.layers class is in tfjs's format; a layer made from another spec is not.
    const base = dense({ units: 2 });
    const odd = new tf.Layer(new LayerSpec('ConvLSTM2D', {}, 'conv_lstm2d', base.create));
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] }), odd] });
    await expect(m.save(tf.io.withSaveHandler(async () => ({}) as never))).rejects.toThrow(
      "dropnet/tfjs: model.save: layer class ConvLSTM2D cannot be written in tfjs's format",
    );
  });

  it("Keras's reset_after GRU (bias [2, 3 * units]) is refused, naming the option", async () => {
    const t = fixture('gru');
    t.modelTopology.config.layers[1]!.config.reset_after = true;
    await expect(tf.loadLayersModel(tf.io.fromMemory({ modelTopology: t.modelTopology as never }))).rejects.toThrow(
      'GRUCell does not support reset_after parameter set to true.',
    );
  });

  it('an option tfjs has and dropnet/tfjs does not (stateful) is named with its layer', async () => {
    const t = fixture('gru');
    t.modelTopology.config.layers[0]!.config.stateful = true;
    await expect(tf.loadLayersModel(tf.io.fromMemory({ modelTopology: t.modelTopology as never }))).rejects.toThrow(
      'dropnet/tfjs: tf.layers.gru: stateful layers are not supported',
    );
  });

  it('an option no tfjs config has (a dropnet-only one such as zoneout) is refused at save, not dropped', async () => {
    // dropnet/tfjs's factories take tfjs's options only; a layer made from a spec can carry others.
    const base = dense({ units: 2 });
    const odd = new tf.Layer(new LayerSpec('Dense', { units: 2, zoneout: 0.1 }, 'dense', base.create));
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] }), odd] });
    await expect(m.save(tf.io.withSaveHandler(async () => ({}) as never))).rejects.toThrow(
      "dropnet/tfjs: model.save: layer dense_1 (Dense) option zoneout cannot be written in tfjs's format; remove it",
    );
  });
});
