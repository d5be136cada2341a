/**
 * tf.layers.simpleRNN / lstm / gru / bidirectional / timeDistributed / repeatVector / embedding
 * with tfjs's option names and defaults (tfjs-layers 4.x):
 *   kernelInitializer glorotNormal, recurrentInitializer orthogonal, biasInitializer zeros;
 *   activation tanh; recurrentActivation hardSigmoid (LSTM, GRU); unitForgetBias false;
 *   returnSequences false; goBackwards false; GRU's resetAfter false (tfjs has no other form:
 *   true throws, as in tfjs); Bidirectional mergeMode 'concat'; Embedding embeddingsInitializer
 *   randomUniform (U(-0.05, 0.05)), maskZero false.
 * Weights are tfjs's arrays in tfjs's order (recurrent-modules.ts), so getWeights/setWeights
 * trade with tfjs. What a sequential model cannot carry (returnState, mergeMode null, stateful)
 * throws a dropnet/tfjs error.
 */
import { boolean, orDefault, positiveInt, probability } from '../args.js';
import { argRangeError, argTypeError } from '../errors.js';
import { regularized } from '../keras/layer-args.js';
import { type BuiltLayer, LayerSpec } from '../keras/layers.js';
import { toRegularizer } from '../keras/regularizers.js';
import { MAX_EMBEDDINGS } from '../ops/embedding.js';
import type { Shape } from '../shape.js';
import { Tensor as DnTensor } from '../tensor.js';
import { fillTfjs, initializer } from './initializers.js';
import { Layer, ownSpec, split, TFJS_ONLY, TfRegularizer } from './layer-base.js';
import {
  ACTIVATIONS,
  type CellKind,
  type CellOptions,
  MERGE_MODES,
  type MergeMode,
  RepeatVector,
  TfBidirectional,
  TfEmbedding,
  TfRecurrent,
  TimeDistributed,
} from './recurrent-modules.js';

const fail = (fn: string, what: string): Error =>
  new Error(`dropnet/tfjs: tf.layers.${fn}: ${what} (see docs/tfjs.md)`);

const COMMON = [
  'units',
  'activation',
  'useBias',
  'kernelInitializer',
  'recurrentInitializer',
  'biasInitializer',
  'dropout',
  'recurrentDropout',
  'returnSequences',
  'returnState',
  'goBackwards',
  'stateful',
  'unroll',
  'implementation',
  'kernelRegularizer',
  'recurrentRegularizer',
  'biasRegularizer',
  'recurrentConstraint',
];

/** What bidirectional needs of the recurrent layers it wraps: a module maker given goBackwards. */
const RECURRENT = new WeakMap<
  Layer,
  {
    make: (sample: Shape, goBackwards: boolean) => TfRecurrent;
    regularize: (m: TfRecurrent) => BuiltLayer['regularized'];
  }
>();

function activationOf(value: unknown, name: string, fallback: string): string {
  const v = value ?? fallback;
  if (typeof v !== 'string' || !Object.hasOwn(ACTIVATIONS, v))
    throw argRangeError(name, `activation name (${Object.keys(ACTIVATIONS).join(', ')})`, value);
  return v;
}

