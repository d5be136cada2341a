// LayerVariables on dropnet/tfjs against @tensorflow/tfjs: the weights of recurrent and wrapper
// layers (names' last part, shapes, dtypes, values after the same setWeights), write(), and the
// named errors for what a dropnet weight cannot do.
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';

/** Embedding, bidirectional LSTM over sequences, timeDistributed dense, with tfjs's weights copied in. */
function build(lib: Lib, from?: ReturnType<Lib['sequential']>): ReturnType<Lib['sequential']> {
  const m = lib.sequential();
  m.add(lib.layers.embedding({ inputDim: 6, outputDim: 3, inputLength: 4 }));
  m.add(lib.layers.bidirectional({ layer: lib.layers.lstm({ units: 2, returnSequences: true }) }));
  m.add(lib.layers.timeDistributed({ layer: lib.layers.dense({ units: 2 }) }));
  if (from !== undefined) m.setWeights(from.getWeights().map((w) => lib.tensor(Array.from(w.dataSync()), w.shape)));
  return m;
}

describe('LayerVariable', () => {
  it('recurrent and wrapper layers: the same weights as tfjs, by name, shape, dtype and value', () => {
    const want = build(real as unknown as Lib);
    const got = build(tf, want);
    const view = (m: ReturnType<Lib['sequential']>) =>
      m.weights.map((v) => ({
        weight: v.name.split('/').pop(),
        shape: v.shape,
        dtype: v.dtype,
        trainable: v.trainable,
        values: Array.from(v.read().dataSync()),
      }));
    expect(view(got)).toEqual(view(want));
    expect(got.weights.length).toBe(9);
    expect(got.layers[2]!.weights.map((v) => v.name)).toEqual(['time_distributed/kernel', 'time_distributed/bias']);
  });

  it('write() sets one weight, checked against its shape', () => {
    const m = build(tf);
    const bias = m.layers[2]!.weights[1]!;
    bias.write(tf.tensor1d([1, 2]));
    expect(Array.from(m.layers[2]!.getWeights()[1]!.dataSync())).toEqual([1, 2]);
    expect(Array.from(bias.read().dataSync())).toEqual([1, 2]);
    expect(() => bias.write(tf.tensor1d([1, 2, 3]))).toThrow(/expected shape \[2\]/);
    expect(() => bias.write([1, 2] as never)).toThrow(TypeError);
    expect(() => (bias.trainable = false)).toThrow(/set the layer's/);
  });

  it('an unbuilt layer has no weights, as tfjs', () => {
    for (const lib of [tf, real as unknown as Lib]) expect(lib.layers.dense({ units: 2 }).weights).toEqual([]);
  });
});
