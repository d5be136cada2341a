/**
 * LayerNorm: PyTorch's nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True,
 * bias=True) — normalizes each sample over its last dimensions (normalizedShape), with the biased
 * variance and the same statistics in training and eval; weight (ones) and bias (zeros) of
 * normalizedShape, state-dict keys `weight` and `bias`. The math is in ops/layernorm.ts.
 */
import { argTypeError } from '../errors.js';
import { epsOf, layerNorm, normalizedShapeOf } from '../ops/layernorm.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { Module, type ModuleCategory } from './module.js';
import { Parameter } from './parameter.js';
import { expectInputShape, expectLayerInput } from './shape-check.js';

export interface LayerNormLayerOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-element scale and shift (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, learn the shift too (default true; PyTorch 2.1's bias). */
  bias?: boolean;
}

const OPTION_KEYS = ['eps', 'elementwiseAffine', 'bias'];

function flag(value: unknown, name: string): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw argTypeError(name, 'boolean', value);
  return value;
}

export class LayerNorm extends Module {
  declare readonly '~shapes': { readonly kind: 'same' };
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  /** normalizedShape, or null without elementwiseAffine. */
  weight: Parameter | null = null;
  /** normalizedShape, or null without elementwiseAffine or bias. */
  bias: Parameter | null = null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormLayerOptions = {}) {
    super();
    this.normalizedShape = Object.freeze(normalizedShapeOf(normalizedShape));
    if (typeof options !== 'object' || options === null || Array.isArray(options))
      throw argTypeError('options', 'object', options);
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key))
        throw new TypeError(`LayerNorm: unknown option "${key}"; the options are ${OPTION_KEYS.join(', ')}`);
    }
    this.eps = epsOf(options.eps);
    this.elementwiseAffine = flag(options.elementwiseAffine, 'elementwiseAffine');
    const bias = flag(options.bias, 'bias');
    const n = this.normalizedShape.reduce((p, d) => p * d, 1);
    if (this.elementwiseAffine) {
      this.weight = new Parameter(new Tensor(new Float32Array(n).fill(1), this.normalizedShape));
      if (bias) this.bias = new Parameter(new Tensor(new Float32Array(n), this.normalizedShape));
    }
  }

  override get category(): ModuleCategory {
    return 'normalization';
  }

  override get layerName(): string {
    return `LayerNorm([${this.normalizedShape.join(', ')}])`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    expectInputShape(this, inputShape, [-1, ...this.normalizedShape], true);
    return inputShape;
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    const x = expectLayerInput(this, input);
    expectInputShape(this, x.shape, [-1, ...this.normalizedShape], true);
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps }) as Tensor<S>;
  }

  override getConfig(): Record<string, unknown> {
    return {
      normalizedShape: [...this.normalizedShape],
      eps: this.eps,
      elementwiseAffine: this.elementwiseAffine,
      bias: this.bias !== null || !this.elementwiseAffine,
    };
  }

  /** PyTorch's extra_repr: `(8,), eps=1e-05, elementwise_affine=True`. */
  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}
