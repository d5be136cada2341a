/**
 * tf.sequential(): tfjs's Sequential, a LayersModel (model.ts) over the Keras facade's
 * SequentialModel (an nn.Sequential trained by dropnet's fit loop). The model is built at each
 * add(), so shape errors come at add, as in tfjs.
 */
import { argTypeError } from '../errors.js';
import { SequentialModel } from '../keras/model.js';
import { Layer } from './layers.js';
import { LayersModel, type ModelCore, type ModelEngine } from './model.js';
import type { Tensor } from './tensor.js';
import { checkMasks } from './recurrent-layers.js';

/** The facade's model as a LayersModel engine. */
function engineOf(model: SequentialModel): ModelEngine {
  return {
    module: model.module,
    compile: (args) => model.compile(args),
    fit: (x, y, options) => model.fit(x, y as never, options as never),
    predict: (x, options) => model.predict(x, options),
    summaryLines: () => model.summary({ printFn: null }).split('\n'),
    get stopTraining() {
      return model.stopTraining;
    },
    set stopTraining(value: boolean) {
      model.stopTraining = value;
    },
  };
}

export class Sequential extends LayersModel {
  #layers: Layer[] = [];
  #core: ModelCore | null = null;

  constructor(config: { layers?: Layer[]; name?: string } = {}) {
    if (typeof config !== 'object' || config === null)
      throw argTypeError('tf.sequential config', 'object { layers, name }', config);
    for (const key of Object.keys(config))
      if (key !== 'layers' && key !== 'name')
        throw new RangeError(`tf.sequential: unknown option "${key}"; the options are layers, name`);
    super(null, config.name ?? 'sequential_1');
    for (const l of config.layers ?? []) this.add(l);
  }

  /** Appends a layer (tfjs: before compile). */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw argTypeError('layer', 'a layer from tf.layers (dense, conv2d, ...)', layer);
    if (this.isCompiled)
      throw new Error('dropnet/tfjs: model.add() after compile() is not supported; add every layer, then compile');
    if (this.#layers.length === 0 && layer.spec.inputShape === undefined) {
      throw new Error('The first layer in a Sequential model must get an `inputShape` or `batchInputShape` argument.');
    }
    this.#layers.push(layer);
    this.#build();
  }

  #build(): void {
    const model = new SequentialModel(
      this.#layers.map((l) => l.spec),
      this.name,
    );
    let m = 0;
    let shape: readonly number[] = model.inputShape;
    for (const l of this.#layers) {
      if (l.spec.className === 'InputLayer') {
        l.module = null;
        l.outputShape = [null, ...shape];
        continue;
      }
      l.module = model.layers[m]!;
      l.name = model.layerNames[m]!;
      shape = l.module.computeOutputShape([-1, ...shape]).slice(1);
      l.outputShape = [null, ...shape];
      m++;
    }
    checkMasks(this.#layers);
    const last = this.#layers[this.#layers.length - 1]!;
    this.#core = {
      engine: engineOf(model),
      layers: this.#layers,
      inputs: [{ shape: [null, ...model.inputShape] }],
      outputs: [{ shape: [null, ...model.outputShape] }],
      inputShapes: [model.inputShape],
      outputShapes: [model.outputShape],
      inputNames: [`${this.#layers[0]!.name}_input`],
      outputNames: [last.name],
    };
  }

  protected override core(fn: string): ModelCore {
    if (this.#core === null) throw new Error(`${fn}: the model has no layers; add layers with model.add() first`);
    return this.#core;
  }

  override get layers(): Layer[] {
    return [...this.#layers];
  }

  override get outputShape(): (number | null)[] {
    return super.outputShape as (number | null)[];
  }

  override get stopTraining(): boolean {
    return this.#core?.engine.stopTraining ?? false;
  }

  override set stopTraining(value: boolean) {
    if (this.#core !== null) this.#core.engine.stopTraining = value;
  }

  /** Outputs in inference mode, as a Tensor (synchronously). */
  override predict(x: Tensor | Tensor[], args: { batchSize?: number; verbose?: boolean } = {}): Tensor {
    return super.predict(x, args) as Tensor;
  }

  override predictOnBatch(x: Tensor | Tensor[]): Tensor {
    return super.predictOnBatch(x) as Tensor;
  }
}

export function sequential(config?: { layers?: Layer[]; name?: string }): Sequential {
  return new Sequential(config);
}
