// Sequence programs of tensorflow/tfjs-examples (addition-rnn, sentiment, lstm-text-generation,
// intent-classifier's tagger), written once against a `tf` parameter and run with the import
// swapped: on @tensorflow/tfjs and on dropnet/tfjs. The model code and the calls around it are
// the examples'; data are small local synthetic sets in place of generated or downloaded ones,
// and sizes are cut so each run takes seconds.
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';

type AnyTensor = ReturnType<Lib['tensor']>;

/** addition-rnn's CharacterTable (encodeBatch builds nested arrays: tf.buffer is not assumed). */
class CharacterTable {
  readonly chars: string[];
  readonly size: number;
  readonly charIndices: Record<string, number> = {};
  readonly indicesChar: Record<number, string> = {};
  constructor(
    private readonly tf: Lib,
    chars: string,
  ) {
    this.chars = [...chars];
    this.size = this.chars.length;
    this.chars.forEach((c, i) => {
      this.charIndices[c] = i;
      this.indicesChar[i] = c;
    });
  }

  encodeBatch(strings: string[], numRows: number): AnyTensor {
    const rows = strings.map((str) =>
      Array.from({ length: numRows }, (_, i) => {
        const v = new Array<number>(this.size).fill(0);
        if (i < str.length) v[this.charIndices[str[i]!]!] = 1;
        return v;
      }),
    );
    return this.tf.tensor3d(rows).as3D(strings.length, numRows, this.size);
  }

  decode(x: AnyTensor, calcArgmax = true): string {
    return this.tf.tidy(() => {
      if (calcArgmax) x = x.argMax(1);
      let output = '';
      for (const index of Array.from(x.dataSync())) output += this.indicesChar[index];
      return output;
    });
  }
}

/** addition-rnn's generateData with a fixed sequence of operands in place of Math.random. */
function generateData(digits: number, numExamples: number): [string, string][] {
  const out: [string, string][] = [];
  const maxLen = digits + 1 + digits;
  for (let i = 0; out.length < numExamples; i++) {
    const a = (i * 37 + 11) % 10 ** digits;
    const b = (i * 53 + 29) % 10 ** digits;
    const q = `${a}+${b}`;
    out.push([q + ' '.repeat(maxLen - q.length), String(a + b).padEnd(digits + 1, ' ')]);
  }
  return out;
}

/** addition-rnn's createAndCompileModel (LSTM) and AdditionRNNDemo.train, a few iterations. */
async function additionRnn(tf: Lib): Promise<{ loss: number[]; acc: number[]; decoded: string[] }> {
  const digits = 2;
  const maxLen = digits + 1 + digits;
  const hiddenSize = 16;
  const charTable = new CharacterTable(tf, '0123456789+ ');
  const data = generateData(digits, 120);
  const split = Math.floor(data.length * 0.9);
  const [train, test] = [data.slice(0, split), data.slice(split)];
  const toTensors = (d: [string, string][]): [AnyTensor, AnyTensor] => [
    charTable.encodeBatch(
      d.map(([q]) => q),
      maxLen,
    ),
    charTable.encodeBatch(
      d.map(([, a]) => a),
      digits + 1,
    ),
  ];
  const [trainXs, trainYs] = toTensors(train);
  const [testXs, testYs] = toTensors(test);

  const model = tf.sequential();
  model.add(
    tf.layers.lstm({ units: hiddenSize, recurrentInitializer: 'glorotNormal', inputShape: [maxLen, charTable.size] }),
  );
  model.add(tf.layers.repeatVector({ n: digits + 1 }));
  model.add(tf.layers.lstm({ units: hiddenSize, recurrentInitializer: 'glorotNormal', returnSequences: true }));
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: charTable.size }) }));
  model.add(tf.layers.activation({ activation: 'softmax' }));
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'] });

  const loss: number[] = [];
  const acc: number[] = [];
  for (let i = 0; i < 4; ++i) {
    const history = await model.fit(trainXs, trainYs, {
      epochs: 1,
      batchSize: 32,
      validationData: [testXs, testYs],
      yieldEvery: 'epoch',
    });
    loss.push(history.history['loss']![0] as number);
    acc.push(history.history['acc']![0] as number);
    expect(history.history['val_loss']).toHaveLength(1);
    expect(history.history['val_acc']).toHaveLength(1);
  }
  const numTestExamples = 4;
  const testXsForDisplay = testXs.slice([0, 0, 0], [numTestExamples, testXs.shape[1]!, testXs.shape[2]!]);
  const decoded: string[] = [];
  tf.tidy(() => {
    const predictOut = model.predict(testXsForDisplay) as AnyTensor;
    for (let k = 0; k < numTestExamples; ++k) {
      const scores = predictOut
        .slice([k, 0, 0], [1, predictOut.shape[1]!, predictOut.shape[2]!])
        .as2D(predictOut.shape[1]!, predictOut.shape[2]!);
      decoded.push(charTable.decode(scores));
    }
  });
  return { loss, acc, decoded };
}