function recurrent(kind: CellKind, fn: string, args: unknown): Layer {
  const raw = (args ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw argTypeError(`tf.layers.${fn} args`, 'object', args);
  const extra =
    kind === 'SimpleRNN'
      ? []
      : kind === 'LSTM'
        ? ['recurrentActivation', 'unitForgetBias']
        : ['recurrentActivation', 'resetAfter'];
  const a = { ...raw };
  // tfjs's own initializer options: split() would take kernelInitializer / biasInitializer for a Dense layer.
  const inits = {
    kernel: initializer(a.kernelInitializer, 'kernelInitializer', 'glorotNormal'),
    recurrent: initializer(a.recurrentInitializer, 'recurrentInitializer', 'orthogonal'),
    bias: initializer(a.biasInitializer, 'biasInitializer', 'zeros'),
    unitForgetBias: boolean(orDefault(a.unitForgetBias, false), 'unitForgetBias'),
  };
  delete a.kernelInitializer;
  delete a.biasInitializer;
  // tfjs's inputDim / inputLength: inputShape [inputLength, inputDim].
  if (a.inputDim !== undefined || a.inputLength !== undefined) {
    if (a.inputShape !== undefined || a.batchInputShape !== undefined)
      throw new RangeError(`tf.layers.${fn}: pass inputDim and inputLength or inputShape, not both`);
    if (a.inputDim === undefined || a.inputLength === undefined)
      throw fail(
        fn,
        'inputDim without inputLength (or the reverse) leaves the number of steps open; give inputShape [steps, features]',
      );
    a.inputShape = [positiveInt(a.inputLength, 'inputLength'), positiveInt(a.inputDim, 'inputDim')];
    delete a.inputDim;
    delete a.inputLength;
  }
  if (a.units === undefined) throw new TypeError(`tf.layers.${fn} needs units (the size of the state)`);
  const options: CellOptions = {
    units: positiveInt(a.units, 'units'),
    activation: activationOf(a.activation, 'activation', 'tanh'),
    recurrentActivation:
      kind === 'SimpleRNN' ? 'linear' : activationOf(a.recurrentActivation, 'recurrentActivation', 'hardSigmoid'),
    useBias: boolean(orDefault(a.useBias, true), 'useBias'),
    // tfjs clips the rates into [0, 1]; a rate outside is a RangeError here.
    dropout: probability(orDefault(a.dropout, 0), 'dropout'),
    recurrentDropout: probability(orDefault(a.recurrentDropout, 0), 'recurrentDropout'),
    returnSequences: boolean(orDefault(a.returnSequences, false), 'returnSequences'),
    goBackwards: boolean(orDefault(a.goBackwards, false), 'goBackwards'),
  };
  if (boolean(orDefault(a.returnState, false), 'returnState'))
    throw fail(
      fn,
      'returnState (a layer with several outputs, as in seq2seq encoders) is not supported; use returnSequences, or the last output as the state',
    );
  if (boolean(orDefault(a.stateful, false), 'stateful'))
    throw fail(fn, 'stateful layers are not supported; remove stateful (every call starts from a zero state)');
  if (kind === 'GRU' && a.resetAfter) throw new Error('GRUCell does not support reset_after parameter set to true.');
  if (a.recurrentConstraint !== undefined && a.recurrentConstraint !== null)
    throw fail(fn, 'option recurrentConstraint is not supported; remove it');
  const regs = (['kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer'] as const).map((key) => {
    const r = toRegularizer(a[key] instanceof TfRegularizer ? a[key].inner : a[key], key);
    delete a[key];
    return r;
  });
  const regularize = (m: TfRecurrent): BuiltLayer['regularized'] => [
    ...regularized(m.kernel, regs[0]!, 'kernel'),
    ...regularized(m.recurrentKernel, regs[1]!, 'recurrentKernel'),
    ...regularized(m.bias, regs[2]!, 'bias'),
  ];
  const stem = { SimpleRNN: 'simple_rnn', LSTM: 'lstm', GRU: 'gru' }[kind];
  const make = (shape: Shape, goBackwards: boolean): TfRecurrent => {
    if (shape.length !== 2)
      throw new RangeError(
        `tf.layers.${fn} needs samples of (steps, features) but receives samples of shape [${shape.join(', ')}]`,
      );
    return new TfRecurrent(kind, shape[1]!, { ...options, goBackwards }, inits);
  };
  const layer = ownSpec(
    fn,
    kind,
    stem,
    a,
    [...COMMON, ...extra],
    (_a, shape) => make(shape, options.goBackwards),
    null,
    (m) => regularize(m as TfRecurrent),
  );
  RECURRENT.set(layer, { make, regularize });
  return layer;
}

function bidirectional(args: unknown): Layer {
  const a = { ...((args ?? {}) as Record<string, unknown>) };
  const inner = a.layer;
  const wrapped = inner instanceof Layer ? RECURRENT.get(inner) : undefined;
  if (wrapped === undefined)
    throw argTypeError('layer', 'recurrent layer (tf.layers.lstm, tf.layers.gru or tf.layers.simpleRNN)', inner);
  if (a.mergeMode === null)
    throw fail(
      'bidirectional',
      'mergeMode null gives two outputs, which tf.sequential() cannot pass on; use concat, sum, mul or ave',
    );
  const mode = a.mergeMode ?? 'concat';
  if (!(MERGE_MODES as readonly unknown[]).includes(mode))
    throw argRangeError('mergeMode', MERGE_MODES.map((m) => `'${m}'`).join(', '), mode);
  const cfg = (inner as Layer).spec.config as { goBackwards?: boolean };
  const back = !(cfg.goBackwards ?? false);
  delete a.layer;
  const layer = ownSpec(
    'bidirectional',
    'Bidirectional',
    'bidirectional',
    a,
    ['mergeMode'],
    (_a, shape) => new TfBidirectional(wrapped.make(shape, !back), wrapped.make(shape, back), mode as MergeMode),
    null,
    (m) =>
      (['forwardLayer', 'backwardLayer'] as const).flatMap((side) =>
        wrapped.regularize((m as TfBidirectional)[side]).map((r) => ({ ...r, name: `${side}.${r.name}` })),
      ),
  );
  return layer;
}

function timeDistributed(args: unknown): Layer {
  const a = { ...((args ?? {}) as Record<string, unknown>) };
  const inner = a.layer;
  if (!(inner instanceof Layer)) throw argTypeError('layer', 'a layer from tf.layers (dense, ...)', inner);
  delete a.layer;
  const s = split('timeDistributed', a);
  for (const key of Object.keys(s.keras))
    if (!['name', 'inputShape', 'batchInputShape'].includes(key))
      throw new RangeError(
        `tf.layers.timeDistributed: unknown option "${key}"; the options are layer, name, inputShape, batchInputShape, ${TFJS_ONLY.join(', ')}`,
      );
  const spec = new LayerSpec(
    'TimeDistributed',
    { ...s.keras, layer: { className: inner.spec.className, config: inner.spec.config } },
    'time_distributed',
    (shape) => {
      if (shape.length < 2)
        throw new RangeError(
          `tf.layers.timeDistributed needs samples of (steps, ...) but receives samples of shape [${shape.join(', ')}]`,
        );
      const built = inner.spec.create(shape.slice(1));
      if (built === null)
        throw argTypeError('layer', 'a layer with weights or a computation (not an input layer)', inner);
      if (!s.trainable) for (const p of built.module.parameters()) p.requiresGrad = false;
      // The wrapped layer is built too (its getWeights/setWeights are the wrapper's), as in tfjs.
      inner.module = built.module;
      // The wrapped layer's regularizers penalize the loss, as tfjs's do.
      const regularized = built.regularized.map((r) => ({ ...r, name: `wrapped.${r.name}` }));
      return { module: new TimeDistributed(built.module), regularized };
    },
  );
  return new Layer(spec);
}

function embedding(args: unknown): Layer {
  const a = { ...((args ?? {}) as Record<string, unknown>) };
  if (a.inputDim === undefined) throw new TypeError('tf.layers.embedding needs inputDim (the vocabulary size)');
  if (a.outputDim === undefined) throw new TypeError('tf.layers.embedding needs outputDim (the embedding width)');
  const inputDim = positiveInt(a.inputDim, 'inputDim');
  if (inputDim > MAX_EMBEDDINGS) throw argRangeError('inputDim', `integer in [1, ${MAX_EMBEDDINGS}]`, inputDim);
  const outputDim = positiveInt(a.outputDim, 'outputDim');
  const init = initializer(a.embeddingsInitializer, 'embeddingsInitializer', 'randomUniform');
  const maskZero = boolean(orDefault(a.maskZero, false), 'maskZero');
  for (const key of ['embeddingsConstraint', 'activityRegularizer'])
    if (a[key] !== undefined && a[key] !== null) throw fail('embedding', `option ${key} is not supported; remove it`);
  const reg = toRegularizer(
    a.embeddingsRegularizer instanceof TfRegularizer ? a.embeddingsRegularizer.inner : a.embeddingsRegularizer,
    'embeddingsRegularizer',
  );
  if (a.inputLength !== undefined && a.inputLength !== null) {
    if (a.inputShape !== undefined || a.batchInputShape !== undefined)
      throw new RangeError('tf.layers.embedding: pass inputLength or inputShape, not both');
    const len = Array.isArray(a.inputLength) ? (a.inputLength as unknown[]) : [a.inputLength];
    a.inputShape = len.map((d, i) => positiveInt(d, len.length === 1 ? 'inputLength' : `inputLength[${i}]`));
  }
  for (const key of [
    'inputDim',
    'outputDim',
    'embeddingsInitializer',
    'maskZero',
    'inputLength',
    'embeddingsRegularizer',
    'embeddingsConstraint',
    'activityRegularizer',
  ])
    delete a[key];
  return ownSpec(
    'embedding',
    'Embedding',
    'embedding',
    a,
    [],
    () => {
      const data = new Float32Array(inputDim * outputDim);
      fillTfjs(init, data, [inputDim, outputDim]);
      return new TfEmbedding(inputDim, outputDim, new DnTensor(data, [inputDim, outputDim]), maskZero);
    },
    null,
    (m) => regularized((m as TfEmbedding).weight, reg, 'embeddings'),
  );
}

function repeatVector(args: unknown): Layer {
  const a0 = (args ?? {}) as Record<string, unknown>;
  if (a0.n === undefined) throw new TypeError('tf.layers.repeatVector needs n (the number of repeats)');
  return ownSpec(
    'repeatVector',
    'RepeatVector',
    'repeat_vector',
    args,
    ['n'],
    (a) => new RepeatVector(positiveInt(a.n, 'n')),
  );
}

/**
 * Checks a sequential model's layers for step masks it cannot carry. An Embedding with maskZero
 * passes its mask to a recurrent layer (or bidirectional) right after it, which holds its state
 * at the masked steps as tfjs does, and a recurrent layer with returnSequences passes it on to
 * the next recurrent layer. tfjs would also carry it through other layers (dropout ...) to a
 * later recurrent layer; that is not supported and throws. Layers that do not consume a mask
 * compute the same values with or without it.
 */
export function checkMasks(layers: readonly Layer[]): void {
  const consumes = (l: Layer): boolean => l.module instanceof TfRecurrent || l.module instanceof TfBidirectional;
  layers.forEach((l, i) => {
    if (!(l.module instanceof TfEmbedding) || !l.module.maskZero) return;
    let carried = true;
    for (const next of layers.slice(i + 1)) {
      if (!consumes(next)) carried = false;
      else if (!carried)
        throw fail(
          'embedding',
          `the maskZero mask of ${l.name} would reach ${next.name} through other layers, which do not pass it on here; put the recurrent layer right after the embedding (or after recurrent layers with returnSequences), or drop maskZero`,
        );
      else {
        const m = next.module instanceof TfBidirectional ? next.module.forwardLayer : (next.module as TfRecurrent);
        carried = m.options.returnSequences;
      }
    }
  });
}

export const recurrentLayers = {
  simpleRNN: (args: Record<string, unknown>): Layer => recurrent('SimpleRNN', 'simpleRNN', args),
  lstm: (args: Record<string, unknown>): Layer => recurrent('LSTM', 'lstm', args),
  gru: (args: Record<string, unknown>): Layer => recurrent('GRU', 'gru', args),
  bidirectional: (args: Record<string, unknown>): Layer => bidirectional(args),
  timeDistributed: (args: Record<string, unknown>): Layer => timeDistributed(args),
  repeatVector: (args: Record<string, unknown>): Layer => repeatVector(args),
  embedding: (args: Record<string, unknown>): Layer => embedding(args),
};
