/**
 * Functional models (tf.model({ inputs, outputs })) in tfjs's saved format, as tfjs 4.22 writes
 * them: class_name 'Model' and config { name, layers, input_layers, output_layers }; each layer
 * entry { name, class_name, config, inbound_nodes }, an inbound node a list of
 * [layer name, node index, tensor index, kwargs] for the tensors the layer was applied to. A
 * layer applied k times (weights shared) has k nodes, numbered in the order they were applied.
 * Reading also takes class_name 'Functional' (what Keras 2.4+ writes). Layers with several
 * outputs do not exist in dropnet/tfjs, so a tensor index other than 0 is refused, and so is a
 * node's kwargs other than {} (a mask or training flag dropnet/tfjs would not pass on).
 */
import { argTypeError } from '../errors.js';
import { input, model as functionalModel, SymbolicTensor } from './functional.js';
import type { Layer } from './layers.js';
import type { LayersModel } from './model.js';
import { layerConfig, layerFromConfig } from './save-config.js';

type Config = Record<string, unknown>;
type NodeRef = [string, number, number, Config?];

function symbolic(list: readonly unknown[], what: string): SymbolicTensor[] {
  return list.map((t, i) => {
    if (!(t instanceof SymbolicTensor)) throw argTypeError(`model.${what}[${i}]`, 'tf.SymbolicTensor', t);
    return t;
  });
}

/** The topology of a functional model, as tfjs's toJSON writes it. */
export function functionalTopology(model: LayersModel): Config {
  const inputs = symbolic(model.inputs, 'inputs');
  const outputs = symbolic(model.outputs, 'outputs');
  // Every node between the inputs and the outputs, each after what it reads.
  const nodes: SymbolicTensor[] = [];
  const seen = new Set<SymbolicTensor>(inputs);
  const visit = (t: SymbolicTensor): void => {
    if (seen.has(t)) return;
    seen.add(t);
    for (const x of t.inputs) visit(x);
    nodes.push(t);
  };
  for (const t of outputs) visit(t);
  nodes.sort((a, b) => a.id - b.id);
  const nodesOf = new Map<Layer, SymbolicTensor[]>();
  for (const t of [...inputs, ...nodes]) {
    const list = nodesOf.get(t.sourceLayer) ?? [];
    list.push(t);
    nodesOf.set(t.sourceLayer, list);
  }
  const ref = (t: SymbolicTensor): [string, number, number] => [
    t.sourceLayer.name,
    nodesOf.get(t.sourceLayer)!.indexOf(t),
    0,
  ];
  const inputLayers = new Set(inputs.map((t) => t.sourceLayer));
  const layers = model.layers.map((l) => {
    const sample = inputLayers.has(l) ? (nodesOf.get(l)![0]!.shape.slice(1) as number[]) : null;
    const entry = layerConfig(l, sample);
    return {
      name: l.name,
      class_name: entry.class_name,
      config: entry.config,
      inbound_nodes: inputLayers.has(l) ? [] : (nodesOf.get(l) ?? []).map((n) => n.inputs.map((x) => [...ref(x), {}])),
    };
  });
  return {
    class_name: 'Model',
    config: {
      name: model.name,
      layers,
      input_layers: inputs.map(ref),
      output_layers: outputs.map(ref),
    },
  };
}

const fail = (what: string): Error => new Error(`dropnet/tfjs: loadLayersModel: ${what}`);

function nodeRef(v: unknown, where: string): NodeRef {
  if (
    !Array.isArray(v) ||
    v.length < 3 ||
    typeof v[0] !== 'string' ||
    !Number.isInteger(v[1]) ||
    !Number.isInteger(v[2])
  )
    throw new TypeError(
      `dropnet/tfjs: loadLayersModel: ${where} is not a [layer name, node index, tensor index] entry`,
    );
  const kwargs = v[3] as unknown;
  if (v[2] !== 0) throw fail(`${where} reads output ${v[2]} of layer ${v[0]}; dropnet/tfjs layers have one output`);
  if (kwargs !== undefined && (typeof kwargs !== 'object' || kwargs === null || Object.keys(kwargs).length > 0))
    throw fail(`${where} calls layer ${v[0]} with kwargs ${JSON.stringify(kwargs)}, which dropnet/tfjs does not pass`);
  return v as NodeRef;
}

interface Entry {
  name: string;
  className: string;
  config: Config;
  inbound: NodeRef[][];
}

