/**
 * The recurrent ops (ops/recurrent.ts) in ONNX. One traced `lstm`, `gru` or `rnn` op is one
 * layer in one direction over the whole sequence; its packed result is cut into y, hN and cN by
 * `rnnOutput` ops, and a given initial state is cut per layer and direction by `select`.
 *
 * A plain layer becomes ONNX's own LSTM, GRU or RNN node (direction "forward" or "reverse";
 * nn.LSTM's bidirectional and stacked layers are then one node per layer and direction, joined by
 * the Concat and Reshape ops the module itself runs). ONNX wants W (1, G*H, I), R (1, G*H, H) and
 * B (1, 2*G*H) = [b_ih; b_hh] with its own gate order, so those are written as initializers named
 * after the parameters ("weight_ih_l0.onnx", "weight_hh_l0.onnx", and "bias_ih_l0.onnx" for B),
 * with the gate blocks reordered (a weight computed by traced ops is reordered in the graph, by
 * Gather on its rows):
 *   LSTM  PyTorch i, f, g, o  ->  ONNX i, o, f, c
 *   GRU   PyTorch r, z, n     ->  ONNX z, r, h, with linear_before_reset = 1 (PyTorch's
 *                                 n = tanh(W_in x + b_in + r * (W_hn h + b_hn)))
 *   RNN   one block; activations Tanh or Relu
 * Zoneout (in eval: h = z h_prev + (1 - z) h_new, and the same for c) and an LSTM projection
 * (projSize) have no counterpart in those nodes: such a layer is unrolled over its (fixed) number
 * of steps into MatMul, Sigmoid, Tanh and arithmetic (unrolled.ts).
 */
import type { LowerContext, Lowered, Lowering } from './lower.js';
import { attr } from './model.js';
import { unrolledRecurrent } from './unrolled.js';

export type Cell = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';

/** PyTorch's gate blocks in ONNX's order. */
const ONNX_ORDER: Readonly<Record<Cell, readonly number[]>> = {
  lstm: [0, 3, 1, 2],
  gru: [1, 0, 2],
  rnn_tanh: [0],
  rnn_relu: [0],
};

const ONNX_OP: Readonly<Record<Cell, string>> = { lstm: 'LSTM', gru: 'GRU', rnn_tanh: 'RNN', rnn_relu: 'RNN' };

function cellOf(c: LowerContext): Cell {
  const cell = c.rec.attrs.cell;
  if (cell !== 'lstm' && cell !== 'gru' && cell !== 'rnn_tanh' && cell !== 'rnn_relu')
    return c.fail('it did not record its cell');
  return cell;
}

/** The rows of a (G*H, *) weight or a G*H bias in ONNX's gate order, in the graph. */
function reordered(c: LowerContext, value: string, cell: Cell, hidden: number): string {
  const order = ONNX_ORDER[cell];
  if (order.length === 1) return value;
  const rows = order.flatMap((block) => Array.from({ length: hidden }, (_, j) => block * hidden + j));
  return c.node('Gather', [value, c.int64Const(rows, [rows.length])], { axis: attr.int(0) });
}

/** The same, done now on the values of a parameter: blocks of `hidden` rows of `width`. */
function reorderedRows(data: Float32Array, cell: Cell, hidden: number, width: number): Float32Array {
  const out = new Float32Array(data.length);
  const block = hidden * width;
  ONNX_ORDER[cell].forEach((from, to) => out.set(data.subarray(from * block, (from + 1) * block), to * block));
  return out;
}

function unsqueeze(c: LowerContext, value: string, axis: number): string {
  return c.node('Unsqueeze', [value, c.int64Const([axis], [1])]);
}

/**
 * ONNX's W or R, (1, G*H, width), from input i: a parameter becomes an initializer in ONNX's
 * layout (named after it, with ".onnx"); a weight computed by traced ops is reordered in the graph.
 */
