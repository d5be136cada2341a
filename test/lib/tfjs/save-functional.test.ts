// Functional models (tf.model) in tfjs's saved format: a model written by @tensorflow/tfjs
// (test/fixtures/tfjs-models/functional, two inputs, a shared layer, add and concatenate) loads
// into dropnet/tfjs and predicts what tfjs recorded; models built with dropnet/tfjs's
// functional API are written as tfjs writes them (class_name Model, inbound_nodes,
// input_layers, output_layers), load into @tensorflow/tfjs, and come back.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WeightSpec } from '../../../lib/tfjs/save.js';
import { real, tf, type Lib } from './compare.js';
import { artifactsOf, close, values } from './save-helpers.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/tfjs-models/', import.meta.url));

type Topology = {
  class_name: string;
  config: {
    name: string;
    layers: { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }[];
    input_layers: unknown[];
    output_layers: unknown[];
  };
};

type AnyModel = ReturnType<Lib['model']>;
type Data = { shape: number[]; values: number[] };

/** Every layer named, so that both libraries write the same names. */
const BUILD: Record<string, [Data[], (lib: Lib) => AnyModel]> = {
  'shared-merges': [
    [
      { shape: [3, 4], values: values([3, 4], 1) },
      { shape: [3, 4], values: values([3, 4], 2) },
    ],
    (lib) => {
      const a = lib.input({ shape: [4], name: 'a' });
      const b = lib.input({ shape: [4], name: 'b' });
      const shared = lib.layers.dense({ units: 3, activation: 'tanh', name: 'shared' });
      const sa = shared.apply(a) as never;
      const sb = shared.apply(b) as never;
      const sum = lib.layers.add({ name: 'sum' }).apply([sa, sb]) as never;
      const prod = lib.layers.multiply({ name: 'prod' }).apply([sa, sb]) as never;
      const both = lib.layers.concatenate({ name: 'both' }).apply([sum, prod, b]) as never;
      const out = lib.layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(both) as never;
      return lib.model({ inputs: [a, b], outputs: out, name: 'merges' });
    },
  ],
  'text-and-features': [
    [
      { shape: [2, 5], values: [0, 3, 1, 4, 2, 0, 0, 5, 6, 1] },
      { shape: [2, 3], values: values([2, 3], 3) },
    ],
    (lib) => {
      const tokens = lib.input({ shape: [5], name: 'tokens' });
      const feats = lib.input({ shape: [3], name: 'feats' });
      const emb = lib.layers.embedding({ inputDim: 7, outputDim: 3, maskZero: true, name: 'emb' }).apply(tokens);
      const rnn = lib.layers
        .bidirectional({ layer: lib.layers.gru({ units: 2, name: 'gru' }) as never, name: 'bi' })
        .apply(emb as never);
      const joined = lib.layers.concatenate({ name: 'joined' }).apply([rnn as never, feats as never]) as never;
      const score = lib.layers.dense({ units: 1, activation: 'sigmoid', name: 'score' }).apply(joined) as never;
      const extra = lib.layers.dense({ units: 2, name: 'extra' }).apply(feats as never) as never;
      return lib.model({ inputs: [tokens, feats], outputs: [score, extra], name: 'two_heads' });
    },
  ],
};

function ours(name: string): AnyModel {
  const m = BUILD[name]![1](tf);
  m.setWeights(m.getWeights().map((w, k) => tf.tensor(values(w.shape, k, w.rank === 1), w.shape)));
  return m;
}

const outputsOf = (y: unknown): Float32Array[] =>
  (Array.isArray(y) ? y : [y]).map((t) => (t as { dataSync(): Float32Array }).dataSync());

describe('functional models written by @tensorflow/tfjs load into dropnet/tfjs', () => {
  it('two inputs, a shared layer, add and concatenate: the predictions tfjs recorded', async () => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'functional', 'expected.json'), 'utf8')) as {
      inputs: Data[];
      output: Data;
    };
    const model = await tf.loadLayersModel(`file://${join(FIXTURES, 'functional', 'model.json')}`);
    const y = model.predict(expected.inputs.map((x) => tf.tensor(x.values, x.shape))) as tf.Tensor;
    expect(y.shape).toEqual(expected.output.shape);
    close(y.dataSync(), expected.output.values);
    const file = JSON.parse(readFileSync(join(FIXTURES, 'functional', 'model.json'), 'utf8')) as {
      modelTopology: Topology;
    };
    expect(model.layers.map((l) => l.name)).toEqual(file.modelTopology.config.layers.map((l) => l.name));
    // Saved again by dropnet/tfjs: the same graph, names and node indices included.
    const again = await artifactsOf((h) => model.save(h), tf.io);
    expect((again.modelTopology as Topology).class_name).toBe('Model');
    expect((again.modelTopology as Topology).config).toEqual(file.modelTopology.config);
  });

  it("Keras's class_name Functional reads as Model", async () => {
    const file = JSON.parse(readFileSync(join(FIXTURES, 'functional', 'model.json'), 'utf8')) as {
      modelTopology: Topology;
      weightsManifest: { weights: WeightSpec[] }[];
    };
    const bin = readFileSync(join(FIXTURES, 'functional', 'weights.bin'));
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: { ...file.modelTopology, class_name: 'Functional' } as never,
        weightSpecs: file.weightsManifest[0]!.weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    expect(loaded.inputNames).toEqual(['left', 'right']);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(
      file.modelTopology.config.layers.map((l) => l.class_name),
    );
  });
});

