/**
 * The base of the dropout family's layers: shape-preserving (at compile time too), no
 * parameters, category 'dropout' (summary() lists them and checks their placement; predict()
 * and the noGrad warning know they depend on the mode), and a random stream. Each layer writes
 * its own forward, one line that passes its training flag to its op, as PyTorch's
 * `F.dropout(input, self.p, self.training)`: `op(this.checked(input), { ..., training: this.training })`.
 *
 * The stream, chosen at construction: `seed` gives the layer its own Generator, created once
 * from the seed, so its noise is a reproducible sequence (new noise every step; two layers
 * built with the same seed produce the same sequence); `generator` shares a given stream;
 * neither draws from the default generator, which manualSeed() seeds.
 */
import { argTypeError } from '../../errors.js';
import { streamOf } from '../../ops/dropout.js';
import type { Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { Module, type ModuleCategory } from '../module.js';
import { expectLayerInput } from '../shape-check.js';

export interface NoiseLayerOptions {
  /** The layer's own stream, `new Generator(seed)` made once: a reproducible sequence of masks. */
  seed?: number | bigint;
  /** A stream to draw from (advanced by every step); default: the generator seeded by manualSeed. */
  generator?: Generator;
}

function layerOptions<T extends object>(value: T | undefined): T | Record<string, never> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw argTypeError('options', 'object', value);
  return value;
}

export abstract class NoiseLayer extends Module {
  declare readonly '~shapes': { readonly kind: 'same' };
  /** The seed the layer's own stream was made from, or null when it draws from a shared one. */
  readonly seed: number | bigint | null;
  /** The stream the layer draws from. */
  readonly generator: Generator;

  constructor(options: NoiseLayerOptions | undefined) {
    super();
    const o: NoiseLayerOptions = layerOptions(options);
    this.generator = streamOf(o);
    this.seed = o.seed ?? null;
  }

  /** Throws a ShapeError naming the layer when it cannot take inputs of `shape`. */
  protected checkShape(_shape: Shape): void {}

  override get category(): ModuleCategory {
    return 'dropout';
  }

  override get layerName(): string {
    return `${this.constructor.name}(${this.extraRepr()})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkShape(inputShape);
    return inputShape;
  }

  /** The noise in training mode, the identity (the input itself) in eval mode. */
  abstract override forward<S extends Shape>(input: Tensor<S>): Tensor<S>;

  /** The input after the layer's checks: a Tensor (else a TypeError) of a shape it takes (else a ShapeError). */
  protected checked<S extends Shape>(input: Tensor<S>): Tensor<S> {
    const x = expectLayerInput(this, input) as Tensor<S>;
    this.checkShape(x.shape);
    return x;
  }

  /** The stream options of the op call. */
  protected get stream(): { generator: Generator } {
    return { generator: this.generator };
  }

  /** The config entries of the stream. */
  protected streamConfig(): Record<string, unknown> {
    return this.seed === null ? {} : { seed: this.seed };
  }
}
