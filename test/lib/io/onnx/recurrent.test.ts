/**
 * nn.LSTM, nn.GRU and nn.RNN exported and run in ONNX Runtime against dropnet's eval output
 * (every output the layer returns: the sequence, h_n and, for LSTM, c_n), over batch 1 and 5,
 * odd hidden sizes, 1 and 7 steps, batchFirst and time-major, bidirectional, 2 layers, given
 * initial states; the recurrent dropout family in eval; zoneout and projection (unrolled).
 */
import { describe, expect, test } from 'vitest';
import { io, nn, ops, Parameter, randn, Tensor, zeros } from '../../../../lib/index.js';
import { recurrentLayer } from '../../../../lib/ops/recurrent.js';
import type { Generator } from '../../../../lib/random.js';
import { expectOnnxOutputsMatch, type ForwardArgs } from '../../../helpers/onnx.js';

type Kind = 'LSTM' | 'GRU' | 'RNN' | 'RNN relu';
type Recurrent = nn.LSTM | nn.GRU | nn.RNN;

interface Case {
  kind: Kind;
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  bidirectional?: boolean;
  batchFirst?: boolean;
  bias?: boolean;
}

function make(c: Case, extra: Record<string, unknown> = {}): Recurrent {
  const options = {
    inputSize: c.inputSize,
    hiddenSize: c.hiddenSize,
    numLayers: c.numLayers ?? 1,
    bidirectional: c.bidirectional ?? false,
    batchFirst: c.batchFirst ?? false,
    bias: c.bias ?? true,
    ...extra,
  };
  switch (c.kind) {
    case 'LSTM':
      return new nn.LSTM(options);
    case 'GRU':
      return new nn.GRU(options);
    case 'RNN':
      return new nn.RNN(options);
    case 'RNN relu':
      return new nn.RNN({ ...options, nonlinearity: 'relu' });
  }
}

const ONNX_OP: Record<Kind, string> = { LSTM: 'LSTM', GRU: 'GRU', RNN: 'RNN', 'RNN relu': 'RNN' };

function describeCase(c: Case): string {
  const parts = [`${c.kind}(${c.inputSize}→${c.hiddenSize})`];
  if ((c.numLayers ?? 1) > 1) parts.push(`${c.numLayers} layers`);
  if (c.bidirectional === true) parts.push('bidirectional');
  parts.push(c.batchFirst === true ? 'batchFirst' : 'time-major');
  if (c.bias === false) parts.push('no bias');
  return parts.join(', ');
}

/** The initial state of `layer` for a batch of `batch`: h0, or [h0, c0] for an LSTM. */
function initialState(layer: Recurrent, batch: number, g: Generator): Tensor | Tensor[] {
  const rows = layer.numLayers * layer.directions;
  const h0 = randn([rows, batch, layer.outSize], { generator: g });
  return layer instanceof nn.LSTM ? [h0, randn([rows, batch, layer.hiddenSize], { generator: g })] : h0;
}

const cases: Case[] = [];
for (const kind of ['LSTM', 'GRU', 'RNN', 'RNN relu'] as const) {
  cases.push(
    { kind, inputSize: 4, hiddenSize: 5 },
    { kind, inputSize: 3, hiddenSize: 1, batchFirst: true },
    { kind, inputSize: 5, hiddenSize: 7, bidirectional: true, batchFirst: true },
    { kind, inputSize: 2, hiddenSize: 3, numLayers: 2 },
    { kind, inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, batchFirst: true, bias: false },
  );
}

