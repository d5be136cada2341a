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
import type { Shape } from '../shape.js';
import { Tensor, zeros } from '../tensor.js';
import { Module } from '../nn/module.js';
import { GRU, LSTM, RNN } from '../nn/recurrent/rnn.js';
import { expectLayerInput, layerShapeError } from '../nn/shape-check.js';
import { selectFirst } from '../ops/recurrent.js';
import { concat, reshape } from '../ops/layout.js';
import { mul } from '../ops/arithmetic.js';
import {
  lastAxisSlice,
  lastStep,
  merge,
  MERGE_MODES,
  orthogonal,
  type MergeMode,
  resultOf,
  reverseSteps,
  reverseTime,
} from './recurrent-tensors.js';
import { GATE_ACTIVATIONS, type GateActivation, runStepwise } from './recurrent-steps.js';
import { glorotUniform } from './modules.js';
import { boolean, orDefault, positiveInt, probability } from '../args.js';
import { checkArgs } from './layer-args.js';
import { type LayerArgs, LayerSpec } from './layers.js';

export type RecurrentKind = 'SimpleRNN' | 'LSTM' | 'GRU';
export { MERGE_MODES, type MergeMode } from './recurrent-tensors.js';

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
  /** Each call starts from the previous call's final states (same batch size) until resetStates(). */
  stateful?: boolean;
  /** LSTM: forget-gate bias starts at 1 (default true). */
  unitForgetBias?: boolean;
  /** GRU: the reset gate after the recurrent matmul (default true, Keras 3's and PyTorch's). */
  resetAfter?: boolean;
}

const GATES: Record<RecurrentKind, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };

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
  /** The final states carry over to the next call (cleared by resetStates()). */
  stateful?: boolean;
  /** LSTM and GRU: the gates' activation (default 'sigmoid'). */
  recurrentActivation?: GateActivation;
  /** GRU: the reset gate after the recurrent matmul (default true). */
  resetAfter?: boolean;
}

/** Whether the fused kernels compute this layer (sigmoid gates, tanh state, GRU reset after). */
function fused(o: KerasRecurrentOptions, kind: RecurrentKind): boolean {
  if (kind === 'SimpleRNN') return true;
  return (o.recurrentActivation ?? 'sigmoid') === 'sigmoid' && o.activation === 'tanh' && o.resetAfter !== false;
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
        // Keras's one bias is the input bias here (GRU with resetAfter has two, as PyTorch).
        if (kind !== 'GRU' || options.resetAfter === false) bHh.requiresGrad = false;
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

  /** The output shape, found without running the layer (a stateful layer keeps what it runs on). */
  override computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3 || (inputShape[2] !== this.rnn.inputSize && inputShape[2] !== -1))
      throw layerShapeError(this, [-1, -1, this.rnn.inputSize], inputShape);
    if (this.options.returnState === true) this.forward(zeros([1, 1, this.rnn.inputSize])); // refuses, naming why
    const width = this.mergeMode === 'concat' ? 2 * this.units : this.units;
    return this.options.returnSequences ? [inputShape[0]!, inputShape[1]!, width] : [inputShape[0]!, width];
  }

  /** A stateful layer's carried states (h, then c for LSTM; (directions, batch, units)), or null. */
  #carried: [Tensor, Tensor | null] | null = null;

  /** Clears a stateful layer's carried states: the next call starts from zeros (Keras's reset_states). */
  resetStates(): void {
    this.#carried = null;
  }

  /** The initial states of this call: the carried ones of a stateful layer, checked against the batch. */
  #initial(B: number): Tensor | [Tensor, Tensor] | null {
    if (this.options.stateful !== true || this.#carried === null) return null;
    const [h, c] = this.#carried;
    if (h.shape[1] !== B) {
      throw new RangeError(
        `${this.layerName} is stateful and carries states for a batch of ${h.shape[1]} but receives a batch of ${B}; keep the batch size fixed or call resetStates() first`,
      );
    }
    return c === null ? h : [h, c];
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
    const o = this.options;
    const hx = this.#initial(B);
    const r = !fused(o, this.kind)
      ? runStepwise(rnn, x, stepMask, {
          gate: o.recurrentActivation ?? 'sigmoid',
          activation: o.activation as 'tanh' | 'relu',
          resetAfter: o.resetAfter !== false,
          initial: hx,
        })
      : stepMask === null
        ? resultOf(rnn.forward(x, hx as Tensor | null) as [Tensor, Tensor | [Tensor, Tensor]])
        : rnn.forwardMasked(x, stepMask, hx);
    // Carried as plain values: the next call does not backpropagate into this one (Keras's too).
    if (o.stateful === true) this.#carried = [r.h.detach(), r.c === null ? null : r.c.detach()];
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
  'stateful',
];

function recurrentSpec(kind: RecurrentKind, fn: string, args: RecurrentArgs, extra: readonly string[]): LayerSpec {
  const a = checkArgs(fn, args, [...KEYS, ...extra]);
  if (a.units === undefined) throw new TypeError(`layers.${fn} needs units (the size of the state)`);
  const units = positiveInt(a.units, 'units');
  const activation = a.activation ?? 'tanh';
  if (activation !== 'tanh' && activation !== 'relu') throw argRangeError('activation', `'tanh' or 'relu'`, activation);
  const gate = a.recurrentActivation ?? 'sigmoid';
  if (kind !== 'SimpleRNN' && !(GATE_ACTIVATIONS as readonly unknown[]).includes(gate)) {
    throw argRangeError(
      'recurrentActivation',
      `'sigmoid', 'hardSigmoid' (tfjs's and Keras 2's 0.2x + 0.5) or 'hard_sigmoid' (Keras 3's x/6 + 0.5)`,
      gate,
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
    stateful: boolean(orDefault(a.stateful, false), 'stateful'),
    ...(kind === 'SimpleRNN' ? {} : { recurrentActivation: gate as GateActivation }),
    ...(kind === 'GRU' ? { resetAfter: boolean(orDefault(a.resetAfter, true), 'resetAfter') } : {}),
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
