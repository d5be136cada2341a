/**
 * `npm start -- --task sequence`: the digits read as sequences, one 8-pixel row per step, by a
 * one-layer LSTM whose last hidden state feeds a linear classifier; without dropout, with
 * variational (input + recurrent) dropout, and with zoneout. The same split, seed and batches as
 * the dropout task, so the report shows what each recurrent regulariser does to the gap.
 */
import type { Tensor } from '../tensor.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { LSTM, type LSTMOptions } from '../nn/recurrent/rnn.js';

/** The variants of the sequence task. */
export const SEQUENCE_VARIANTS = ['none', 'variational', 'zoneout'] as const;
export type SequenceVariant = (typeof SEQUENCE_VARIANTS)[number];

/** What each variant adds to the LSTM, and how the report names it. */
const REGULARISERS: Record<SequenceVariant, { label: string; options: Partial<LSTMOptions> }> = {
  none: { label: 'LSTM, no dropout', options: {} },
  // Gal & Ghahramani's rates for a small LSTM: one mask per sequence on the input and the state.
  variational: {
    label: 'variational dropout (input 0.25, recurrent 0.25)',
    options: { inputDropout: 0.25, recurrentDropout: 0.25 },
  },
  // Krueger et al.'s LSTM rates: the cell keeps half its units a step, the hidden state 5%.
  zoneout: { label: 'zoneout (cell 0.5, hidden 0.05)', options: { zoneout: { cell: 0.5, hidden: 0.05 } } },
};

export function sequenceLabel(variant: SequenceVariant): string {
  return REGULARISERS[variant].label;
}

/**
 * Reads each sample's `steps * features` values as `steps` rows of `features` (batch first), runs
 * the LSTM over them and classifies the final hidden state.
 */
export class RowSequenceClassifier extends Module {
  readonly lstm: LSTM;
  readonly head: Linear;

  constructor(
    readonly steps: number,
    readonly features: number,
    hidden: number,
    classes: number,
    regulariser: Partial<LSTMOptions>,
  ) {
    super();
    this.lstm = new LSTM({ inputSize: features, hiddenSize: hidden, batchFirst: true, ...regulariser });
    this.head = new Linear(hidden, classes);
  }

  forward(x: Tensor): Tensor {
    const batch = x.shape[0]!;
    const [, [hN]] = this.lstm.forward(x.reshape([batch, this.steps, this.features]));
    return this.head.call(hN.reshape([batch, hN.shape[2]!]));
  }
}

/** The sequence task's model for `variant`: `inputs` values per sample read as rows of `rowLength`. */
export function buildSequenceModel(
  variant: SequenceVariant,
  o: { inputs: number; classes: number; hidden: number; rowLength: number },
): RowSequenceClassifier {
  if (o.inputs % o.rowLength !== 0)
    throw new RangeError(
      `--task sequence reads each sample as rows of ${o.rowLength} values, but a sample has ${o.inputs}`,
    );
  return new RowSequenceClassifier(
    o.inputs / o.rowLength,
    o.rowLength,
    o.hidden,
    o.classes,
    REGULARISERS[variant].options,
  );
}