describe.each(cases)('$kind', (c) => {
  const name = describeCase(c);
  const nodes = (c.numLayers ?? 1) * (c.bidirectional === true ? 2 : 1);

  if (c.batchFirst === true) {
    for (const steps of [1, 7]) {
      test(`${name}: ${steps} steps at batch 1 and 5, every output matches; ${nodes} ${ONNX_OP[c.kind]} node(s)`, async () => {
        const layer = make(c);
        const ops = await expectOnnxOutputsMatch(layer, [steps, c.inputSize]);
        expect(ops.filter((op) => op === ONNX_OP[c.kind])).toHaveLength(nodes);
      });
    }
    test(`${name}: given initial states are graph inputs h0${c.kind === 'LSTM' ? ' and c0' : ''}`, async () => {
      const layer = make(c);
      const makeArgs = (n: number, g: Generator): ForwardArgs => [
        randn([n, 3, c.inputSize], { generator: g }),
        initialState(layer, n, g),
      ];
      await expectOnnxOutputsMatch(layer, [3, c.inputSize], { initialState: true, makeArgs });
      const g = io.onnxModel(layer, { inputShape: [-1, 3, c.inputSize], initialState: true }).graph;
      const rows = layer.numLayers * layer.directions;
      expect(g.inputs.map((i) => [i.name, i.dims])).toEqual([
        ['input', ['batch', 3, c.inputSize]],
        ['h0', [rows, 'batch', c.hiddenSize]],
        ...(c.kind === 'LSTM' ? [['c0', [rows, 'batch', c.hiddenSize]]] : []),
      ]);
    });
  } else {
    // Time-major: the first dimension, left dynamic, is the number of steps.
    test(`${name}: one file runs 1 and 7 steps (batch 3) and matches; ${nodes} ${ONNX_OP[c.kind]} node(s)`, async () => {
      const layer = make(c);
      const ops = await expectOnnxOutputsMatch(layer, [3, c.inputSize], { batches: [1, 7] });
      expect(ops.filter((op) => op === ONNX_OP[c.kind])).toHaveLength(nodes);
      const g = io.onnxModel(layer, { inputShape: [-1, 3, c.inputSize] }).graph;
      expect(g.outputs.map((o) => o.name)).toEqual(c.kind === 'LSTM' ? ['output', 'h_n', 'c_n'] : ['output', 'h_n']);
    });
    test(`${name}: batch 1, with initial states`, async () => {
      const layer = make(c);
      const makeArgs = (n: number, g: Generator): ForwardArgs => [
        randn([n, 1, c.inputSize], { generator: g }),
        initialState(layer, 1, g),
      ];
      await expectOnnxOutputsMatch(layer, [1, c.inputSize], { initialState: true, makeArgs, batches: [1, 7] });
    });
  }
});

describe('gate order and attributes', () => {
  test('LSTM rows go i, o, f, c (PyTorch i, f, g, o); GRU z, r, h with linear_before_reset = 1', () => {
    const H = 2;
    /** The blocks of H rows of ONNX's W, as indices of the PyTorch weight's blocks. */
    const blocks = (layer: Recurrent): number[] => {
      const g = io.onnxModel(layer, { inputShape: [-1, 1, 3] }).graph;
      const w = g.initializers.find((t) => t.name === 'weight_ih_l0.onnx')!;
      expect(w.dims).toEqual([1, layer.gates * H, 3]);
      const pytorch = (layer as unknown as Record<string, Tensor>).weight_ih_l0!.data;
      const size = H * 3;
      return Array.from({ length: layer.gates }, (_, to) => {
        const rows = (w.data as Float32Array).subarray(to * size, (to + 1) * size);
        return Array.from({ length: layer.gates }, (_, from) => from).find((from) =>
          pytorch.subarray(from * size, (from + 1) * size).every((v, k) => v === rows[k]),
        )!;
      });
    };
    expect(blocks(new nn.LSTM(3, H))).toEqual([0, 3, 1, 2]);
    expect(blocks(new nn.GRU(3, H))).toEqual([1, 0, 2]);
    const bias = io
      .onnxModel(new nn.GRU(3, H), { inputShape: [-1, 1, 3] })
      .graph.initializers.find((t) => t.name === 'bias_ih_l0.onnx')!;
    expect(bias.dims).toEqual([1, 2 * 3 * H]);
    const gru = io.onnxModel(new nn.GRU(3, H), { inputShape: [-1, 1, 3] }).graph.nodes.find((n) => n.opType === 'GRU')!;
    expect(gru.attributes.linear_before_reset).toEqual({ type: 'int', value: 1 });
    const relu = io
      .onnxModel(new nn.RNN(3, H, { nonlinearity: 'relu' }), { inputShape: [-1, 1, 3] })
      .graph.nodes.find((n) => n.opType === 'RNN')!;
    expect(relu.attributes.activations).toEqual({ type: 'strings', value: ['Relu'] });
  });

  test('weights computed by traced ops are reordered in the graph (Gather on the gate rows)', async () => {
    for (const cell of ['lstm', 'gru'] as const) {
      const G = cell === 'lstm' ? 4 : 3;
      class Scaled extends nn.Module {
        wIh = new Parameter(randn([G * 5, 3]));
        wHh = new Parameter(randn([G * 5, 5]));
        bIh = new Parameter(randn([G * 5]));

        forward(x: Tensor): Tensor {
          const B = x.shape[1]!;
          return recurrentLayer({
            cell,
            reverse: true,
            x,
            h0: zeros([B, 5]),
            c0: cell === 'lstm' ? zeros([B, 5]) : null,
            wIh: ops.mul(this.wIh, 0.5),
            wHh: ops.mul(this.wHh, 0.5),
            bIh: this.bIh,
            bHh: ops.mul(this.bIh, 2),
            wHr: null,
          }).y;
        }
      }
      const ops_ = await expectOnnxOutputsMatch(new Scaled(), [2, 3], { batches: [1, 7] });
      expect(ops_.filter((op) => op === 'Gather')).toHaveLength(4);
    }
  });

  test('the weights are named after their state-dict entries', () => {
    const names = io
      .onnxModel(new nn.LSTM(3, 4, { bidirectional: true }), { inputShape: [-1, 2, 3] })
      .graph.initializers.map((t) => t.name);
    const expected = [
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'weight_ih_l0_reverse',
      'weight_hh_l0_reverse',
      'bias_ih_l0_reverse',
    ];
    expect(names.filter((n) => n.endsWith('.onnx'))).toEqual(expected.map((n) => `${n}.onnx`));
  });

  test('an unbatched (steps, features) input exports with the steps dynamic', async () => {
    const ops = await expectOnnxOutputsMatch(new nn.GRU(4, 3, { numLayers: 2, bidirectional: true }), [4], {
      batches: [1, 7],
    });
    expect(ops.filter((op) => op === 'GRU')).toHaveLength(4);
  });
});

