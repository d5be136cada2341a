/**
 * Concrete dropout (Gal, Hron & Kendall 2017): dropout on a layer's input whose rate p is
 * learned, one per layer, through a relaxed Bernoulli mask (ops/concrete.ts, temperature 0.1).
 *
 *   new ConcreteDropout(new nn.Linear(256, 10))        element-wise mask on the Linear's input
 *   new SpatialConcreteDropout(new nn.Conv2d(...))     one mask value per (sample, channel)
 *
 * forward(x) is layer(x ⊙ (1 − z) / (1 − p)) in training and layer(x) in eval (deterministic,
 * unless `alwaysActive`; Monte Carlo prediction samples it). p = sigmoid(p_logit), p_logit a
 * parameter initialised to logit(0.1).
 *
 * The regulariser (the KL of the approximate posterior, up to a constant), for the whole
 * training set, which fit() divides by N like every 'kl' term:
 *   lengthScale² · ‖W‖² / (1 − p) + dropoutScale · K · (p log p + (1 − p) log(1 − p))
 * W is the wrapped layer's `weight`: the bias is excluded (as the Keras reference, not the
 * PyTorch notebook). K is the number of input features (Linear) or input channels
 * (SpatialConcreteDropout). Per sample this is the paper's weight_regularizer = l²/N and
 * dropout_regularizer = dropoutScale/N: dropoutScale 1 for classification (the default),
 * 2/τ for a regression of precision τ.
 */
