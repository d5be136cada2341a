/**
 * BernoulliDropout, the base of the layers that zero units with probability p in training and
 * scale the rest by 1/(1-p) (Dropout, Dropout1d/2d/3d, SpatialDropout1d/2d/3d, AlphaDropout,
 * FeatureAlphaDropout, LockedDropout), and the (p, inplace) arguments they share.
 */
import { type ArgKind, is, type Signature, signature } from '../../args.js';
import { probability } from '../../ops/dropout.js';
import { NoiseLayer, type NoiseLayerOptions } from './noise-layer.js';

/**
 * A dropout layer's arguments, PyTorch's (p, inplace) then (or instead) options; `p` may also be an
 * option. `inplace` is accepted for PyTorch code and changes nothing: the layer never writes into its
 * input, and the result is the same.
 */
export type DropoutArgs<O extends object = NoiseLayerOptions> =
  | [options?: (O & { p?: number; inplace?: boolean }) | undefined]
  | [p?: number, options?: (O & { inplace?: boolean }) | undefined]
  | [p?: number, inplace?: boolean, options?: O | undefined];

/** The signature of a dropout layer: (p, inplace) positional, the stream and `keywords` by name. */
export function dropoutSignature(owner: string, keywords: Readonly<Record<string, ArgKind>> = {}): Signature {
  return signature(
    owner,
    [],
    { p: is.probability, inplace: is.boolean },
    { seed: is.seed, generator: is.generator, ...keywords },
  );
}

/** Parsed dropout arguments: p (default 0.5) and the options. */
export function dropoutArgs<O extends object>(sig: Signature, args: readonly unknown[]): O & { p: number } {
  const o = sig.parse<O & { p?: number; inplace?: boolean }>(args);
  return { ...o, p: o.p ?? 0.5 };
}

/** A layer that zeroes units with probability p in training. */
export abstract class BernoulliDropout extends NoiseLayer {
  /** Probability that a unit is zeroed. */
  readonly p: number;

  constructor(p: number, options: NoiseLayerOptions | undefined) {
    super(options);
    this.p = probability(p);
  }

  override get dropoutRate(): number {
    return this.p;
  }

  override getConfig(): Record<string, unknown> {
    return { p: this.p, ...this.streamConfig() };
  }

  /** PyTorch's extra_repr: `p=0.5`. */
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
