/**
 * nn.LayerNorm (LayerNormalization from opset 17, its definition below) and nn.Embedding /
 * EmbeddingDropout (Cast + Gather) exported and run in ONNX Runtime against dropnet's eval output.
 */
import { describe, expect, test } from 'vitest';
import { io, layers, nn, sequential, Tensor } from '../../../../lib/index.js';
import type { Generator } from '../../../../lib/random.js';
import { expectOnnxMatches } from '../../../helpers/onnx.js';

/** Non-default affine parameters, as after training. */
function trained<M extends nn.Module>(m: M): M {
  for (const [, t] of m.namedParameters() as [string, Tensor][])
    t.data.forEach((_, i, d) => {
      d[i] = 0.5 + Math.sin(i + d.length);
    });
  return m;
}

describe('LayerNorm', () => {
  const cases: [string, () => nn.Module, number[]][] = [
    ['LayerNorm(7)', () => trained(new nn.LayerNorm(7)), [7]],
    ['LayerNorm(5) over (steps, features)', () => trained(new nn.LayerNorm(5)), [3, 5]],
    ['LayerNorm([3, 4]), eps 1e-3', () => trained(new nn.LayerNorm([3, 4], { eps: 1e-3 })), [2, 3, 4]],
    ['LayerNorm(1)', () => trained(new nn.LayerNorm(1)), [3, 1]],
    ['LayerNorm(6) without affine parameters', () => new nn.LayerNorm(6, { elementwiseAffine: false }), [6]],
    ['LayerNorm(6) without bias', () => trained(new nn.LayerNorm(6, { bias: false })), [2, 6]],
  ];
  for (const [name, make, sample] of cases) {
    for (const opset of [13, 16, 17, 18]) {
      const form = opset >= 17 ? 'LayerNormalization' : 'ReduceMean, Sub, Mul, Add, Sqrt, Div';
      test(`${name} at opset ${opset} exports as ${form}`, async () => {
        // Inputs far from zero mean and unit variance.
        const makeInput = (shape: number[], g: Generator): Tensor => {
          const d = g.normal(new Float32Array(shape.reduce((a, b) => a * b, 1)));
          return new Tensor(
            d.map((v) => 3 + 5 * v),
            shape,
          );
        };
        const ops = await expectOnnxMatches(make(), sample, { opset, makeInput });
        if (opset >= 17) expect(ops.filter((op) => op !== 'Identity')).toEqual(['LayerNormalization']);
        else expect(ops.slice(0, 6)).toEqual(['ReduceMean', 'Sub', 'Mul', 'ReduceMean', 'Add', 'Sqrt']);
      });
    }
  }

  test('a Keras layerNormalization (epsilon 1e-3) after a dense layer', async () => {
    const model = sequential([layers.dense({ units: 5, inputShape: [4] }), layers.layerNormalization()]);
    expect(await expectOnnxMatches(model, [4], { reference: model.module })).toEqual(['Gemm', 'LayerNormalization']);
  });
});

/** Random ids in [0, vocab) of `shape`. */
function ids(vocab: number): (shape: number[], g: Generator) => Tensor {
  return (shape, g) =>
    new Tensor(g.uniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), 0, vocab).map(Math.floor), shape);
}

describe('Embedding', () => {
  const cases: [string, () => nn.Module, number[]][] = [
    ['Embedding(13, 5) of (batch, 7) ids', () => new nn.Embedding(13, 5), [7]],
    ['Embedding(1, 3) of (batch, 1) ids', () => new nn.Embedding(1, 3), [1]],
    ['Embedding(9, 4) of (batch, 3, 2) ids, paddingIdx 0', () => new nn.Embedding(9, 4, { paddingIdx: 0 }), [3, 2]],
    [
      'EmbeddingDropout(p 0.5) (the plain lookup in eval)',
      () => new nn.EmbeddingDropout(new nn.Embedding(13, 5), 0.5),
      [7],
    ],
  ];
  for (const [name, make, sample] of cases) {
    test(`${name} exports as Cast, Gather`, async () => {
      const vocab = (make() as unknown as { weight: Tensor }).weight.shape[0]!;
      const ops = await expectOnnxMatches(make(), sample, { inputIds: vocab, makeInput: ids(vocab) });
      expect(ops).toEqual(['Cast', 'Gather']);
    });
  }

  for (const [normType, opset] of [
    [2, 17],
    [2, 18],
    [1, 13],
    [1, 18],
    [3, 17],
    [Infinity, 17],
    [Infinity, 18],
  ] as const) {
    test(`maxNorm 1 with normType ${normType} at opset ${opset}: the looked-up rows are scaled as dropnet scales them`, async () => {
      const layer = new nn.Embedding(17, 6, { maxNorm: 1, normType });
      // Rows well above and below the limit.
      layer.weight.data.forEach((_, i, d) => {
        d[i] = (Math.floor(i / 6) % 2 === 0 ? 2 : 0.05) * Math.cos(i);
      });
      const ops = await expectOnnxMatches(layer, [9], { inputIds: 17, makeInput: ids(17), opset });
      expect(ops).toContain('Where');
      expect(ops.slice(0, 2)).toEqual(['Cast', 'Gather']);
    });
  }

  test('an embedding followed by dropout and a linear layer, one file at batch 1 and 64', async () => {
    const model = new nn.Sequential(
      new nn.Embedding(20, 8),
      new nn.Dropout(0.3),
      new nn.Flatten(),
      new nn.Linear(8 * 5, 3),
    );
    const ops = await expectOnnxMatches(model, [5], { inputIds: 20, makeInput: ids(20), batches: [1, 64] });
    expect(ops).toEqual(['Cast', 'Gather', 'Reshape', 'Gemm']);
  });

  test('a Keras model: embedding, flatten, dense', async () => {
    const model = sequential([
      layers.embedding({ inputDim: 12, outputDim: 3, embeddingsInitializer: 'randomNormal', inputLength: 4 }),
      layers.flatten(),
      layers.dense({ units: 2, activation: 'tanh' }),
    ]);
    const ops = await expectOnnxMatches(model, [4], { inputIds: 12, makeInput: ids(12), reference: model.module });
    expect(ops).toEqual(['Cast', 'Gather', 'Reshape', 'Gemm', 'Tanh']);
  });

  test('without inputIds a model that starts with an Embedding is traced with ids below its table size', async () => {
    const model = new nn.Sequential(new nn.Embedding(5, 2), new nn.Flatten(), new nn.Linear(6, 2));
    expect(await expectOnnxMatches(model, [3], { makeInput: ids(5) })).toEqual(['Cast', 'Gather', 'Reshape', 'Gemm']);
    const keras = sequential([layers.embedding({ inputDim: 7, outputDim: 3, inputLength: 4 }), layers.flatten()]);
    expect(io.onnxModel(keras, {}).graph.nodes.map((n) => n.opType)).toEqual(['Cast', 'Gather', 'Reshape']);
  });

  test('an Embedding that is not the first layer still refuses the normal values the traces feed, naming itself', () => {
    const model = new nn.Sequential(new nn.Identity(), new nn.Embedding(5, 2));
    expect(() => io.toOnnx(model, { inputShape: [-1, 3] })).toThrow(/the input of Embedding\(5, 2\)/);
  });
});
