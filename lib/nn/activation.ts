/**
 * Element-wise activation layers: ReLU, LeakyReLU, Sigmoid, Tanh, GELU, ELU, SELU, Softplus. They keep
 * the shape (any shape passes, at compile time too) and hold no parameters; the math is in
 * ops (unary.ts). One file for the family: each is a constructor and a one-line forward on a
 * shared base.
 */
import { finite, is, signature } from '../args.js';
import { argRangeError } from '../errors.js';
import { elu, gelu, leakyRelu, relu, selu, sigmoid, softplus, tanh } from '../ops/unary.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { Module, type ModuleCategory } from './module.js';
import { expectLayerInput } from './shape-check.js';

/*
 * PyTorch's positional orders. `inplace` is accepted for PyTorch code and changes nothing: these
 * layers never write into their input, and the result is the same.
 */
const INPLACE = { inplace: is.boolean };
const RELU = signature('ReLU', [], INPLACE);
const LEAKY_RELU = signature('LeakyReLU', [], { negativeSlope: is.finite, ...INPLACE });
const ELU_ARGS = signature('ELU', [], { alpha: is.finite, ...INPLACE });
const SELU_ARGS = signature('SELU', [], INPLACE);
const SIGMOID = signature('Sigmoid', [], {});
const TANH = signature('Tanh', [], {});
const GELU_ARGS = signature('GELU', [], { approximate: is.string });
const SOFTPLUS = signature('Softplus', [], { beta: is.finite, threshold: is.finite });

/** A parameter-free, shape-preserving layer applying one element-wise function. */
export abstract class Activation extends Module {
  declare readonly '~shapes': { readonly kind: 'same' };

  protected abstract activate(x: Tensor): Tensor;

  override get category(): ModuleCategory {
    return 'activation';
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return this.activate(expectLayerInput(this, input)) as Tensor<S>;
  }
}

/** max(0, x) */
export class ReLU extends Activation {
  constructor(...args: [inplace?: boolean] | [options?: { inplace?: boolean }]) {
    super();
    RELU.parse(args);
  }

  protected activate(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x for x > 0, negativeSlope * x otherwise. */
export class LeakyReLU extends Activation {
  readonly negativeSlope: number;

  constructor(
    ...args: [negativeSlope?: number, inplace?: boolean] | [options?: { negativeSlope?: number; inplace?: boolean }]
  ) {
    super();
    const o = LEAKY_RELU.parse<{ negativeSlope?: number }>(args);
    this.negativeSlope = finite(o.negativeSlope ?? 0.01, 'negativeSlope');
  }

  protected activate(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override getConfig(): Record<string, unknown> {
    return { negativeSlope: this.negativeSlope };
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** 1 / (1 + e^-x) */
export class Sigmoid extends Activation {
  constructor(...none: []) {
    super();
    SIGMOID.parse(none);
  }

  protected activate(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Activation {
  constructor(...none: []) {
    super();
    TANH.parse(none);
  }

  protected activate(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** x * Phi(x), the exact (erf) form, as PyTorch's default. */
export class GELU extends Activation {
  /** Only PyTorch's default 'none' (the exact form) is supported. */
  constructor(...args: [approximate?: 'none'] | [options?: { approximate?: 'none' }]) {
    super();
    const { approximate } = GELU_ARGS.parse<{ approximate?: string }>(args);
    if (approximate !== undefined && approximate !== 'none')
      throw argRangeError('approximate', "'none' (the exact form; 'tanh' is not supported)", approximate);
  }

  protected activate(x: Tensor): Tensor {
    return gelu(x);
  }
}

/** x for x > 0, alpha * (e^x - 1) otherwise. */
export class ELU extends Activation {
  readonly alpha: number;

  constructor(...args: [alpha?: number, inplace?: boolean] | [options?: { alpha?: number; inplace?: boolean }]) {
    super();
    const o = ELU_ARGS.parse<{ alpha?: number }>(args);
    this.alpha = finite(o.alpha ?? 1, 'alpha');
  }

  protected activate(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }

  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha };
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** Self-normalizing ELU (Klambauer et al. 2017), PyTorch's constants. */
export class SELU extends Activation {
  constructor(...args: [inplace?: boolean] | [options?: { inplace?: boolean }]) {
    super();
    SELU_ARGS.parse(args);
  }

  protected activate(x: Tensor): Tensor {
    return selu(x);
  }
}

/** log(1 + e^(beta x)) / beta, linear above beta x > threshold (PyTorch's defaults: beta 1, threshold 20). */
export class Softplus extends Activation {
  readonly beta: number;
  readonly threshold: number;

  constructor(...args: [beta?: number, threshold?: number] | [options?: { beta?: number; threshold?: number }]) {
    super();
    const o = SOFTPLUS.parse<{ beta?: number; threshold?: number }>(args);
    this.beta = finite(o.beta ?? 1, 'beta');
    if (this.beta === 0) throw argRangeError('beta', 'non-zero finite number', this.beta);
    this.threshold = finite(o.threshold ?? 20, 'threshold');
  }

  protected activate(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta, threshold: this.threshold });
  }

  override getConfig(): Record<string, unknown> {
    return { beta: this.beta, threshold: this.threshold };
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}
