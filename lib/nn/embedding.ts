/**
 * Embedding: a lookup table of numEmbeddings vectors of embeddingDim, PyTorch's nn.Embedding
 * (names, defaults, init N(0, 1), state-dict key `weight`). Input: a tensor of integer ids of any
 * shape (*), carried as float32 values (exact up to 2^24; see ops/embedding.ts); output (*, D).
 * paddingIdx's row starts at zero and receives no gradient; maxNorm renormalises the rows looked
 * up in a call in place, as PyTorch does (so a use of `weight` recorded before the call sees the
 * renormalised values when its backward runs: clone it first, as PyTorch's docs say).
 */
import { intInRange } from '../args.js';
import { argRangeError, argTypeError } from '../errors.js';
import {
  embedResolved,
  knownKeys,
  MAX_EMBEDDINGS,
  resolveEmbeddingOptions,
  type ResolvedEmbeddingOptions,
} from '../ops/embedding.js';
import { defaultGenerator, type Generator } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkGenerator } from './init.js';
import { Module, type ModuleCategory } from './module.js';
import { Parameter } from './parameter.js';
import { expectLayerInput } from './shape-check.js';

export interface EmbeddingLayerOptions {
  /** A row kept at zero at init that receives no gradient (a pad token); negative counts from the end. */
  paddingIdx?: number | null;
  /** Renormalise, in place, each looked-up row whose norm exceeds this (default none). */
  maxNorm?: number | null;
  /** The p of the p-norm for maxNorm (default 2). */
  normType?: number;
  /** Divide each row's gradient by its index's frequency in the mini-batch (default false). */
  scaleGradByFreq?: boolean;
  /** Only false: gradients are dense (PyTorch's default). */
  sparse?: boolean;
  /** Initial values (numEmbeddings, embeddingDim), copied (PyTorch's _weight); default N(0, 1). */
  weight?: Tensor;
  /** The stream the initial weight is drawn from (default: the generator seeded by manualSeed). */
  generator?: Generator;
}

const OPTION_KEYS = ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse', 'weight', 'generator'];
/** PyTorch's positional order after (num_embeddings, embedding_dim). */
const POSITIONAL = ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse'] as const;

/** The options object of `new Embedding(num, dim, options)` or PyTorch's positional arguments. */
function optionsFrom(rest: unknown[]): EmbeddingLayerOptions {
  const first = rest[0];
  if (rest.length >= 1 && typeof first === 'object' && first !== null) {
    if (Array.isArray(first) || first instanceof Tensor) throw argTypeError('options', 'object or paddingIdx', first);
    if (rest.length > 1)
      throw new TypeError(
        `Embedding: expected (numEmbeddings, embeddingDim, options) but received ${rest.length + 2} arguments`,
      );
    knownKeys(first, OPTION_KEYS, 'Embedding');
    return first as EmbeddingLayerOptions;
  }
  if (rest.length > POSITIONAL.length) {
    throw new TypeError(
      `Embedding: expected at most ${POSITIONAL.length + 2} arguments (numEmbeddings, embeddingDim, ${POSITIONAL.join(', ')}) but received ${rest.length + 2}`,
    );
  }
  const out: Record<string, unknown> = {};
  rest.forEach((v, i) => {
    if (v !== undefined) out[POSITIONAL[i]!] = v;
  });
  return out as EmbeddingLayerOptions;
}

export class Embedding<V extends number = number, D extends number = number> extends Module {
  declare readonly '~shapes': { readonly kind: 'fixed'; readonly in: Shape; readonly out: readonly [...number[], D] };
  readonly numEmbeddings: V;
  readonly embeddingDim: D;
  /** In [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  /** (numEmbeddings, embeddingDim) */
  weight: Parameter<readonly [V, D]>;

