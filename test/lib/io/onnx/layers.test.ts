/**
 * Every exportable layer type, exported and run in ONNX Runtime against dropnet's eval output
 * (rtol 1e-5, atol 1e-6) at batch sizes 1 and 5 through one dynamic-batch file.
 */
import { describe, expect, test } from 'vitest';
import { Generator, io, nn, Tensor } from '../../../../lib/index.js';
import { expectOnnxMatches } from '../../../helpers/onnx.js';

/** Gives BatchNorm running statistics and affine parameters that are not the defaults. */
function trained<M extends nn.Module>(m: M): M {
  for (const [name, t] of [...m.namedParameters(), ...m.namedBuffers()] as [string, Tensor][]) {
    if (name.endsWith('num_batches_tracked')) continue;
    const d = t.data;
    for (let i = 0; i < d.length; i++)
      d[i] = name.endsWith('running_var') ? 0.5 + ((i * 7) % 5) / 4 : Math.sin(i + d.length) * 0.5;
  }
  return m;
}

describe('linear', () => {
  test('Linear with bias exports as Gemm', async () => {
    const ops = await expectOnnxMatches(new nn.Linear(7, 5), [7]);
    expect(ops).toEqual(['Gemm']);
  });

  test('Linear without bias exports as a two-input Gemm', async () => {
    expect(await expectOnnxMatches(new nn.Linear(7, 5, { bias: false }), [7])).toEqual(['Gemm']);
  });

  test('Linear on a rank-3 input exports as MatMul with the weight transposed, then Add', async () => {
    expect(await expectOnnxMatches(new nn.Linear(6, 4), [3, 6])).toEqual(['Transpose', 'MatMul', 'Add']);
  });

  test('DropConnect exports as its linear layer (the identity mask in eval)', async () => {
    expect(await expectOnnxMatches(new nn.DropConnect(6, 4, { p: 0.5 }), [6])).toEqual(['Gemm']);
  });
});

describe('activations', () => {
  const cases: [string, () => nn.Module, string[]][] = [
    ['ReLU', () => new nn.ReLU(), ['Relu']],
    ['LeakyReLU(0.2)', () => new nn.LeakyReLU(0.2), ['LeakyRelu']],
    ['Sigmoid', () => new nn.Sigmoid(), ['Sigmoid']],
    ['Tanh', () => new nn.Tanh(), ['Tanh']],
    ['GELU', () => new nn.GELU(), ['Mul', 'Erf', 'Mul', 'Add', 'Mul']],
    ['ELU(0.7)', () => new nn.ELU(0.7), ['Elu']],
    ['SELU', () => new nn.SELU(), ['Selu']],
    ['Softplus', () => new nn.Softplus(), ['Softplus']],
    ['Softmax(1)', () => new nn.Softmax(1), ['Softmax']],
    ['LogSoftmax(1)', () => new nn.LogSoftmax(1), ['LogSoftmax']],
    ['Identity', () => new nn.Identity(), ['Identity']],
  ];
  for (const [name, make, ops] of cases) {
    test(`${name} exports as ${ops.join(', ')}`, async () => {
      // Scaled inputs reach the saturated and the linear ranges of each function.
      expect(await expectOnnxMatches(make(), [9], { makeInput: (shape, g) => scaled(shape, g, 4) })).toEqual(ops);
    });
  }

  test('Softmax over the channel dimension of an image batch', async () => {
    expect(await expectOnnxMatches(new nn.Softmax(1), [3, 2, 2])).toEqual(['Softmax']);
  });
});

