/** Identity: returns its input unchanged (a placeholder layer, as PyTorch's nn.Identity). */
import { signature } from '../args.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { Module, type ModuleCategory } from './module.js';
import { expectLayerInput } from './shape-check.js';

const IDENTITY = signature('Identity', [], {});

export class Identity extends Module {
  declare readonly '~shapes': { readonly kind: 'same' };

  /** Takes no arguments (PyTorch's Identity ignores any; here a stray argument is an error). */
  constructor(...none: []) {
    super();
    IDENTITY.parse(none);
  }

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
