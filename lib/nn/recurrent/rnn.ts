/**
 * nn.RNN, nn.LSTM and nn.GRU with PyTorch's semantics (torch 1.13): constructor arguments and
 * defaults, parameter names and order (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then
 * weight_hr_l0 with projSize; "_reverse" for the backward direction), initialisation
 * U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)) for every parameter, layouts ((T, B, I) or
 * batchFirst (B, T, I) or unbatched (T, I); h0 and hN always (D * numLayers, B, O)), and the
 * inter-layer `dropout` (fresh per element and step, between layers only, train only, a warning
 * with one layer). Each layer and direction runs as one native op (ops/recurrent.ts).
 *
 * Beyond PyTorch, opt-in and off by default (docs/recurrent.md):
 *   inputDropout, recurrentDropout   variational masks, one per sample per call, reused at every
 *                                    step; per gate (maskPerGate: true, the default) or tied
 *   weightDropout                    DropConnect on weight_hh (one mask per call)
 *   zoneout                          keep the previous state with probability z per step and unit
 *                                    ({ cell, hidden } for LSTM); eval gives the expectation
 * Per layer and direction, in this order, a training call draws: the weight_hh mask, the input
 * masks, the recurrent masks, the zoneout draws of h, then of c; the inter-layer dropout mask
 * after the layer.
 */
import { boolean, isPlainObject, nonNegativeInt, orDefault, positiveInt, probability } from '../../args.js';
import { concat, reshape, transpose } from '../../ops/layout.js';
import { dropout as dropoutOp } from '../../ops/dropout.js';
import {
  dropWeight,
  recurrentLayer,
  type RnnCell,
  type SampleMasks,
  selectFirst,
  variationalMask,
  zoneoutWeights,
} from '../../ops/recurrent.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../../errors.js';
import { defaultGenerator, Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import { Tensor, zeros } from '../../tensor.js';
import { checkGenerator } from '../init.js';
import { Module, type ModuleCategory } from '../module.js';
import { Parameter } from '../parameter.js';
import { expectLayerInput, layerShapeError } from '../shape-check.js';
import { gatherArgs } from './args.js';

/** Zoneout rates of an LSTM: the probability of keeping the previous c and h. */
export interface ZoneoutRates {
  cell?: number;
  hidden?: number;
}

export interface RecurrentOptions {
  inputSize?: number;
  hiddenSize?: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Learn the two biases (default true). */
  bias?: boolean;
  /** Input and output are (B, T, features) instead of (T, B, features); h0 and hN are not affected. */
  batchFirst?: boolean;
  /** PyTorch's dropout on the outputs of every layer but the last (fresh per element and step), in [0, 1]. */
  dropout?: number;
  /** Also run every layer from the last step to the first and concatenate (default false). */
  bidirectional?: boolean;
  /** Variational dropout of each layer's input x_t: one mask per sample per call, the same at every step. */
  inputDropout?: number;
  /** Variational dropout of h_{t-1} where it enters the gates' matmul (never GRU's carried state). */
  recurrentDropout?: number;
  /** One mask per gate (true, default: Gal's untied masks, Keras >= 3.8) or one shared by all gates. */
  maskPerGate?: boolean;
  /** DropConnect on weight_hh: one mask per training call, shared by the batch and every step. */
  weightDropout?: number;
  /** The mask stream's seed: a Generator made once for this layer (reproducible masks). */
  seed?: number | bigint;
  /** A mask stream to draw from instead (default: the generator seeded by manualSeed). */
  maskGenerator?: Generator;
  /** The stream the initial weights are drawn from (default: the manualSeed one). */
  generator?: Generator;
}

export interface RNNOptions extends RecurrentOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
  /** Probability of keeping the previous h at each step, per unit and sample (default 0). */
  zoneout?: number;
}

export interface LSTMOptions extends RecurrentOptions {
  /** Project h to this size (0: none; below hiddenSize). */
  projSize?: number;
  /** Probability of keeping the previous state: one rate for c and h, or { cell, hidden }. */
  zoneout?: number | ZoneoutRates;
}

export interface GRUOptions extends RecurrentOptions {
  /** Probability of keeping the previous h at each step, per unit and sample (default 0). */
  zoneout?: number;
}

const COMMON = [
  'inputSize',
  'hiddenSize',
  'numLayers',
  'bias',
  'batchFirst',
  'dropout',
  'bidirectional',
  'inputDropout',
  'recurrentDropout',
  'maskPerGate',
  'weightDropout',
  'zoneout',
  'seed',
  'maskGenerator',
  'generator',
] as const;

