/**
 * EmbeddingDropout: an Embedding whose vocabulary rows are dropped whole in training (Gal &
 * Ghahramani 2016's word dropout, AWD-LSTM's embedded_dropout with dropoute = 0.1, fastai's
 * EmbeddingDropout): per call, each token id is dropped with probability p for every sample and
 * step it occurs in, so a dropped word is a zero vector everywhere in the batch; kept rows are
 * scaled by 1/(1-p). In eval it is the wrapped Embedding exactly, drawing nothing.
 *
 * It wraps an Embedding and uses its options (paddingIdx, maxNorm, normType, scaleGradByFreq).
 * Its parameter is the Embedding's own `weight` (the same Parameter), held under the name
 * `weight`: in a model, `new nn.EmbeddingDropout(emb, 0.1)` has the state-dict key a plain
 * Embedding would have at that place, so weights load into a PyTorch model that has
 * nn.Embedding there (AWD-LSTM applies its dropout as a function, and its keys are
 * `encoder.weight`). The mask is drawn from this layer's stream (seed or generator), one bit per
 * vocabulary row per call (ops/embedding.ts).
 */
import { argTypeError } from '../../errors.js';
import { embedDropoutResolved, knownKeys } from '../../ops/embedding.js';
import { probability, streamOf } from '../../ops/dropout.js';
import type { Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { Embedding } from '../embedding.js';
import { Module, type ModuleCategory } from '../module.js';
import type { Parameter } from '../parameter.js';
import { expectLayerInput } from '../shape-check.js';
import type { NoiseLayerOptions } from './noise-layer.js';

export class EmbeddingDropout<D extends number = number> extends Module {
  declare readonly '~shapes': { readonly kind: 'fixed'; readonly in: Shape; readonly out: readonly [...number[], D] };
  /** Probability that a vocabulary row is dropped in a training call. */
  readonly p: number;
  /** The seed of the layer's own stream, or null when it draws from a shared one. */
  readonly seed: number | bigint | null;
  /** The stream the masks are drawn from. */
  readonly generator: Generator;
  /** The wrapped Embedding's weight (the same Parameter): (numEmbeddings, embeddingDim). */
  weight: Parameter;
  readonly #embedding: Embedding<number, D>;

  constructor(embedding: Embedding<number, D>, p = 0.1, options: NoiseLayerOptions = {}) {
    super();
    if (!(embedding instanceof Embedding)) throw argTypeError('embedding', 'nn.Embedding', embedding);
    this.p = probability(p);
    if (typeof options !== 'object' || options === null || Array.isArray(options))
      throw argTypeError('options', 'object', options);
    knownKeys(options, ['seed', 'generator'], 'EmbeddingDropout');
    this.generator = streamOf(options);
    this.seed = options.seed ?? null;
    this.#embedding = embedding;
    this.weight = embedding.weight;
  }

  /** The wrapped Embedding (not a child: its weight is this layer's). */
  get embedding(): Embedding<number, D> {
    return this.#embedding;
  }

  override get category(): ModuleCategory {
    return 'embedding';
  }

  override get dropoutRate(): number {
    return this.p;
  }

  override get layerName(): string {
    return `EmbeddingDropout(p=${this.p}, ${this.#embedding.layerName})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.#embedding.embeddingDim];
  }

  /** The embedding of `input` (*) with whole rows dropped in training: (*, embeddingDim). */
  override forward(input: Tensor): Tensor<readonly [...number[], D]> {
    const ids = expectLayerInput(this, input);
    const o = this.#embedding.lookupOptions;
    return embedDropoutResolved(
      ids,
      this.weight,
      o,
      `the input of ${this.layerName}`,
      this.p,
      this.training,
      this.generator,
    ) as Tensor<readonly [...number[], D]>;
  }

  override getConfig(): Record<string, unknown> {
    return { p: this.p, embedding: this.#embedding.getConfig(), ...(this.seed === null ? {} : { seed: this.seed }) };
  }

  override extraRepr(): string {
    return `p=${this.p}, ${this.#embedding.extraRepr()}`;
  }
}
