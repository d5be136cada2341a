// The Keras model: the example from the source material trains, History has Keras's keys,
// evaluate/predict take tfjs-style inputs, summary is Keras's table with the dropout section,
// and save/load and getWeights/setWeights round-trip.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as example from '../../../examples/keras.js';
import { callbacks, l2, layers, loadModel, manualSeed, randn, sequential, Tensor } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';

const dir = mkdtempSync(join(tmpdir(), 'dropnet-keras-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keras model', () => {
  it('runs the Keras example: accuracy rises, History has Keras keys', async () => {
    const lines: string[] = [];
    const { model, history } = await example.main({ epochs: 3, samples: 600, verbose: 0, log: (l) => lines.push(l) });
    expect(Object.keys(history.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(history.epoch).toEqual([0, 1, 2]);
    const acc = history.history.accuracy!;
    expect(acc[2]!).toBeGreaterThan(acc[0]! + 0.1);
    expect(history.history.val_accuracy![2]!).toBeGreaterThan(0.9);
    expect(history.history.loss[2]!).toBeLessThan(history.history.loss[0]!);
    expect(lines[0]).toContain('Model: "sequential"');
    // The model is evaluated on fresh samples of the same clusters.
    const test = example.clusters(200, 100, 10, 1);
    const [loss, accuracy] = (await model.evaluate(test.x, test.y)) as number[];
    expect(Number.isFinite(loss)).toBe(true);
    expect(accuracy).toBeGreaterThan(0.9);
  });

  it('summary: Keras table, totals and the dropout section', () => {
    const text = example.buildModel().summary({ printFn: null });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "sequential"');
    expect(lines[2]).toMatch(/^ Layer \(type\) +Output Shape +Param #$/);
    const rows: [string, string, string][] = [
      ['dense (Dense)', '(None, 256)', '25,856'],
      ['dropout (Dropout)', '(None, 256)', '0'],
      ['dense_1 (Dense)', '(None, 128)', '32,896'],
      ['dropout_1 (Dropout)', '(None, 128)', '0'],
      ['dense_2 (Dense)', '(None, 10)', '1,290'],
    ];
    for (const [name, shape, params] of rows) {
      expect(
        lines.some((l) =>
          new RegExp(`^ ${name.replace(/[()]/g, '\\$&')} +${shape.replace(/[()]/g, '\\$&')} +${params}$`).test(l),
        ),
      ).toBe(true);
    }
    expect(text).toContain('Total params: 60,042\nTrainable params: 60,042\nNon-trainable params: 0');
    expect(text).toContain('Dropout: dropout (Dropout, rate 0.5), dropout_1 (Dropout, rate 0.3)');
    expect(text).toContain(
      'warning (dropout_1): layer 3 Dropout(p=0.3) feeds the output layer (4 Dense(128→10, softmax)) directly',
    );
  });

  it('summary counts batch-norm moving statistics as non-trainable, as Keras', () => {
    const m = sequential([
      layers.dense({ units: 8, inputShape: [4] }),
      layers.batchNormalization(),
      layers.dense({ units: 2 }),
    ]);
    const text = m.summary({ printFn: null });
    expect(text).toMatch(/ batch_normalization \(BatchNormalization\) +\(None, 8\) +32\n/);
    expect(text).toContain('Total params: 90\nTrainable params: 74\nNon-trainable params: 16');
  });

  it('fits with class indices and sparse loss, nested arrays and flat Float32Arrays', async () => {
    manualSeed(5);
    const m = sequential([
      layers.dense({ units: 8, activation: 'relu', inputShape: [2] }),
      layers.dense({ units: 2, activation: 'softmax' }),
    ]);
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < 64; i++) {
      const a = (i % 8) / 4 - 1;
      const b = Math.floor(i / 8) / 4 - 1;
      xs.push([a, b]);
      ys.push(a * b > 0 ? 1 : 0);
    }
    const h = await m.fit(xs, ys, { epochs: 2, batchSize: 16, verbose: 0, validationData: [xs, ys] });
    expect(Object.keys(h.history)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    const flat = Float32Array.from(xs.flat());
    expectClose(m.predict(flat).data, m.predict(xs).data);
    expect(m.predict(flat).shape).toEqual([64, 2]);
    const dict = await m.evaluate(flat, Int32Array.from(ys), { returnDict: true });
    expect(Object.keys(dict)).toEqual(['loss', 'acc']);
    expect(m.history).toBe(h);
    expect(() => m.predict(Float32Array.of(1, 2, 3))).toThrow('x: 3 values do not split into samples of shape [2]');
  });

  it('callbacks see the nn model; EarlyStopping stops fit', async () => {
    manualSeed(6);
    const m = sequential([layers.dense({ units: 1, inputShape: [2] })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = randn([32, 2]);
    const h = await m.fit(x, randn([32, 1]), {
      epochs: 50,
      verbose: 0,
      validationSplit: 0.25,
      callbacks: [new callbacks.EarlyStopping({ monitor: 'val_loss', patience: 0, minDelta: 10 })],
    });
    expect(h.epoch.length).toBeLessThan(50);
  });

  it('save and loadModel round-trip weights and architecture; loadWeights and setWeights copy', async () => {
    manualSeed(7);
    const m = sequential(
      [
        layers.conv2d({
          filters: 3,
          kernelSize: 2,
          activation: 'relu',
          inputShape: [5, 5, 2],
          kernelRegularizer: l2(0.1),
        }),
        layers.maxPooling2d({ padding: 'same' }),
        layers.flatten(),
        layers.dropout({ rate: 0.2 }),
        layers.dense({ units: 4, activation: 'softmax', name: 'out' }),
      ],
      { name: 'cnn' },
    );
    const path = join(dir, 'cnn.safetensors');
    await m.save(path);
    const x = randn([3, 5, 5, 2]);
    const loaded = await loadModel(path);
    expect(loaded.name).toBe('cnn');
    expect(loaded.layerNames).toEqual(['conv2d', 'max_pooling2d', 'flatten', 'dropout', 'out']);
    expect(Object.keys(loaded.module.stateDict())).toEqual(['0.weight', '0.bias', '4.weight', '4.bias']);
    expect(loaded.predict(x).data).toEqual(m.predict(x).data);
    // The regularizer came back with the architecture.
    loaded.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const y = new Tensor(new Float32Array(12).fill(0.25), [3, 4]);
    expect(await loaded.evaluate(x, y)).toBeCloseTo((await m.evaluate(x, y)) as number, 6);

    manualSeed(8);
    const fresh = sequential([
      layers.conv2d({ filters: 3, kernelSize: 2, activation: 'relu', inputShape: [5, 5, 2] }),
      layers.maxPooling2d({ padding: 'same' }),
      layers.flatten(),
      layers.dropout({ rate: 0.2 }),
      layers.dense({ units: 4, activation: 'softmax' }),
    ]);
    expect(fresh.predict(x).data).not.toEqual(m.predict(x).data);
    await fresh.loadWeights(path);
    expect(fresh.predict(x).data).toEqual(m.predict(x).data);

    const weights = m.getWeights();
    expect(weights.map((w) => w.shape)).toEqual([[3, 2, 2, 2], [3], [4, 12], [4]]);
    weights[2]!.data.fill(0.5);
    expect(m.getWeights()[2]!.data.some((v) => v !== 0.5)).toBe(true); // copies
    fresh.setWeights(weights);
    expect(fresh.getWeights()[2]!.data.every((v) => v === 0.5)).toBe(true);
    expect(() => fresh.setWeights(weights.slice(1))).toThrow(
      new RangeError('setWeights: expected 4 tensors (as getWeights returns) but received 3'),
    );
  });
});

describe('Keras habits', () => {
  const small = () => sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })]);

  it('summary() prints, as Keras does, and returns the text', () => {
    const printed: string[] = [];
    const m = small();
    const text = m.summary({ printFn: (t) => printed.push(t) });
    expect(printed).toEqual([text]);
    expect(text).toContain('Total params: 9');
  });

  it('saveWeights and loadWeights round-trip', async () => {
    manualSeed(3);
    const a = small();
    const b = small();
    const path = join(dir, 'weights.safetensors');
    await a.saveWeights(path);
    await b.loadWeights(path);
    expect(b.getWeights().map((w) => [...w.data])).toEqual(a.getWeights().map((w) => [...w.data]));
  });

  it('evaluate with returnDict is typed without casts', async () => {
    const m = small();
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const { loss, accuracy } = await m.evaluate(
      [
        [0, 1],
        [1, 0],
      ],
      [0, 2],
      { returnDict: true },
    );
    expect(typeof loss).toBe('number');
    expect(accuracy).toBeGreaterThanOrEqual(0);
  });

  it('a bad rate names rate', () => {
    expect(() => sequential([layers.dropout({ rate: 1.5, inputShape: [2] })])).toThrow(
      new RangeError('Expected number in [0, 1] for rate but received 1.5 of type number'),
    );
  });
});
