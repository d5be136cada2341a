/**
 * tfjs's saved format for the embedding, recurrent and wrapper layers (Bidirectional,
 * TimeDistributed) and RepeatVector (save-config.ts's TABLE takes these entries): the config keys and defaults tfjs 4.22's getConfig writes, and the
 * weight names its manifests use. The weights need no conversion: recurrent-modules.ts keeps
 * tfjs's arrays, layouts and gate orders (LSTM i, f, c, o; GRU z, r, h; one bias of G * units).
 *   Embedding      embeddings [inputDim, outputDim]
 *   SimpleRNN/LSTM/GRU  kernel [in, G * units], recurrent_kernel [units, G * units], bias [G * units]
 *   Bidirectional  forward_<inner name>/..., then backward_<inner name>/...
 *   TimeDistributed  the wrapped layer's weights under the wrapper's name (kernel, bias ...)
 * GRU's resetAfter is false in tfjs 4.22 (true throws there, and in dropnet/tfjs), so its bias is
 * always [3 * units]; a file with reset_after true (Keras's [2, 3 * units] bias) is refused.
 */
import { Layer } from './layers.js';
import { TfBidirectional, TfEmbedding, TfRecurrent, TimeDistributed } from './recurrent-modules.js';

type Config = Record<string, unknown>;

/** What save-config.ts needs of a class: tfjs's defaults and the options the factory takes. */
export interface RecurrentClass {
  defaults: Config;
  takes: string[];
}

const REC_NULLS = {
  kernelRegularizer: null,
  recurrentRegularizer: null,
  biasRegularizer: null,
  activityRegularizer: null,
  kernelConstraint: null,
  recurrentConstraint: null,
  biasConstraint: null,
};
const REC_TAKES = [
  'units',
  'activation',
  'useBias',
  'dropout',
  'recurrentDropout',
  'returnSequences',
  'returnState',
  'goBackwards',
  'stateful',
  'unroll',
  'kernelRegularizer',
  'recurrentRegularizer',
  'biasRegularizer',
];

function cell(gated: boolean, extra: Config): RecurrentClass {
  return {
    defaults: {
      activation: 'tanh',
      ...(gated ? { recurrentActivation: 'hardSigmoid' } : {}),
      useBias: true,
      kernelInitializer: 'glorotNormal',
      recurrentInitializer: 'orthogonal',
      biasInitializer: 'zeros',
      ...REC_NULLS,
      dropout: 0,
      recurrentDropout: 0,
      ...extra,
      returnSequences: false,
      returnState: false,
      goBackwards: false,
      stateful: false,
      unroll: false,
    },
    takes: [...REC_TAKES, ...(gated ? ['recurrentActivation', 'implementation'] : []), ...Object.keys(extra)],
  };
}

export const SEQUENCE_CLASSES: Record<string, RecurrentClass> = {
  SimpleRNN: cell(false, {}),
  // tfjs writes unit_forget_bias and implementation as given (null when not).
  LSTM: cell(true, { unitForgetBias: null, implementation: null }),
  GRU: cell(true, { implementation: null, resetAfter: false }),
  Embedding: {
    defaults: {
      embeddingsInitializer: 'randomUniform',
      embeddingsRegularizer: null,
      activityRegularizer: null,
      embeddingsConstraint: null,
      maskZero: null,
      inputLength: null,
    },
    takes: ['inputDim', 'outputDim', 'maskZero', 'inputLength', 'embeddingsRegularizer'],
  },
  Bidirectional: { defaults: { mergeMode: 'concat' }, takes: ['mergeMode', 'layer'] },
  TimeDistributed: { defaults: {}, takes: ['layer'] },
  RepeatVector: { defaults: {}, takes: ['n'] },
};

/** The name of the layer a Bidirectional wraps, from the arguments it was made with. */
export function innerName(args: Config | undefined, m: TfBidirectional): string {
  const inner = args?.layer;
  if (inner instanceof Layer) return inner.name;
  return { SimpleRNN: 'simple_rnn', LSTM: 'lstm', GRU: 'gru' }[m.forwardLayer.kind];
}

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * tfjs's names of the weights of an embedding, recurrent or Bidirectional layer (after the
 * `<layer name>/`), in Layer.getWeights() order; null for other layers. A TimeDistributed
 * layer's are those of the layer it wraps.
 */
export function recurrentWeightNames(layer: Layer, args: Config | undefined): string[] | null {
  const m = layer.module instanceof TimeDistributed ? layer.module.wrapped : layer.module;
  if (m instanceof TfEmbedding) return ['embeddings'];
  if (m instanceof TfRecurrent) return m.namedParameters().map(([n]) => snake(n));
  if (m instanceof TfBidirectional) {
    const inner = innerName(args, m);
    return m.namedParameters().map(([n]) => {
      const [side, param] = n.split('.') as [string, string];
      return `${side === 'forwardLayer' ? 'forward' : 'backward'}_${inner}/${snake(param)}`;
    });
  }
  return null;
}
