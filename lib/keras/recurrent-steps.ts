/**
 * The Keras recurrent layers the fused kernels do not compute, run step by step on differentiable
 * ops: gates through tfjs's and Keras 2's hard sigmoid (0.2x + 0.5, clipped: `'hardSigmoid'`) or
 * Keras 3's (x/6 + 0.5, clipped: `'hard_sigmoid'`), GRU with the reset gate before the recurrent
 * matmul (resetAfter false: hh = act(x K_h + b_h + (r h) R_h)), LSTM and GRU with a relu state.
 * The parameters are the nn layer's (PyTorch's names and gate order: LSTM i, f, g, o; GRU r, z,
 * n), the masks those the nn layer would draw (variational, one per sample and gate, the same at
 * every step, from its stream; nothing outside training) and a masked step carries the state as
 * on the kernels. Slower than the kernels (a few ops per step), for parity, not speed.
 */
import { add, mul, sub } from '../ops/arithmetic.js';
import { gather } from '../ops/indexing.js';
import { concat, reshape, transpose } from '../ops/layout.js';
import { linear } from '../ops/matmul.js';
import { selectFirst, type SampleMasks, variationalMask } from '../ops/recurrent.js';
import { clamp, relu, sigmoid, tanh } from '../ops/unary.js';
import type { MaskedOutputs, RNNBase } from '../nn/recurrent/rnn.js';
import { Tensor, zeros } from '../tensor.js';

/** Gate activations by name: Keras 3's sigmoid and hard_sigmoid, tfjs's / Keras 2's hardSigmoid. */
export const GATE_ACTIVATIONS = ['sigmoid', 'hardSigmoid', 'hard_sigmoid'] as const;
export type GateActivation = (typeof GATE_ACTIVATIONS)[number];

/** What runStepwise reads of an nn recurrent layer (its parameters are read by name). */
export type StepwiseLayer = Pick<
  RNNBase,
  | 'hiddenSize'
  | 'gates'
  | 'mode'
  | 'directions'
  | 'training'
  | 'maskPerGate'
  | 'maskGenerator'
  | 'inputDropout'
  | 'recurrentDropout'
>;

export interface StepwiseOptions {
  gate: GateActivation;
  /** The state's activation. */
  activation: 'tanh' | 'relu';
  /** GRU: the reset gate after the recurrent matmul (Keras 3's and PyTorch's form). */
  resetAfter: boolean;
  /** The initial h (or [h, c] for LSTM), (directions, B, H); zeros when absent. */
  initial?: Tensor | readonly [Tensor, Tensor] | null;
}

function gateFn(name: GateActivation): (x: Tensor) => Tensor {
  if (name === 'sigmoid') return sigmoid;
  const slope = name === 'hardSigmoid' ? 0.2 : 1 / 6;
  return (x) => clamp(add(mul(x, slope), 0.5), 0, 1);
}

/** Rows [q*H, (q+1)*H) of a (G*H, n) weight or a (G*H) bias, differentiable. */
function rows(w: Tensor, q: number, H: number): Tensor {
  const n = w.rank === 1 ? 1 : w.shape[1]!;
  const index = new Float32Array(H * n);
  for (let j = 0; j < H; j++) index.fill(q * H + j, j * n, (j + 1) * n);
  return gather(w, 0, new Tensor(index, w.rank === 1 ? [H] : [H, n]));
}

/** x (B, n) times the mask of gate q ((B, count, n)), or x itself without masks. */
function masked(x: Tensor, m: SampleMasks | null, q: number): Tensor {
  if (m === null) return x;
  const [B, n] = x.shape as [number, number];
  const data = new Float32Array(B * n);
  for (let b = 0; b < B; b++)
    data.set(
      m.data.subarray((b * m.count + (m.count === 1 ? 0 : q)) * n, (b * m.count + (m.count === 1 ? 0 : q) + 1) * n),
      b * n,
    );
  return mul(x, new Tensor(data, [B, n]));
}

/**
 * Runs `layer`'s parameters (one layer, one or two directions, batch first) over x (B, T, I) step
 * by step; `keep` (B, T) of 1 and 0 or null: a 0 step carries the state. Returns forwardMasked's
 * layout: output (B, T, D*H), h and c (D, B, H).
 */