function entryOf(e: unknown, i: number): Entry {
  const x = e as { name?: unknown; class_name?: unknown; config?: unknown; inbound_nodes?: unknown } | null;
  if (typeof x !== 'object' || x === null || typeof x.class_name !== 'string' || typeof x.config !== 'object')
    throw new TypeError(`dropnet/tfjs: loadLayersModel: layers[${i}] is not a { name, class_name, config } entry`);
  const config = x.config as Config;
  const name = typeof x.name === 'string' ? x.name : typeof config.name === 'string' ? config.name : `layers[${i}]`;
  const nodes = x.inbound_nodes ?? [];
  if (!Array.isArray(nodes)) throw new TypeError(`dropnet/tfjs: loadLayersModel: layer ${name}'s inbound_nodes`);
  const inbound = nodes.map((node: unknown, k) => {
    if (!Array.isArray(node)) throw new TypeError(`dropnet/tfjs: loadLayersModel: layer ${name}'s inbound_nodes[${k}]`);
    return node.map((r, j) => nodeRef(r, `layer ${name}'s inbound_nodes[${k}][${j}]`));
  });
  return { name, className: x.class_name, config, inbound };
}

/** A functional model from the config of a 'Model' / 'Functional' topology (weights not set). */
export function functionalFromConfig(config: unknown): LayersModel {
  const c = config as { name?: unknown; layers?: unknown; input_layers?: unknown; output_layers?: unknown } | null;
  if (typeof c !== 'object' || c === null || !Array.isArray(c.layers))
    throw new TypeError('dropnet/tfjs: loadLayersModel: the topology lists no layers');
  const entries = c.layers.map(entryOf);
  // Each layer's outputs, by node index, as they are made.
  const made = new Map<string, SymbolicTensor[]>();
  const get = (r: NodeRef): SymbolicTensor | undefined => made.get(r[0])?.[r[1]];
  const pending = entries.map((e, i) => ({ e, i, layer: null as Layer | null, next: 0 }));
  for (const p of pending) {
    if (p.e.className !== 'InputLayer') continue;
    const cfg = p.e.config as { batch_input_shape?: unknown; dtype?: unknown };
    if (!Array.isArray(cfg.batch_input_shape))
      throw new TypeError(`dropnet/tfjs: loadLayersModel: input layer ${p.e.name} has no batch_input_shape`);
    const t = input({
      batchShape: cfg.batch_input_shape as (number | null)[],
      name: p.e.name,
      ...(typeof cfg.dtype === 'string' ? { dtype: cfg.dtype } : {}),
    });
    made.set(p.e.name, [t]);
    p.next = 1;
  }
  // Apply the nodes whose inputs exist until none is left (tfjs lists the layers in order; Keras may not).
  let progress = true;
  while (progress) {
    progress = false;
    for (const p of pending) {
      while (p.e.className !== 'InputLayer' && p.next < p.e.inbound.length) {
        const refs = p.e.inbound[p.next]!;
        const args = refs.map(get);
        if (args.some((a) => a === undefined)) break;
        p.layer ??= layerFromConfig({ class_name: p.e.className, config: p.e.config }, p.i);
        const out = p.layer.apply(args.length === 1 ? args[0]! : (args as SymbolicTensor[]));
        made.set(p.e.name, [...(made.get(p.e.name) ?? []), out as SymbolicTensor]);
        p.next++;
        progress = true;
      }
    }
  }
  const stuck = pending.find((p) => p.e.className !== 'InputLayer' && p.next < p.e.inbound.length);
  if (stuck !== undefined)
    throw fail(
      `layer ${stuck.e.name}'s inbound node ${stuck.next} reads ${JSON.stringify(stuck.e.inbound[stuck.next]!.map((r) => r.slice(0, 3)))}, which no layer of the model makes`,
    );
  const ends = (v: unknown, what: string): SymbolicTensor[] => {
    if (!Array.isArray(v) || v.length === 0)
      throw new TypeError(`dropnet/tfjs: loadLayersModel: the topology has no ${what}`);
    return v.map((r, i) => {
      const t = get(nodeRef(r, `${what}[${i}]`));
      if (t === undefined) throw fail(`${what}[${i}] names ${JSON.stringify(r)}, which the model does not make`);
      return t;
    });
  };
  return functionalModel({
    inputs: ends(c.input_layers, 'input_layers'),
    outputs: ends(c.output_layers, 'output_layers'),
    ...(typeof c.name === 'string' ? { name: c.name } : {}),
  });
}
