/**
 * tfjs's Container, the part of a LayersModel that finds its layers and lists their weights:
 * getLayer, weights / trainableWeights / nonTrainableWeights (LayerVariables, in getWeights'
 * order: every trainable weight, then the non-trainable ones) and trainable.
 */
import { boolean, integer } from '../args.js';
import { argTypeError } from '../errors.js';
import type { Layer } from './layer-base.js';
import type { LayerVariable } from './layer-variables.js';

export abstract class Container {
  #trainable = true;

  abstract get layers(): Layer[];

  /** tfjs's getLayer(name), getLayer(index) and getLayer(undefined, index). */
  getLayer(nameOrIndex?: string | number, index?: number): Layer {
    const layers = this.layers;
    const at = index ?? (typeof nameOrIndex === 'number' ? nameOrIndex : undefined);
    if (at !== undefined) {
      const l = layers[integer(at, 'index', 'getLayer')];
      if (l === undefined)
        throw new RangeError(
          `Was asked to retrieve layer at index ${at}, but model only has ${layers.length} layer(s).`,
        );
      return l;
    }
    if (nameOrIndex === undefined || nameOrIndex === null)
      throw new TypeError('getLayer: provide either a layer name or layer index');
    if (typeof nameOrIndex !== 'string')
      throw argTypeError('getLayer name', 'layer name (string) or index', nameOrIndex);
    const l = layers.find((x) => x.name === nameOrIndex);
    if (l === undefined) throw new RangeError(`No such layer: ${nameOrIndex}`);
    return l;
  }

  get weights(): LayerVariable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  /** The weights fit trains: those of trainable layers (none when the model is not trainable). */
  get trainableWeights(): LayerVariable[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  /** Moving statistics, and every weight of a layer made non-trainable. */
  get nonTrainableWeights(): LayerVariable[] {
    return this.layers.flatMap((l) => l.nonTrainableWeights);
  }

  get trainable(): boolean {
    return this.#trainable;
  }

  /** false freezes every layer (each layer.trainable = false); true makes every layer trainable again. */
  set trainable(value: boolean) {
    boolean(value, 'trainable', 'model');
    for (const l of this.layers) l.trainable = value;
    this.#trainable = value;
  }
}
