/**
 * Parameter: a tensor a Module owns and trains. Assigning one to a module property
 * (`this.weight = new Parameter(...)`) is all it takes for parameters(), stateDict() and
 * optimizers to find it.
 */
import { argTypeError, formatShape } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

export interface ParameterOptions {
  /** Whether it is trained (default true); frozen parameters still count in stateDict(). */
  requiresGrad?: boolean;
}

export class Parameter<S extends Shape = Shape> extends Tensor<S> {
  /** A leaf on `data`'s storage (shared, not copied), cut from any graph `data` belongs to. */
  constructor(data: Tensor<S>, options: ParameterOptions = {}) {
    if (!(data instanceof Tensor)) throw argTypeError('data', 'Tensor', data);
    super(data.data, data.shape, { requiresGrad: options.requiresGrad ?? true });
  }

  override toString(): string {
    return `Parameter(${formatShape(this.shape)}${this.requiresGrad ? '' : ', requiresGrad=false'})`;
  }
}
