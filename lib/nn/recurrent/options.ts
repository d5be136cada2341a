/**
 * The options of nn.RNN, nn.LSTM and nn.GRU (the names PyTorch's constructors take, then the
 * recurrent dropout family's, which PyTorch lacks), and the zoneout rates' parsing.
 */
import { orDefault, probability } from '../../args.js';
import { argTypeError } from '../../errors.js';
import type { Generator } from '../../random.js';

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
  /**
   * Drop whole rows of weight_hh instead of single weights (AWD-LSTM's variational weight drop):
   * one keep draw per row, scaled by 1/(1 - weightDropout); off in eval as the element form is
   * (default false).
   */
  weightDropoutRows?: boolean;
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

export const COMMON = [
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
  'weightDropoutRows',
  'zoneout',
  'seed',
  'maskGenerator',
  'generator',
] as const;

export const DROPOUT_ONE_LAYER = 'DROPNET_RNN_DROPOUT_ONE_LAYER';

/**
 * The zoneout rates [hidden, cell] from the `zoneout` option: a number for every state, or (LSTM)
 * `{ cell, hidden }`, each in [0, 1]; the cell rate is 0 for the layers without a cell.
 */
export function zoneoutRates(kind: string, lstm: boolean, z: unknown): [hidden: number, cell: number] {
  if (lstm && typeof z === 'object' && z !== null && !Array.isArray(z)) {
    const rates = z as Record<string, unknown>;
    for (const key of Object.keys(rates)) {
      if (key !== 'cell' && key !== 'hidden')
        throw new TypeError(`${kind}: unknown zoneout rate ${JSON.stringify(key)}; it takes cell, hidden`);
    }
    return [
      probability(orDefault(rates.hidden, 0), 'zoneout.hidden'),
      probability(orDefault(rates.cell, 0), 'zoneout.cell'),
    ];
  }
  if (z !== undefined && typeof z !== 'number')
    throw argTypeError('zoneout', lstm ? 'number in [0, 1] or { cell, hidden }' : 'number in [0, 1]', z);
  const rate = probability(orDefault(z, 0), 'zoneout');
  return [rate, lstm ? rate : 0];
}
