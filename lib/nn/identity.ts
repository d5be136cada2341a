/** Identity: returns its input unchanged (a placeholder layer, as PyTorch's nn.Identity). */
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { Module, type ModuleCategory } from './module.js';
import { expectLayerInput } from './shape-check.js';

export class Identity extends Module {
  declare readonly '~shapes': { readonly kind: 'same' };

  override get category(): ModuleCategory {
    return 'identity';
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return expectLayerInput(this, input) as Tensor<S>;
  }
}
