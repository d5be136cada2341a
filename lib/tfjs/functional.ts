/**
 * tfjs's functional API: tf.input() gives a SymbolicTensor (a shape with a null batch),
 * layer.apply(symbolic) records a node and gives the next one (layer.apply(tensor) computes at
 * once), and tf.model({ inputs, outputs }) walks the graph back from the outputs into a
 * LayersModel whose core is one dropnet module: its forward runs the nodes in order, each
 * layer's nn module (built at its first apply, for the shape it was applied to) or merge. A layer
 * applied several times is one module with its weights shared.
 *
 * Several inputs (outputs) travel packed, each sample's values side by side (model.ts); the
 * module unpacks the inputs and packs the outputs with differentiable tf ops.
 */
import { argTypeError, ShapeError } from '../errors.js';
import type { BuiltLayer } from '../keras/layers.js';
import { compileArgs, type Compiled } from '../keras/compile.js';
import { Module } from '../nn/module.js';
import { addPenalty } from '../nn/regularization.js';
import type { Shape } from '../shape.js';
import type { Tensor as DnTensor } from '../tensor.js';
import '../train/module-training.js';
import { columns, size } from './compile.js';
import { tidy } from './engine.js';
import { merges, mergeLayers } from './functional-merge.js';
import { graphSummary } from './functional-summary.js';
import { extraLayers } from './layers-extra.js';
import { Layer, layerApply } from './layers.js';
import { layers as baseLayers } from './save-config.js';
import { LayersModel, type ModelCore, type ModelEngine } from './model.js';
import * as o from './ops.js';
import { Tensor } from './tensor.js';

let nextSymbolicId = 0;

/** A placeholder in a model's graph: what a layer will receive, by shape (batch null). */
export class SymbolicTensor {
  readonly id = nextSymbolicId++;
  readonly name: string;

  constructor(
    readonly shape: (number | null)[],
    /** The layer that computes it (an InputLayer for tf.input()). */
    readonly sourceLayer: Layer,
    /** What the layer was applied to (none for tf.input()). */
    readonly inputs: readonly SymbolicTensor[],
    /** tf.input()'s dtype; every layer's output is float32, as in tfjs. */
    readonly dtype: 'float32' | 'int32' = 'float32',
  ) {
    this.name = `${sourceLayer.name}/${sourceLayer.getClassName()}`;
  }

  get rank(): number {
    return this.shape.length;
  }
}

const sampleOf = (s: SymbolicTensor): Shape => s.shape.slice(1) as number[];

/** Each layer built by apply(): the sample shape it was built for, and its regularized weights. */
const builtFor = new WeakMap<Layer, { sample: Shape; regularized: BuiltLayer['regularized'] }>();

function buildLayer(layer: Layer, sample: Shape): Module {
  const b = builtFor.get(layer);
  // A layer of a tf.sequential() model: its module (and weights) as that model built it.
  const known = b?.sample ?? (layer.module?.inputShape?.slice(1) as Shape | undefined);
  if (known !== undefined && layer.module !== null) {
    if (known.join() !== sample.join())
      throw new ShapeError(
        `Input 0 is incompatible with layer ${layer.name}: it was built for inputs of shape [null,${known.join(',')}] but received [null,${sample.join(',')}]`,
      );
    return layer.module;
  }
  const made = layer.spec.create(sample);
  if (made === null)
    throw new Error(`dropnet/tfjs: ${layer.getClassName()} makes a model's inputs; use tf.input({ shape })`);
  layer.module = made.module;
  builtFor.set(layer, { sample: [...sample], regularized: made.regularized });
  for (const r of made.regularized) addPenalty(made.module, () => r.regularizer.penalty(r.param));
  return made.module;
}

/** Runs a merge (a function of tfjs tensors) on dropnet tensors, on the tape. */
function onDropnet(xs: readonly DnTensor[], fn: (ts: Tensor[]) => Tensor): DnTensor {
  return tidy(() => {
    const r = fn(xs.map((x) => new Tensor(x, 'float32')));
    const v = r.value;
    r.dispose();
    return v;
  });
}

