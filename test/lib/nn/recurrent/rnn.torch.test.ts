/**
 * nn.RNN / LSTM / GRU and the cells against torch 1.13 (test/fixtures/rnn.json, written by
 * scripts/fixtures/gen_rnn.py in float64): the state dict loads with PyTorch's names, shapes and
 * order; outputs, final states and the gradients of every parameter, the input and the initial
 * states match (float32 against float64: atol 1e-5 forward, 1e-4 gradients, as the spec's
 * numerics suggest for sequences up to 64 steps).
 */
import { describe, expect, it } from 'vitest';
import { nn, ops, type Tensor } from '../../../../lib/index.js';
import { expectClose } from '../../../helpers/expect-close.js';
import { decode, type Encoded, loadFixture } from '../../../helpers/fixtures.js';

interface Case {
  kind: 'RNN' | 'LSTM' | 'GRU' | 'RNNCell' | 'LSTMCell' | 'GRUCell';
  inputSize: number;
  hiddenSize: number;
  options: Record<string, unknown>;
  params: [string, Encoded][];
  grads: [string, number[]][];
  x: Encoded;
  dx: number[];
  out?: Encoded;
  hN: Encoded;
  cN?: Encoded;
  h0?: Encoded;
  c0?: Encoded;
  dh0?: number[];
  dc0?: number[];
  wy?: number[];
  wh: number[];
  wc?: number[];
}

const fixture = loadFixture<{ torch: string; cases: Case[] }>('rnn.json');

// The layers' forward returns [output, state] as PyTorch's, so their type is not Module's.
function build(c: Case): nn.Module {
  const o = { ...c.options };
  switch (c.kind) {
    case 'RNN':
      return new nn.RNN(c.inputSize, c.hiddenSize, o) as unknown as nn.Module;
    case 'LSTM':
      return new nn.LSTM(c.inputSize, c.hiddenSize, o) as unknown as nn.Module;
    case 'GRU':
      return new nn.GRU(c.inputSize, c.hiddenSize, o) as unknown as nn.Module;
    case 'RNNCell':
      return new nn.RNNCell(c.inputSize, c.hiddenSize, o) as unknown as nn.Module;
    case 'LSTMCell':
      return new nn.LSTMCell(c.inputSize, c.hiddenSize, o) as unknown as nn.Module;
    case 'GRUCell':
      return new nn.GRUCell(c.inputSize, c.hiddenSize, o) as unknown as nn.Module;
  }
}

function weighted(t: Tensor, w: number[]): Tensor {
  return ops.sum(ops.mul(t, decode({ shape: [...t.shape], data: w })));
}

const label = (c: Case, i: number): string =>
  `${i}: ${c.kind}(${c.inputSize}, ${c.hiddenSize}) ${JSON.stringify(c.options)} x ${JSON.stringify(c.x.shape)}${c.h0 ? ' h0' : ''}`;

describe(`recurrent layers against torch ${fixture.torch}`, () => {
  it('covers every layer and cell', () => {
    expect(new Set(fixture.cases.map((c) => c.kind))).toEqual(
      new Set(['RNN', 'LSTM', 'GRU', 'RNNCell', 'LSTMCell', 'GRUCell']),
    );
  });

  fixture.cases.forEach((c, i) => {
    it(label(c, i), () => {
      const m = build(c);
      // Names, shapes and order as PyTorch's named_parameters().
      expect(m.namedParameters().map(([n, p]) => [n, [...p.shape]])).toEqual(c.params.map(([n, e]) => [n, e.shape]));
      m.loadStateDict(Object.fromEntries(c.params.map(([n, e]) => [n, decode(e)])));
      const x = decode(c.x, true);
      const h0 = c.h0 ? decode(c.h0, true) : null;
      const c0 = c.c0 ? decode(c.c0, true) : null;
      const lstm = c.kind === 'LSTM' || c.kind === 'LSTMCell';
      const hx = lstm ? (h0 && c0 ? [h0, c0] : null) : h0;
      const res = (m.forward as unknown as (x: Tensor, hx: unknown) => unknown)(x, hx);
      let out: Tensor | null = null;
      let hN: Tensor;
      let cN: Tensor | null = null;
      if (c.kind === 'LSTM') [out, [hN, cN]] = res as [Tensor, [Tensor, Tensor]];
      else if (c.kind === 'LSTMCell') [hN, cN] = res as [Tensor, Tensor];
      else if (c.kind === 'RNNCell' || c.kind === 'GRUCell') hN = res as Tensor;
      else [out, hN] = res as [Tensor, Tensor];
      const fwd = { atol: 1e-5, rtol: 1e-5, context: { case: i } };
      const bwd = { atol: 1e-4, rtol: 1e-4, context: { case: i } };
      if (out !== null) {
        expect([...out.shape]).toEqual(c.out!.shape);
        expectClose(out.data, c.out!.data, fwd);
      }
      expect([...hN.shape]).toEqual(c.hN.shape);
      expectClose(hN.data, c.hN.data, fwd);
      if (cN !== null) {
        expect([...cN.shape]).toEqual(c.cN!.shape);
        expectClose(cN.data, c.cN!.data, fwd);
      }
      let loss = weighted(hN, c.wh);
      if (out !== null) loss = ops.add(loss, weighted(out, c.wy!));
      if (cN !== null) loss = ops.add(loss, weighted(cN, c.wc!));
      loss.backward();
      const params = new Map(m.namedParameters());
      for (const [name, g] of c.grads)
        expectClose(params.get(name)!.grad!.data, g, { ...bwd, context: { case: i, name } });
      expectClose(x.grad!.data, c.dx, bwd);
      if (h0) expectClose(h0.grad!.data, c.dh0!, bwd);
      if (c0) expectClose(c0.grad!.data, c.dc0!, bwd);
    });
  });
});
