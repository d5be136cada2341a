/**
 * Keras's recurrent layers over dropnet's native ones: `layers.simpleRNN`, `layers.lstm`,
 * `layers.gru` and `layers.bidirectional({ layer })`, with Keras's defaults and names:
 *   kernel glorot_uniform, recurrent kernel orthogonal, biases zero (LSTM: forget gate 1 with
 *   unitForgetBias), returnSequences false (the last step's output), goBackwards false (true
 *   reads the sequence backwards and returns the outputs in that order), GRU resetAfter true;
 *   `dropout` / `recurrentDropout` are the variational masks of Keras >= 3.8 (one mask per
 *   sample and gate, the same at every step).
 * Each creates an nn.RNN / nn.LSTM / nn.GRU (batch first), so state-dict keys are PyTorch's
 * (`0.rnn.weight_ih_l0` ...). Keras keeps one bias for LSTM and SimpleRNN; here the input bias
 * carries it and the recurrent bias stays at zero, out of training (requiresGrad false).
 */
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import { defaultGenerator } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import { GRU, LSTM, type MaskedOutputs, RNN } from '../nn/recurrent/rnn.js';
import { expectLayerInput, layerShapeError } from '../nn/shape-check.js';
import { selectFirst } from '../ops/recurrent.js';
import { gather } from '../ops/indexing.js';
import { concat, reshape } from '../ops/layout.js';
import { add, mul } from '../ops/arithmetic.js';
import { glorotUniform } from './modules.js';
import { boolean, orDefault, positiveInt, probability } from '../args.js';
import { checkArgs } from './layer-args.js';
import { type LayerArgs, LayerSpec } from './layers.js';

export type RecurrentKind = 'SimpleRNN' | 'LSTM' | 'GRU';
export const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'] as const;
export type MergeMode = (typeof MERGE_MODES)[number];

export interface RecurrentArgs extends LayerArgs {
  units: number;
  /** The state's activation: 'tanh' (default); SimpleRNN also 'relu'. */
  activation?: string;
  /** LSTM and GRU: the gates' activation, 'sigmoid' (the default, Keras 3's). */
  recurrentActivation?: string;
  useBias?: boolean;
  /** Variational dropout of the inputs: one mask per sample and gate, the same at every step. */
  dropout?: number;
  /** Variational dropout of the recurrent state, likewise. */
  recurrentDropout?: number;
  returnSequences?: boolean;
  /**
   * The final states as well: the module's forwardWithState gives [output, ...states]. A
   * sequential model, which passes one tensor on, refuses it (as Keras's Sequential does).
   */
  returnState?: boolean;
  goBackwards?: boolean;
  /** Under a mask, zeros at the masked steps instead of the carried output (default false). */
  zeroOutputForMask?: boolean;
  /** LSTM: forget-gate bias starts at 1 (default true). */
  unitForgetBias?: boolean;
  /** GRU: the reset gate after the recurrent matmul (default true, Keras 3's and PyTorch's). */
  resetAfter?: boolean;
}

const GATES: Record<RecurrentKind, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };

