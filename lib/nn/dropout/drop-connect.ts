/**
 * DropConnect (Wan et al. 2013): a Linear layer whose weights are dropped in training, each
 * kept with probability 1 - p per step and scaled by 1/(1-p); the bias is not dropped (Wan et
 * al. drop connections, i.e. weights). In eval mode it is exactly a Linear with the full
 * weights. Same parameters, names ("weight", "bias") and initialisation as Linear, so a state
 * dict moves between the two. The masked weight is written into one buffer per layer, reused
 * every step (see ops/dropout/drop-connect.ts for what is and is not materialised).
 */
import { is, signature } from '../../args.js';
import { argRangeError, argTypeError } from '../../errors.js';
import { dropConnectLinear, probability } from '../../ops/dropout.js';
import { defaultGenerator, Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { Module, type ModuleCategory } from '../module.js';
import { checkGenerator, defaultInit } from '../init.js';
import { Parameter } from '../parameter.js';
import { expectInputShape, expectLayerInput } from '../shape-check.js';
import type { LastDimCheck, LastDimMap, ReplaceLast } from '../shape-types.js';

export interface DropConnectOptions {
  /** Probability that a weight is dropped in a training step, in [0, 1] (default 0.5). */
  p?: number;
  /** Learn an additive bias (default true); it is never dropped. */
  bias?: boolean;
  /** The layer's own mask stream, `new Generator(seed)` made once: a reproducible sequence of masks. */
  seed?: number | bigint;
  /** A mask stream to draw from instead (default: the generator seeded by manualSeed). */
  maskGenerator?: Generator;
  /** The stream the initial weights are drawn from, as Linear's `generator` (default: the manualSeed one). */
  generator?: Generator;
}

const DROP_CONNECT = signature(
  'DropConnect',
  ['inFeatures', 'outFeatures'],
  {},
  {
    p: is.number,
    bias: is.boolean,
    seed: is.seed,
    maskGenerator: is.generator,
    generator: is.generator,
  },
);

function features(value: unknown, name: string): number {
  if (typeof value !== 'number') throw argTypeError(name, 'positive integer', value);
  if (!Number.isSafeInteger(value) || value < 1) throw argRangeError(name, 'positive integer', value);
  return value;
}

export class DropConnect<In extends number = number, Out extends number = number> extends Module {
  declare readonly '~shapes': LastDimMap<In, Out, `DropConnect(${In}→${Out})`>;
  readonly inFeatures: In;
  readonly outFeatures: Out;
  /** Probability that a weight is dropped. */
  readonly p: number;
  /** The seed of the layer's own mask stream, or null. */
  readonly seed: number | bigint | null;
  /** The stream masks are drawn from. */
  readonly maskGenerator: Generator;
  /** [outFeatures, inFeatures] */
  weight: Parameter<readonly [Out, In]>;
  /** [outFeatures], or null without bias. */
  bias: Parameter<readonly [Out]> | null;
  #scratch: Float32Array | null = null;

  /** Weight and bias start as Linear's (PyTorch's): U(-1/sqrt(in), 1/sqrt(in)), weight first. */
  constructor(inFeatures: In, outFeatures: Out, ...args: [options?: DropConnectOptions | undefined]) {
    super();
    const options: DropConnectOptions = DROP_CONNECT.parse(args);
    this.inFeatures = features(inFeatures, 'inFeatures') as In;
    this.outFeatures = features(outFeatures, 'outFeatures') as Out;
    this.p = probability(options.p === undefined ? 0.5 : options.p);
    const bias = options.bias ?? true;
    if (typeof bias !== 'boolean') throw argTypeError('bias', 'boolean', bias);
    const { maskGenerator, seed } = options;
    if (maskGenerator !== undefined) {
      if (!(maskGenerator instanceof Generator)) throw argTypeError('maskGenerator', 'Generator', maskGenerator);
      if (seed !== undefined) throw argTypeError('seed', 'undefined (a maskGenerator is given)', seed);
    }
    this.maskGenerator = maskGenerator ?? (seed === undefined ? defaultGenerator : new Generator(seed));
    this.seed = seed ?? null;
    const [weight, b] = defaultInit(
      [outFeatures, inFeatures],
      inFeatures,
      bias,
      checkGenerator(options.generator ?? defaultGenerator),
    );
    this.weight = weight as Parameter<readonly [Out, In]>;
    this.bias = b as Parameter<readonly [Out]> | null;
  }

  override get category(): ModuleCategory {
    return 'linear';
  }

  override get layerName(): string {
    return `DropConnect(${this.inFeatures}→${this.outFeatures}, p=${this.p})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    expectInputShape(this, inputShape, [-1, this.inFeatures], true);
    return [...inputShape.slice(0, -1), this.outFeatures];
  }

  /** x w^T + b with w's weights dropped (and the rest scaled by 1/(1-p)) in training mode. */
  override forward<S extends Shape>(
    input: Tensor<S> & LastDimCheck<S, In, `DropConnect(${In}→${Out})`>,
  ): Tensor<ReplaceLast<S, Out>> {
    const x = expectLayerInput(this, input);
    expectInputShape(this, x.shape, [-1, this.inFeatures], true);
    const size = this.weight.size;
    if (this.training && this.p > 0 && this.#scratch?.length !== size) this.#scratch = new Float32Array(size);
    const options = { p: this.p, training: this.training, generator: this.maskGenerator };
    return dropConnectLinear(x, this.weight, this.bias, options, this.#scratch ?? undefined) as Tensor<
      ReplaceLast<S, Out>
    >;
  }

  override getConfig(): Record<string, unknown> {
    return {
      inFeatures: this.inFeatures,
      outFeatures: this.outFeatures,
      p: this.p,
      bias: this.bias !== null,
      ...(this.seed === null ? {} : { seed: this.seed }),
    };
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}, p=${this.p}`;
  }
}