function weight(c: LowerContext, i: number, cell: Cell, hidden: number): string {
  const p = c.parameter(i);
  const [rows, width] = c.shape(i) as [number, number];
  if (p !== null) return c.initializer(`${p.name}.onnx`, [1, rows, width], reorderedRows(p.data, cell, hidden, width));
  return unsqueeze(c, reordered(c, c.value(i), cell, hidden), 0);
}

/** ONNX's B, (1, 2*G*H): b_ih then b_hh, each reordered (zeros for an absent one); '' without biases. */
function bias(c: LowerContext, cell: Cell, hidden: number): string {
  if (!c.has(5) && !c.has(6)) return '';
  const size = ONNX_ORDER[cell].length * hidden;
  const [pi, ph] = [c.has(5) ? c.parameter(5) : null, c.has(6) ? c.parameter(6) : null];
  if ((pi !== null || !c.has(5)) && (ph !== null || !c.has(6))) {
    const data = new Float32Array(2 * size);
    if (pi !== null) data.set(reorderedRows(pi.data, cell, hidden, 1), 0);
    if (ph !== null) data.set(reorderedRows(ph.data, cell, hidden, 1), size);
    return c.initializer(`${(pi ?? ph)!.name}.onnx`, [1, 2 * size], data);
  }
  const part = (i: number): string =>
    reordered(c, c.has(i) ? c.value(i) : c.floatConst(new Array<number>(size).fill(0), [size]), cell, hidden);
  return unsqueeze(c, c.node('Concat', [part(5), part(6)], { axis: attr.int(0) }), 0);
}

function squeeze(c: LowerContext, value: string, axis: number): string {
  return c.node('Squeeze', [value, c.int64Const([axis], [1])]);
}

/** Inputs: x (T, B, I), h0 (B, O), c0 (B, H) or null, wIh, wHh, bIh, bHh, wHr. */
const recurrent: Lowering = (c): Lowered => {
  const cell = cellOf(c);
  if (c.rec.attrs.masked === true) {
    c.fail(
      'it applied recurrent dropout masks (training mode) during an eval-mode trace; in eval they are the identity',
    );
  }
  const zoneout = c.rec.attrs.zoneoutH instanceof Float32Array || c.rec.attrs.zoneoutC instanceof Float32Array;
  if (zoneout || c.has(7)) return unrolledRecurrent(c, cell);
  const gates = ONNX_ORDER[cell].length;
  const hidden = c.shape(4)[0]! / gates;
  const lstm = cell === 'lstm';
  // A default (zero) initial state is ONNX's absent one.
  const state = (i: number): string => (c.isUntracedZeros(i) ? '' : unsqueeze(c, c.value(i), 0));
  const inputs = [
    c.value(0),
    weight(c, 3, cell, hidden),
    weight(c, 4, cell, hidden),
    bias(c, cell, hidden),
    '',
    state(1),
    ...(lstm ? [state(2)] : []),
  ];
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const attributes = {
    hidden_size: attr.int(hidden),
    direction: attr.string(c.rec.attrs.reverse === true ? 'reverse' : 'forward'),
    ...(cell === 'gru' ? { linear_before_reset: attr.int(1) } : {}),
    ...(cell === 'rnn_relu' ? { activations: attr.strings(['Relu']) } : {}),
  };
  const [Y, Yh, Yc] = c.nodeOutputs(ONNX_OP[cell], inputs, attributes, lstm ? 3 : 2);
  // Y is (T, 1, B, H), Y_h and Y_c (1, B, H): the direction axis goes.
  return {
    parts: {
      y: squeeze(c, Y!, 1),
      hN: squeeze(c, Yh!, 0),
      ...(lstm ? { cN: squeeze(c, Yc!, 0) } : {}),
    },
  };
};

export const RECURRENT_LOWERINGS: Readonly<Record<string, Lowering>> = {
  lstm: recurrent,
  gru: recurrent,
  rnn: recurrent,
  rnnOutput: (c) => c.part(0, String(c.rec.attrs.part)),
  select: (c) => {
    const index = c.rec.attrs.index;
    if (typeof index !== 'number') return c.fail('it did not record its index');
    return c.node('Gather', [c.value(0), c.int64Const([index], [])], { axis: attr.int(0) });
  },
};
