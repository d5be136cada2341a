/**
 * The exporter end to end: the seed models at batch 1 and 64 through one dynamic-batch file,
 * a Module whose forward calls dropnet's ops directly, Keras models, opsets, the file on disk,
 * the errors for what cannot be exported, and what exporting must leave alone.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildModel as buildKeras } from '../../../../examples/keras.js';
import { buildModel as buildMlp } from '../../../../examples/mlp.js';
import { SimpleModelWithDropout } from '../../../../examples/simple-model-with-dropout.js';
import {
  io,
  layers,
  manualSeed,
  nn,
  noGrad,
  ops,
  Parameter,
  randn,
  sequential,
  Tensor,
  tensor,
} from '../../../../lib/index.js';
import { expectClose } from '../../../helpers/expect-close.js';
import { ATOL, expectOnnxMatches, RTOL, runSession, session } from '../../../helpers/onnx.js';

const dir = mkdtempSync(join(tmpdir(), 'dropnet-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Dropout(0.25),
    new nn.Flatten(),
    new nn.Linear(8 * 14 * 14, 10),
  );
}

describe('seed models, one file run at batch 1 and 64', () => {
  test('the MLP with dropout (Linear, ReLU, Dropout, Linear)', async () => {
    expect(await expectOnnxMatches(buildMlp(), [20], { batches: [1, 64] })).toEqual(['Gemm', 'Relu', 'Gemm']);
  });

  test('the Module subclass with a hand-written forward (SimpleModelWithDropout)', async () => {
    expect(await expectOnnxMatches(new SimpleModelWithDropout(), [16], { batches: [1, 64] })).toEqual([
      'Gemm',
      'Relu',
      'Gemm',
    ]);
  });

  test('the CNN (Conv2d, ReLU, MaxPool2d, Dropout, Flatten, Linear)', async () => {
    const got = await expectOnnxMatches(cnn(), [1, 28, 28], { batches: [1, 64] });
    expect(got).toEqual(['Conv', 'Relu', 'MaxPool', 'Reshape', 'Gemm']);
  });

  test('the Keras model (dense relu, dropout, dense relu, dropout, dense softmax)', async () => {
    const model = buildKeras();
    const got = await expectOnnxMatches(model, [100], { batches: [1, 64], reference: model.module });
    expect(got).toEqual(['Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Softmax']);
  });

  test('the graph declares a symbolic batch on input and output', () => {
    const g = io.onnxModel(cnn(), { inputShape: [-1, 1, 28, 28] }).graph;
    expect(g.inputs).toEqual([{ name: 'input', dims: ['batch', 1, 28, 28] }]);
    expect(g.outputs).toEqual([{ name: 'output', dims: ['batch', 10] }]);
    // Each node says which layer it came from.
    expect(g.nodes.map((n) => n.doc.replace(/\(.*\)/, '(…)'))).toEqual([
      'layer 0 (…): conv2d',
      'layer 1 (…): relu',
      'layer 2 (…): maxPool2d',
      'layer 4 (…): reshape',
      'layer 5 (…): linear',
    ]);
    // Weights under their state-dict names, and Flatten's target shape with -1 for the batch.
    expect(g.initializers.map((t) => t.name)).toEqual([
      '0.weight',
      '0.bias',
      '4/reshape_3_const',
      '5.weight',
      '5.bias',
    ]);
    expect(Array.from(g.initializers[2]!.data as BigInt64Array)).toEqual([-1n, 8n * 14n * 14n]);
  });
});

test('a Keras CNN, channels last, with same padding and batch normalization', async () => {
  const model = sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [9, 9, 2] }),
    layers.batchNormalization(),
    layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
    layers.flatten(),
    layers.dense({ units: 3, activation: 'gelu' }),
  ]);
  // Running statistics that are not 0 and 1, as after training.
  for (const [name, t] of model.module.namedBuffers())
    if (!name.endsWith('tracked'))
      t.data.forEach((_, i, d) => {
        d[i] = name.endsWith('var') ? 1.5 + i : 0.1 * i;
      });
  const got = await expectOnnxMatches(model, [9, 9, 2], { reference: model.module });
  expect(got).toContain('BatchNormalization');
  expect(got).toContain('MaxPool');
});

/** A forward written with dropnet's functional ops, parameters and a constant. */
class Functional extends nn.Module {
  fc = new nn.Linear(6, 6);
  offset = new Parameter(randn([6]));
  w = new Parameter(randn([4, 5]));