/** Review-like id sequences: positive reviews use ids from the upper half, pre-padded with 0 as sentiment's loader. */
function reviews(tf: Lib, n: number, maxLen: number, vocab: number): { x: AnyTensor; y: AnyTensor } {
  const seqs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const positive = i % 2;
    const len = 6 + ((i * 7) % (maxLen - 5));
    const words = Array.from({ length: len }, (_, t) => {
      const base = (i * 13 + t * 7) % (vocab / 2 - 1);
      return 1 + (t % 3 === 0 ? base + positive * (vocab / 2 - 1) : base);
    });
    seqs.push([...new Array<number>(maxLen - len).fill(0), ...words]);
    ys.push(positive);
  }
  return { x: tf.tensor2d(seqs, [n, maxLen], 'int32'), y: tf.tensor2d(ys, [ys.length, 1], 'float32') };
}

/** sentiment's buildModel (the embedding types) and its train.js main: compile, summary, fit, evaluate; index.js's predict. */
async function sentiment(
  tf: Lib,
  modelType: 'cnn' | 'simpleRNN' | 'lstm' | 'bidirectionalLSTM',
): Promise<{ loss: number[]; testAcc: number; score: number }> {
  const maxLen = 12;
  const vocabularySize = 40;
  const embeddingSize = 8;
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: vocabularySize, outputDim: embeddingSize, inputLength: maxLen }));
  if (modelType === 'cnn') {
    model.add(tf.layers.dropout({ rate: 0.5 }));
    model.add(tf.layers.conv1d({ filters: 16, kernelSize: 5, strides: 1, padding: 'valid', activation: 'relu' }));
    model.add(tf.layers.globalMaxPool1d({}));
    model.add(tf.layers.dense({ units: 16, activation: 'relu' }));
  } else if (modelType === 'simpleRNN') {
    model.add(tf.layers.simpleRNN({ units: 8 }));
  } else if (modelType === 'lstm') {
    model.add(tf.layers.lstm({ units: 8 }));
  } else {
    model.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 8 }), mergeMode: 'concat' }));
  }
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));

  const train = reviews(tf, 64, maxLen, vocabularySize);
  const test = reviews(tf, 16, maxLen, vocabularySize);
  model.compile({ loss: 'binaryCrossentropy', optimizer: 'adam', metrics: ['acc'] });
  const lines: string[] = [];
  model.summary(undefined, undefined, (line: string) => lines.push(line));
  expect(lines.join('\n')).toMatch(/mbedding/);
  const history = await model.fit(train.x, train.y, {
    epochs: 5,
    batchSize: 16,
    validationSplit: 0.2,
    callbacks: null as never,
  });
  const [, testAcc] = model.evaluate(test.x, test.y, { batchSize: 16 }) as AnyTensor[];
  const input = tf.tensor2d(Array.from(test.x.slice([1, 0], [1, maxLen]).dataSync()), [1, maxLen]);
  const predictOut = model.predict(input) as AnyTensor;
  return {
    loss: history.history.loss as number[],
    testAcc: (await testAcc!.data())[0]!,
    score: predictOut.dataSync()[0]!,
  };
}

/** lstm-text-generation's createModel + compileModel (two stacked LSTMs, rmsprop), on one-hot character windows. */
async function lstmTextGeneration(tf: Lib): Promise<number[]> {
  const text = 'the quick brown fox jumps over the lazy dog. '.repeat(4);
  const chars = [...new Set(text)];
  const [sampleLen, charSetSize, lstmLayerSizes] = [8, chars.length, [12, 12]];
  const windows = Array.from({ length: 48 }, (_, i) => i * 3);
  const oneHot = (c: string): number[] => chars.map((d) => (d === c ? 1 : 0));
  const xs = tf.tensor3d(windows.map((s) => [...text.slice(s, s + sampleLen)].map(oneHot)));
  const ys = tf.tensor2d(windows.map((s) => oneHot(text[s + sampleLen]!)));

  const model = tf.sequential();
  for (let i = 0; i < lstmLayerSizes.length; ++i) {
    const lstmLayerSize = lstmLayerSizes[i]!;
    model.add(
      tf.layers.lstm({
        units: lstmLayerSize,
        returnSequences: i < lstmLayerSizes.length - 1,
        inputShape: i === 0 ? [sampleLen, charSetSize] : undefined,
      }),
    );
  }
  model.add(tf.layers.dense({ units: charSetSize, activation: 'softmax' }));
  const optimizer = tf.train.rmsprop(0.05);
  model.compile({ optimizer: optimizer, loss: 'categoricalCrossentropy' });
  model.summary(undefined, undefined, () => {});
  const history = await model.fit(xs, ys, { epochs: 4, batchSize: 16, validationSplit: 0.0625 });
  return history.history.loss as number[];
}