describe('the recurrent dropout family in eval', () => {
  const variants: [string, Record<string, unknown>][] = [
    ['inter-layer dropout', { numLayers: 2, dropout: 0.4 }],
    ['variational input and recurrent dropout (per gate)', { inputDropout: 0.3, recurrentDropout: 0.3 }],
    ['variational dropout with tied masks', { inputDropout: 0.3, recurrentDropout: 0.2, maskPerGate: false }],
    ['weight drop on weight_hh', { weightDropout: 0.5 }],
  ];
  for (const kind of ['LSTM', 'GRU', 'RNN'] as const) {
    for (const [what, extra] of variants) {
      test(`${kind} with ${what} exports as plain ${kind} nodes (the identity in eval)`, async () => {
        const layer = make({ kind, inputSize: 3, hiddenSize: 5, batchFirst: true }, extra);
        const ops = await expectOnnxOutputsMatch(layer, [7, 3]);
        expect(ops.filter((op) => op === kind)).toHaveLength(layer.numLayers);
      });
    }
  }

  const unrolled: [string, () => Recurrent][] = [
    [
      'LSTM zoneout { cell: 0.3, hidden: 0.2 }',
      () => new nn.LSTM({ inputSize: 3, hiddenSize: 5, batchFirst: true, zoneout: { cell: 0.3, hidden: 0.2 } }),
    ],
    [
      'LSTM zoneout 0.25, bidirectional, 2 layers',
      () =>
        new nn.LSTM({
          inputSize: 3,
          hiddenSize: 3,
          batchFirst: true,
          zoneout: 0.25,
          bidirectional: true,
          numLayers: 2,
        }),
    ],
    ['GRU zoneout 0.25', () => new nn.GRU({ inputSize: 4, hiddenSize: 5, batchFirst: true, zoneout: 0.25 })],
    [
      'RNN (relu) zoneout 0.5, no bias',
      () =>
        new nn.RNN({ inputSize: 4, hiddenSize: 3, batchFirst: true, zoneout: 0.5, nonlinearity: 'relu', bias: false }),
    ],
    ['LSTM projSize 2', () => new nn.LSTM({ inputSize: 3, hiddenSize: 5, batchFirst: true, projSize: 2 })],
    [
      'LSTM projSize 3, zoneout, bidirectional',
      () =>
        new nn.LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true, projSize: 3, zoneout: 0.1, bidirectional: true }),
    ],
  ];
  for (const [what, build] of unrolled) {
    test(`${what}: unrolled over the steps (1 and 7), matches with and without initial states`, async () => {
      for (const steps of [1, 7]) {
        const layer = build();
        const ops = await expectOnnxOutputsMatch(layer, [
          steps,
          3 + (what.startsWith('GRU') || what.startsWith('RNN') ? 1 : 0),
        ]);
        expect(ops.filter((op) => op === 'LSTM' || op === 'GRU' || op === 'RNN')).toEqual([]);
        expect(ops.filter((op) => op === 'MatMul').length).toBeGreaterThanOrEqual(steps);
      }
      const layer = build();
      const makeArgs = (n: number, g: Generator): ForwardArgs => [
        randn([n, 7, layer.inputSize], { generator: g }),
        initialState(layer, n, g),
      ];
      await expectOnnxOutputsMatch(layer, [7, layer.inputSize], { initialState: true, makeArgs });
    });
  }
});

