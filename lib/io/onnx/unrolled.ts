/**
 * A recurrent layer that ONNX's LSTM/GRU/RNN nodes cannot express, written step by step:
 * zoneout in eval (h = z h_prev + (1 - z) h_new, and for an LSTM c the same with its own rate,
 * as the kernels compute it) and the LSTM projection h = (o * tanh(c)) W_hrᵀ. The inputs are
 * projected for all steps at once (one MatMul); each step then takes its row of that (Gather),
 * adds h W_hhᵀ + b_hh, splits the gates (PyTorch's order, so no reordering) and updates the state.
 * The number of steps is fixed in the graph, so the steps must not be the dimension that varies.
 */
import { Tensor } from '../../tensor.js';
import type { LowerContext, Lowered } from './lower.js';
import { attr } from './model.js';
import type { Cell } from './recurrent.js';

/** The eval zoneout rate the op recorded under `key` (every element is the rate), or 0. */
function zoneoutRate(c: LowerContext, key: string): number {
  const w = c.rec.attrs[key];
  if (!(w instanceof Float32Array) || w.length === 0) return 0;
  const z = w[0]!;
  if (!w.every((v) => v === z))
    c.fail(`its ${key} weights vary by step and unit (training-mode zoneout); in eval they are the rate`);
  return z;
}

/** Inputs: x (T, B, I), h0 (B, O), c0 (B, H) or null, wIh, wHh, bIh, bHh, wHr. */
export function unrolledRecurrent(c: LowerContext, cell: Cell): Lowered {
  const steps = c.shape(0)[0]!;
  const twin = c.other.inputs[0];
  if (!(twin instanceof Tensor) || twin.shape[0] !== steps) {
    c.fail(
      'zoneout and projSize export unrolled over a fixed number of steps, but here the steps are the dimension that varies ' +
        '(a time-major input); export with batchFirst: true or dynamicBatch: false',
    );
  }
  const lstm = cell === 'lstm';
  const gates = lstm ? 4 : cell === 'gru' ? 3 : 1;
  const [gh, out] = c.shape(4) as [number, number];
  const hidden = gh / gates;
  const zh = zoneoutRate(c, 'zoneoutH');
  const zc = zoneoutRate(c, 'zoneoutC');
  const transposed = (v: string): string => c.node('Transpose', [v], { perm: attr.ints([1, 0]) });
  const add = (x: string, y: string): string => c.node('Add', [x, y]);
  const mul = (x: string, y: string): string => c.node('Mul', [x, y]);
  const sigmoid = (v: string): string => c.node('Sigmoid', [v]);
  const tanh = (v: string): string => c.node('Tanh', [v]);
  const split = (v: string, n: number): string[] =>
    n === 1
      ? [v]
      : c.nodeOutputs('Split', [v, c.int64Const(new Array<number>(n).fill(hidden), [n])], { axis: attr.int(-1) }, n);
  const mix = (prev: string, next: string, z: number): string =>
    z === 0 ? next : add(mul(prev, c.floatConst([z], [])), mul(next, c.floatConst([1 - z], [])));
  // A zero state of (B, size), the batch read from x at run time.
  const zeros = (size: number): string => {
    const batch = c.node('Gather', [c.node('Shape', [c.value(0)]), c.int64Const([1], [1])], { axis: attr.int(0) });
    return c.node('ConstantOfShape', [c.node('Concat', [batch, c.int64Const([size], [1])], { axis: attr.int(0) })]);
  };

  let xw = c.node('MatMul', [c.value(0), transposed(c.value(3))]);
  if (c.has(5)) xw = add(xw, c.value(5));
  const whT = transposed(c.value(4));
  const whrT = c.has(7) ? transposed(c.value(7)) : null;
  let h = c.isUntracedZeros(1) ? zeros(out) : c.value(1);
  let cs = !lstm ? '' : c.isUntracedZeros(2) ? zeros(hidden) : c.value(2);
  const ys = new Array<string>(steps);
  let one: string | undefined;
  for (let k = 0; k < steps; k++) {
    const t = c.rec.attrs.reverse === true ? steps - 1 - k : k;
    const xt = c.node('Gather', [xw, c.int64Const([t], [])], { axis: attr.int(0) });
    let hg = c.node('MatMul', [h, whT]);
    if (c.has(6)) hg = add(hg, c.value(6));
    let next: string;
    if (lstm) {
      const [i, f, g, o] = split(add(xt, hg), 4) as [string, string, string, string];
      const cNew = add(mul(sigmoid(f), cs), mul(sigmoid(i), tanh(g)));
      const m = mul(sigmoid(o), tanh(cNew));
      next = whrT === null ? m : c.node('MatMul', [m, whrT]);
      cs = mix(cs, cNew, zc);
    } else if (cell === 'gru') {
      const [xr, xz, xn] = split(xt, 3) as [string, string, string];
      const [hr, hz, hn] = split(hg, 3) as [string, string, string];
      const r = sigmoid(add(xr, hr));
      const z = sigmoid(add(xz, hz));
      const n = tanh(add(xn, mul(r, hn)));
      one ??= c.floatConst([1], []);
      next = add(mul(c.node('Sub', [one, z]), n), mul(z, h));
    } else {
      next = c.node(cell === 'rnn_tanh' ? 'Tanh' : 'Relu', [add(xt, hg)]);
    }
    h = mix(h, next, zh);
    ys[t] = c.node('Unsqueeze', [h, c.int64Const([0], [1])]);
  }
  const y = steps === 1 ? ys[0]! : c.node('Concat', ys, { axis: attr.int(0) });
  return { parts: { y, hN: h, ...(lstm ? { cN: cs } : {}) } };
}