export const DROPOUT_ONE_LAYER = 'DROPNET_RNN_DROPOUT_ONE_LAYER';

interface LayerWeights {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
  wHr: Parameter | null;
}

export abstract class RNNBase extends Module {
  readonly mode: RnnCell;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  readonly inputDropout: number;
  readonly recurrentDropout: number;
  readonly maskPerGate: boolean;
  readonly weightDropout: number;
  /** Zoneout rates of h and (LSTM) c. */
  readonly zoneoutHidden: number;
  readonly zoneoutCell: number;
  /** The seed of the layer's own mask stream, or null. */
  readonly seed: number | bigint | null;
  /** The stream masks are drawn from. */
  readonly maskGenerator: Generator;
  /**
   * The variational masks of the last training call, per layer and direction (index l * D + d):
   * (batch, count, units) floats of 0 or 1/(1-p), count = gates or 1; null where none was drawn.
   */
  lastDropoutMasks: { input: SampleMasks | null; recurrent: SampleMasks | null }[] = [];

  protected constructor(
    mode: RnnCell,
    kind: string,
    args: readonly unknown[],
    order: readonly string[],
    extra: readonly string[],
  ) {
    super();
    const o = gatherArgs(kind, args, order, [...COMMON, ...extra]);
    this.mode = mode;
    this.inputSize = positiveInt(o.inputSize, 'inputSize');
    this.hiddenSize = positiveInt(o.hiddenSize, 'hiddenSize');
    this.numLayers = o.numLayers === undefined ? 1 : positiveInt(o.numLayers, 'numLayers');
    this.bias = boolean(orDefault(o.bias, true), 'bias');
    this.batchFirst = boolean(orDefault(o.batchFirst, false), 'batchFirst');
    this.dropout = probability(orDefault(o.dropout, 0), 'dropout');
    this.bidirectional = boolean(orDefault(o.bidirectional, false), 'bidirectional');
    this.projSize = o.projSize === undefined ? 0 : nonNegativeInt(o.projSize, 'projSize');
    if (this.projSize >= this.hiddenSize) {
      throw argRangeError('projSize', `integer in [0, ${this.hiddenSize - 1}] (below hiddenSize)`, this.projSize);
    }
    this.inputDropout = probability(orDefault(o.inputDropout, 0), 'inputDropout');
    this.recurrentDropout = probability(orDefault(o.recurrentDropout, 0), 'recurrentDropout');
    this.maskPerGate = boolean(orDefault(o.maskPerGate, true), 'maskPerGate');
    this.weightDropout = probability(orDefault(o.weightDropout, 0), 'weightDropout');
    const z = o.zoneout;
    if (mode === 'lstm' && typeof z === 'object' && z !== null && !Array.isArray(z)) {
      const rates = z as Record<string, unknown>;
      for (const key of Object.keys(rates)) {
        if (key !== 'cell' && key !== 'hidden')
          throw new TypeError(`${kind}: unknown zoneout rate ${JSON.stringify(key)}; it takes cell, hidden`);
      }
      this.zoneoutCell = probability(orDefault(rates.cell, 0), 'zoneout.cell');
      this.zoneoutHidden = probability(orDefault(rates.hidden, 0), 'zoneout.hidden');
    } else {
      if (z !== undefined && typeof z !== 'number') {
        throw argTypeError('zoneout', mode === 'lstm' ? 'number in [0, 1] or { cell, hidden }' : 'number in [0, 1]', z);
      }
      this.zoneoutHidden = probability(orDefault(z, 0), 'zoneout');
      this.zoneoutCell = mode === 'lstm' ? this.zoneoutHidden : 0;
    }
    const { maskGenerator, seed } = o;
    if (maskGenerator !== undefined) {
      if (!(maskGenerator instanceof Generator)) throw argTypeError('maskGenerator', 'Generator', maskGenerator);
      if (seed !== undefined) throw argTypeError('seed', 'undefined (a maskGenerator is given)', seed);
    }
    if (seed !== undefined && typeof seed !== 'number' && typeof seed !== 'bigint')
      throw argTypeError('seed', 'integer or bigint', seed);
    this.maskGenerator =
      (maskGenerator as Generator | undefined) ??
      (seed === undefined ? defaultGenerator : new Generator(seed as number | bigint));
    this.seed = (seed as number | bigint | undefined) ?? null;
    if (this.dropout > 0 && this.numLayers === 1) {
      process.emitWarning(
        `${kind}: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects ` +
          `numLayers greater than 1, but got dropout=${this.dropout} and numLayers=1`,
        { code: DROPOUT_ONE_LAYER },
      );
    }
    // Parameters in PyTorch's order, all U(-1/sqrt(H), 1/sqrt(H)), drawn in that order.
    const generator = checkGenerator(o.generator ?? defaultGenerator);
    const bound = 1 / Math.sqrt(this.hiddenSize);
    const G = this.gates;
    const H = this.hiddenSize;
    const out = this.outSize;
    const D = this.directions;
    const param = (shape: number[]): Parameter => {
      const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
      generator.uniform(data, -bound, bound);
      return new Parameter(new Tensor(data, shape));
    };
    const self = this as unknown as Record<string, unknown>;
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? this.inputSize : out * D;
      for (let d = 0; d < D; d++) {
        const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
        self[`weight_ih${suffix}`] = param([G * H, inSize]);
        self[`weight_hh${suffix}`] = param([G * H, out]);
        if (this.bias) {
          self[`bias_ih${suffix}`] = param([G * H]);
          self[`bias_hh${suffix}`] = param([G * H]);
        }
        if (this.projSize > 0) self[`weight_hr${suffix}`] = param([this.projSize, H]);
      }
    }
  }

  /** Gates per layer: 4 (LSTM), 3 (GRU), 1 (RNN). */
  get gates(): number {
    return this.mode === 'lstm' ? 4 : this.mode === 'gru' ? 3 : 1;
  }

  /** 2 when bidirectional, else 1. */
  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The size of h: projSize or hiddenSize. */
  get outSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  override get category(): ModuleCategory {
    return 'recurrent';
  }

  override get layerName(): string {
    return `${this.constructor.name}(${this.inputSize}→${this.hiddenSize}${this.numLayers > 1 ? `, ${this.numLayers} layers` : ''}${this.bidirectional ? ', bidirectional' : ''})`;
  }

  /** The parameters of layer l, direction d, read from the properties (so reassigning one is seen). */
  protected weights(l: number, d: number): LayerWeights {
    const self = this as unknown as Record<string, Parameter | undefined>;
    const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
    return {
      wIh: self[`weight_ih${suffix}`]!,
      wHh: self[`weight_hh${suffix}`]!,
      bIh: self[`bias_ih${suffix}`] ?? null,
      bHh: self[`bias_hh${suffix}`] ?? null,
      wHr: self[`weight_hr${suffix}`] ?? null,
    };
  }

  /** The input shape this layer expects, -1 for any size. */
  #expectedInput(rank: number): number[] {
    return rank === 2 ? [-1, this.inputSize] : [-1, -1, this.inputSize];
  }

  #checkInput(x: Tensor): void {
    if (
      (x.rank !== 2 && x.rank !== 3) ||
      x.shape[x.rank - 1] !== this.inputSize ||
      x.shape[0] === 0 ||
      (x.rank === 3 && x.shape[1] === 0)
    ) {
      throw layerShapeError(this, this.#expectedInput(x.rank === 2 ? 2 : 3), x.shape);
    }
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const rank = inputShape.length;
    const last = inputShape[rank - 1];
    if ((rank !== 2 && rank !== 3) || (last !== this.inputSize && last !== -1)) {
      throw layerShapeError(this, this.#expectedInput(rank === 2 ? 2 : 3), inputShape);
    }
    return [...inputShape.slice(0, -1), this.directions * this.outSize];
  }

  /** Checks a given initial state against the expected shape, naming both. */
  #checkState(t: unknown, name: string, expected: number[]): Tensor {
    if (!(t instanceof Tensor)) throw argTypeError(`${name} of ${this.layerName}`, 'Tensor', t);
    const ok = t.rank === expected.length && t.shape.every((s: number, i: number) => s === expected[i]);
    if (!ok) {
      throw new ShapeError(
        `${this.layerName} expected ${name} of shape ${formatShape(expected)} but received ${formatShape(t.shape)}`,
        {
          layer: this.layerName,
          expected,
          received: t.shape,
        },
      );
    }
    return t;
  }

  /** Runs every layer and direction; x is (T, B, I), states (D*L, B, *) or null. */
  protected run(input: Tensor, hx: unknown): [Tensor, Tensor, Tensor | null] {
    const x0 = expectLayerInput(this, input);
    this.#checkInput(x0);
    const batched = x0.rank === 3;
    const lstm = this.mode === 'lstm';
    const D = this.directions;
    const L = this.numLayers;
    const H = this.hiddenSize;
    const O = this.outSize;
    let x = batched ? (this.batchFirst ? transpose(x0, 0, 1) : x0) : reshape(x0, [x0.shape[0]!, 1, this.inputSize]);
    const [T, B] = x.shape as readonly [number, number, number];
    const hShape = batched ? [D * L, B, O] : [D * L, O];
    const cShape = batched ? [D * L, B, H] : [D * L, H];
    let h0: Tensor | null = null;
    let c0: Tensor | null = null;
    if (hx !== undefined && hx !== null) {
      if (lstm) {
        if (!Array.isArray(hx) || hx.length !== 2)
          throw argTypeError(`hx of ${this.layerName}`, '[h0, c0] (two Tensors) or null', hx);
        h0 = this.#checkState(hx[0], 'hx[0]', hShape);
        c0 = this.#checkState(hx[1], 'hx[1]', cShape);
      } else {
        h0 = this.#checkState(hx, 'hx', hShape);
      }
    }
    const training = this.training;
    const gen = this.maskGenerator;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    if (training) this.lastDropoutMasks = [];
    for (let l = 0; l < L; l++) {
      const inSize = x.shape[2]!;
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const w = this.weights(l, d);
        const k = l * D + d;
        const h0k = h0 === null ? zeros([B, O]) : reshape(selectFirst(h0, k), [B, O]);
        const c0k = !lstm ? null : c0 === null ? zeros([B, H]) : reshape(selectFirst(c0, k), [B, H]);
        const wHh = training && this.weightDropout > 0 ? dropWeight(w.wHh, this.weightDropout, gen) : w.wHh;
        const count = this.maskPerGate ? this.gates : 1;
        const inputMask: SampleMasks | null =
          training && this.inputDropout > 0 ? variationalMask(this.inputDropout, B, count, inSize, gen) : null;
        const recurrentMask: SampleMasks | null =
          training && this.recurrentDropout > 0 ? variationalMask(this.recurrentDropout, B, count, O, gen) : null;
        if (training) this.lastDropoutMasks.push({ input: inputMask, recurrent: recurrentMask });
        const zoneoutH = zoneoutWeights(this.zoneoutHidden, T * B * O, training, gen);
        const zoneoutC = lstm ? zoneoutWeights(this.zoneoutCell, T * B * H, training, gen) : null;
        const r = recurrentLayer({
          cell: this.mode,
          reverse: d === 1,
          x,
          h0: h0k,
          c0: c0k,
          wIh: w.wIh,
          wHh,
          bIh: w.bIh,
          bHh: w.bHh,
          wHr: w.wHr,
          inputMask,
          recurrentMask,
          zoneoutH,
          zoneoutC,
        });
        outs.push(r.y);
        hs.push(reshape(r.hN, [1, B, O]));
        if (r.cN !== null) cs.push(reshape(r.cN, [1, B, H]));
      }
      x = D === 1 ? outs[0]! : concat(outs, 2);
      if (l < L - 1 && training && this.dropout > 0)
        x = dropoutOp(x, { p: this.dropout, training: true, generator: gen });
    }
    let output = x;
    let hN = hs.length === 1 ? hs[0]! : concat(hs, 0);
    let cN = lstm ? (cs.length === 1 ? cs[0]! : concat(cs, 0)) : null;
    if (batched) {
      if (this.batchFirst) output = transpose(output, 0, 1);
    } else {
      output = reshape(output, [T, D * O]);
      hN = reshape(hN, [D * L, O]);
      if (cN !== null) cN = reshape(cN, [D * L, H]);
    }
    return [output, hN, cN];
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      numLayers: this.numLayers,
      bias: this.bias,
      batchFirst: this.batchFirst,
      dropout: this.dropout,
      bidirectional: this.bidirectional,
    };
    if (this.mode === 'lstm') config.projSize = this.projSize;
    if (this.mode === 'rnn_relu') config.nonlinearity = 'relu';
    if (this.inputDropout > 0) config.inputDropout = this.inputDropout;
    if (this.recurrentDropout > 0) config.recurrentDropout = this.recurrentDropout;
    if (this.inputDropout > 0 || this.recurrentDropout > 0) config.maskPerGate = this.maskPerGate;
    if (this.weightDropout > 0) config.weightDropout = this.weightDropout;
    if (this.mode === 'lstm' && (this.zoneoutCell > 0 || this.zoneoutHidden > 0))
      config.zoneout = { cell: this.zoneoutCell, hidden: this.zoneoutHidden };
    else if (this.zoneoutHidden > 0) config.zoneout = this.zoneoutHidden;
    if (this.seed !== null) config.seed = this.seed;
    return config;
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}`, `${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (this.mode === 'rnn_relu') parts.push(`nonlinearity='relu'`);
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout !== 0) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    if (this.projSize !== 0) parts.push(`projSize=${this.projSize}`);
    if (this.inputDropout !== 0) parts.push(`inputDropout=${this.inputDropout}`);
    if (this.recurrentDropout !== 0) parts.push(`recurrentDropout=${this.recurrentDropout}`);
    if (this.weightDropout !== 0) parts.push(`weightDropout=${this.weightDropout}`);
    if (this.zoneoutHidden !== 0 || this.zoneoutCell !== 0) {
      parts.push(
        this.mode === 'lstm'
          ? `zoneout={cell: ${this.zoneoutCell}, hidden: ${this.zoneoutHidden}}`
          : `zoneout=${this.zoneoutHidden}`,
      );
    }
    return parts.join(', ');
  }
}