describe('convolution and pooling', () => {
  const conv: [string, () => nn.Module, number[]][] = [
    ['Conv2d 3x3', () => new nn.Conv2d(3, 4, 3), [3, 7, 6]],
    ['Conv2d stride 2, padding 1', () => new nn.Conv2d(2, 5, 3, { stride: 2, padding: 1 }), [2, 9, 8]],
    [
      'Conv2d dilation 2, padding [2, 1], no bias',
      () => new nn.Conv2d(2, 3, [3, 2], { dilation: 2, padding: [2, 1], bias: false }),
      [2, 8, 9],
    ],
    ['Conv2d groups 2', () => new nn.Conv2d(4, 6, 3, { groups: 2, padding: 1 }), [4, 5, 5]],
    ['Conv2d depthwise', () => new nn.Conv2d(3, 3, 3, { groups: 3 }), [3, 6, 6]],
    [
      'Conv2d padding same (even kernel: asymmetric pads)',
      () => new nn.Conv2d(2, 3, 4, { padding: 'same' }),
      [2, 7, 7],
    ],
    ['Conv1d stride 2, padding 2', () => new nn.Conv1d(3, 4, 3, { stride: 2, padding: 2 }), [3, 11]],
  ];
  for (const [name, make, sample] of conv) {
    test(`${name} exports as Conv`, async () => {
      expect(await expectOnnxMatches(make(), sample)).toContain('Conv');
    });
  }

  const pools: [string, () => nn.Module, number[], string][] = [
    ['MaxPool2d(2)', () => new nn.MaxPool2d(2), [3, 8, 7], 'MaxPool'],
    ['MaxPool2d(3, stride 2, padding 1)', () => new nn.MaxPool2d(3, { stride: 2, padding: 1 }), [2, 9, 9], 'MaxPool'],
    ['MaxPool2d(2, dilation 2)', () => new nn.MaxPool2d(2, { dilation: 2 }), [2, 9, 8], 'MaxPool'],
    [
      'MaxPool2d(3, stride 2, ceilMode)',
      () => new nn.MaxPool2d(3, { stride: 2, ceilMode: true }),
      [2, 8, 10],
      'MaxPool',
    ],
    ['AvgPool2d(2)', () => new nn.AvgPool2d(2), [3, 8, 6], 'AveragePool'],
    [
      'AvgPool2d(3, stride 2, padding 1)',
      () => new nn.AvgPool2d(3, { stride: 2, padding: 1 }),
      [2, 9, 9],
      'AveragePool',
    ],
    [
      'AvgPool2d(3, padding 1, countIncludePad false)',
      () => new nn.AvgPool2d(3, { padding: 1, countIncludePad: false }),
      [2, 7, 7],
      'AveragePool',
    ],
    ['AdaptiveAvgPool2d(1)', () => new nn.AdaptiveAvgPool2d(1), [4, 5, 7], 'GlobalAveragePool'],
    [
      'AdaptiveAvgPool2d([2, 3]) of an evenly divided input',
      () => new nn.AdaptiveAvgPool2d([2, 3]),
      [2, 6, 9],
      'AveragePool',
    ],
    ['MaxPool1d(2)', () => new nn.MaxPool1d(2), [3, 9], 'MaxPool'],
    ['AvgPool1d(3, stride 2)', () => new nn.AvgPool1d(3, { stride: 2 }), [3, 11], 'AveragePool'],
    ['AdaptiveAvgPool1d(1)', () => new nn.AdaptiveAvgPool1d(1), [3, 10], 'GlobalAveragePool'],
  ];
  for (const [name, make, sample, op] of pools) {
    test(`${name} exports as ${op}`, async () => {
      expect(await expectOnnxMatches(make(), sample)).toContain(op);
    });
  }
});

describe('normalization, reshaping', () => {
  test('BatchNorm1d with trained statistics exports as BatchNormalization', async () => {
    expect(await expectOnnxMatches(trained(new nn.BatchNorm1d(6)), [6])).toEqual(['BatchNormalization']);
  });

  test('BatchNorm2d with trained statistics exports as BatchNormalization', async () => {
    expect(await expectOnnxMatches(trained(new nn.BatchNorm2d(3, { eps: 1e-3 })), [3, 4, 5])).toEqual([
      'BatchNormalization',
    ]);
  });

  test('BatchNorm2d without affine parameters gets constant scale and shift', async () => {
    expect(await expectOnnxMatches(trained(new nn.BatchNorm2d(3, { affine: false })), [3, 4, 4])).toEqual([
      'BatchNormalization',
    ]);
  });

  test('Flatten exports as a Reshape with -1 for the batch', async () => {
    expect(await expectOnnxMatches(new nn.Flatten(), [3, 4, 5])).toEqual(['Reshape']);
  });
});

