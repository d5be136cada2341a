/**
 * Element-wise activation layers: ReLU, LeakyReLU, Sigmoid, Tanh, GELU, ELU, SELU, Softplus. They keep
 * the shape (any shape passes, at compile time too) and hold no parameters; the math is in
 * ops (unary.ts). One file for the family: each is a constructor and a one-line forward on a
 * shared base.
 */
import { argRangeError, argTypeError } from '../errors.js';
import { elu, gelu, leakyRelu, relu, selu, sigmoid, softplus, tanh } from '../ops/unary.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { Module, type ModuleCategory } from './module.js';
import { expectLayerInput } from './shape-check.js';

function finite(value: unknown, name: string): number {
  if (typeof value !== 'number') throw argTypeError(name, 'finite number', value);
  if (!Number.isFinite(value)) throw argRangeError(name, 'finite number', value);
  return value;
}

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
  protected activate(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x for x > 0, negativeSlope * x otherwise. */
export class LeakyReLU extends Activation {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = finite(negativeSlope, 'negativeSlope');
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
  protected activate(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Activation {
  protected activate(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** x * Phi(x), the exact (erf) form, as PyTorch's default. */
export class GELU extends Activation {
  protected activate(x: Tensor): Tensor {
    return gelu(x);
  }
}

/** x for x > 0, alpha * (e^x - 1) otherwise. */
export class ELU extends Activation {
  readonly alpha: number;

  constructor(alpha = 1) {
    super();
    this.alpha = finite(alpha, 'alpha');
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
  protected activate(x: Tensor): Tensor {
    return selu(x);
  }
}

/** log(1 + e^x), linear above the threshold (PyTorch's defaults: beta 1, threshold 20). */
export class Softplus extends Activation {
  protected activate(x: Tensor): Tensor {
    return softplus(x);
  }
}
