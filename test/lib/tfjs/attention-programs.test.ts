// An attention program in the style of tensorflow/tfjs-examples' date-conversion-attention,
// written once against a `tf` parameter and run with the import swapped: on @tensorflow/tfjs and
// on dropnet/tfjs. Embeddings, LSTMs with returnSequences, tf.layers.dot on sequences (scores,
// then the context), a softmax activation layer, concatenate and timeDistributed dense layers;
// a second model over the same layers reads the attention weights; greedy decoding with predict
// and argMax. The task (write the input sequence reversed) is small and synthetic.
import { describe, expect, it } from 'vitest';
import { expectSame, real, tf, type Lib } from './compare.js';
import { close, fixWeights } from './program-weights.js';

type T = ReturnType<Lib['tensor']>;
type Symbolic = ReturnType<Lib['input']>;

const STEPS = 5;
const VOCAB = 8; // 0 is the start token, 1..7 the symbols
const START = 0;

/** Input sequences, the decoder's teacher-forced inputs (start, then the target shifted) and one-hot targets. */
function data(tf: Lib, n: number, seed: number): { enc: T; dec: T; target: T; sequences: number[][] } {
  const sequences: number[][] = [];
  for (let i = 0; i < n; i++)
    sequences.push(Array.from({ length: STEPS }, (_, t) => 1 + ((i * 3 + t * 5 + seed + ((i * t) % 4)) % (VOCAB - 1))));
  const reversed = sequences.map((s) => [...s].reverse());
  return {
    enc: tf.tensor2d(sequences, [n, STEPS]),
    dec: tf.tensor2d(
      reversed.map((r) => [START, ...r.slice(0, -1)]),
      [n, STEPS],
    ),
    target: tf.oneHot(tf.tensor2d(reversed, [n, STEPS], 'int32'), VOCAB).toFloat(),
    sequences,
  };
}

function attentionModel(tf: Lib): {
  model: ReturnType<Lib['model']>;
  attention: ReturnType<Lib['model']>;
  layers: unknown[];
} {
  const encoderInput = tf.input({ shape: [STEPS] });
  const decoderInput = tf.input({ shape: [STEPS] });
  const layers = {
    encoderEmbedding: tf.layers.embedding({ inputDim: VOCAB, outputDim: 8, inputLength: STEPS }),
    encoderLstm: tf.layers.lstm({ units: 16, returnSequences: true }),
    decoderEmbedding: tf.layers.embedding({ inputDim: VOCAB, outputDim: 8, inputLength: STEPS }),
    decoderLstm: tf.layers.lstm({ units: 16, returnSequences: true }),
    hidden: tf.layers.dense({ units: 16, activation: 'tanh' }),
    output: tf.layers.dense({ units: VOCAB, activation: 'softmax' }),
  };
  const encoder = layers.encoderLstm.apply(layers.encoderEmbedding.apply(encoderInput)) as Symbolic;
  const decoder = layers.decoderLstm.apply(layers.decoderEmbedding.apply(decoderInput)) as Symbolic;
  // Scores of every decoder step against every encoder step, normalized over the encoder steps.
  let attention = tf.layers.dot({ axes: [2, 2] }).apply([decoder, encoder]) as Symbolic;
  attention = tf.layers.activation({ activation: 'softmax', name: 'attention' }).apply(attention) as Symbolic;
  const context = tf.layers.dot({ axes: [2, 1] }).apply([attention, encoder]) as Symbolic;
  const combined = tf.layers.concatenate().apply([context, decoder]) as Symbolic;
  let output = tf.layers.timeDistributed({ layer: layers.hidden }).apply(combined) as Symbolic;
  output = tf.layers.timeDistributed({ layer: layers.output }).apply(output) as Symbolic;
  const model = tf.model({ inputs: [encoderInput, decoderInput], outputs: output });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return {
    model,
    attention: tf.model({ inputs: [encoderInput, decoderInput], outputs: attention }),
    layers: Object.values(layers),
  };
}

/** date-conversion-attention's runSeq2SeqInference: decode one step at a time, feeding back the argMax. */
function greedyDecode(tf: Lib, model: ReturnType<Lib['model']>, enc: T): number[][] {
  const n = enc.shape[0]!;
  const decoded: number[][] = Array.from({ length: n }, () => [START]);
  for (let t = 0; t < STEPS; t++) {
    const next = tf.tidy(() => {
      const dec = tf.tensor2d(
        decoded.map((d) => [...d, ...new Array<number>(STEPS - d.length).fill(START)].slice(0, STEPS)),
        [n, STEPS],
      );
      const out = model.predict([enc, dec]) as T;
      return Array.from(out.argMax(2).dataSync());
    });
    decoded.forEach((d, i) => d.push(next[i * STEPS + t]!));
  }
  return decoded.map((d) => d.slice(1));
}