describe('the dropout family is the identity', () => {
  const layers: [string, () => nn.Module, number[]][] = [
    ['Dropout', () => new nn.Dropout(0.5), [8]],
    ['Dropout1d', () => new nn.Dropout1d(0.5), [3, 8]],
    ['Dropout2d', () => new nn.Dropout2d(0.3), [3, 4, 4]],
    ['Dropout3d', () => new nn.Dropout3d(0.3), [2, 3, 4, 4]],
    ['SpatialDropout1d', () => new nn.SpatialDropout1d(0.4), [5, 3]],
    ['SpatialDropout2d', () => new nn.SpatialDropout2d(0.4), [3, 4, 4]],
    ['AlphaDropout', () => new nn.AlphaDropout(0.2), [8]],
    ['FeatureAlphaDropout', () => new nn.FeatureAlphaDropout(0.2), [3, 4]],
    ['GaussianDropout', () => new nn.GaussianDropout(0.3), [8]],
    ['GaussianNoise', () => new nn.GaussianNoise(0.3), [8]],
  ];
  for (const [name, make, sample] of layers) {
    test(`${name} between two Linear layers adds no node`, async () => {
      const width = sample[sample.length - 1]!;
      const model = new nn.Sequential(new nn.Linear(width, width), make(), new nn.Linear(width, 2));
      const ops = await expectOnnxMatches(model, sample);
      expect(ops.filter((op) => op !== 'Gemm' && op !== 'Transpose' && op !== 'MatMul' && op !== 'Add')).toEqual([]);
    });
  }
});

function scaled(shape: number[], g: Generator, by: number): Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  g.normal(data);
  for (let i = 0; i < data.length; i++) data[i]! *= by;
  return new Tensor(data, shape);
}

describe('random layer chains', () => {
  /** A small LCG: the chains are the same on every run. */
  function lcg(seed: number): (n: number) => number {
    let s = seed >>> 0;
    return (n) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s % n;
    };
  }

  function imageChain(pick: (n: number) => number): { model: nn.Sequential; sample: number[] } {
    let c = 1 + pick(3);
    let h = 8 + pick(5);
    let w = 8 + pick(5);
    const sample = [c, h, w];
    const mods: nn.Module[] = [];
    for (let i = 0; i < 3; i++) {
      // Shrinking layers only while the image is at least 4x4, so no size reaches 0.
      switch (Math.min(h, w) >= 4 ? pick(5) : 3 + pick(2)) {
        case 0: {
          const k = 1 + pick(3);
          const out = 1 + pick(4);
          const padding = pick(2);
          mods.push(new nn.Conv2d(c, out, k, { padding, stride: 1 + pick(2) }));
          const stride = (mods.at(-1) as nn.Conv2d).stride[0];
          h = Math.floor((h + 2 * padding - k) / stride) + 1;
          w = Math.floor((w + 2 * padding - k) / stride) + 1;
          c = out;
          break;
        }
        case 1:
          mods.push(new nn.MaxPool2d(2));
          h = Math.floor(h / 2);
          w = Math.floor(w / 2);
          break;
        case 2:
          mods.push(new nn.AvgPool2d(2));
          h = Math.floor(h / 2);
          w = Math.floor(w / 2);
          break;
        case 3:
          mods.push(trained(new nn.BatchNorm2d(c)));
          break;
        default:
          mods.push([new nn.ReLU(), new nn.Dropout2d(0.3), new nn.ELU(), new nn.Tanh()][pick(4)]!);
      }
    }
    mods.push(
      new nn.Flatten(),
      new nn.Linear(c * h * w, 4),
      [new nn.Softmax(1), new nn.LogSoftmax(1), new nn.Sigmoid()][pick(3)]!,
    );
    return { model: new nn.Sequential(...mods), sample };
  }

  for (let seed = 1; seed <= 8; seed++) {
    test(`chain ${seed}: convolutions, pools, normalization and activations export and match`, async () => {
      const { model, sample } = imageChain(lcg(seed));
      const ops = await expectOnnxMatches(model, sample, { batches: [1, 3] });
      // any constructor: the count only uses instanceof
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor signature
      const count = (cls: abstract new (...a: any[]) => nn.Module): number =>
        model.children().filter((m) => m instanceof cls).length;
      expect(ops.filter((op) => op === 'Conv').length).toBe(count(nn.Conv2d));
      expect(ops.filter((op) => op === 'BatchNormalization').length).toBe(count(nn.BatchNorm2d));
      expect(ops.filter((op) => op === 'MaxPool' || op === 'AveragePool').length).toBe(
        count(nn.MaxPool2d) + count(nn.AvgPool2d),
      );
    });
  }
});