/** Fills `data` (rows x cols, row-major) with orthonormal columns (rows >= cols) or rows, from N(0, 1) draws. */
function orthogonal(data: Float32Array, rows: number, cols: number): void {
  const tall = rows >= cols;
  const [n, k] = tall ? [rows, cols] : [cols, rows];
  const v = new Float64Array(n * k);
  const draws = new Float32Array(n * k);
  defaultGenerator.normal(draws, 0, 1);
  v.set(draws);
  // Gram-Schmidt over the k vectors of length n (vector j is v[j*n ...]), twice for stability.
  for (let j = 0; j < k; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[j * n + i]! * v[p * n + i]!;
        for (let i = 0; i < n; i++) v[j * n + i]! -= dot * v[p * n + i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[j * n + i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[j * n + i]! /= norm;
  }
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) data[r * cols + c] = tall ? v[c * n + r]! : v[r * n + c]!;
}

/** Reverses the time axis (1) of a (batch, steps, features) tensor, with its gradient. */
function reverseTime(x: Tensor): Tensor {
  const [b, t, f] = x.shape as [number, number, number];
  const index = new Float32Array(b * t * f);
  for (let i = 0; i < b; i++) for (let s = 0; s < t; s++) index.fill(t - 1 - s, (i * t + s) * f, (i * t + s + 1) * f);
  return gather(x, 1, new Tensor(index, [b, t, f]));
}

/** A (batch, steps) mask with its steps reversed (masks carry no gradient). */
function reverseSteps(mask: Tensor): Tensor {
  const [b, t] = mask.shape as [number, number];
  const out = new Float32Array(b * t);
  for (let i = 0; i < b; i++) for (let s = 0; s < t; s++) out[i * t + s] = mask.data[i * t + t - 1 - s]!;
  return new Tensor(out, [b, t]);
}

/** The last step (batch) of a (batch, steps) mask. */
function lastStep(mask: Tensor): Tensor {
  const [b, t] = mask.shape as [number, number];
  return new Tensor(
    Float32Array.from({ length: b }, (_, i) => mask.data[i * t + t - 1]!),
    [b],
  );
}

/** forward's [output, state] as forwardMasked's { output, h, c }. */
function resultOf([output, state]: [Tensor, Tensor | [Tensor, Tensor]]): MaskedOutputs {
  return Array.isArray(state) ? { output, h: state[0], c: state[1] } : { output, h: state, c: null };
}

/** Features [from, from + size) of the last axis of a rank-3 tensor. */
function lastAxisSlice(x: Tensor, from: number, size: number): Tensor {
  const [b, t] = x.shape as [number, number, number];
  const index = new Float32Array(b * t * size);
  for (let i = 0; i < b * t; i++) for (let j = 0; j < size; j++) index[i * size + j] = from + j;
  return gather(x, 2, new Tensor(index, [b, t, size]));
}

function merge(mode: MergeMode, a: Tensor, b: Tensor): Tensor {
  switch (mode) {
    case 'concat':
      return concat([a, b], -1);
    case 'sum':
      return add(a, b);
    case 'mul':
      return mul(a, b);
    case 'ave':
      return mul(add(a, b), 0.5);
  }
}

/** The options of a Keras recurrent layer, checked. */
export interface KerasRecurrentOptions {
  useBias: boolean;
  dropout: number;
  recurrentDropout: number;
  returnSequences: boolean;
  /** forwardWithState gives the final states too; forward refuses (one output only). */
  returnState?: boolean;
  goBackwards: boolean;
  unitForgetBias: boolean;
  activation: string;
  /** With a mask: zeros at masked steps instead of the carried output (Bidirectional: returnSequences). */
  zeroOutputForMask?: boolean;
}

/** A Keras recurrent layer (or a bidirectional pair) as a module over one batch-first nn layer. */
export class KerasRecurrent extends Module {
  readonly rnn: RNN | LSTM | GRU;

  constructor(
    readonly kind: RecurrentKind,
    readonly units: number,
    inputSize: number,
    readonly options: KerasRecurrentOptions,
    readonly mergeMode: MergeMode | null = null,
  ) {
    super();
    const common = {
      inputSize,
      hiddenSize: units,
      bias: options.useBias,
      batchFirst: true,
      bidirectional: mergeMode !== null,
      inputDropout: options.dropout,
      recurrentDropout: options.recurrentDropout,
    };
    this.rnn =
      kind === 'LSTM'
        ? new LSTM(common)
        : kind === 'GRU'
          ? new GRU(common)
          : new RNN({ ...common, nonlinearity: options.activation as 'tanh' | 'relu' });
    const G = GATES[kind];
    const self = this.rnn as unknown as Record<string, { data: Float32Array; requiresGrad: boolean } | null>;
    for (const suffix of mergeMode === null ? ['_l0'] : ['_l0', '_l0_reverse']) {
      glorotUniform(self[`weight_ih${suffix}`]!.data, inputSize, G * units);
      orthogonal(self[`weight_hh${suffix}`]!.data, G * units, units);
      const bIh = self[`bias_ih${suffix}`];
      const bHh = self[`bias_hh${suffix}`];
      if (bIh && bHh) {
        bIh.data.fill(0);
        bHh.data.fill(0);
        if (kind === 'LSTM' && options.unitForgetBias) bIh.data.fill(1, units, 2 * units); // gates i, f, g, o
        if (kind !== 'GRU') bHh.requiresGrad = false; // Keras's one bias is the input bias here
      }
    }
  }

  override get layerName(): string {
    const name = `${this.kind}(${this.units})`;
    return this.mergeMode === null ? name : `Bidirectional(${name}, ${this.mergeMode})`;
  }

  /**
   * The layer's output: (batch, steps, units) with returnSequences, else (batch, units); twice
   * the units for a concatenated bidirectional pair. `mask` (batch, steps) of 0 and 1 skips the
   * 0 steps as Keras does: the state carries over them, the output there is the carried one (or
   * zeros with zeroOutputForMask).
   */
  override forward(input: Tensor, mask: Tensor | null = null): Tensor {
    if (this.options.returnState === true) {
      throw new RangeError(
        `${this.layerName}: returnState gives [output, ...states], which a sequential model cannot pass on; call forwardWithState for them`,
      );
    }
    return this.#run(input, mask)[0]!;
  }

  /**
   * Keras's returnState: [output, h, c] (LSTM) or [output, h], each state (batch, units); a
   * bidirectional pair gives the forward direction's states, then the backward one's.
   */
  forwardWithState(input: Tensor, mask: Tensor | null = null): Tensor[] {
    return this.#run(input, mask);
  }

  #run(input: Tensor, mask: Tensor | null): Tensor[] {
    const x0 = expectLayerInput(this, input);
    if (x0.rank !== 3) throw layerShapeError(this, [-1, -1, this.rnn.inputSize], x0.shape);
    const [B, T] = x0.shape as [number, number, number];
    const backwards = this.options.goBackwards;
    let stepMask: Tensor | null = null;
    if (mask !== null && mask !== undefined) {
      if (!(mask instanceof Tensor)) throw argTypeError(`mask of ${this.layerName}`, 'Tensor or null', mask);
      if (mask.rank !== 2 || mask.shape[0] !== B || mask.shape[1] !== T) {
        throw new ShapeError(
          `${this.layerName} expected a mask of shape ${formatShape([B, T])} (batch, steps) but received ${formatShape(mask.shape)}`,
          { layer: this.layerName, expected: [B, T], received: mask.shape },
        );
      }
      stepMask = backwards ? reverseSteps(mask) : mask;
    }
    const x = backwards ? reverseTime(x0) : x0;
    const rnn = this.rnn as RNN;
    const r =
      stepMask === null
        ? resultOf(rnn.forward(x) as [Tensor, Tensor | [Tensor, Tensor]])
        : rnn.forwardMasked(x, stepMask);
    const H = this.units;
    const D = this.mergeMode === null ? 1 : 2;
    const states: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      states.push(reshape(selectFirst(r.h, d), [B, H]));
      if (r.c !== null) states.push(reshape(selectFirst(r.c, d), [B, H]));
    }
    const perDirection = r.c === null ? 1 : 2;
    const zeroOut =
      stepMask !== null && (D === 2 ? this.options.returnSequences : this.options.zeroOutputForMask === true);
    let output: Tensor;
    if (this.options.returnSequences) {
      const y = zeroOut ? mul(r.output, reshape(stepMask!, [B, T, 1])) : r.output;
      output =
        D === 1 || this.mergeMode === 'concat'
          ? y
          : merge(this.mergeMode!, lastAxisSlice(y, 0, H), lastAxisSlice(y, H, H));
    } else {
      const last = states.filter((_, i) => i % perDirection === 0);
      const y0 = zeroOut ? mul(last[0]!, reshape(lastStep(stepMask!), [B, 1])) : last[0]!;
      output =
        D === 1 ? y0 : this.mergeMode === 'concat' ? concat([y0, last[1]!], 1) : merge(this.mergeMode!, y0, last[1]!);
    }
    return [output, ...states];
  }

  override getConfig(): Record<string, unknown> {
    return {
      kind: this.kind,
      units: this.units,
      ...this.options,
      ...(this.mergeMode === null ? {} : { mergeMode: this.mergeMode }),
    };
  }
}

