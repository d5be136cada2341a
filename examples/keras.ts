/**
 * The Keras example, through the Keras-style facade. The Keras original:
 *
 *   model = Sequential([
 *       Dense(256, activation='relu', input_shape=(100,)),
 *       Dropout(0.5),
 *       Dense(128, activation='relu'),
 *       Dropout(0.3),
 *       Dense(10, activation='softmax'),
 *   ])
 *   model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
 *   model.fit(x_train, y_train, epochs=10, batch_size=32, validation_split=0.2)
 *
 * The data: 10 classes, each a cluster around its own random centre in 100 dimensions, labels
 * one-hot as categorical_crossentropy expects.
 *
 * Run: node --import ./scripts/register-ts.mjs examples/keras.ts
 */
import { pathToFileURL } from 'node:url';
import { Generator, type History, layers, manualSeed, sequential, type SequentialModel, Tensor } from '../lib/index.js';

/** n samples of `classes` Gaussian clusters in `features` dimensions, one-hot labels. */
export function clusters(
  n: number,
  features: number,
  classes: number,
  seed: number,
): { x: Tensor; y: Tensor; labels: Int32Array } {
  const gen = new Generator(seed);
  const centres = gen.normal(new Float32Array(classes * features), 0, 1);
  const x = gen.normal(new Float32Array(n * features), 0, 1.5);
  const y = new Float32Array(n * classes);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    labels[i] = c;
    y[i * classes + c] = 1;
    for (let f = 0; f < features; f++) x[i * features + f]! += centres[c * features + f]!;
  }
  return { x: new Tensor(x, [n, features]), y: new Tensor(y, [n, classes]), labels };
}

export function buildModel(): SequentialModel {
  return sequential([
    layers.dense({ units: 256, activation: 'relu', inputShape: [100] }),
    layers.dropout({ rate: 0.5 }),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dropout({ rate: 0.3 }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ]);
}

export async function main(
  options: { epochs?: number; samples?: number; verbose?: 0 | 1 | 2; log?: (line: string) => void } = {},
): Promise<{
  model: SequentialModel;
  history: History;
}> {
  const { epochs = 10, samples = 2000, verbose = 1, log = () => undefined } = options;
  manualSeed(0);
  const { x: xTrain, y: yTrain } = clusters(samples, 100, 10, 1);

  const model = buildModel();
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  model.summary({ printFn: log });
  const history = await model.fit(xTrain, yTrain, { epochs, batchSize: 32, validationSplit: 0.2, verbose });
  return { model, history };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main({ log: console.log });
}
