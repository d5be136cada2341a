/**
 * nn modules for tfjs's recurrent layers, with tfjs's weights, layouts and step formulas:
 *   kernel [inputDim, G * units], recurrentKernel [units, G * units], bias [G * units] (G = 1
 *   SimpleRNN, 4 LSTM with gates i, f, c, o, 3 GRU with gates z, r, h); one bias, as tfjs;
 *   LSTM   c = f * c + i * act(xc + h Rc), h = o * act(c)
 *   GRU    tfjs's form (resetAfter false): hh = act(xh + (r * h) Rh), h = z * h + (1 - z) * hh
 *   dropout / recurrentDropout: one inverted-dropout mask per call (batch x features), the same
 *   at every step and for every gate, in training only, as tfjs's cells draw them;
 *   goBackwards reads the steps last to first and returns the outputs in that order.
 * Where dropnet's fused kernel computes the same formula (SimpleRNN tanh / relu; LSTM tanh with
 * sigmoid gates) the sequence runs as one native op on the weights transposed to its layout;
 * otherwise (tfjs's default hardSigmoid gates, GRU's reset-before form, other activations, step
 * masks) the steps run as dropnet ops on the tape, so any activation pair trains. A (B, T) step
 * mask (Embedding maskZero) that reaches a layer through `MASKS` holds the state at masked
 * steps, as tfjs's rnn() does.
 */
import { record } from '../autograd/record.js';
import { formatShape, ShapeError } from '../errors.js';
import { Embedding } from '../nn/embedding.js';
import { Module, type ModuleCategory } from '../nn/module.js';
import { Parameter } from '../nn/parameter.js';
import { expectLayerInput, layerShapeError } from '../nn/shape-check.js';
import { add, mul, sub } from '../ops/arithmetic.js';
import { gather } from '../ops/indexing.js';
import { concat, reshape, transpose } from '../ops/layout.js';
import { matmul } from '../ops/matmul.js';
import { recurrentLayer, type RnnCell, selectFirst, variationalMask } from '../ops/recurrent.js';
import { elu, relu, selu, sigmoid, softplus, tanh } from '../ops/unary.js';
import { defaultGenerator } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor, zeros } from '../tensor.js';
import { fillTfjs, type Init } from './initializers.js';

export type CellKind = 'SimpleRNN' | 'LSTM' | 'GRU';
export const GATES: Record<CellKind, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };

type Act = (x: Tensor) => Tensor;

/** tfjs's hardSigmoid, clip(0.2 x + 0.5, 0, 1), as one op (its gradient 0.2 inside [-2.5, 2.5], as tfjs's clip). */
function hardSigmoid(x: Tensor): Tensor {
  const out = new Float32Array(x.size);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, 0.2 * x.data[i]! + 0.5));
  return record(new Tensor(out, x.shape), 'hardSigmoid', [x], (g) => {
    const gx = new Float32Array(g.length);
    for (let i = 0; i < gx.length; i++) {
      const v = 0.2 * x.data[i]! + 0.5;
      gx[i] = v >= 0 && v <= 1 ? 0.2 * g[i]! : 0;
    }
    return [gx];
  });
}
/** tfjs's activation names the recurrent layers take. */
export const ACTIVATIONS: Record<string, Act> = {
  tanh,
  sigmoid,
  hardSigmoid,
  relu,
  linear: (x) => x,
  elu: (x) => elu(x),
  selu,
  softplus: (x) => softplus(x),
};

/** The (B, T) step masks of tensors an Embedding with maskZero made (or a recurrent layer passed on). */
export const MASKS = new WeakMap<Tensor, Tensor>();

export interface CellOptions {
  units: number;
  activation: string;
  recurrentActivation: string;
  useBias: boolean;
  dropout: number;
  recurrentDropout: number;
  returnSequences: boolean;
  goBackwards: boolean;
}

export interface CellInits {
  kernel: Init;
  recurrent: Init;
  bias: Init;
  /** LSTM: the forget gate's bias starts at 1. */
  unitForgetBias: boolean;
}