/**
 * Elman RNN: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh) (or relu).
 * `new RNN(inputSize, hiddenSize, numLayers, nonlinearity, bias, batchFirst, dropout, bidirectional)`
 * (PyTorch's order; any tail may be left out) or `new RNN({ inputSize, hiddenSize, ... })`.
 */
export class RNN extends RNNBase {
  constructor(...args: [inputSize: number, hiddenSize: number, ...rest: unknown[]] | [options: RNNOptions]);
  constructor(...args: unknown[]) {
    const order = [
      'inputSize',
      'hiddenSize',
      'numLayers',
      'nonlinearity',
      'bias',
      'batchFirst',
      'dropout',
      'bidirectional',
    ];
    const last = args[args.length - 1];
    const positional = args.length > 3 && !isPlainObject(args[3]) ? args[3] : undefined;
    const nl = positional ?? (isPlainObject(last) ? last.nonlinearity : undefined) ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') {
      throw typeof nl === 'string'
        ? argRangeError('nonlinearity', `'tanh' or 'relu'`, nl)
        : argTypeError('nonlinearity', `'tanh' or 'relu'`, nl);
    }
    super(nl === 'relu' ? 'rnn_relu' : 'rnn_tanh', 'RNN', args, order, ['nonlinearity']);
  }

  get nonlinearity(): 'tanh' | 'relu' {
    return this.mode === 'rnn_relu' ? 'relu' : 'tanh';
  }

  /** [output, hN]: output (T, B, D*H) (batchFirst: (B, T, D*H)), hN (D*numLayers, B, H). */
  // @ts-expect-error -- a recurrent layer returns [output, state] as PyTorch's does, not one Tensor.
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    const [output, hN] = this.run(input, hx);
    return [output, hN];
  }
}