interface Run {
  before: number[];
  loss: number[];
  acc: number[];
  shape: number[];
  attention: number[];
  rowSums: number[];
  decoded: number[][];
}

async function program(tf: Lib, epochs: number): Promise<Run> {
  const { model, attention, layers } = attentionModel(tf);
  fixWeights(tf, layers, 0.4);
  const train = data(tf, 48, 0);
  const before = Array.from((model.predict([train.enc, train.dec]) as T).dataSync()).slice(0, 40);
  const h = await model.fit([train.enc, train.dec], train.target, { epochs, batchSize: 16, shuffle: false });
  const weights = attention.predict([train.enc, train.dec]) as T;
  const rowSums = Array.from(weights.sum(-1).dataSync());
  const test = data(tf, 6, 1);
  return {
    before,
    loss: h.history.loss as number[],
    acc: h.history.acc as number[],
    shape: weights.shape,
    attention: Array.from(weights.dataSync()).slice(0, 50),
    rowSums,
    decoded: greedyDecode(tf, model, test.enc),
  };
}

describe('an attention program (date-conversion-attention style) with only the import changed', () => {
  it('gives tfjs outputs, losses and attention weights when the layers have the same weights', async () => {
    const ours = await program(tf, 3);
    const theirs = await program(real as unknown as Lib, 3);
    expect(ours.shape).toEqual([48, STEPS, STEPS]);
    for (const key of ['before', 'loss', 'acc', 'attention'] as const)
      expect(close(ours[key], theirs[key]), `${key}: ${ours[key].join()} vs ${theirs[key].join()}`).toBe(true);
    // Attention weights are a distribution over the encoder steps.
    for (const s of ours.rowSums) expect(s).toBeCloseTo(1, 5);
    expect(ours.decoded).toEqual(theirs.decoded);
  });

  it('learns to write the sequence reversed', async () => {
    const ours = await program(tf, 40);
    expect(ours.acc.at(-1)!).toBeGreaterThan(0.9);
    const want = data(tf, 6, 1).sequences.map((s) => [...s].reverse());
    const right = ours.decoded.flat().filter((v, i) => v === want.flat()[i]).length;
    expect(right).toBeGreaterThan(0.8 * STEPS * 6);
  });
});

describe('the batch products attention uses', () => {
  const a = (tf: Lib): T =>
    tf.tensor3d(
      Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.sin(i * 0.7)),
      [2, 3, 4],
    );
  const b = (tf: Lib): T =>
    tf.tensor3d(
      Array.from({ length: 2 * 5 * 4 }, (_, i) => Math.cos(i * 0.3)),
      [2, 5, 4],
    );

  it('tf.matMul of batches of matrices, with transposes', () => {
    expectSame((tf) => tf.matMul(a(tf), b(tf), false, true));
    expectSame((tf) => tf.matMul(b(tf), a(tf), false, true));
    expectSame((tf) => tf.matMul(a(tf), a(tf), true, false));
    expect(() => tf.matMul(a(tf), tf.ones([3, 4, 2]))).toThrow(/same batch dimensions/);
  });

  it('tf.layers.dot on sequences: axes [2, 2], [2, 1], [1, 1] and normalize', () => {
    expectSame((tf) => tf.layers.dot({ axes: [2, 2] }).apply([a(tf), b(tf)]) as T);
    expectSame((tf) => tf.layers.dot({ axes: [1, 1] }).apply([a(tf), tf.ones([2, 3, 6])]) as T);
    expectSame((tf) => tf.layers.dot({ axes: -1, normalize: true }).apply([a(tf), b(tf)]) as T);
    expectSame((tf) => {
      const scores = tf.softmax(tf.layers.dot({ axes: [2, 2] }).apply([a(tf), b(tf)]) as T);
      return tf.layers.dot({ axes: [2, 1] }).apply([scores, b(tf)]) as T;
    });
    expect(() => tf.layers.dot({ axes: [2, 2] }).apply([a(tf), tf.ones([2, 5, 3])])).toThrow(
      /Dimension incompatibility/,
    );
  });
});
