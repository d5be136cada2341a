/**
 * Flatten: merges dimensions startDim..endDim into one (default: everything but the batch),
 * as PyTorch's nn.Flatten. The merged size is a run-time number, so at the type level the
 * output shape is unknown and the next layer's input is not checked.
 */
import { integer, is, signature } from '../args.js';
import { flatten } from '../ops/layout.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { Module, type ModuleCategory } from './module.js';
import { expectLayerInput, layerShapeError } from './shape-check.js';

const FLATTEN = signature('Flatten', [], { startDim: is.integer, endDim: is.integer });

export class Flatten extends Module {
  declare readonly '~shapes': { readonly kind: 'fixed'; readonly in: Shape; readonly out: Shape };
  readonly startDim: number;
  readonly endDim: number;

  constructor(...args: [startDim?: number, endDim?: number] | [options?: { startDim?: number; endDim?: number }]) {
    super();
    const o = FLATTEN.parse<{ startDim?: number; endDim?: number }>(args);
    this.startDim = integer(o.startDim ?? 1, 'startDim');
    this.endDim = integer(o.endDim ?? -1, 'endDim');
  }

  override get category(): ModuleCategory {
    return 'reshape';
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const rank = inputShape.length;
    const s = this.startDim < 0 ? this.startDim + rank : this.startDim;
    const e = this.endDim < 0 ? this.endDim + rank : this.endDim;
    if (s < 0 || e >= rank || s > e) {
      const needed = Math.max(
        this.startDim >= 0 ? this.startDim + 1 : -this.startDim,
        this.endDim >= 0 ? this.endDim + 1 : -this.endDim,
      );
      throw layerShapeError(this, new Array<number>(needed).fill(-1), inputShape);
    }
    const merged = inputShape.slice(s, e + 1);
    const size = merged.some((d) => d < 0) ? -1 : merged.reduce((p, d) => p * d, 1);
    return [...inputShape.slice(0, s), size, ...inputShape.slice(e + 1)];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    return flatten(x, this.startDim, this.endDim);
  }

  override getConfig(): Record<string, unknown> {
    return { startDim: this.startDim, endDim: this.endDim };
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