/** intent-classifier's tagger getModel ('bidirectional-lstm'): inputLayer, bidirectional lstm, timeDistributed dense. */
async function intentTagger(tf: Lib): Promise<number[]> {
  const [embeddingDims, sequenceLength, numLabels] = [6, 5, 3];
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [sequenceLength, embeddingDims] }));
  let lstmLayer = tf.layers.lstm({
    units: sequenceLength,
    recurrentInitializer: 'glorotNormal',
    returnSequences: true,
  });
  lstmLayer = tf.layers.bidirectional({ layer: lstmLayer });
  model.add(lstmLayer);
  const dense = tf.layers.dense({ units: numLabels });
  model.add(tf.layers.timeDistributed({ layer: dense }));
  model.add(tf.layers.activation({ activation: 'softmax' }));
  const weights = undefined;
  model.compile({
    optimizer: 'adam',
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
    classWeight: weights,
  } as never);
  const n = 24;
  const x = tf.tensor3d(
    Array.from({ length: n }, (_, i) =>
      Array.from({ length: sequenceLength }, (_, t) =>
        Array.from({ length: embeddingDims }, (_, d) => Math.cos(i + t * 1.3 + d * 0.7)),
      ),
    ),
  );
  const labels = Array.from({ length: n }, (_, i) =>
    Array.from({ length: sequenceLength }, (_, t) => [0, 1, 2].map((k) => (k === (i + t) % 3 ? 1 : 0))),
  );
  const history = await model.fit(x, tf.tensor3d(labels), { epochs: 5, batchSize: 8 });
  return history.history.loss as number[];
}

describe('tfjs-examples sequence programs with only the import changed', () => {
  it(
    'addition-rnn (lstm, repeatVector, lstm returnSequences, timeDistributed dense, softmax) runs on both and learns on both',
    { timeout: 120_000 },
    async () => {
      for (const lib of [tf, real as unknown as Lib]) {
        const r = await additionRnn(lib);
        expect(r.loss).toHaveLength(4);
        // Every iteration (one epoch) lowers the training loss.
        r.loss.slice(1).forEach((l, i) => expect(l, `loss ${r.loss.join(', ')}`).toBeLessThan(r.loss[i]!));
        expect(r.acc.every((a) => a >= 0 && a <= 1)).toBe(true);
        for (const d of r.decoded) expect(d).toMatch(/^[0-9+ ]{3}$/);
      }
    },
  );

  it(
    'lstm-text-generation (stacked lstm, inputShape undefined after the first, rmsprop, summary) runs on both and learns on both',
    { timeout: 120_000 },
    async () => {
      for (const lib of [tf, real as unknown as Lib]) {
        const loss = await lstmTextGeneration(lib);
        expect(loss).toHaveLength(4);
        expect(loss.at(-1)!, `loss ${loss.join(', ')}`).toBeLessThan(loss[0]!);
      }
    },
  );

  it(
    'intent-classifier tagger (inputLayer, bidirectional lstm, timeDistributed dense, softmax) runs on both and learns on both',
    { timeout: 120_000 },
    async () => {
      for (const lib of [tf, real as unknown as Lib]) {
        const loss = await intentTagger(lib);
        expect(loss).toHaveLength(5);
        expect(loss.at(-1)!, `loss ${loss.join(', ')}`).toBeLessThan(loss[0]!);
      }
    },
  );

  // Pure-JS tfjs trains these some 10x slower than dropnet/tfjs (measured: 13 s against 1.3 s for
  // the lstm type): the lstm and cnn types run on both; the bidirectional and simpleRNN types, whose
  // layers recurrent-layers.test.ts compares with tfjs value by value, on dropnet/tfjs only.
  const types = [
    ['lstm', true],
    ['cnn', true],
    ['bidirectionalLSTM', false],
    ['simpleRNN', false],
  ] as const;
  for (const [modelType, onBoth] of types) {
    it(
      `sentiment ${modelType} (embedding on int32 ids, binaryCrossentropy, acc, validationSplit, evaluate, predict) runs${onBoth ? ' on both' : ''} and learns`,
      { timeout: 120_000 },
      async () => {
        for (const lib of onBoth ? [tf, real as unknown as Lib] : [tf]) {
          const r = await sentiment(lib, modelType);
          expect(r.loss).toHaveLength(5);
          expect(r.loss.at(-1)!, `loss ${r.loss.join(', ')}`).toBeLessThan(r.loss[0]!);
          expect(r.testAcc).toBeGreaterThanOrEqual(0);
          expect(r.testAcc).toBeLessThanOrEqual(1);
          expect(r.score).toBeGreaterThan(0);
          expect(r.score).toBeLessThan(1);
        }
      },
    );
  }
});