/** Columns [from, from + size) of a 2-D tensor (a copy), differentiable. */
function columns(w: Tensor, from: number, size: number): Tensor {
  const [r, c] = w.shape as [number, number];
  const out = new Float32Array(r * size);
  for (let i = 0; i < r; i++) out.set(w.data.subarray(i * c + from, i * c + from + size), i * size);
  return record(new Tensor(out, [r, size]), 'columns', [w], (g) => {
    const gw = new Float32Array(r * c);
    for (let i = 0; i < r; i++) gw.set(g.subarray(i * size, (i + 1) * size), i * c + from);
    return [gw];
  });
}

/** Reverses axis 1 of a (B, T, F) tensor, differentiable. */
export function reverseSteps(x: Tensor): Tensor {
  const [b, t, f] = x.shape as [number, number, number];
  const index = new Float32Array(b * t * f);
  for (let i = 0; i < b; i++) for (let s = 0; s < t; s++) index.fill(t - 1 - s, (i * t + s) * f, (i * t + s + 1) * f);
  return gather(x, 1, new Tensor(index, [b, t, f]));
}

/** One inverted-dropout mask (B, n), or null outside training or at rate 0. */
function dropMask(p: number, batch: number, n: number, training: boolean): Tensor | null {
  if (!training || p <= 0) return null;
  return new Tensor(variationalMask(p, batch, 1, n, defaultGenerator).data, [batch, n]);
}

export class TfRecurrent extends Module {
  /** [inputDim, G * units] */
  readonly kernel: Parameter;
  /** [units, G * units] */
  readonly recurrentKernel: Parameter;
  /** [G * units] */
  readonly bias: Parameter | null;
  readonly #act: Act;
  readonly #gate: Act;

  constructor(
    readonly kind: CellKind,
    readonly inputDim: number,
    readonly options: CellOptions,
    inits: CellInits,
  ) {
    super();
    const u = options.units;
    const G = GATES[kind];
    const make = (shape: number[], init: Init): Parameter => {
      const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
      fillTfjs(init, data, shape);
      return new Parameter(new Tensor(data, shape));
    };
    this.kernel = make([inputDim, G * u], inits.kernel);
    this.recurrentKernel = make([u, G * u], inits.recurrent);
    this.bias = options.useBias ? make([G * u], inits.bias) : null;
    if (this.bias !== null && kind === 'LSTM' && inits.unitForgetBias) this.bias.data.fill(1, u, 2 * u);
    this.#act = ACTIVATIONS[options.activation]!;
    this.#gate = ACTIVATIONS[options.recurrentActivation]!;
  }

  override get category(): ModuleCategory {
    return 'recurrent';
  }

  override get layerName(): string {
    return `${this.kind}(${this.options.units})`;
  }

  override computeOutputShape(s: Shape): Shape {
    if (s.length !== 3 || (s[2] !== -1 && s[2] !== this.inputDim))
      throw layerShapeError(this, [-1, -1, this.inputDim], s);
    return this.options.returnSequences ? [s[0]!, s[1]!, this.options.units] : [s[0]!, this.options.units];
  }

  /** The fused kernel computing this layer's formula (SimpleRNN tanh / relu; LSTM tanh with sigmoid gates), or null. */
  get fusedCell(): RnnCell | null {
    const { activation, recurrentActivation } = this.options;
    if (this.kind === 'SimpleRNN')
      return activation === 'tanh' ? 'rnn_tanh' : activation === 'relu' ? 'rnn_relu' : null;
    if (this.kind === 'LSTM' && activation === 'tanh' && recurrentActivation === 'sigmoid') return 'lstm';
    return null;
  }