describe('functional models written by dropnet/tfjs load into @tensorflow/tfjs', () => {
  it.each(Object.keys(BUILD))("%s: the topology is tfjs's; tfjs predicts what dropnet does; and back", async (name) => {
    const model = ours(name);
    const mine = await artifactsOf((h) => model.save(h), tf.io);
    const theirs = await artifactsOf((h) => BUILD[name]![1](real as unknown as Lib).save(h), real.io as never);
    // The same layers, configs and graph; dropnet lists the layers inputs first, tfjs by depth.
    const byName = (t: unknown): Topology => {
      const c = (t as Topology).config;
      return {
        ...(t as Topology),
        config: { ...c, layers: [...c.layers].sort((x, y) => x.name.localeCompare(y.name)) },
      };
    };
    expect(byName(mine.modelTopology)).toEqual(byName(theirs.modelTopology));
    expect(mine.weightSpecs!.map((w) => w.name).sort()).toEqual(theirs.weightSpecs!.map((w) => w.name).sort());
    const [inputs] = BUILD[name]!;
    const loaded = await real.loadLayersModel(real.io.fromMemory(mine as never));
    const want = outputsOf(loaded.predict(inputs.map((x) => real.tensor(x.values, x.shape))));
    const got = outputsOf(model.predict(inputs.map((x) => tf.tensor(x.values, x.shape))));
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => close(g, want[i]!));
    const back = await tf.loadLayersModel(tf.io.fromMemory(mine));
    outputsOf(back.predict(inputs.map((x) => tf.tensor(x.values, x.shape)))).forEach((g, i) => close(g, want[i]!));
    expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
  });
});

describe('functional models through files', () => {
  it('file:// round trip: model.json + weights.bin, the same predictions; the loaded model trains', async () => {
    const model = ours('shared-merges');
    const dir = mkdtempSync(join(tmpdir(), 'dropnet-tfjs-functional-'));
    await model.save(`file://${dir}`);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: Topology };
    expect(json.modelTopology.class_name).toBe('Model');
    expect(json.modelTopology.config.input_layers).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
    expect(json.modelTopology.config.output_layers).toEqual([['out', 0, 0]]);
    const shared = json.modelTopology.config.layers.find((l) => l.name === 'shared')!;
    expect(shared.inbound_nodes).toEqual([[['a', 0, 0, {}]], [['b', 0, 0, {}]]]);
    const loaded = await tf.loadLayersModel(`file://${join(dir, 'model.json')}`);
    const [inputs] = BUILD['shared-merges']!;
    const xs = (): tf.Tensor[] => inputs.map((x) => tf.tensor(x.values, x.shape));
    close(outputsOf(loaded.predict(xs()))[0]!, outputsOf(model.predict(xs()))[0]!);
    loaded.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const h = await loaded.fit(xs(), tf.oneHot(tf.tensor1d([0, 1, 0], 'int32'), 2), { epochs: 3 });
    expect(h.history.loss![2]!).toBeLessThan(h.history.loss![0]!);
  });
});

describe('graphs dropnet/tfjs cannot read say so', () => {
  const topology = (): Topology =>
    (JSON.parse(readFileSync(join(FIXTURES, 'functional', 'model.json'), 'utf8')) as { modelTopology: Topology })
      .modelTopology;

  it('a second output of a layer, kwargs, and a node nothing makes are named', async () => {
    const load = (t: Topology): Promise<unknown> => tf.loadLayersModel(tf.io.fromMemory({ modelTopology: t as never }));
    let t = topology();
    t.config.layers[3]!.inbound_nodes = [[['shared', 0, 1, {}]]];
    await expect(load(t)).rejects.toThrow(
      "dropnet/tfjs: loadLayersModel: layer add_Add1's inbound_nodes[0][0] reads output 1 of layer shared; dropnet/tfjs layers have one output",
    );
    t = topology();
    t.config.layers[2]!.inbound_nodes = [[['left', 0, 0, { training: true }]]];
    await expect(load(t)).rejects.toThrow('calls layer left with kwargs {"training":true}');
    t = topology();
    t.config.output_layers = [['nowhere', 0, 0]];
    await expect(load(t)).rejects.toThrow(
      'dropnet/tfjs: loadLayersModel: output_layers[0] names ["nowhere",0,0], which the model does not make',
    );
    t = topology();
    t.config.layers[2]!.inbound_nodes = [[['ghost', 0, 0, {}]], [['right', 0, 0, {}]]];
    await expect(load(t)).rejects.toThrow(
      'layer shared\'s inbound node 0 reads [["ghost",0,0]], which no layer of the model makes',
    );
  });
});