describe('the learned-rate dropout layers and the rest of the family export their eval forward', () => {
  /** log σ² spread over [−10, 6] so that some weights pass the threshold (log α ≥ 3) and some do not. */
  function spread<M extends nn.LinearSVDO | nn.Conv2dSVDO>(layer: M): M {
    const d = layer.log_sigma2.data;
    for (let i = 0; i < d.length; i++) d[i] = -10 + ((i * 37) % 17);
    return layer;
  }

  test('LinearSVDO exports its pruned weight as a Gemm', async () => {
    const layer = spread(new nn.LinearSVDO(7, 5));
    const { kept, total } = layer.sparsity();
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(total);
    expect(await expectOnnxMatches(layer, [7])).toEqual(['Gemm']);
    // The pruned weight is written under its state-dict name, with exactly the pruned entries zero.
    const weight = io.onnxModel(layer, { inputShape: [-1, 7] }).graph.initializers.find((t) => t.name === 'weight')!;
    const zeros = Array.from(weight.data as Float32Array).filter((v) => v === 0).length;
    expect(zeros).toBe(total - kept);
  });

  test('Conv2dSVDO exports its pruned weight as a Conv', async () => {
    const layer = spread(new nn.Conv2dSVDO(3, 4, 3, { padding: 1 }));
    const { kept, total } = layer.sparsity();
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(total);
    expect(await expectOnnxMatches(layer, [3, 6, 5])).toEqual(['Conv']);
  });

  test('ConcreteDropout exports as the layer it wraps', async () => {
    const layer = new nn.ConcreteDropout(new nn.Linear(6, 4));
    expect(await expectOnnxMatches(layer, [6])).toEqual(['Gemm']);
  });

  test('SpatialConcreteDropout exports as the convolution it wraps', async () => {
    const layer = new nn.SpatialConcreteDropout(new nn.Conv2d(3, 4, 3));
    expect(await expectOnnxMatches(layer, [3, 6, 6])).toEqual(['Conv']);
  });

  test('VariationalDropout per unit adds no node between two Linear layers', async () => {
    const model = new nn.Sequential(new nn.Linear(5, 5), new nn.VariationalDropout(5), new nn.Linear(5, 2));
    expect(await expectOnnxMatches(model, [5])).toEqual(['Gemm', 'Gemm']);
  });

  test('VariationalDropout per weight exports as its Linear', async () => {
    expect(await expectOnnxMatches(new nn.VariationalDropout(new nn.Linear(6, 3)), [6])).toEqual(['Gemm']);
  });

  test('SpatialDropout3d adds no node', async () => {
    const model = new nn.Sequential(new nn.SpatialDropout3d(0.3), trained(new nn.BatchNorm3d(2)));
    expect(await expectOnnxMatches(model, [2, 3, 4, 3])).toEqual(['BatchNormalization']);
  });

  test('BatchNorm3d with trained statistics exports as BatchNormalization', async () => {
    expect(await expectOnnxMatches(trained(new nn.BatchNorm3d(3)), [3, 2, 4, 3])).toEqual(['BatchNormalization']);
  });
});