  forward(x: Tensor): Tensor {
    const h = ops.add(this.fc.call(x), this.offset);
    const a = ops.add(ops.mul(h, 2), 1);
    const b = ops.sub(3, ops.div(h, ops.add(ops.exp(x), 1)));
    const c = ops.pow(ops.clamp(a, -1, 2), 2);
    const d = ops.neg(ops.log(ops.add(ops.exp(ops.clamp(b, null, 5)), 1)));
    const e = ops.concat([c, d], 1);
    const f = ops.transpose(ops.reshape(e, [-1, 3, 4]), 1, 2);
    const g = ops.mean(f, 2, true);
    const s = ops.sum(ops.mul(f, tensor([0.5, -1, 2])), [1, 2]);
    const r = ops.matmul(ops.flatten(g, 1), this.w);
    return ops.softmax(ops.add(ops.leakyRelu(r, 0.1), ops.reshape(s, [-1, 1])), 1);
  }
}

describe('a Module whose forward calls ops directly', () => {
  test('arithmetic, broadcasting, layout, reductions and a constant export and match', async () => {
    const ops = await expectOnnxMatches(new Functional(), [6], { batches: [1, 4, 64] });
    for (const op of [
      'Add',
      'Mul',
      'Sub',
      'Div',
      'Exp',
      'Log',
      'Neg',
      'Pow',
      'Clip',
      'Concat',
      'Reshape',
      'Transpose',
      'ReduceMean',
      'ReduceSum',
      'MatMul',
      'LeakyRelu',
      'Softmax',
    ]) {
      expect(ops).toContain(op);
    }
  });

  for (const opset of [13, 17, 18, 21]) {
    test(`opset ${opset} writes a file the runtime runs (ReduceMean's axes as ${opset >= 18 ? 'an input' : 'an attribute'})`, async () => {
      await expectOnnxMatches(new Functional(), [6], { opset });
      const mean = io
        .onnxModel(new Functional(), { inputShape: [-1, 6], opset })
        .graph.nodes.find((n) => n.opType === 'ReduceMean')!;
      expect(mean.inputs.length).toBe(opset >= 18 ? 2 : 1);
      expect('axes' in mean.attributes).toBe(opset < 18);
    });
  }
});

describe('files and options', () => {
  test('exportOnnx writes the bytes toOnnx returns, and ONNX Runtime runs the file', async () => {
    const model = buildMlp();
    const path = join(dir, 'mlp.onnx');
    await io.exportOnnx(model, path, { inputShape: [-1, 20] });
    const bytes = new Uint8Array(readFileSync(path));
    expect(bytes).toEqual(io.toOnnx(model, { inputShape: [-1, 20] }));
    const x = randn([3, 20]);
    const got = await runSession(await session(bytes), x);
    model.eval();
    expect(got.dims).toEqual([3, 2]);
    expectClose(got.data, noGrad(() => model.call(x)).data, { rtol: RTOL, atol: ATOL });
  });

  test('a built model needs no inputShape', async () => {
    const model = buildMlp();
    model.build([-1, 20]);
    expect(io.onnxModel(model).graph.inputs[0]!.dims).toEqual(['batch', 20]);
    await session(io.toOnnx(model));
  });

  test('dynamicBatch: false fixes the batch size in the graph', async () => {
    const model = buildMlp();
    const g = io.onnxModel(model, { inputShape: [7, 20], dynamicBatch: false }).graph;
    expect(g.inputs[0]!.dims).toEqual([7, 20]);
    expect(g.outputs[0]!.dims).toEqual([7, 2]);
    await expectOnnxMatches(model, [20], { inputShape: [7, 20], dynamicBatch: false, batches: [7] });
  });

  test('the model keeps its modes, its methods and the random state', () => {
    const model = new SimpleModelWithDropout();
    model.train();
    model.dropout.eval();
    manualSeed(5);
    const before = randn([4]).data;
    manualSeed(5);
    io.toOnnx(model, { inputShape: [-1, 16] });
    expect(randn([4]).data).toEqual(before);
    expect([model.training, model.fc1.training, model.dropout.training]).toEqual([true, true, false]);
    for (const m of model.modules()) expect(Object.getOwnPropertyDescriptor(m, 'forward')).toBeUndefined();
  });

  test('options are checked', () => {
    const model = buildMlp();
    expect(() => io.toOnnx(model)).toThrow(/not been built; pass options.inputShape/);
    expect(() => io.toOnnx(model, { inputShape: [-1, 20], opset: 12 })).toThrow(RangeError);
    expect(() => io.toOnnx(model, { inputShape: [-1, 20], opset: '17' as never })).toThrow(TypeError);
    expect(() => io.toOnnx(model, { inputShape: [-1, 0] })).toThrow(/inputShape/);
    expect(() => io.toOnnx(model, { inputShape: [-1, 20], dynamicBatch: false })).toThrow(
      /not -1\) when dynamicBatch is false/,
    );
    expect(() => io.toOnnx(model, { inputShape: [-1, 20], batch: 3 } as never)).toThrow(/options/);
    expect(() => io.toOnnx({} as never, { inputShape: [-1, 20] })).toThrow(/nn.Module or Keras model/);
    expect(() => io.toOnnx(model, { inputShape: [-1, 21] })).toThrow(/Linear\(20→64\)/);
  });

  test('exportOnnx rejects a bad path before tracing', async () => {
    await expect(io.exportOnnx(buildMlp(), '' as never, { inputShape: [-1, 20] })).rejects.toThrow(TypeError);
  });
});

