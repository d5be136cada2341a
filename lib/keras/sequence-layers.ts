/**
 * Keras's Embedding and LayerNormalization (`layers.embedding({ inputDim, outputDim })`,
 * `layers.layerNormalization()`), with Keras's defaults, not PyTorch's:
 *   Embedding           embeddings drawn from U(-0.05, 0.05) ('uniform'), maskZero false; input
 *                       (batch, steps) of integer ids, output (batch, steps, outputDim)
 *   LayerNormalization  axis -1, epsilon 1e-3 (PyTorch's LayerNorm: 1e-5), center and scale true
 * Each creates an nn module (an nn.Embedding, an nn.LayerNorm), so state-dict keys are
 * PyTorch's: "<layer index>.weight" (Keras's embeddings / gamma) and "<layer index>.bias" (beta).
 */
import { boolean, orDefault, positiveInt } from '../args.js';
import { argRangeError, argTypeError } from '../errors.js';
import { Embedding } from '../nn/embedding.js';
import { LayerNorm } from '../nn/layernorm.js';
import { MAX_EMBEDDINGS } from '../ops/embedding.js';
import { defaultGenerator } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkArgs, regularized } from './layer-args.js';
import { type LayerArgs, LayerSpec } from './layers.js';
import { type Regularizer, toRegularizer } from './regularizers.js';

/** The initializers Keras's Embedding takes by name here (Keras's defaults for their parameters). */
export const EMBEDDING_INITIALIZERS = ['uniform', 'randomUniform', 'randomNormal', 'zeros'] as const;
export type EmbeddingInitializer = (typeof EMBEDDING_INITIALIZERS)[number];

/** Keras's Embedding as an nn.Embedding, plus maskZero. */
export class KerasEmbedding extends Embedding {
  /** Id 0 is padding: computeMask(ids) marks its steps false, for layers that consume masks. */
  readonly maskZero: boolean;

  constructor(inputDim: number, outputDim: number, initializer: EmbeddingInitializer, maskZero: boolean) {
    const data = new Float32Array(inputDim * outputDim);
    if (initializer === 'uniform' || initializer === 'randomUniform') defaultGenerator.uniform(data, -0.05, 0.05);
    else if (initializer === 'randomNormal') defaultGenerator.normal(data, 0, 0.05);
    super(inputDim, outputDim, { weight: new Tensor(data, [inputDim, outputDim]) });
    this.maskZero = maskZero;
  }

  override get layerName(): string {
    return `Embedding(${this.numEmbeddings}, ${this.embeddingDim}${this.maskZero ? ', maskZero' : ''})`;
  }

  /**
   * Keras's compute_mask: 1 where the id is not 0, 0 where it is (the shape of the ids), or null
   * without maskZero.
   */
  computeMask(ids: Tensor): Tensor | null {
    if (!(ids instanceof Tensor)) throw argTypeError('ids', 'Tensor', ids);
    if (!this.maskZero) return null;
    return new Tensor(
      ids.data.map((v) => (v === 0 ? 0 : 1)),
      ids.shape,
    );
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maskZero: this.maskZero };
  }
}

export interface EmbeddingArgs extends LayerArgs {
  /** The vocabulary size: ids are in [0, inputDim) (with maskZero, 0 is padding: vocabulary + 1). */
  inputDim: number;
  /** The embedding width. */
  outputDim: number;
  /** 'uniform' (the default, U(-0.05, 0.05)), 'randomUniform' (the same), 'randomNormal' (N(0, 0.05^2)) or 'zeros'. */
  embeddingsInitializer?: EmbeddingInitializer;
  embeddingsRegularizer?: Regularizer | null;
  /** Id 0 marks padding steps, for the layers that consume masks (default false). */
  maskZero?: boolean;
  /** tfjs's inputLength: the number of steps, i.e. inputShape [inputLength] on the first layer. */
  inputLength?: number;
}