  /** Which path the last forward took: one fused op over the sequence, or the steps as ops. */
  lastPath: 'fused' | 'steps' | null = null;

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    const [B, T, I] = x.shape as [number, number, number];
    const u = this.options.units;
    const G = GATES[this.kind];
    const mask = MASKS.get(input) ?? null;
    // Time major (T, B, I), steps in the order they are read.
    const ordered = this.options.goBackwards ? reverseSteps(x) : x;
    let xt = transpose(ordered, 0, 1);
    const cell = this.fusedCell;
    if (cell !== null && mask === null) {
      this.lastPath = 'fused';
      // tfjs's one mask per call, shared by the gates: the kernel's per-sample masks with count 1.
      const p = this.options.dropout;
      const q = this.options.recurrentDropout;
      const { y, hN } = recurrentLayer({
        cell,
        reverse: false,
        x: xt,
        h0: zeros([B, u]),
        c0: cell === 'lstm' ? zeros([B, u]) : null,
        wIh: transpose(this.kernel, 0, 1),
        wHh: transpose(this.recurrentKernel, 0, 1),
        bIh: this.bias,
        bHh: null,
        wHr: null,
        inputMask: this.training && p > 0 ? variationalMask(p, B, 1, I, defaultGenerator) : null,
        recurrentMask: this.training && q > 0 ? variationalMask(q, B, 1, u, defaultGenerator) : null,
      });
      return this.options.returnSequences ? transpose(y, 0, 1) : hN;
    }
    this.lastPath = 'steps';
    const inMask = dropMask(this.options.dropout, B, I, this.training);
    if (inMask !== null) xt = mul(xt, inMask);
    // The input projections of every step at once, bias added: (T, B, G * u).
    let proj = matmul(reshape(xt, [T * B, I]), this.kernel);
    if (this.bias !== null) proj = add(proj, this.bias);
    const xs = reshape(proj, [T, B, G * u]);
    // GRU: h meets the z and r columns of the recurrent kernel, then (reset) the h columns.
    const rMain = this.kind === 'GRU' ? columns(this.recurrentKernel, 0, 2 * u) : this.recurrentKernel;
    const rH = this.kind === 'GRU' ? columns(this.recurrentKernel, 2 * u, u) : null;
    const recMask = dropMask(this.options.recurrentDropout, B, u, this.training);
    let stepMasks: Tensor | null = null;
    if (mask !== null) {
      if (mask.shape.join() !== [B, T].join())
        throw new ShapeError(`${this.layerName}: the step mask has shape ${formatShape(mask.shape)}, not [${B}, ${T}]`);
      const m = this.options.goBackwards ? reverseSteps(reshape(mask, [B, T, 1])) : reshape(mask, [B, T, 1]);
      stepMasks = transpose(m, 0, 1); // (T, B, 1)
    }
    let h: Tensor = zeros([B, u]);
    let c: Tensor = zeros([B, u]);
    const outputs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const pre = selectFirst(xs, t); // (B, G * u)
      const hd = recMask === null ? h : mul(h, recMask);
      let hNew: Tensor;
      let cNew = c;
      if (this.kind === 'SimpleRNN') hNew = this.#act(add(pre, matmul(hd, rMain)));
      else if (this.kind === 'LSTM') {
        const z = add(pre, matmul(hd, rMain));
        const gate = (g: number): Tensor => columns(z, g * u, u);
        cNew = add(mul(this.#gate(gate(1)), c), mul(this.#gate(gate(0)), this.#act(gate(2))));
        hNew = mul(this.#gate(gate(3)), this.#act(cNew));
      } else {
        const zr = add(columns(pre, 0, 2 * u), matmul(hd, rMain));
        const z = this.#gate(columns(zr, 0, u));
        const r = this.#gate(columns(zr, u, u));
        const hh = this.#act(add(columns(pre, 2 * u, u), matmul(mul(r, hd), rH!)));
        hNew = add(mul(z, hd), mul(sub(1, z), hh));
      }
      if (stepMasks !== null) {
        const m = selectFirst(stepMasks, t);
        const keep = sub(1, m);
        hNew = add(mul(hNew, m), mul(h, keep));
        if (this.kind === 'LSTM') cNew = add(mul(cNew, m), mul(c, keep));
      }
      h = hNew;
      c = cNew;
      if (this.options.returnSequences) outputs.push(reshape(h, [B, 1, u]));
    }
    if (!this.options.returnSequences) return h;
    const y = outputs.length === 1 ? outputs[0]! : concat(outputs, 1);
    if (mask !== null) MASKS.set(y, mask);
    return y;
  }

  override getConfig(): Record<string, unknown> {
    return { kind: this.kind, ...this.options };
  }
}

export const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'] as const;
export type MergeMode = (typeof MERGE_MODES)[number];

/** tfjs's Bidirectional: a forward and a backward copy of one recurrent layer, outputs merged. */
export class TfBidirectional extends Module {
  constructor(
    readonly forwardLayer: TfRecurrent,
    readonly backwardLayer: TfRecurrent,
    readonly mergeMode: MergeMode,
  ) {
    super();
  }

