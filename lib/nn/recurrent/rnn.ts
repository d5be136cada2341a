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
 * after the layer. The shared machinery is RNNBase (base.ts); the options are in options.ts.
 */
import { isPlainObject } from '../../args.js';
import { argRangeError, argTypeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { RNNBase } from './base.js';
import type { GRUOptions, LSTMOptions, RNNOptions } from './options.js';

export { RNNBase, type MaskedOutputs } from './base.js';
export {
  DROPOUT_ONE_LAYER,
  type GRUOptions,
  type LSTMOptions,
  type RecurrentOptions,
  type RNNOptions,
  type ZoneoutRates,
} from './options.js';

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