const KEYS = [
  'units',
  'activation',
  'recurrentActivation',
  'useBias',
  'dropout',
  'recurrentDropout',
  'returnSequences',
  'returnState',
  'goBackwards',
  'zeroOutputForMask',
];

function recurrentSpec(kind: RecurrentKind, fn: string, args: RecurrentArgs, extra: readonly string[]): LayerSpec {
  const a = checkArgs(fn, args, [...KEYS, ...extra]);
  if (a.units === undefined) throw new TypeError(`layers.${fn} needs units (the size of the state)`);
  const units = positiveInt(a.units, 'units');
  const activations = kind === 'SimpleRNN' ? ['tanh', 'relu'] : ['tanh'];
  const activation = a.activation ?? 'tanh';
  if (!activations.includes(activation as string)) {
    throw argRangeError(
      'activation',
      `${activations.map((s) => `'${s}'`).join(' or ')} (the fused ${kind} kernel's)`,
      activation,
    );
  }
  if (kind !== 'SimpleRNN' && a.recurrentActivation !== undefined && a.recurrentActivation !== 'sigmoid') {
    // tfjs and Keras 2 default to 'hardSigmoid' (0.2x + 0.5); the fused kernel has the sigmoid only.
    throw argRangeError('recurrentActivation', `'sigmoid' (the fused ${kind} kernel's)`, a.recurrentActivation);
  }
  if (kind === 'GRU' && !boolean(orDefault(a.resetAfter, true), 'resetAfter')) {
    throw argRangeError(
      'resetAfter',
      'true (the reset gate after the recurrent matmul, as Keras 3 and PyTorch; the fused GRU kernel has that form only)',
      false,
    );
  }
  const options = {
    useBias: boolean(orDefault(a.useBias, true), 'useBias'),
    dropout: probability(orDefault(a.dropout, 0), 'dropout'),
    recurrentDropout: probability(orDefault(a.recurrentDropout, 0), 'recurrentDropout'),
    returnSequences: boolean(orDefault(a.returnSequences, false), 'returnSequences'),
    returnState: boolean(orDefault(a.returnState, false), 'returnState'),
    goBackwards: boolean(orDefault(a.goBackwards, false), 'goBackwards'),
    unitForgetBias: boolean(orDefault(a.unitForgetBias, true), 'unitForgetBias'),
    activation: activation as string,
    zeroOutputForMask: boolean(orDefault(a.zeroOutputForMask, false), 'zeroOutputForMask'),
  };
  const stem = { SimpleRNN: 'simple_rnn', LSTM: 'lstm', GRU: 'gru' }[kind];
  const make = (shape: Shape, mergeMode: MergeMode | null): KerasRecurrent => {
    if (shape.length !== 2)
      throw new RangeError(
        `layers.${fn} needs samples of (steps, features) but receives samples of shape [${shape.join(', ')}]`,
      );
    return new KerasRecurrent(kind, units, shape[1]!, options, mergeMode);
  };
  const spec = new LayerSpec(kind, a, stem, (shape) => ({ module: make(shape, null), regularized: [] }));
  RECURRENT.set(spec, { options, make });
  return spec;
}