  constructor(numEmbeddings: V, embeddingDim: D, options?: EmbeddingLayerOptions);
  constructor(
    numEmbeddings: V,
    embeddingDim: D,
    paddingIdx?: number | null,
    maxNorm?: number | null,
    normType?: number,
    scaleGradByFreq?: boolean,
    sparse?: boolean,
  );
  constructor(numEmbeddings: V, embeddingDim: D, ...rest: unknown[]) {
    super();
    this.numEmbeddings = intInRange(numEmbeddings, 'numEmbeddings', 1, MAX_EMBEDDINGS) as V;
    this.embeddingDim = intInRange(embeddingDim, 'embeddingDim', 1, 2 ** 31 - 1) as D;
    const options = optionsFrom(rest);
    const { sparse = false, weight, generator = defaultGenerator, ...lookup } = options;
    if (typeof sparse !== 'boolean') throw argTypeError('sparse', 'boolean', sparse);
    if (sparse) throw argRangeError('sparse', 'false (gradients are dense)', sparse);
    const o = resolveEmbeddingOptions(lookup, numEmbeddings, 'Embedding');
    this.paddingIdx = o.paddingIdx < 0 ? null : o.paddingIdx;
    this.maxNorm = o.maxNorm;
    this.normType = o.normType;
    this.scaleGradByFreq = o.scaleGradByFreq;
    const shape = [numEmbeddings, embeddingDim] as const;
    let data: Float32Array;
    if (weight !== undefined) {
      if (!(weight instanceof Tensor)) throw argTypeError('weight', 'Tensor', weight);
      if (weight.rank !== 2 || weight.shape[0] !== numEmbeddings || weight.shape[1] !== embeddingDim) {
        throw argRangeError('weight', `Tensor of shape [${numEmbeddings}, ${embeddingDim}]`, weight);
      }
      // PyTorch keeps a given _weight as it is, padding row included.
      data = weight.data.slice();
    } else {
      data = checkGenerator(generator).normal(new Float32Array(numEmbeddings * embeddingDim));
      if (this.paddingIdx !== null) data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
    }
    this.weight = new Parameter(new Tensor(data, shape)) as Parameter<readonly [V, D]>;
  }

  /**
   * An Embedding holding a copy of `embeddings` (V, D), frozen unless `freeze: false`
   * (PyTorch's Embedding.from_pretrained).
   */
  static fromPretrained(
    embeddings: Tensor,
    options: Omit<EmbeddingLayerOptions, 'weight' | 'generator'> & { freeze?: boolean } = {},
  ): Embedding {
    if (!(embeddings instanceof Tensor) || embeddings.rank !== 2)
      throw argTypeError('embeddings', '2-D Tensor', embeddings);
    if (typeof options !== 'object' || options === null) throw argTypeError('options', 'object', options);
    const { freeze = true, ...rest } = options;
    if (typeof freeze !== 'boolean') throw argTypeError('freeze', 'boolean', freeze);
    const m = new Embedding(embeddings.shape[0]!, embeddings.shape[1]!, { ...rest, weight: embeddings });
    m.weight.requiresGrad = !freeze;
    return m;
  }

  override get category(): ModuleCategory {
    return 'embedding';
  }

  override get layerName(): string {
    return `Embedding(${this.numEmbeddings}, ${this.embeddingDim})`;
  }

  /** The lookup options as the op takes them. */
  get lookupOptions(): ResolvedEmbeddingOptions {
    return {
      paddingIdx: this.paddingIdx ?? -1,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
    };
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.embeddingDim];
  }

  /** Rows of weight picked by the integer ids of `input` (*): (*, embeddingDim). */
  override forward(input: Tensor): Tensor<readonly [...number[], D]> {
    const ids = expectLayerInput(this, input);
    return embedResolved(ids, this.weight, this.lookupOptions, `the input of ${this.layerName}`) as Tensor<
      readonly [...number[], D]
    >;
  }

  override getConfig(): Record<string, unknown> {
    return {
      numEmbeddings: this.numEmbeddings,
      embeddingDim: this.embeddingDim,
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
    };
  }

  /** PyTorch's extra_repr: `10, 3, padding_idx=0`. */
  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, paddingIdx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, maxNorm=${this.maxNorm}`;
    if (this.normType !== 2) s += `, normType=${this.normType}`;
    if (this.scaleGradByFreq) s += ', scaleGradByFreq=true';
    return s;
  }
}
