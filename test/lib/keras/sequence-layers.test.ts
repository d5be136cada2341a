// layers.embedding and layers.layerNormalization: Keras's defaults (U(-0.05, 0.05), epsilon
// 1e-3), PyTorch's state-dict names, maskZero, axis handling, and a model that trains and reloads.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layers, loadModel, manualSeed, nn, ops, sequential, Tensor } from '../../../lib/index.js';
import { KerasEmbedding, KerasLayerNormalization } from '../../../lib/keras/sequence-layers.js';
import { expectClose } from '../../helpers/expect-close.js';
import { randomFloats } from '../../helpers/rng.js';

describe('layers.embedding', () => {
  it("draws from Keras's U(-0.05, 0.05) and maps (batch, steps) ids to (batch, steps, outputDim)", () => {
    manualSeed(3);
    const model = sequential([layers.embedding({ inputDim: 300, outputDim: 20, inputShape: [6] })]);
    const emb = model.layers[0] as KerasEmbedding;
    expect(emb).toBeInstanceOf(nn.Embedding);
    const w = emb.weight.data;
    expect(Math.max(...w)).toBeLessThan(0.05);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-0.05);
    // The spread of U(-0.05, 0.05) (sd 0.0289), not N(0, 1).
    const sd = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(sd).toBeGreaterThan(0.027);
    expect(sd).toBeLessThan(0.031);
    expect(model.outputShape).toEqual([6, 20]);
    expect(Object.keys(model.module.stateDict())).toEqual(['0.weight']);
    const out = model.predict(new Tensor(Float32Array.of(1, 2, 3, 4, 5, 299), [1, 6]));
    expect(out.shape).toEqual([1, 6, 20]);
  });

  it('takes inputLength for the steps, and other initializers', () => {
    const m = sequential([
      layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 4, embeddingsInitializer: 'zeros' }),
    ]);
    expect(m.inputShape).toEqual([4]);
    expect(m.toConfig().layers[0]!.config).toEqual({
      inputDim: 10,
      outputDim: 3,
      embeddingsInitializer: 'zeros',
      inputShape: [4],
    });
    expect(Array.from((m.layers[0] as KerasEmbedding).weight.data)).toEqual(new Array(30).fill(0));
  });

  it('maskZero marks padding steps (ids 0) for the layers that consume masks', () => {
    const m = sequential([layers.embedding({ inputDim: 10, outputDim: 3, inputShape: [4], maskZero: true })]);
    const emb = m.layers[0] as KerasEmbedding;
    expect(emb.maskZero).toBe(true);
    const mask = emb.computeMask(new Tensor(Float32Array.of(3, 1, 0, 0, 5, 0, 2, 0), [2, 4]))!;
    expect(mask.shape).toEqual([2, 4]);
    expect(Array.from(mask.data)).toEqual([1, 1, 0, 0, 1, 0, 1, 0]);
    expect(new KerasEmbedding(4, 2, 'uniform', false).computeMask(new Tensor(new Float32Array(2), [2]))).toBeNull();
  });

  it('rejects missing and bad options, and options it does not take', () => {
    expect(() => layers.embedding({ outputDim: 3 } as never)).toThrow(
      new TypeError('layers.embedding needs inputDim (the vocabulary size)'),
    );
    expect(() => layers.embedding({ inputDim: 3 } as never)).toThrow(
      new TypeError('layers.embedding needs outputDim (the embedding width)'),
    );
    expect(() => layers.embedding({ inputDim: 0, outputDim: 3 })).toThrow(
      new RangeError('Expected positive integer for inputDim but received 0 of type number'),
    );
    expect(() => layers.embedding({ inputDim: 3, outputDim: 3, embeddingsInitializer: 'glorot' as never })).toThrow(
      RangeError,
    );
    expect(() => layers.embedding({ inputDim: 3, outputDim: 3, mask_zero: true } as never)).toThrow(
      'layers.embedding: unknown option "mask_zero" (did you mean maskZero?)',
    );
    expect(() => layers.embedding({ inputDim: 3, outputDim: 3, inputLength: 2, inputShape: [2] })).toThrow(RangeError);
  });

  it('trains in a model with an index out of range reported by layer', async () => {
    manualSeed(1);
    const model = sequential([
      layers.embedding({ inputDim: 12, outputDim: 4, inputShape: [5] }),
      layers.layerNormalization(),
      layers.flatten(),
      layers.dense({ units: 2 }),
    ]);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const x = new Tensor(
      Float32Array.from({ length: 40 }, (_, i) => (i * 7) % 12),
      [8, 5],
    );
    // Class 1 iff the first id is even: learnable from the embedding.
    const y = new Tensor(
      Float32Array.from({ length: 8 }, (_, i) => (((i * 35) % 12) % 2 === 0 ? 1 : 0)),
      [8],
    );
    const before = (await model.evaluate(x, y)) as number;
    await model.fit(x, y, { epochs: 30, batchSize: 8, verbose: 0 });
    const after = (await model.evaluate(x, y)) as number;
    expect(after).toBeLessThan(before * 0.8);
    expect(() => model.predict(new Tensor(Float32Array.of(0, 1, 2, 3, 12), [1, 5]))).toThrow(
      /Expected integer in \[0, 11\] for the input of Embedding\(12, 4\) at \[0, 4\] but received 12/,
    );
  });
});

