/**
 * Variational dropout (Kingma, Salimans & Welling 2015): Gaussian dropout whose variance α is
 * learned, with α clamped to ≤ 1 (p ≤ 0.5) where the paper's KL approximation holds.
 *
 *   new VariationalDropout(features)   per unit ("type A"): x ⊙ (1 + sqrt(α_u) ε), one α per unit
 *                                      of dimension 1; `log_alpha` has `features` elements
 *   new VariationalDropout(linear)     per weight ("type B"): wraps an nn.Linear whose weights get
 *                                      q(w) = N(θ, α θ²), sampled by local reparameterisation
 *                                      (γ = xθᵀ + b, δ = (x ⊙ x)(α ⊙ θ ⊙ θ)ᵀ, out = γ + sqrt(δ) ε);
 *                                      `log_alpha` has the weight's shape, the layer is `layer`
 * Both are deterministic in eval (the identity, or the wrapped Linear). With `learnAlpha: false`
 * α stays at its initial value: the per-unit layer is then distributed as
 * GaussianDropout(α / (1 + α)), and there is no KL term (it would be a constant).
 * kl() is Σ Kingma's KL over the α's (ops/variational.ts), a positive number.
 */
import { argTypeError } from '../../errors.js';
import { linear } from '../../ops/matmul.js';
import { alphaOfRate, kingmaKl, lrtNoise, unitNoise } from '../../ops/variational.js';
import { kingmaVarianceProduct } from '../../ops/variational-product.js';
import { defaultGenerator, Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { Linear } from '../linear.js';
import { Module, type ModuleCategory } from '../module.js';
import { Parameter } from '../parameter.js';
import type { RegularizationTerm } from '../regularization.js';
import { expectInputShape, expectLayerInput, layerShapeError } from '../shape-check.js';

export interface VariationalDropoutOptions {
  /** The initial drop rate p in [0, 0.5]: α = p / (1 − p) (default 0.5, α = 1). */
  p?: number;
  /** The initial α in (0, 1] instead of p. */
  alpha?: number;
  /** Learn α (default true); false keeps it fixed. */
  learnAlpha?: boolean;
  /** The layer's own noise stream, `new Generator(seed)` made once. */
  seed?: number | bigint;
  /** A noise stream to draw from instead (default: the generator seeded by manualSeed). */
  noiseGenerator?: Generator;
}

const KEYS = ['p', 'alpha', 'learnAlpha', 'seed', 'noiseGenerator'];

function initialAlpha(o: VariationalDropoutOptions): number {
  if (o.alpha !== undefined && o.p !== undefined) throw new RangeError('VariationalDropout: pass p or alpha, not both');
  if (o.alpha !== undefined) {
    if (typeof o.alpha !== 'number') throw argTypeError('alpha', 'number in (0, 1]', o.alpha);
    if (!(o.alpha > 0 && o.alpha <= 1))
      throw new RangeError(`Expected number in (0, 1] for alpha but received ${o.alpha} of type number`);
    return o.alpha;
  }
  const p = o.p ?? 0.5;
  const alpha = alphaOfRate(p);
  if (!(p > 0 && p <= 0.5)) throw new RangeError(`Expected number in (0, 0.5] for p but received ${p} of type number`);
  return alpha;
}

export class VariationalDropout extends Module {
  declare readonly '~shapes': { readonly kind: 'same' };
  /** 'unit' (a noise layer on features) or 'weight' (a wrapped Linear). */
  readonly per: 'unit' | 'weight';
  /** The number of units (per unit), or null. */
  readonly features: number | null;
  readonly learnAlpha: boolean;
  readonly seed: number | bigint | null;
  readonly noiseGenerator: Generator;
  /** The wrapped Linear (per weight), or null. */
  layer: Linear | null;
  /** log α: [features], or the weight's shape. */
  log_alpha: Parameter;

  constructor(featuresOrLayer: number | Linear, options: VariationalDropoutOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null || Array.isArray(options))
      throw argTypeError('options', 'object', options);
    for (const key of Object.keys(options)) {
      if (!KEYS.includes(key))
        throw new RangeError(`VariationalDropout: unknown option "${key}"; the options are ${KEYS.join(', ')}`);
    }
    const alpha = initialAlpha(options);
    const learnAlpha = options.learnAlpha ?? true;
    if (typeof learnAlpha !== 'boolean') throw argTypeError('learnAlpha', 'boolean', learnAlpha);
    this.learnAlpha = learnAlpha;
    const { noiseGenerator, seed } = options;
    if (noiseGenerator !== undefined) {
      if (!(noiseGenerator instanceof Generator)) throw argTypeError('noiseGenerator', 'Generator', noiseGenerator);
      if (seed !== undefined) throw argTypeError('seed', 'undefined (a noiseGenerator is given)', seed);
    }
    this.seed = seed ?? null;
    this.noiseGenerator = noiseGenerator ?? (seed === undefined ? defaultGenerator : new Generator(seed));
    let shape: number[];
    if (featuresOrLayer instanceof Linear) {
      this.per = 'weight';
      this.features = null;
      this.layer = featuresOrLayer;
      shape = [...featuresOrLayer.weight.shape];
    } else {
      if (typeof featuresOrLayer !== 'number')
        throw argTypeError('featuresOrLayer', 'positive integer or nn.Linear', featuresOrLayer);
      if (!Number.isSafeInteger(featuresOrLayer) || featuresOrLayer < 1) {
        throw new RangeError(
          `Expected positive integer or nn.Linear for featuresOrLayer but received ${featuresOrLayer} of type number`,
        );
      }
      this.per = 'unit';
      this.features = featuresOrLayer;
      this.layer = null;
      shape = [featuresOrLayer];
    }
    const size = shape.reduce((p, d) => p * d, 1);
    this.log_alpha = new Parameter(new Tensor(new Float32Array(size).fill(Math.log(alpha)), shape), {
      requiresGrad: learnAlpha,
    });
  }

  /** log α (the `log_alpha` parameter). */
  get logAlpha(): Parameter {
    return this.log_alpha;
  }

  /** α = min(exp(log α), 1), element-wise (a copy, no gradient). */
  get alpha(): Tensor {
    return new Tensor(
      this.log_alpha.data.map((v) => Math.exp(Math.min(v, 0))),
      this.log_alpha.shape,
    );
  }

  override get category(): ModuleCategory {
    return this.per === 'unit' ? 'dropout' : 'linear';
  }

  /** The mean drop rate p = α / (1 + α) (per unit only; undefined for a wrapped Linear). */
  override get dropoutRate(): number | undefined {
    if (this.per === 'weight') return undefined;
    const a = this.alpha.data;
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! / (1 + a[i]!);
    return s / a.length;
  }

  override get layerName(): string {
    return this.per === 'unit'
      ? `VariationalDropout(${this.features})`
      : `VariationalDropout(${this.layer!.layerName})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    if (this.layer !== null) return this.layer.computeOutputShape(inputShape);
    if (inputShape.length < 2 || (inputShape[1]! >= 0 && inputShape[1] !== this.features))
      throw layerShapeError(this, [-1, this.features!], inputShape);
    return inputShape;
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    const x = expectLayerInput(this, input);
    const stream = { generator: this.noiseGenerator };
    if (this.layer === null) {
      this.computeOutputShape(x.shape);
      return unitNoise(x, this.log_alpha, { training: this.training, ...stream }) as Tensor<S>;
    }
    const layer = this.layer;
    expectInputShape(this, x.shape, [-1, layer.inFeatures], true);
    if (!this.training) return layer.call(x as never) as unknown as Tensor<S>;
    const mu = linear(x, layer.weight, layer.bias);
    const delta = kingmaVarianceProduct(x, layer.weight, this.log_alpha);
    return lrtNoise(mu, delta, { training: true, ...stream }) as Tensor<S>;
  }

  /** Σ Kingma's KL over the α's, a positive scalar on the tape. */
  kl(): Tensor {
    return kingmaKl(this.log_alpha);
  }

  override regularizationTerms(): RegularizationTerm[] {
    return this.learnAlpha ? [{ kind: 'kl', value: this.kl() }] : [];
  }

  override getConfig(): Record<string, unknown> {
    return {
      per: this.per,
      features: this.features,
      learnAlpha: this.learnAlpha,
      ...(this.seed === null ? {} : { seed: this.seed }),
    };
  }

  override extraRepr(): string {
    return this.per === 'unit'
      ? `features=${this.features}, learnAlpha=${this.learnAlpha}`
      : `per=weight, learnAlpha=${this.learnAlpha}`;
  }
}