function apply(layer: Layer, inputs: unknown, kwargs: unknown): SymbolicTensor | Tensor {
  let training = false;
  if (kwargs !== undefined && kwargs !== null) {
    if (typeof kwargs !== 'object') throw argTypeError('kwargs', 'object { training }', kwargs);
    for (const key of Object.keys(kwargs))
      if (key === 'initialState' || key === 'mask')
        throw new Error(
          `dropnet/tfjs: ${layer.name}.apply with ${key} is not supported (recurrent layers start from a zero state; masks come from embedding maskZero); see docs/tfjs.md`,
        );
      else if (key !== 'training')
        throw new RangeError(`${layer.name}.apply: unknown kwarg "${key}"; dropnet/tfjs takes training`);
    training = (kwargs as { training?: boolean }).training === true;
  }
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const merge = merges.get(layer);
  if (list.length > 0 && list.every((x) => x instanceof SymbolicTensor)) {
    let shape: (number | null)[];
    if (merge !== undefined) shape = merge.shape(list.map((s) => s.shape));
    else {
      if (list.length !== 1)
        throw new Error(`${layer.name} (${layer.getClassName()}) takes one input but was applied to ${list.length}`);
      const sample = sampleOf(list[0]!);
      shape = [
        null,
        ...buildLayer(layer, sample)
          .computeOutputShape([-1, ...sample])
          .slice(1),
      ];
    }
    layer.outputShape = shape;
    return new SymbolicTensor(shape, layer, list);
  }
  if (list.length > 0 && list.every((x) => x instanceof Tensor)) {
    if (merge !== undefined) {
      merge.shape(list.map((t) => [null, ...t.shape.slice(1)]));
      return merge.compute(list, training);
    }
    if (list.length !== 1)
      throw new Error(`${layer.name} (${layer.getClassName()}) takes one input but was applied to ${list.length}`);
    const x = list[0]!.checkLive();
    const m = buildLayer(layer, x.shape.slice(1));
    const modes = m.modules().map((s) => [s, s.training] as const);
    m.train(training);
    try {
      return new Tensor(m.call(x), 'float32');
    } finally {
      for (const [s, mode] of modes) s.train(mode);
    }
  }
  throw argTypeError(`${layer.name}.apply inputs`, 'tf.SymbolicTensor(s) (from tf.input) or tf.Tensor(s)', inputs);
}

layerApply.fn = apply;

/** tf.input({ shape, batchShape, name, dtype }): a model's input. */
export function input(config: {
  shape?: number[];
  batchShape?: (number | null)[];
  name?: string;
  dtype?: string;
}): SymbolicTensor {
  if (typeof config !== 'object' || config === null) throw argTypeError('tf.input config', 'object { shape }', config);
  for (const key of Object.keys(config))
    if (!['shape', 'batchShape', 'name', 'dtype', 'sparse'].includes(key))
      throw new RangeError(`tf.input: unknown option "${key}"; the options are shape, batchShape, name, dtype`);
  if (config.shape === undefined && config.batchShape === undefined)
    throw new Error(
      'Please provide to Input either a `shape` or a `batchShape` argument. Note that `shape` does not include the batch dimension.',
    );
  if (config.shape !== undefined && config.batchShape !== undefined)
    throw new Error('Please provide either a `shape` or `batchShape` argument to Input, but not both.');
  if (config.dtype !== undefined && config.dtype !== 'float32' && config.dtype !== 'int32')
    throw new Error(`dropnet/tfjs: tf.input dtype ${String(config.dtype)} is not supported; use float32 or int32`);
  const sample = config.shape ?? (config.batchShape as unknown[]).slice(1);
  if (Array.isArray(sample) && sample.includes(null))
    throw new Error(
      `dropnet/tfjs: tf.input with a null (variable-length) dimension [${sample.map(String).join(', ')}] is not supported; give every dimension (pad sequences to one length)`,
    );
  const layer = baseLayers.inputLayer({
    inputShape: sample,
    ...(config.name === undefined ? {} : { name: config.name }),
    ...(config.dtype === undefined ? {} : { dtype: config.dtype }),
  });
  const dtype = (config.dtype ?? 'float32') as 'float32' | 'int32';
  return new SymbolicTensor([null, ...(sample as number[])], layer, [], dtype);
}

interface Plan {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** Every computed tensor, each after what it reads. */
  nodes: SymbolicTensor[];
  layers: Layer[];
}

