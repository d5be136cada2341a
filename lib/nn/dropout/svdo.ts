/**
 * Sparse variational dropout (Molchanov, Ashukha & Vetrov 2017): LinearSVDO and Conv2dSVDO.
 *
 * Each weight has a Gaussian posterior N(θ, σ²) with its own learned `log_sigma2` (the additive
 * parameterisation), and a dropout rate through log α = clip(log σ² − log θ², −8, 8) (ops/variational.ts).
 * Training samples the pre-activation by the local reparameterisation trick:
 *   μ = x θᵀ + b,   δ = (x ⊙ x) exp(log σ²)ᵀ,   out = μ + sqrt(δ + 1e-8) ⊙ ε
 * (two products, the convolution's for Conv2dSVDO, and one noise pass). Eval is deterministic:
 * x (θ ⊙ [log α < threshold])ᵀ + b, the weights whose α passed the threshold (default 3, α ≈ 20,
 * p ≈ 0.95) pruned. kl() is the layer's KL term, which fit() adds as KL / N.
 *
 * State-dict keys are `weight`, `log_sigma2`, `bias`; the weight's layout and initialisation are
 * Linear's and Conv2d's (so a trained dense layer's weights load into it for sparsification);
 * log σ² starts at −10.
 */
import { positiveInt } from '../../args.js';
import { argRangeError, argTypeError } from '../../errors.js';
import { mul } from '../../ops/arithmetic.js';
import { conv2d, pair, type Pair } from '../../ops/conv.js';
import { linear } from '../../ops/matmul.js';
import { lrtNoise, sparseVdKl, sparseVdSigma2 } from '../../ops/variational.js';
import { sparseVdVariance } from '../../ops/variational-product.js';
import { convOutSize, type PaddingSpec, resolvePadding } from '../../backend/conv-geometry.js';
import type { Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { defaultInit } from '../init.js';
import { Module, type ModuleCategory } from '../module.js';
import { Parameter } from '../parameter.js';
import type { RegularizationTerm } from '../regularization.js';
import { expectInputShape, expectLayerInput, layerShapeError } from '../shape-check.js';
import type { LastDimCheck, LastDimMap, ReplaceLast } from '../shape-types.js';
import {
  checkSparseVdOptions,
  KEYS,
  keptMaskOf,
  type LayerSparsity,
  logAlphaOf,
  meanWeight,
  prunedOf,
  type SparseVariational,
  type SparseVdOptions,
  sparsityOf,
} from './svdo-common.js';

export {
  checkSparseVdOptions,
  type LayerSparsity,
  type SparseVariational,
  type SparseVdOptions,
} from './svdo-common.js';

export class LinearSVDO<In extends number = number, Out extends number = number>
  extends Module
  implements SparseVariational
{
  declare readonly '~shapes': LastDimMap<In, Out, `LinearSVDO(${In}→${Out})`>;
  readonly inFeatures: In;
  readonly outFeatures: Out;
  readonly threshold: number;
  readonly trainClip: boolean;
  readonly seed: number | bigint | null;
  readonly noiseGenerator: Generator;
  /** θ, [outFeatures, inFeatures] */
  weight: Parameter;
  /** log σ², [outFeatures, inFeatures] */
  log_sigma2: Parameter;
  /** [outFeatures], or null without bias. */
  bias: Parameter | null;

  constructor(inFeatures: In, outFeatures: Out, options: SparseVdOptions = {}) {
    super();
    this.inFeatures = positiveInt(inFeatures, 'inFeatures') as In;
    this.outFeatures = positiveInt(outFeatures, 'outFeatures') as Out;
    const o = checkSparseVdOptions(options);
    this.threshold = o.threshold;
    this.trainClip = o.trainClip;
    this.seed = o.seed;
    this.noiseGenerator = o.noiseGenerator;
    const [weight, bias] = defaultInit([outFeatures, inFeatures], inFeatures, o.bias, o.generator);
    this.weight = weight;
    this.log_sigma2 = new Parameter(new Tensor(new Float32Array(weight.size).fill(o.logSigma2Init), weight.shape));
    this.bias = bias;
  }

  /** log σ² (the `log_sigma2` parameter). */
  get logSigma2(): Parameter {
    return this.log_sigma2;
  }

  override get category(): ModuleCategory {
    return 'linear';
  }

  override get layerName(): string {
    return `LinearSVDO(${this.inFeatures}→${this.outFeatures})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    expectInputShape(this, inputShape, [-1, this.inFeatures], true);
    return [...inputShape.slice(0, -1), this.outFeatures];
  }

  /** Training: the local reparameterisation sample; eval: the pruned mean. */
  override forward<S extends Shape>(
    input: Tensor<S> & LastDimCheck<S, In, `LinearSVDO(${In}→${Out})`>,
  ): Tensor<ReplaceLast<S, Out>> {
    const x = expectLayerInput(this, input);
    expectInputShape(this, x.shape, [-1, this.inFeatures], true);
    if (!this.training) return linear(x, meanWeight(this, true), this.bias) as Tensor<ReplaceLast<S, Out>>;
    const mu = linear(x, meanWeight(this, this.trainClip), this.bias);
    const delta = sparseVdVariance(x, this.log_sigma2);
    return lrtNoise(mu, delta, { training: true, generator: this.noiseGenerator }) as Tensor<ReplaceLast<S, Out>>;
  }

  logAlpha(): Tensor {
    return logAlphaOf(this);
  }

  keptMask(): Tensor {
    return keptMaskOf(this);
  }

  /** θ with the pruned weights zeroed: the weight eval uses (a copy). */
  prunedWeight(): Tensor {
    return prunedOf(this);
  }

  sparsity(): LayerSparsity {
    return sparsityOf(this);
  }

  /** Σ KL over the weights, a positive scalar on the tape. */
  kl(): Tensor {
    return sparseVdKl(this.weight, this.log_sigma2);
  }

  override regularizationTerms(): RegularizationTerm[] {
    return [{ kind: 'kl', value: this.kl() }];
  }

  override getConfig(): Record<string, unknown> {
    return {
      inFeatures: this.inFeatures,
      outFeatures: this.outFeatures,
      threshold: this.threshold,
      bias: this.bias !== null,
      trainClip: this.trainClip,
      ...(this.seed === null ? {} : { seed: this.seed }),
    };
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}, threshold=${this.threshold}`;
  }
}

export interface Conv2dSVDOOptions extends SparseVdOptions {
  stride?: Pair;
  padding?: PaddingSpec;
  dilation?: Pair;
  groups?: number;
}

const CONV_KEYS = [...KEYS, 'stride', 'padding', 'dilation', 'groups'];

/**
 * Conv2d with sparse variational dropout on every kernel weight: PyTorch's Conv2d geometry
 * (NCHW, OIHW weights), the mean and variance convolutions in training, the pruned kernel in eval.
 */
export class Conv2dSVDO extends Module implements SparseVariational {
  declare readonly '~shapes': { readonly kind: 'fixed'; readonly in: Shape; readonly out: Shape };
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: PaddingSpec;
  readonly dilation: [number, number];
  readonly groups: number;
  readonly threshold: number;
  readonly trainClip: boolean;
  readonly seed: number | bigint | null;
  readonly noiseGenerator: Generator;
  /** θ, [outChannels, inChannels / groups, kh, kw] */
  weight: Parameter;
  /** log σ², the weight's shape */
  log_sigma2: Parameter;
  bias: Parameter | null;
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dSVDOOptions = {}) {
    super();
    const o = checkSparseVdOptions(options, CONV_KEYS, 'Conv2dSVDO');
    this.inChannels = positiveInt(inChannels, 'inChannels');
    this.outChannels = positiveInt(outChannels, 'outChannels');
    this.kernelSize = pair(kernelSize, 'kernelSize');
    this.stride = pair(options.stride ?? 1, 'stride');
    this.dilation = pair(options.dilation ?? 1, 'dilation');
    const padding = options.padding ?? 0;
    resolvePadding(padding, this.kernelSize, this.dilation, this.stride); // validates ('same' needs stride 1)
    this.padding = typeof padding === 'object' ? [padding[0], padding[1]] : padding;
    this.groups = positiveInt(options.groups ?? 1, 'groups');
    if (this.inChannels % this.groups !== 0)
      throw argRangeError('groups', `a divisor of inChannels (${this.inChannels})`, this.groups);
    if (this.outChannels % this.groups !== 0)
      throw argRangeError('groups', `a divisor of outChannels (${this.outChannels})`, this.groups);
    this.threshold = o.threshold;
    this.trainClip = o.trainClip;
    this.seed = o.seed;
    this.noiseGenerator = o.noiseGenerator;
    const [kh, kw] = this.kernelSize;
    const fanIn = (this.inChannels / this.groups) * kh * kw;
    const [weight, bias] = defaultInit(
      [this.outChannels, this.inChannels / this.groups, kh, kw],
      fanIn,
      o.bias,
      o.generator,
    );
    this.weight = weight;
    this.log_sigma2 = new Parameter(new Tensor(new Float32Array(weight.size).fill(o.logSigma2Init), weight.shape));
    this.bias = bias;
  }

  get logSigma2(): Parameter {
    return this.log_sigma2;
  }

  override get category(): ModuleCategory {
    return 'conv';
  }

  override get layerName(): string {
    return `Conv2dSVDO(${this.inChannels}→${this.outChannels}, ${this.kernelSize[0]}x${this.kernelSize[1]})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const batched = inputShape.length === 4;
    const expected = batched ? [-1, this.inChannels, -1, -1] : [this.inChannels, -1, -1];
    expectInputShape(this, inputShape, expected);
    const [h, w] = inputShape.slice(-2) as [number, number];
    const [pt, pb, pl, pr] = resolvePadding(this.padding, this.kernelSize, this.dilation, this.stride);
    const oh = h < 0 ? -1 : convOutSize(h, this.kernelSize[0], this.stride[0], pt, pb, this.dilation[0]);
    const ow = w < 0 ? -1 : convOutSize(w, this.kernelSize[1], this.stride[1], pl, pr, this.dilation[1]);
    if (oh === 0 || ow === 0 || oh < -1 || ow < -1) throw layerShapeError(this, expected, inputShape);
    return [...inputShape.slice(0, -3), this.outChannels, oh, ow];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    const geometry = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
    if (!this.training) return conv2d(x, meanWeight(this, true), this.bias, geometry);
    const mu = conv2d(x, meanWeight(this, this.trainClip), this.bias, geometry);
    const delta = conv2d(mul(x, x), sparseVdSigma2(this.log_sigma2), null, geometry);
    return lrtNoise(mu, delta, { training: true, generator: this.noiseGenerator });
  }

  logAlpha(): Tensor {
    return logAlphaOf(this);
  }

  keptMask(): Tensor {
    return keptMaskOf(this);
  }

  prunedWeight(): Tensor {
    return prunedOf(this);
  }

  sparsity(): LayerSparsity {
    return sparsityOf(this);
  }

  kl(): Tensor {
    return sparseVdKl(this.weight, this.log_sigma2);
  }

  override regularizationTerms(): RegularizationTerm[] {
    return [{ kind: 'kl', value: this.kl() }];
  }

  override getConfig(): Record<string, unknown> {
    return {
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      bias: this.bias !== null,
      threshold: this.threshold,
      trainClip: this.trainClip,
      ...(this.seed === null ? {} : { seed: this.seed }),
    };
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}], stride=[${this.stride.join(', ')}], padding=${JSON.stringify(this.padding)}, threshold=${this.threshold}`;
  }
}