describe('cells and models built on recurrent layers', () => {
  test('LSTMCell, GRUCell and RNNCell export (one step) with their state', async () => {
    for (const cell of [new nn.LSTMCell(4, 3), new nn.GRUCell(4, 5), new nn.RNNCell(4, 3, true, 'relu')]) {
      await expectOnnxOutputsMatch(cell, [4]);
    }
    expect(io.onnxModel(new nn.LSTMCell(4, 3), { inputShape: [-1, 4] }).graph.outputs.map((o) => o.name)).toEqual([
      'h',
      'c',
    ]);
    expect(() => io.toOnnx(new nn.LSTMCell(4, 3), { inputShape: [-1, 4], initialState: true })).toThrow(
      /does not return \[output, state\]/,
    );
  });

  class Tagger extends nn.Module {
    embed = new nn.EmbeddingDropout(new nn.Embedding(11, 6), 0.2);
    locked = new nn.LockedDropout(0.3, { batchFirst: true });
    lstm = new nn.LSTM({
      inputSize: 6,
      hiddenSize: 5,
      numLayers: 2,
      dropout: 0.2,
      bidirectional: true,
      batchFirst: true,
      recurrentDropout: 0.2,
    });
    norm = new nn.LayerNorm(10);
    head = new nn.Linear(10, 3);

    forward(ids: Tensor): Tensor {
      const [y] = this.lstm.call(this.locked.call(this.embed.call(ids)));
      return this.head.call(this.norm.call(y));
    }
  }

  test('a tagger: embedding dropout, locked dropout, a 2-layer bidirectional LSTM, LayerNorm, Linear', async () => {
    const model = new Tagger();
    const makeArgs = (n: number, g: Generator): ForwardArgs => {
      const ids = g.uniform(new Float32Array(n * 7), 0, 11).map(Math.floor);
      return [new Tensor(ids, [n, 7])];
    };
    const ops = await expectOnnxOutputsMatch(model, [7], { inputIds: 11, makeArgs, batches: [1, 5] });
    expect(ops.filter((op) => op === 'LSTM')).toHaveLength(4);
    for (const op of ['Cast', 'Gather', 'LayerNormalization', 'MatMul']) expect(ops).toContain(op);
  });
});

describe('what cannot be exported names the layer', () => {
  test('zoneout with the steps as the dynamic dimension', () => {
    class Encoder extends nn.Module {
      gru = new nn.GRU({ inputSize: 3, hiddenSize: 2, zoneout: 0.2 });
      forward(x: Tensor): Tensor {
        return this.gru.call(x)[0];
      }
    }
    const model = new Encoder();
    expect(() => io.toOnnx(model, { inputShape: [-1, 2, 3] })).toThrow(
      'cannot export op gru in layer gru (GRU(3→2)): zoneout and projSize export unrolled over a fixed number of steps, but here the steps are ' +
        'the dimension that varies (a time-major input); export with batchFirst: true or dynamicBatch: false',
    );
    expect(() => io.toOnnx(model, { inputShape: [4, 2, 3], dynamicBatch: false })).not.toThrow();
  });

  test('initialState for a model that returns no state', () => {
    expect(() => io.toOnnx(new nn.Linear(3, 2), { inputShape: [-1, 3], initialState: true })).toThrow(
      'initialState: Linear(3→2) does not return [output, state] as a recurrent layer does',
    );
  });

  test('options are checked', () => {
    const layer = new nn.GRU(3, 2);
    expect(() => io.toOnnx(layer, { inputShape: [-1, 2, 3], initialState: 1 as never })).toThrow(TypeError);
    expect(() => io.toOnnx(layer, { inputShape: [-1, 2, 3], inputIds: 0 })).toThrow(RangeError);
    expect(() => io.toOnnx(layer, { inputShape: [-1, 2, 3], inputIds: '5' as never })).toThrow(TypeError);
  });
});