/** The nodes that lead from `inputs` to `outputs`, in order; the layers once each, inputs first. */
function plan(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Plan {
  const nodes: SymbolicTensor[] = [];
  const seen = new Set<SymbolicTensor>(inputs);
  const visit = (t: SymbolicTensor, from: Layer | null): void => {
    if (seen.has(t)) return;
    if (t.inputs.length === 0)
      throw new Error(
        `Graph disconnected: cannot obtain value for tensor ${t.name} at layer "${from?.name ?? t.sourceLayer.name}": it is not one of the model's inputs`,
      );
    seen.add(t);
    for (const x of t.inputs) visit(x, t.sourceLayer);
    nodes.push(t);
  };
  for (const t of outputs) visit(t, null);
  const layers: Layer[] = [];
  for (const t of [...inputs, ...nodes]) if (!layers.includes(t.sourceLayer)) layers.push(t.sourceLayer);
  // Names are counted per model (dense, dense_1 ...), as dropnet's Sequential counts them.
  const counts = new Map<string, number>();
  const names = new Set<string>();
  for (const l of layers) {
    let name = l.spec.name;
    if (name === undefined) {
      const n = counts.get(l.spec.stem) ?? 0;
      counts.set(l.spec.stem, n + 1);
      name = n === 0 ? l.spec.stem : `${l.spec.stem}_${n}`;
    }
    if (names.has(name))
      throw new Error(`The name "${name}" is used 2 times in the model. All layer names should be unique.`);
    names.add(name);
    l.name = name;
  }
  return { inputs, outputs, nodes, layers };
}

/** The graph as one dropnet module: packed (or single) input in, packed (or single) output out. */
class GraphModule extends Module {
  readonly #plan: Plan;

  constructor(p: Plan) {
    super();
    this.#plan = p;
    const modules = p.layers.flatMap((l) => (l.module === null ? [] : [l.module]));
    modules.forEach((m, i) => {
      (this as unknown as Record<string, Module>)[String(i)] = m;
    });
  }

  override forward(x: DnTensor): DnTensor {
    const p = this.#plan;
    const values = new Map<SymbolicTensor, DnTensor>();
    if (p.inputs.length === 1) values.set(p.inputs[0]!, x);
    else {
      let at = 0;
      for (const s of p.inputs) {
        values.set(s, columns(x, at, sampleOf(s)));
        at += size(sampleOf(s));
      }
    }
    for (const node of p.nodes) {
      const args = node.inputs.map((s) => values.get(s)!);
      const merge = merges.get(node.sourceLayer);
      const training = this.training;
      values.set(
        node,
        merge !== undefined
          ? onDropnet(args, (ts) => merge.compute(ts, training))
          : node.sourceLayer.module!.call(args[0]!),
      );
    }
    const outs = p.outputs.map((s) => values.get(s)!);
    if (outs.length === 1) return outs[0]!;
    const n = x.shape[0]!;
    return onDropnet(outs, (ts) =>
      o.concat(
        ts.map((t) => o.reshape(t, [n, -1])),
        1,
      ),
    );
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const outs = this.#plan.outputs;
    if (outs.length === 1) return [inputShape[0]!, ...sampleOf(outs[0]!)];
    return [inputShape[0]!, outs.reduce((t, s) => t + size(sampleOf(s)), 0)];
  }
}

function graphEngine(p: Plan, name: string): ModelEngine {
  const module = new GraphModule(p);
  const terms = p.layers.flatMap((l, i) =>
    (builtFor.get(l)?.regularized ?? []).map((r) => ({ ...r, name: `${i}.${r.name}` })),
  );
  let compiled: Compiled | null = null;
  return {
    module,
    compile(args) {
      compiled = compileArgs(module, args, terms);
    },
    fit: (x, y, options) =>
      module.fit(x, y as never, {
        ...(options as object),
        loss: compiled!.dataLoss,
        optimizer: compiled!.optimizer,
        metrics: compiled!.metrics,
      }),
    predict: (x, options) => module.predict(x, options),
    summaryLines: () => graphSummary(name, p.layers, p.nodes),
    get stopTraining() {
      return module.stopTraining;
    },
    set stopTraining(value: boolean) {
      module.stopTraining = value;
    },
  };
}

const asList = (v: unknown, what: string): SymbolicTensor[] => {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((t) => t instanceof SymbolicTensor))
    throw argTypeError(what, 'tf.SymbolicTensor or array of them (from tf.input and layer.apply)', v);
  return list as SymbolicTensor[];
};

let nextModelId = 1;

/** tf.model({ inputs, outputs, name }): a LayersModel over the graph between them. */
export function model(args: {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}): LayersModel {
  if (typeof args !== 'object' || args === null)
    throw argTypeError('tf.model args', 'object { inputs, outputs }', args);
  for (const key of Object.keys(args))
    if (!['inputs', 'outputs', 'name'].includes(key))
      throw new RangeError(`tf.model: unknown option "${key}"; the options are inputs, outputs, name`);
  const inputs = asList(args.inputs, 'inputs');
  const outputs = asList(args.outputs, 'outputs');
  inputs.forEach((t, i) => {
    if (t.inputs.length !== 0)
      throw new Error(
        `Input tensors to a LayersModel must come from \`tf.layers.input\`; inputs[${i}] comes from layer ${t.sourceLayer.name}`,
      );
  });
  const name = args.name ?? `model_${nextModelId++}`;
  if (typeof name !== 'string') throw argTypeError('name', 'string', name);
  const p = plan(inputs, outputs);
  const core: ModelCore = {
    engine: graphEngine(p, name),
    layers: p.layers,
    inputs,
    outputs,
    inputShapes: inputs.map(sampleOf),
    outputShapes: outputs.map(sampleOf),
    inputNames: inputs.map((t) => t.sourceLayer.name),
    outputNames: outputs.map((t) => t.sourceLayer.name),
  };
  return new LayersModel(core, name);
}

/** tf.layers with the merge layers, the advanced activations, and `Layer` (tfjs's base class). */
export const layers = { ...baseLayers, ...extraLayers, ...mergeLayers, Layer };