  override get category(): ModuleCategory {
    return 'recurrent';
  }

  override get layerName(): string {
    return `Bidirectional(${this.forwardLayer.layerName}, ${this.mergeMode})`;
  }

  override computeOutputShape(s: Shape): Shape {
    const out = this.forwardLayer.computeOutputShape(s);
    if (this.mergeMode !== 'concat') return out;
    return [...out.slice(0, -1), 2 * out[out.length - 1]!];
  }

  override forward(input: Tensor): Tensor {
    const a = this.forwardLayer.forward(input);
    let b = this.backwardLayer.forward(input);
    if (this.forwardLayer.options.returnSequences) b = reverseSteps(b);
    const merged =
      this.mergeMode === 'concat'
        ? concat([a, b], -1)
        : this.mergeMode === 'sum'
          ? add(a, b)
          : this.mergeMode === 'mul'
            ? mul(a, b)
            : mul(add(a, b), 0.5);
    const mask = MASKS.get(input);
    if (mask !== undefined && this.forwardLayer.options.returnSequences) MASKS.set(merged, mask);
    return merged;
  }

  override getConfig(): Record<string, unknown> {
    return { layer: this.forwardLayer.getConfig(), mergeMode: this.mergeMode };
  }
}

/** tfjs's TimeDistributed: the wrapped layer applied to every step of (B, T, ...). */
export class TimeDistributed extends Module {
  constructor(readonly wrapped: Module) {
    super();
  }

  override get layerName(): string {
    return `TimeDistributed(${this.wrapped.layerName})`;
  }

  override computeOutputShape(s: Shape): Shape {
    if (s.length < 3) throw layerShapeError(this, [-1, -1, -1], s);
    const bt = s[0]! < 0 || s[1]! < 0 ? -1 : s[0]! * s[1]!;
    const out = this.wrapped.computeOutputShape([bt, ...s.slice(2)]);
    return [s[0]!, s[1]!, ...out.slice(1)];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    const out = this.computeOutputShape(x.shape);
    const [B, T] = x.shape as [number, number];
    const y = this.wrapped.forward(reshape(x, [B * T, ...x.shape.slice(2)]));
    return reshape(y, [B, T, ...out.slice(2)]);
  }
}

/** tfjs's RepeatVector: (B, F) to (B, n, F). */
export class RepeatVector extends Module {
  constructor(readonly n: number) {
    super();
  }

  override get category(): ModuleCategory {
    return 'reshape';
  }

  override get layerName(): string {
    return `RepeatVector(${this.n})`;
  }

  override computeOutputShape(s: Shape): Shape {
    if (s.length !== 2) throw layerShapeError(this, [-1, -1], s);
    return [s[0]!, this.n, s[1]!];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    const one = reshape(x, [x.shape[0]!, 1, x.shape[1]!]);
    return this.n === 1 ? one : concat(new Array<Tensor>(this.n).fill(one), 1);
  }

  override getConfig(): Record<string, unknown> {
    return { n: this.n };
  }
}

/** tfjs's Embedding: a table [inputDim, outputDim] in tfjs's layout; maskZero marks id 0 for the recurrent layer after it. */
export class TfEmbedding extends Embedding {
  constructor(
    inputDim: number,
    outputDim: number,
    weight: Tensor,
    readonly maskZero: boolean,
  ) {
    super(inputDim, outputDim, { weight });
  }

  override forward(input: Tensor): Tensor<readonly [...number[], number]> {
    // tfjs casts float ids to int32 (toward zero) before the lookup.
    const ids = input.data.every(Number.isInteger) ? input : new Tensor(input.data.map(Math.trunc), input.shape);
    const y = super.forward(ids);
    if (this.maskZero)
      MASKS.set(
        y,
        new Tensor(
          ids.data.map((v) => (v === 0 ? 0 : 1)),
          input.shape,
        ),
      );
    return y;
  }
}