test('a gather that reverses, slices or permutes one axis exports as Gather', async () => {
  class Picks extends nn.Module {
    forward(x: Tensor): Tensor {
      const [b, t, f] = x.shape as [number, number, number];
      const pick = (along: number, positions: number[], shape: number[]): Tensor => {
        const inner = shape.slice(along + 1).reduce((p, s) => p * s, 1);
        const data = new Float32Array(shape.reduce((p, s) => p * s, 1));
        data.forEach((_, p) => (data[p] = positions[Math.floor(p / inner) % positions.length]!));
        return ops.gather(x, along, new Tensor(data, shape));
      };
      const reversed = pick(1, [...Array(t).keys()].reverse(), [b, t, f]);
      const sliced = pick(2, [3, 1], [b, t, 2]);
      return ops.concat([reversed, sliced], 2);
    }
  }
  expect(await expectOnnxMatches(new Picks(), [5, 4])).toEqual(['Gather', 'Gather', 'Concat']);
});

test('max, min, argmax and argmin along a dim export as ReduceMax, ReduceMin, ArgMax, ArgMin (opsets 13 and 18)', async () => {
  class Extremes extends nn.Module {
    forward(x: Tensor): Tensor {
      const [top, where] = ops.max(x, 2);
      const low = ops.min(x, 1, true).values;
      return ops.concat([top, where, ops.argmin(x, 2), ops.reshape(low, [-1, 5])], 1);
    }
  }
  for (const opset of [13, 18]) {
    const ops_ = await expectOnnxMatches(new Extremes(), [3, 5], { opset });
    expect(ops_.filter((op) => /Reduce|Arg/.test(op))).toEqual(['ReduceMax', 'ArgMax', 'ReduceMin', 'ArgMin']);
  }
});

describe('what cannot be exported is an error naming the op and the layer', () => {
  class Gathers extends nn.Module {
    fc = new nn.Linear(4, 4);
    forward(x: Tensor): Tensor {
      return ops.gather(this.fc.call(x), 1, new Tensor(new Float32Array(4), [1, 4]));
    }
  }

  test('a gather whose index ONNX cannot express (it does not span the batch)', async () => {
    const model = new nn.Sequential(new nn.Linear(4, 4), new Gathers());
    const path = join(dir, 'gather.onnx');
    let error: unknown;
    await io.exportOnnx(model, path, { inputShape: [2, 4], dynamicBatch: false }).catch((e: unknown) => {
      error = e;
    });
    expect(error).toBeInstanceOf(io.OnnxExportError);
    expect((error as Error).message).toBe(
      'cannot export op gather in layer 1 (Gathers): its index does not pick the same positions along dim 1 at every ' +
        'other position for every batch size (only a reversal, slice or permutation of one axis exports, as ONNX Gather)',
    );
    expect([(error as io.OnnxExportError).op, (error as io.OnnxExportError).layer]).toEqual(['gather', '1']);
    expect(existsSync(path), 'no file is written').toBe(false);
  });

  test('a layer that computes its output outside the traced ops is not exportable yet', () => {
    class Opaque extends nn.Module {
      forward(x: Tensor): Tensor {
        return new Tensor(
          x.data.map((v) => v * 2),
          x.shape,
        );
      }
    }
    const model = new nn.Sequential(new nn.Linear(3, 3), new Opaque());
    expect(() => io.toOnnx(model, { inputShape: [-1, 3] })).toThrow(
      'layer 1 (Opaque) is not exportable to ONNX yet: its forward computes its output without the ops the exporter can trace',
    );
  });

  test('a tensor that depends on the input but bypassed the traced ops', () => {
    class Leaky extends nn.Module {
      forward(x: Tensor): Tensor {
        return ops.add(x, new Tensor(x.data.slice(), x.shape));
      }
    }
    expect(() => io.toOnnx(new Leaky(), { inputShape: [2, 3], dynamicBatch: false })).toThrow(
      "cannot export op add in the model (Leaky): its input 1 depends on the model's input (its values or its batch size) but was not computed by an op the exporter can trace",
    );
  });

  test('a constant whose shape follows the batch size', () => {
    class BatchConstant extends nn.Module {
      forward(x: Tensor): Tensor {
        return ops.add(x, new Tensor(new Float32Array(x.size), x.shape));
      }
    }
    expect(() => io.toOnnx(new BatchConstant(), { inputShape: [-1, 3] })).toThrow(
      /cannot export op add in the model \(BatchConstant\): its input 1 depends on the model's input \(its values or its batch size\)/,
    );
    // With a fixed batch the same constant is a constant.
    expect(
      io
        .onnxModel(new BatchConstant(), { inputShape: [2, 3], dynamicBatch: false })
        .graph.initializers.map((t) => t.name),
    ).toEqual(['add_const']);
  });

  test('dropout forced into training mode inside an eval trace', () => {
    class AlwaysDrops extends nn.Module {
      forward(x: Tensor): Tensor {
        return ops.dropout(x, { p: 0.5, training: true });
      }
    }
    expect(() => io.toOnnx(new nn.Sequential(new nn.Linear(3, 3), new AlwaysDrops()), { inputShape: [-1, 3] })).toThrow(
      /cannot export op dropout in layer 1 \(AlwaysDrops\): it ran in training mode/,
    );
  });

  test('batch norm without running statistics', () => {
    const model = new nn.Sequential(new nn.BatchNorm1d(3, { trackRunningStats: false }));
    expect(() => io.toOnnx(model, { inputShape: [-1, 3] })).toThrow(
      /cannot export op batchNorm in layer 0 \(BatchNorm1d.*\): it normalized with batch statistics/,
    );
  });

  test('adaptive pooling to a size that does not divide the input', () => {
    expect(() => io.toOnnx(new nn.Sequential(new nn.AdaptiveAvgPool2d(3)), { inputShape: [-1, 2, 7, 7] })).toThrow(
      /cannot export op adaptiveAvgPool2d in layer 0 .*3x3 does not divide the input's 7x7/,
    );
  });
});