/** Rows of a learned table picked by integer ids: (batch, steps) to (batch, steps, outputDim). */
export function embedding(args: EmbeddingArgs): LayerSpec {
  const a = checkArgs('embedding', args, [
    'inputDim',
    'outputDim',
    'embeddingsInitializer',
    'embeddingsRegularizer',
    'maskZero',
    'inputLength',
  ]);
  if (a.inputDim === undefined) throw new TypeError('layers.embedding needs inputDim (the vocabulary size)');
  if (a.outputDim === undefined) throw new TypeError('layers.embedding needs outputDim (the embedding width)');
  const inputDim = positiveInt(a.inputDim, 'inputDim');
  if (inputDim > MAX_EMBEDDINGS) throw argRangeError('inputDim', `integer in [1, ${MAX_EMBEDDINGS}]`, inputDim);
  const outputDim = positiveInt(a.outputDim, 'outputDim');
  const init = a.embeddingsInitializer ?? 'uniform';
  const expected = EMBEDDING_INITIALIZERS.map((n) => `'${n}'`).join(', ');
  if (typeof init !== 'string') throw argTypeError('embeddingsInitializer', `one of ${expected}`, init);
  if (!(EMBEDDING_INITIALIZERS as readonly string[]).includes(init))
    throw argRangeError('embeddingsInitializer', `one of ${expected}`, init);
  const maskZero = boolean(orDefault(a.maskZero, false), 'maskZero');
  const reg = toRegularizer(a.embeddingsRegularizer, 'embeddingsRegularizer');
  let config = a;
  if (a.inputLength !== undefined) {
    const steps = positiveInt(a.inputLength, 'inputLength');
    if (a.inputShape !== undefined || a.batchInputShape !== undefined)
      throw new RangeError('layers.embedding: pass inputLength or inputShape, not both');
    const { inputLength: _steps, ...rest } = a;
    config = { ...rest, inputShape: [steps] };
  }
  return new LayerSpec('Embedding', config, 'embedding', () => {
    const m = new KerasEmbedding(inputDim, outputDim, init as EmbeddingInitializer, maskZero);
    return { module: m, regularized: regularized(m.weight, reg, 'weight') };
  });
}

/** Keras's LayerNormalization as an nn.LayerNorm over the trailing axes, gamma (weight) optional. */
export class KerasLayerNormalization extends LayerNorm {
  constructor(normalizedShape: readonly number[], epsilon: number, center: boolean, scale: boolean) {
    super(normalizedShape, { eps: epsilon, elementwiseAffine: center || scale, bias: center });
    // Keras allows a shift without a scale; nn.LayerNorm's weight is then absent (1).
    if (!scale) this.weight = null;
  }

  override get layerName(): string {
    return `LayerNormalization([${this.normalizedShape.join(', ')}])`;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), center: this.bias !== null, scale: this.weight !== null };
  }
}

export interface LayerNormalizationArgs extends LayerArgs {
  /**
   * The axis or axes to normalize over, counted with the batch (0) or from the end (-1, the
   * default). They must be the trailing axes of the sample: -1, [-2, -1], [1, 2] on (batch, a, b) ...
   */
  axis?: number | readonly number[];
  /** Added to the variance (default 1e-3, Keras's; PyTorch's LayerNorm uses 1e-5). */
  epsilon?: number;
  /** Learn the shift beta (default true). */
  center?: boolean;
  /** Learn the scale gamma (default true). */
  scale?: boolean;
}

/** The axes as positions in the sample shape (batch excluded), checked to be its trailing ones. */
function trailingAxes(axis: unknown, sample: Shape): number[] {
  const list = typeof axis === 'number' ? [axis] : axis;
  const expected = 'integer or non-empty array of integers (the trailing axes of the input)';
  if (!Array.isArray(list) || list.length === 0) throw argTypeError('axis', expected, axis);
  const rank = sample.length + 1;
  const dims = list.map((d: unknown, i) => {
    const name = Array.isArray(axis) ? `axis[${i}]` : 'axis';
    if (typeof d !== 'number' || !Number.isInteger(d))
      throw argTypeError(name, `integer in [${-rank + 1}, ${rank - 1}] other than 0`, d);
    const full = d < 0 ? d + rank : d;
    if (full < 1 || full >= rank)
      throw argRangeError(name, `integer in [${-rank + 1}, ${rank - 1}] other than 0 (the batch)`, d);
    return full - 1;
  });
  const sorted = [...new Set(dims)].sort((p, q) => p - q);
  if (sorted.length !== dims.length || sorted.some((d, i) => d !== sample.length - sorted.length + i)) {
    throw new RangeError(
      `layers.layerNormalization: axis ${JSON.stringify(axis)} must name the last axes of samples of shape [${sample.join(', ')}] (e.g. -1 or [-2, -1])`,
    );
  }
  return sorted;
}

/** Normalizes each sample over its last axes (Keras's defaults: epsilon 1e-3, center and scale). */
export function layerNormalization(args: LayerNormalizationArgs = {}): LayerSpec {
  const a = checkArgs('layerNormalization', args, ['axis', 'epsilon', 'center', 'scale']);
  const epsilon = a.epsilon ?? 1e-3;
  if (typeof epsilon !== 'number') throw argTypeError('epsilon', 'positive number', epsilon);
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw argRangeError('epsilon', 'positive number', epsilon);
  const center = boolean(orDefault(a.center, true), 'center');
  const scale = boolean(orDefault(a.scale, true), 'scale');
  const axis = a.axis ?? -1;
  if (typeof axis !== 'number' && !Array.isArray(axis))
    throw argTypeError('axis', 'integer or non-empty array of integers', axis);
  return new LayerSpec('LayerNormalization', a, 'layer_normalization', (shape) => {
    const axes = trailingAxes(axis, shape);
    return {
      module: new KerasLayerNormalization(
        axes.map((d) => shape[d]!),
        epsilon,
        center,
        scale,
      ),
      regularized: [],
    };
  });
}