import { argRangeError, argTypeError } from '../../errors.js';
import { concreteDropout, concreteRegularizer, sigmoid64, temperatureOf } from '../../ops/concrete.js';
import { defaultGenerator, Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { Module, type ModuleCategory } from '../module.js';
import { Parameter } from '../parameter.js';
import type { RegularizationTerm } from '../regularization.js';
import { expectLayerInput } from '../shape-check.js';

export interface ConcreteDropoutOptions {
  /** The initial drop rate, in (0, 1) (default 0.1). */
  p?: number;
  /** The relaxation's temperature (default 0.1). */
  temperature?: number;
  /** l, the prior length scale: the weight term is l² ‖W‖² / (1 − p) (default 1e-2). */
  lengthScale?: number;
  /** The dropout term's factor: 1 for classification (default), 2/τ for regression. */
  dropoutScale?: number;
  /** Sample the mask in eval mode too (Keras's is_mc_dropout; default false). */
  alwaysActive?: boolean;
  /** The layer's own mask stream, `new Generator(seed)` made once. */
  seed?: number | bigint;
  /** A mask stream to draw from instead (default: the generator seeded by manualSeed). */
  noiseGenerator?: Generator;
}

const KEYS = ['p', 'temperature', 'lengthScale', 'dropoutScale', 'alwaysActive', 'seed', 'noiseGenerator'];

function nonNegative(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw argTypeError(name, 'finite number >= 0', value);
  if (!(value >= 0 && Number.isFinite(value))) throw argRangeError(name, 'finite number >= 0', value);
  return value;
}

/** The weight a wrapped layer is regularised by: its `weight` parameter. */
function weightOf(layer: Module): Parameter {
  const w = (layer as unknown as { weight?: unknown }).weight;
  if (!(w instanceof Parameter))
    throw argTypeError('layer', 'Module with a weight Parameter (nn.Linear, nn.Conv2d ...)', layer);
  return w;
}

abstract class ConcreteBase extends Module {
  declare readonly '~shapes': { readonly kind: 'any' };
  readonly temperature: number;
  readonly lengthScale: number;
  readonly dropoutScale: number;
  readonly alwaysActive: boolean;
  readonly seed: number | bigint | null;
  readonly noiseGenerator: Generator;
  /** The layer whose input is dropped. */
  layer: Module;
  /** logit(p), a one-element parameter. */
  p_logit: Parameter;

  constructor(layer: Module, options: ConcreteDropoutOptions) {
    super();
    if (!(layer instanceof Module)) throw argTypeError('layer', 'Module', layer);
    weightOf(layer);
    if (typeof options !== 'object' || options === null || Array.isArray(options))
      throw argTypeError('options', 'object', options);
    for (const key of Object.keys(options)) {
      if (!KEYS.includes(key))
        throw new RangeError(`${this.constructor.name}: unknown option "${key}"; the options are ${KEYS.join(', ')}`);
    }
    const p = options.p ?? 0.1;
    if (typeof p !== 'number') throw argTypeError('p', 'number in (0, 1)', p);
    if (!(p > 0 && p < 1)) throw argRangeError('p', 'number in (0, 1)', p);
    this.temperature = temperatureOf(options.temperature);
    this.lengthScale = nonNegative(options.lengthScale, 'lengthScale', 1e-2);
    this.dropoutScale = nonNegative(options.dropoutScale, 'dropoutScale', 1);
    const alwaysActive = options.alwaysActive ?? false;
    if (typeof alwaysActive !== 'boolean') throw argTypeError('alwaysActive', 'boolean', alwaysActive);
    this.alwaysActive = alwaysActive;
    const { noiseGenerator, seed } = options;
    if (noiseGenerator !== undefined) {
      if (!(noiseGenerator instanceof Generator)) throw argTypeError('noiseGenerator', 'Generator', noiseGenerator);
      if (seed !== undefined) throw argTypeError('seed', 'undefined (a noiseGenerator is given)', seed);
    }
    this.seed = seed ?? null;
    this.noiseGenerator = noiseGenerator ?? (seed === undefined ? defaultGenerator : new Generator(seed));
    this.layer = layer;
    this.p_logit = new Parameter(new Tensor(Float32Array.of(Math.log(p) - Math.log(1 - p)), [1]));
  }

  /** Whether the mask is spatial (one value per channel). */
  protected abstract get spatial(): boolean;

  /** K: the input dimension of the dropout term. */
  abstract get inputDim(): number;

  /** The current drop rate p = sigmoid(p_logit). */
  get p(): number {
    return sigmoid64(this.p_logit.data[0]!);
  }

  override get category(): ModuleCategory {
    return this.layer.category;
  }

  override get layerName(): string {
    return `${this.constructor.name}(${this.layer.layerName})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return this.layer.computeOutputShape(inputShape);
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    const active = this.training || this.alwaysActive;
    const dropped = concreteDropout(x, this.p_logit, {
      training: active,
      temperature: this.temperature,
      spatial: this.spatial,
      generator: this.noiseGenerator,
    });
    return this.layer.call(dropped);
  }

  /**
   * The regulariser for the whole training set (divided by N when summed):
   * l² ‖W‖² / (1 − p) + dropoutScale · K · (p log p + (1 − p) log(1 − p)).
   */
  regularizer(): Tensor {
    const k = this.dropoutScale * this.inputDim;
    return concreteRegularizer(weightOf(this.layer), this.p_logit, this.lengthScale * this.lengthScale, k);
  }

  override regularizationTerms(): RegularizationTerm[] {
    return [{ kind: 'kl', value: this.regularizer() }];
  }

  override getConfig(): Record<string, unknown> {
    return {
      layer: { className: this.layer.constructor.name, config: this.layer.getConfig() },
      temperature: this.temperature,
      lengthScale: this.lengthScale,
      dropoutScale: this.dropoutScale,
      alwaysActive: this.alwaysActive,
      ...(this.seed === null ? {} : { seed: this.seed }),
    };
  }

  override extraRepr(): string {
    return `p=${this.p.toPrecision(4)}, temperature=${this.temperature}`;
  }
}

/** Concrete dropout of the wrapped layer's input elements (for Linear and other dense layers). */
export class ConcreteDropout extends ConcreteBase {
  constructor(layer: Module, options: ConcreteDropoutOptions = {}) {
    super(layer, options);
  }

  protected get spatial(): boolean {
    return false;
  }

  /** The number of input features: the weight's last dimension ([out, in]). */
  get inputDim(): number {
    const shape = weightOf(this.layer).shape;
    return shape[shape.length - 1]!;
  }
}

/** Concrete dropout of whole input channels of (N, C, *) (for convolutions). */
export class SpatialConcreteDropout extends ConcreteBase {
  constructor(layer: Module, options: ConcreteDropoutOptions = {}) {
    super(layer, options);
  }

  protected get spatial(): boolean {
    return true;
  }

  /** The number of input channels: the weight's dimension 1 times its groups ([out, in / groups, ...]). */
  get inputDim(): number {
    const groups = (this.layer as unknown as { groups?: unknown }).groups;
    return weightOf(this.layer).shape[1]! * (typeof groups === 'number' ? groups : 1);
  }
}