describe('every Keras facade layer exports', () => {
  const cases: [string, () => ReturnType<typeof sequential>, number[], string[]][] = [
    [
      'lstm, returnSequences, then dense',
      () =>
        sequential([
          layers.lstm({ units: 4, returnSequences: true, recurrentDropout: 0.2, inputShape: [5, 3] }),
          layers.dense({ units: 2 }),
        ]),
      [5, 3],
      ['LSTM'],
    ],
    [
      'gru (resetAfter)',
      () => sequential([layers.gru({ units: 4, dropout: 0.3, inputShape: [6, 2] })]),
      [6, 2],
      ['GRU'],
    ],
    ['simpleRNN', () => sequential([layers.simpleRNN({ units: 3, inputShape: [4, 5] })]), [4, 5], ['RNN']],
    [
      'bidirectional lstm, goBackwards gru',
      () =>
        sequential([
          layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }), inputShape: [5, 2] }),
          layers.gru({ units: 2, goBackwards: true }),
        ]),
      [5, 2],
      ['LSTM', 'GRU'],
    ],
    [
      'the dropout and noise layers and activation',
      () =>
        sequential([
          layers.inputLayer({ inputShape: [6, 4] }),
          layers.spatialDropout1d({ rate: 0.3 }),
          layers.dense({ units: 4 }),
          layers.activation({ activation: 'tanh' }),
          layers.alphaDropout({ rate: 0.2 }),
          layers.gaussianNoise({ stddev: 0.1 }),
          layers.gaussianDropout({ rate: 0.2 }),
          layers.dropout({ rate: 0.5 }),
        ]),
      [6, 4],
      ['Tanh'],
    ],
    [
      'spatialDropout2d and spatialDropout3d',
      () =>
        sequential([
          layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [4, 4, 3] }),
          layers.spatialDropout2d({ rate: 0.3 }),
        ]),
      [4, 4, 3],
      ['Conv'],
    ],
  ];
  for (const [name, make, sample, expected] of cases) {
    test(name, async () => {
      const model = make();
      const ops = await expectOnnxMatches(model, sample, { reference: model.module });
      for (const op of expected) expect(ops).toContain(op);
      expect(ops.some((op) => /dropout|noise/i.test(op))).toBe(false);
    });
  }

  test('spatialDropout3d adds no node', async () => {
    const model = sequential([
      layers.spatialDropout3d({ rate: 0.3, inputShape: [2, 3, 4, 2] }),
      layers.flatten(),
      layers.dense({ units: 2 }),
    ]);
    expect(await expectOnnxMatches(model, [2, 3, 4, 2], { reference: model.module })).not.toContain('Dropout');
  });
});
