/**
 * Custom layers: `class X extends tf.layers.Layer` with call(), computeOutputShape(), build(),
 * getConfig() and a static className, as tfjs programs write them (an antirectifier, a sampling
 * layer, the last step of a sequence). call() computes on tfjs tensors, which run on dropnet's
 * autograd, so gradients flow through it. In a functional graph the layer runs as a merge does
 * (one input, or several passed to call() as an array); in tf.sequential() as a module.
 * Custom layers have no weights: addWeight throws (layer-base.ts).
 */
import { LayerSpec } from '../keras/layers.js';
import { Module } from '../nn/module.js';
import type { Shape } from '../shape.js';
import type { Tensor as DnTensor } from '../tensor.js';
import { tidy } from './engine.js';
import { merges } from './functional-merge.js';
import { customLayer, Layer } from './layer-base.js';
import { Tensor } from './tensor.js';

type SymShape = (number | null)[];

interface Custom {
  call?(inputs: unknown, kwargs: Record<string, unknown>): unknown;
  computeOutputShape?(shape: unknown): unknown;
  build?(shape: unknown): void;
  built?: boolean;
}

const snake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** The output shape (batch null) for the inputs' shapes: build() once, then computeOutputShape() (identity if absent). */
function outputShape(layer: Layer, shapes: readonly SymShape[]): SymShape {
  const c = layer as unknown as Custom;
  const arg = shapes.length === 1 ? [...shapes[0]!] : shapes.map((s) => [...s]);
  if (c.built !== true) {
    if (typeof c.build === 'function') c.build(arg);
    c.built = true;
  }
  const out = typeof c.computeOutputShape === 'function' ? c.computeOutputShape(arg) : arg;
  if (!Array.isArray(out) || !out.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d))))
    throw new Error(
      `dropnet/tfjs: ${layer.getClassName()}.computeOutputShape must return one shape (numbers and null); layers with several outputs are not supported`,
    );
  return out as SymShape;
}

function compute(layer: Layer, xs: readonly Tensor[], kwargs: Record<string, unknown>): Tensor {
  const c = layer as unknown as Custom;
  if (typeof c.call !== 'function')
    throw new Error(`dropnet/tfjs: custom layer ${layer.getClassName()} has no call(inputs, kwargs) method`);
  const out = c.call(xs.length === 1 ? xs[0] : [...xs], kwargs);
  if (!(out instanceof Tensor))
    throw new Error(
      `dropnet/tfjs: ${layer.getClassName()}.call must return one tf.Tensor; layers with several outputs are not supported`,
    );
  return out;
}

/** Runs call() on dropnet tensors, on the tape; the intermediate tfjs tensors are disposed. */
function onDropnet(layer: Layer, xs: readonly DnTensor[], kwargs: Record<string, unknown>): DnTensor {
  return tidy(() => {
    const r = compute(
      layer,
      xs.map((x) => new Tensor(x, 'float32')),
      kwargs,
    );
    const v = r.value;
    r.dispose();
    return v;
  });
}

/** A custom layer inside tf.sequential(): one input. */
class CustomModule extends Module {
  readonly #layer: Layer;

  constructor(layer: Layer) {
    super();
    this.#layer = layer;
  }

  override get layerName(): string {
    return this.#layer.getClassName();
  }

  override computeOutputShape(s: Shape): Shape {
    const out = outputShape(this.#layer, [[null, ...s.slice(1)]]);
    return [s[0]!, ...out.slice(1).map((d) => d ?? -1)];
  }

  override forward(x: DnTensor): DnTensor {
    return onDropnet(this.#layer, [x], { training: this.training });
  }
}

customLayer.fn = (layer, cls, config): LayerSpec => {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new TypeError(`${cls.name}: a custom layer's constructor passes a config object to super()`);
  const declared = (cls as unknown as { className?: unknown }).className;
  const className = typeof declared === 'string' ? declared : cls.name;
  merges.set(layer, {
    shape: (shapes) => outputShape(layer, shapes),
    compute: (xs, training) => compute(layer, xs, { training: training === true }),
  });
  // tfjs's base config: name (added by getConfig) and trainable.
  return new LayerSpec(className, { trainable: true, ...config }, snake(className), () => ({
    module: new CustomModule(layer),
    regularized: [],
  }));
};

/** tf.serialization: registerClass takes a custom layer class (it needs a static className). */
export const serialization = {
  registerClass<C>(cls: C): C {
    const c = cls as unknown as { className?: unknown; prototype?: unknown; name?: string };
    if (typeof cls !== 'function' || !(c.prototype instanceof Layer))
      throw new Error(
        `dropnet/tfjs: tf.serialization.registerClass(${String(c?.name ?? cls)}): only custom layers (classes extending tf.layers.Layer) are supported; custom initializers, regularizers and constraints are not`,
      );
    if (typeof c.className !== 'string' || c.className === '')
      throw new Error(`Class being registered does not have the static className property defined.`);
    return cls;
  },
};
