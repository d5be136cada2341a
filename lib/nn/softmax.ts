/**
 * Softmax and LogSoftmax over one dimension (required, as in current PyTorch: guessing it is
 * a classic source of silently wrong models). Shape-preserving and parameter-free.
 */
import { signature } from '../args.js';
import { argRangeError, argTypeError } from '../errors.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { Module, type ModuleCategory } from './module.js';
import { expectLayerInput, layerShapeError } from './shape-check.js';

function checkDim(value: unknown): number {
  if (typeof value !== 'number') throw argTypeError('dim', 'integer', value);
  if (!Number.isInteger(value)) throw argRangeError('dim', 'integer', value);
  return value;
}

abstract class SoftmaxBase extends Module {
  declare readonly '~shapes': { readonly kind: 'same' };
  /** The dimension normalized over; negative counts from the end. */
  readonly dim: number;

  constructor(dim: number, ...none: []) {
    super();
    signature(new.target.name, ['dim'], {}).parse(none);
    this.dim = checkDim(dim);
  }

  protected abstract normalize(x: Tensor, dim: number): Tensor;

  override get category(): ModuleCategory {
    return 'activation';
  }

  override get layerName(): string {
    return `${this.constructor.name}(dim=${this.dim})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const rank = inputShape.length;
    if (this.dim >= rank || this.dim < -rank) {
      const needed = this.dim >= 0 ? this.dim + 1 : -this.dim;
      throw layerShapeError(this, new Array<number>(needed).fill(-1), inputShape);
    }
    return inputShape;
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    return this.normalize(x, this.dim) as Tensor<S>;
  }

  override getConfig(): Record<string, unknown> {
    return { dim: this.dim };
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** e^x / sum(e^x) along `dim`. */
export class Softmax extends SoftmaxBase {
  protected normalize(x: Tensor, dim: number): Tensor {
    return softmax(x, dim);
  }
}

/** log(softmax(x)) along `dim`, computed stably. */
export class LogSoftmax extends SoftmaxBase {
  protected normalize(x: Tensor, dim: number): Tensor {
    return logSoftmax(x, dim);
  }
}