/**
 * LSTM with PyTorch's gates (i, f, g, o) and optional projection of h (projSize).
 * `new LSTM(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize)`
 * or `new LSTM({ inputSize, hiddenSize, ... })`.
 */
export class LSTM extends RNNBase {
  constructor(...args: [inputSize: number, hiddenSize: number, ...rest: unknown[]] | [options: LSTMOptions]);
  constructor(...args: unknown[]) {
    const order = [
      'inputSize',
      'hiddenSize',
      'numLayers',
      'bias',
      'batchFirst',
      'dropout',
      'bidirectional',
      'projSize',
    ];
    super('lstm', 'LSTM', args, order, ['projSize']);
  }

  /** [output, [hN, cN]]: output (T, B, D*O), hN (D*numLayers, B, O), cN (D*numLayers, B, H). */
  // @ts-expect-error -- a recurrent layer returns [output, state] as PyTorch's does, not one Tensor.
  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const [output, hN, cN] = this.run(input, hx);
    return [output, [hN, cN!]];
  }
}

/**
 * GRU with PyTorch's gates (r, z, n): n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
 * h' = (1 - z) n + z h. `new GRU(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout,
 * bidirectional)` or `new GRU({ inputSize, hiddenSize, ... })`.
 */
export class GRU extends RNNBase {
  constructor(...args: [inputSize: number, hiddenSize: number, ...rest: unknown[]] | [options: GRUOptions]);
  constructor(...args: unknown[]) {
    const order = ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional'];
    super('gru', 'GRU', args, order, []);
  }

  /** [output, hN] as RNN's. */
  // @ts-expect-error -- a recurrent layer returns [output, state] as PyTorch's does, not one Tensor.
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    const [output, hN] = this.run(input, hx);
    return [output, hN];
  }
}