export function isSparseVariational(m: Module): m is SparseVariational {
  return m instanceof LinearSVDO || m instanceof Conv2dSVDO;
}

/** Per-layer and overall sparsity of a model's sparse variational layers. */
export interface SparsityReport {
  layers: ({ name: string; layer: string } & LayerSparsity)[];
  /** Over the sparse variational layers' weights. */
  total: number;
  kept: number;
  sparsity: number;
  /** total / kept: how many times fewer weights eval uses (Infinity when none is kept). */
  compression: number;
}

/** Which weights eval prunes, per LinearSVDO / Conv2dSVDO layer of `model` (by state-dict path) and overall. */
export function sparsity(model: Module): SparsityReport {
  if (!(model instanceof Module)) throw argTypeError('model', 'Module', model);
  const layers: SparsityReport['layers'] = [];
  for (const [name, m] of model.namedModules()) {
    if (isSparseVariational(m)) layers.push({ name, layer: m.layerName, ...m.sparsity() });
  }
  const total = layers.reduce((s, l) => s + l.total, 0);
  const kept = layers.reduce((s, l) => s + l.kept, 0);
  return {
    layers,
    total,
    kept,
    sparsity: total === 0 ? 0 : 1 - kept / total,
    compression: kept === 0 ? Infinity : total / kept,
  };
}

/**
 * The model's state dict with every sparse variational layer's weight pruned (zeros where eval
 * prunes) and its `log_sigma2` left out: it loads into the same architecture with nn.Linear /
 * nn.Conv2d in place of LinearSVDO / Conv2dSVDO, which then computes what eval computes.
 */
export function prunedStateDict(model: Module): Record<string, Tensor> {
  if (!(model instanceof Module)) throw argTypeError('model', 'Module', model);
  const state = model.stateDict();
  for (const [name, m] of model.namedModules()) {
    if (!isSparseVariational(m)) continue;
    const prefix = name === '' ? '' : `${name}.`;
    state[`${prefix}weight`] = m.prunedWeight();
    delete state[`${prefix}log_sigma2`];
  }
  return state;
}