describe('layers.layerNormalization', () => {
  it("defaults to epsilon 1e-3 over the last axis with gamma and beta (nn.LayerNorm's 1e-5)", () => {
    const m = sequential([layers.layerNormalization({ inputShape: [3, 8] })]);
    const ln = m.layers[0] as KerasLayerNormalization;
    expect(ln).toBeInstanceOf(nn.LayerNorm);
    expect(ln.eps).toBe(1e-3);
    expect(new nn.LayerNorm(8).eps).toBe(1e-5);
    expect(ln.normalizedShape).toEqual([8]);
    expect(Object.keys(m.module.stateDict())).toEqual(['0.weight', '0.bias']);
    const x = new Tensor(randomFloats(48, 2, -0.1, 0.1), [2, 3, 8]);
    // With small variances the epsilon shows: Keras's 1e-3 differs from 1e-5.
    expectClose(m.predict(x).data, ops.layerNorm(x, 8, { eps: 1e-3 }).data, { atol: 1e-6 });
    expect(Math.abs(m.predict(x).data[0]! - ops.layerNorm(x, 8).data[0]!)).toBeGreaterThan(1e-3);
  });

  it('normalizes over trailing axes given with or without the batch, and drops gamma or beta', () => {
    const both = sequential([layers.layerNormalization({ inputShape: [3, 4], axis: [1, 2] })]);
    expect((both.layers[0] as KerasLayerNormalization).normalizedShape).toEqual([3, 4]);
    const neg = sequential([layers.layerNormalization({ inputShape: [3, 4], axis: [-2, -1] })]);
    expect((neg.layers[0] as KerasLayerNormalization).normalizedShape).toEqual([3, 4]);
    const shiftOnly = sequential([layers.layerNormalization({ inputShape: [4], scale: false })]);
    expect(Object.keys(shiftOnly.module.stateDict())).toEqual(['0.bias']);
    const scaleOnly = sequential([layers.layerNormalization({ inputShape: [4], center: false })]);
    expect(Object.keys(scaleOnly.module.stateDict())).toEqual(['0.weight']);
    const none = sequential([layers.layerNormalization({ inputShape: [4], center: false, scale: false })]);
    expect(none.module.parameters()).toEqual([]);
  });

  it('rejects axes that are not the trailing ones, the batch axis and bad options', () => {
    expect(() => sequential([layers.layerNormalization({ inputShape: [3, 4], axis: 1 })])).toThrow(
      'layers.layerNormalization: axis 1 must name the last axes of samples of shape [3, 4] (e.g. -1 or [-2, -1])',
    );
    expect(() => sequential([layers.layerNormalization({ inputShape: [3, 4], axis: 0 })])).toThrow(
      new RangeError('Expected integer in [-2, 2] other than 0 (the batch) for axis but received 0 of type number'),
    );
    expect(() => layers.layerNormalization({ epsilon: 0 })).toThrow(
      new RangeError('Expected positive number for epsilon but received 0 of type number'),
    );
    expect(() => layers.layerNormalization({ rmsScaling: true } as never)).toThrow(/unknown option "rmsScaling"/);
  });

  it('saves and reloads with its configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dropnet-seq-'));
    const model = sequential([
      layers.embedding({ inputDim: 9, outputDim: 4, inputShape: [3], maskZero: true }),
      layers.layerNormalization({ epsilon: 1e-4, center: false }),
    ]);
    const file = join(dir, 'model.safetensors');
    await model.save(file);
    const again = await loadModel(file);
    const x = new Tensor(Float32Array.of(1, 0, 8), [1, 3]);
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    expect((again.layers[0] as KerasEmbedding).maskZero).toBe(true);
    expect((again.layers[1] as KerasLayerNormalization).eps).toBe(1e-4);
  });
});
