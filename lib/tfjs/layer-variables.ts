/**
 * tfjs's LayerVariable over one weight of a built layer: its name (`<layer>/<weight>`, as
 * model.save writes it), shape and dtype in tfjs's layout, whether fit trains it, and read() /
 * val giving its value as a tf.Tensor. The weights are dropnet's parameters, not tf.Variables:
 * read() is a copy taken when called, and write() copies a tensor in.
 */
import { type Layer, layerVariables, layerWeights, type Slot } from './layer-base.js';
import { weightNames } from './save-config.js';
import { Tensor } from './tensor.js';

export class LayerVariable {
  readonly dtype = 'float32';
  readonly shape: number[];
  /** tfjs keeps the name given before making it unique; dropnet's names are unique already. */
  readonly originalName: string;
  readonly #slot: Slot;
  readonly #trainable: boolean;

  constructor(
    readonly name: string,
    slot: Slot,
  ) {
    this.originalName = name;
    this.#slot = slot;
    this.#trainable = slot.trainable;
    this.shape = [...slot.get().shape];
  }

  /** Whether fit trains the weight when the variable was taken. */
  get trainable(): boolean {
    return this.#trainable;
  }

  set trainable(_value: boolean) {
    throw new Error(
      `dropnet/tfjs: ${this.name}.trainable cannot be set on a weight; set the layer's (or the model's) trainable`,
    );
  }

  /** The weight's value now, as a new tensor. */
  read(): Tensor {
    return new Tensor(this.#slot.get(), 'float32');
  }

  get val(): Tensor {
    return this.read();
  }

  /** Sets the weight (a tensor of its shape), as layer.setWeights does for one weight. */
  write(value: Tensor): this {
    this.#slot.set(value, `${this.name}.write`);
    return this;
  }

  /** Nothing to free: the weight belongs to its layer. */
  dispose(): void {}
}

/** Each weight of a built layer (none before it is built), in getWeights' order. */
function variablesOf(layer: Layer): LayerVariable[] {
  if (layer.module === null) return [];
  const names = weightNames(layer);
  return layerWeights(layer.module).map((s, i) => new LayerVariable(`${layer.name}/${names[i]!}`, s));
}

layerVariables.fn = variablesOf;