/** What layers.bidirectional needs of the recurrent specs it wraps. */
const RECURRENT = new WeakMap<
  LayerSpec,
  { options: KerasRecurrentOptions; make: (sampleShape: Shape, mergeMode: MergeMode | null) => KerasRecurrent }
>();

/** Keras's SimpleRNN: h_t = activation(W x_t + U h_{t-1} + b). */
export function simpleRNN(args: RecurrentArgs): LayerSpec {
  return recurrentSpec('SimpleRNN', 'simpleRNN', args, []);
}

/** Keras's LSTM (gates i, f, c, o; sigmoid gates, tanh state). */
export function lstm(args: RecurrentArgs): LayerSpec {
  return recurrentSpec('LSTM', 'lstm', args, ['unitForgetBias']);
}

/** Keras's GRU with resetAfter true (the form PyTorch's GRU computes). */
export function gru(args: RecurrentArgs): LayerSpec {
  return recurrentSpec('GRU', 'gru', args, ['resetAfter']);
}

export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer to run both ways (layers.lstm(...), layers.gru(...), layers.simpleRNN(...)). */
  layer: LayerSpec;
  /** How the two directions' outputs combine: 'concat' (default), 'sum', 'mul' or 'ave'. */
  mergeMode?: MergeMode;
}

/** Runs a recurrent layer forwards and backwards over the sequence and merges the outputs (Keras's Bidirectional). */
export function bidirectional(args: BidirectionalArgs): LayerSpec {
  const a = checkArgs('bidirectional', args, ['layer', 'mergeMode']);
  // A saved model gives the wrapped layer as { className, config }.
  const saved = a.layer as { className?: unknown; config?: unknown } | undefined;
  const rebuild = { SimpleRNN: simpleRNN, LSTM: lstm, GRU: gru } as Record<string, (c: RecurrentArgs) => LayerSpec>;
  const inner =
    !(a.layer instanceof LayerSpec) && typeof saved?.className === 'string' && rebuild[saved.className] !== undefined
      ? rebuild[saved.className]!(saved.config as RecurrentArgs)
      : (a.layer as LayerSpec);
  const recurrent = RECURRENT.get(inner);
  if (recurrent === undefined)
    throw argTypeError('layer', 'recurrent layer (layers.lstm, layers.gru or layers.simpleRNN)', inner);
  if (recurrent.options.goBackwards)
    throw argRangeError(
      'layer',
      'a layer with goBackwards false (the wrapper reads the sequence both ways)',
      'goBackwards: true',
    );
  const mode = a.mergeMode ?? 'concat';
  if (!(MERGE_MODES as readonly unknown[]).includes(mode))
    throw argRangeError('mergeMode', MERGE_MODES.map((m) => `'${m}'`).join(', '), mode);
  const config = { ...a, mergeMode: mode, layer: { className: inner.className, config: inner.config } };
  return new LayerSpec('Bidirectional', config, 'bidirectional', (shape) => ({
    module: recurrent.make(shape, mode as MergeMode),
    regularized: [],
  }));
}
