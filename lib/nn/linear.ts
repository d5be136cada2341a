/**
 * Linear: y = x w^T + b over the last dimension, w in PyTorch's layout [out, in].
 * `Linear<784, 256>` maps `Tensor<readonly [B, 784]>` to `Tensor<readonly [B, 256]>`, and a
 * chain that feeds it another width does not compile (shape-types.ts).
 */
import { is, signature } from '../args.js';
import { argRangeError, argTypeError } from '../errors.js';
import { type LinearActivation, linear } from '../ops/matmul.js';
import { defaultGenerator, Generator } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { Module, type ModuleCategory } from './module.js';
import { checkGenerator, defaultInit } from './init.js';
import type { Parameter } from './parameter.js';
import { expectInputShape, expectLayerInput } from './shape-check.js';
import type { LastDimCheck, LastDimMap, ReplaceLast } from './shape-types.js';

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** The stream the initial weights are drawn from (default: the generator seeded by manualSeed). */
  generator?: Generator;
}

const LINEAR = signature('Linear', ['inFeatures', 'outFeatures'], { bias: is.boolean }, { generator: is.generator });

/** What follows the sizes: PyTorch's `bias` positionally, then (or instead) an options object. */
export type LinearArgs = [options?: LinearOptions | undefined] | [bias?: boolean, options?: LinearOptions | undefined];

function features(value: unknown, name: string): number {
  if (typeof value !== 'number') throw argTypeError(name, 'positive integer', value);
  if (!Number.isSafeInteger(value) || value < 1) throw argRangeError(name, 'positive integer', value);
  return value;
}

export class Linear<In extends number = number, Out extends number = number> extends Module {
  declare readonly '~shapes': LastDimMap<In, Out, `Linear(${In}→${Out})`>;
  readonly inFeatures: In;
  readonly outFeatures: Out;
  /** [outFeatures, inFeatures] */
  weight: Parameter<readonly [Out, In]>;
  /** [outFeatures], or null without bias. */
  bias: Parameter<readonly [Out]> | null;

  /**
   * Weight and bias start as PyTorch's: kaiming_uniform(a = sqrt 5) for the weight, which is
   * U(-1/sqrt(in), 1/sqrt(in)), and the same range for the bias, drawn weight first.
   */
  constructor(inFeatures: In, outFeatures: Out, ...args: LinearArgs) {
    super();
    const options: LinearOptions = LINEAR.parse(args);
    this.inFeatures = features(inFeatures, 'inFeatures') as In;
    this.outFeatures = features(outFeatures, 'outFeatures') as Out;
    const bias = options.bias ?? true;
    if (typeof bias !== 'boolean') throw argTypeError('bias', 'boolean', bias);
    const generator = checkGenerator(options.generator ?? defaultGenerator);
    const [weight, b] = defaultInit([outFeatures, inFeatures], inFeatures, bias, generator);
    this.weight = weight as Parameter<readonly [Out, In]>;
    this.bias = b as Parameter<readonly [Out]> | null;
  }

  override get category(): ModuleCategory {
    return 'linear';
  }

  override get layerName(): string {
    return `Linear(${this.inFeatures}→${this.outFeatures})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    expectInputShape(this, inputShape, [-1, this.inFeatures], true);
    return [...inputShape.slice(0, -1), this.outFeatures];
  }

  override forward<S extends Shape>(
    input: Tensor<S> & LastDimCheck<S, In, `Linear(${In}→${Out})`>,
  ): Tensor<ReplaceLast<S, Out>> {
    const x = expectLayerInput(this, input);
    expectInputShape(this, x.shape, [-1, this.inFeatures], true);
    return linear(x, this.weight, this.bias, { activation: this.linearActivation }) as Tensor<ReplaceLast<S, Out>>;
  }

  /** The activation ops.linear fuses into the layer's output (none here; a subclass may name one). */
  protected get linearActivation(): LinearActivation | null {
    return null;
  }

  override getConfig(): Record<string, unknown> {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null };
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