export function runStepwise(layer: StepwiseLayer, x: Tensor, keep: Tensor | null, o: StepwiseOptions): MaskedOutputs {
  const [B, T, I] = x.shape as [number, number, number];
  const H = layer.hiddenSize;
  const G = layer.gates;
  const kind = layer.mode === 'lstm' ? 'lstm' : layer.mode === 'gru' ? 'gru' : 'rnn';
  const g = gateFn(o.gate);
  const act = o.activation === 'relu' ? relu : tanh;
  const xt = transpose(x, 0, 1); // (T, B, I)
  const params = layer as unknown as Record<string, Tensor | undefined>;
  const outs: Tensor[] = [];
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  for (let d = 0; d < layer.directions; d++) {
    const suffix = `_l0${d === 1 ? '_reverse' : ''}`;
    const wIh = params[`weight_ih${suffix}`]!;
    const wHh = params[`weight_hh${suffix}`]!;
    const bIh = params[`bias_ih${suffix}`] ?? null;
    const bHh = params[`bias_hh${suffix}`] ?? null;
    const W = Array.from({ length: G }, (_, q) => rows(wIh, q, H));
    const U = Array.from({ length: G }, (_, q) => rows(wHh, q, H));
    const bi = Array.from({ length: G }, (_, q) => (bIh === null ? null : rows(bIh, q, H)));
    const bh = Array.from({ length: G }, (_, q) => (bHh === null ? null : rows(bHh, q, H)));
    const training = layer.training;
    const count = layer.maskPerGate ? G : 1;
    const gen = layer.maskGenerator;
    const inMask = training && layer.inputDropout > 0 ? variationalMask(layer.inputDropout, B, count, I, gen) : null;
    const recMask =
      training && layer.recurrentDropout > 0 ? variationalMask(layer.recurrentDropout, B, count, H, gen) : null;
    const init = o.initial ?? null;
    const [h0, c0] = init === null ? [null, null] : Array.isArray(init) ? init : [init as Tensor, null];
    let h: Tensor = h0 === null ? zeros([B, H]) : selectFirst(h0, d);
    let c: Tensor = c0 === null ? zeros([B, H]) : selectFirst(c0, d);
    const ys: Tensor[] = new Array<Tensor>(T);
    for (let k = 0; k < T; k++) {
      const t = d === 1 ? T - 1 - k : k;
      const xs = selectFirst(xt, t);
      const pre = (q: number, hIn: Tensor = masked(h, recMask, q)): Tensor =>
        add(linear(masked(xs, inMask, q), W[q]!, bi[q]), linear(hIn, U[q]!, bh[q]));
      let hNew: Tensor;
      let cNew = c;
      if (kind === 'lstm') {
        const [i, f, gg, og] = [g(pre(0)), g(pre(1)), act(pre(2)), g(pre(3))];
        cNew = add(mul(f, c), mul(i, gg));
        hNew = mul(og, act(cNew));
      } else if (kind === 'gru') {
        const r = g(pre(0));
        const z = g(pre(1));
        const xn = linear(masked(xs, inMask, 2), W[2]!, bi[2]);
        const hn = o.resetAfter
          ? mul(r, linear(masked(h, recMask, 2), U[2]!, bh[2]))
          : linear(mul(r, masked(h, recMask, 2)), U[2]!, null);
        const n = act(add(xn, hn));
        hNew = add(mul(z, h), mul(sub(1, z) as Tensor, n));
      } else {
        hNew = act(pre(0));
      }
      if (keep !== null) {
        const m = new Tensor(
          Float32Array.from({ length: B }, (_, b) => keep.data[b * T + t]!),
          [B, 1],
        );
        hNew = add(h, mul(m, sub(hNew, h)));
        if (kind === 'lstm') cNew = add(c, mul(m, sub(cNew, c)));
      }
      h = hNew;
      c = cNew;
      ys[t] = reshape(h, [1, B, H]);
    }
    outs.push(transpose(concat(ys, 0), 0, 1));
    hs.push(reshape(h, [1, B, H]));
    cs.push(reshape(c, [1, B, H]));
  }
  return {
    output: outs.length === 1 ? outs[0]! : concat(outs, 2),
    h: concat(hs, 0),
    c: kind === 'lstm' ? concat(cs, 0) : null,
  };
}
