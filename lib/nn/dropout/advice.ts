/**
 * Dropout placement guidance for summary(): warnings, never errors, each with the reason in
 * one line. Layers are read in execution order; activations, identities and reshapes are
 * looked through (dropout commutes with them), other layers are "significant".
 */
import type { Module } from '../module.js';

export type DropoutAdviceCode =
  | 'after-output'
  | 'before-output'
  | 'input-rate'
  | 'hidden-rate'
  | 'before-batchnorm'
  | 'after-embedding'
  | 'recurrent-one-layer';

export interface DropoutAdvice {
  /** The dropout layer's path in the model ("2", "fc.dropout"). */
  layer: string;
  code: DropoutAdviceCode;
  message: string;
}

export interface LayerAt {
  name: string;
  module: Module;
}

/**
 * Above these rates dropout is unusually strong (Srivastava et al. 2014 used 0.2 on inputs, 0.5 on
 * hidden units). INPUT_RATE_LIMIT is also the rate up to which dropout right before the output
 * layer draws no warning.
 */
export const INPUT_RATE_LIMIT = 0.2;
export const HIDDEN_RATE_LIMIT = 0.5;

const TRANSPARENT = new Set(['activation', 'identity', 'reshape']);

export function isDropout(m: Module): boolean {
  return m.category === 'dropout' || m.dropoutRate !== undefined;
}

/**
 * Dropout layers whose mask already covers whole embedding vectors or whole features of a
 * sequence: after an embedding they are the recommended forms, not a mistake.
 */
const SEQUENCE_DROPOUTS = new Set(['LockedDropout', 'Dropout1d', 'SpatialDropout1d']);

/** An embedding that drops rows itself (EmbeddingDropout) is an embedding first. */
function isEmbedding(m: Module): boolean {
  return m.category === 'embedding';
}

function significant(m: Module): boolean {
  return isEmbedding(m) || (!TRANSPARENT.has(m.category) && !isDropout(m));
}

function hasParameters(m: Module): boolean {
  return m.parameters().length > 0;
}

const label = (l: LayerAt): string => `${l.name} ${l.module.layerName}`;

/** Guidance for every dropout layer of `layers` (the model's leaf layers in execution order). */
export function dropoutAdvice(layers: readonly LayerAt[]): DropoutAdvice[] {
  const advice: DropoutAdvice[] = [];
  let outputIndex = -1;
  layers.forEach((l, i) => {
    if (significant(l.module) && hasParameters(l.module)) outputIndex = i;
  });
  layers.forEach((l, i) => {
    const rnn = l.module as Module & { dropout?: unknown; numLayers?: unknown };
    if (rnn.category === 'recurrent' && typeof rnn.dropout === 'number' && rnn.dropout > 0 && rnn.numLayers === 1) {
      advice.push({
        layer: l.name,
        code: 'recurrent-one-layer',
        message: `${label(l)} has dropout ${rnn.dropout} but one layer: PyTorch's dropout acts between stacked layers only, so it does nothing here; for dropout inside the layer use recurrentDropout or inputDropout (variational, Gal & Ghahramani), weightDropout or zoneout, or nn.LockedDropout on its output.`,
      });
    }
    if (!isDropout(l.module) || isEmbedding(l.module)) return;
    const add = (code: DropoutAdviceCode, why: string): void => {
      advice.push({ layer: l.name, code, message: `${label(l)} ${why}` });
    };
    const next = layers.slice(i + 1).find((n) => significant(n.module));
    const prev = layers
      .slice(0, i)
      .reverse()
      .find((n) => significant(n.module));
    const p = l.module.dropoutRate ?? 0;
    if (outputIndex >= 0 && i > outputIndex) {
      add(
        'after-output',
        'comes after the output layer: it zeroes predictions at random in training, which no layer can learn to undo; move it before the output layer or remove it.',
      );
    } else if (next !== undefined && layers.indexOf(next) === outputIndex && p > INPUT_RATE_LIMIT) {
      // A low rate right before the output layer is common and harmless (the advice itself says
      // "keep the rate low"): only a higher one is worth a warning.
      add(
        'before-output',
        `feeds the output layer (${label(next)}) directly: the output sees a different random subset of its inputs at every step, which makes the training loss noisy; keep the rate low here, or remove it, unless validation improves with it.`,
      );
    }
    if (next !== undefined && next.module.category === 'batchnorm') {
      add(
        'before-batchnorm',
        `comes right before batch norm (${label(next)}): batch norm learns its statistics on dropout-scaled activations and sees unscaled ones in eval (the "variance shift", Li et al. 2019); put dropout after the last batch norm.`,
      );
    }
    if (prev !== undefined && isEmbedding(prev.module) && !SEQUENCE_DROPOUTS.has(l.module.constructor.name)) {
      add(
        'after-embedding',
        `drops single elements of embedding vectors (${label(prev)}): that blurs every token a little instead of hiding whole tokens; for sequences use nn.EmbeddingDropout (whole vocabulary rows, the same for every occurrence of a word: AWD-LSTM's dropoute 0.1) or nn.LockedDropout on the embedded sequence (one mask per sequence shared by every step: AWD-LSTM's dropouti), as Gal & Ghahramani 2016 do.`,
      );
    }
    if (prev === undefined && p > INPUT_RATE_LIMIT) {
      add(
        'input-rate',
        `drops ${p} of the inputs: above ${INPUT_RATE_LIMIT}, input dropout throws away much of the raw signal (Srivastava et al. 2014 used 0.2 on inputs).`,
      );
    } else if (prev !== undefined && p > HIDDEN_RATE_LIMIT) {
      add(
        'hidden-rate',
        `drops ${p} of a hidden layer's units: above ${HIDDEN_RATE_LIMIT} more units are dropped than kept, which slows training and tends to underfit (0.5 is the usual maximum).`,
      );
    }
  });
  return advice;
}
