/**
 * One eval-mode forward pass, recorded op by op (lib/autograd/trace.ts), each op with the layer
 * whose forward was running when it ran. The model is seen through `TraceableModule`, the shape
 * of nn.Module that the exporter needs, so this file (below nn) imports nothing from nn.
 *
 * Every module's forward is wrapped for the pass (an own property over the prototype's method,
 * removed afterwards) to keep a stack of running layers. Modes are restored afterwards, also
 * when the pass throws.
 */
import { noGrad } from '../../autograd/grad-mode.js';
import { traceOps } from '../../autograd/trace.js';
import { Tensor } from '../../tensor.js';
import { OnnxExportError } from './error.js';

/** What the exporter uses of a module (nn.Module has all of it). */
export interface TraceableModule {
  readonly training: boolean;
  readonly layerName: string;
  train(mode: boolean): unknown;
  namedModules(): [string, TraceableModule][];
  namedParameters(): [string, Tensor][];
  namedBuffers(): [string, Tensor][];
  forward(input: Tensor, ...rest: never[]): unknown;
  readonly call: (...args: never[]) => unknown;
}

/** A layer as errors name it: its path in the model ('' for the model itself) and its module. */
export interface LayerRef {
  readonly path: string;
  readonly module: TraceableModule;
}

export type OpInput = Tensor | number | null | undefined;

export interface OpRecord {
  readonly name: string;
  readonly out: Tensor;
  readonly inputs: readonly OpInput[];
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly layer: LayerRef;
}

export interface Trace {
  /** The graph inputs: the input, then the tensors of the other forward arguments (the initial state). */
  readonly inputs: readonly Tensor[];
  /** The tensors the forward returned, depth first (a recurrent layer's [output, [hN, cN]] gives three). */
  readonly outputs: readonly Tensor[];
  /** Their graph names: output, then h_n and c_n for a recurrent layer's state (h and c for an LSTM cell), else output_1, output_2 ... */
  readonly outputNames: readonly string[];
  /** The live ops (those an output depends on), in the order they ran. */
  readonly records: readonly OpRecord[];
  /** Parameters and buffers by tensor, with their state-dict names. */
  readonly named: ReadonlyMap<Tensor, string>;
}

/** A forward argument or result: a Tensor or nested arrays of them ([output, [hN, cN]]). */
export type TensorTree = Tensor | readonly TensorTree[];

/** The tensors of a tree, depth first; null when it holds anything else. */
export function flattenTree(value: unknown): Tensor[] | null {
  if (value instanceof Tensor) return [value];
  if (!Array.isArray(value) || value.length === 0) return null;
  const out: Tensor[] = [];
  for (const v of value) {
    const inner = flattenTree(v);
    if (inner === null) return null;
    out.push(...inner);
  }
  return out;
}

/**
 * Names of a result's tensors: a recurrent layer's [output, h] and [output, [h, c]] by their
 * roles, an LSTM cell's [h, c] (a module with a hiddenSize and no numLayers) as h and c.
 */
function namesOf(result: unknown, count: number, root: TraceableModule): string[] {
  if (result instanceof Tensor) return ['output'];
  const r = root as unknown as Record<string, unknown>;
  if (count === 2 && typeof r.hiddenSize === 'number' && r.numLayers === undefined) return ['h', 'c'];
  const [, state] = result as readonly unknown[];
  if (count === 2 && state instanceof Tensor) return ['output', 'h_n'];
  if (count === 3 && Array.isArray(state) && state.length === 2) return ['output', 'h_n', 'c_n'];
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'output' : `output_${i}`));
}

/** "layer 2 (Linear(4→3))", or "the model (Net)" for the root. */
export function describeLayer(layer: LayerRef): string {
  return layer.path === ''
    ? `the model (${layer.module.layerName})`
    : `layer ${layer.path} (${layer.module.layerName})`;
}

/** Runs root on args (the input, then e.g. the initial state) in eval mode without gradients and returns what ran. */
export function traceForward(root: TraceableModule, args: readonly TensorTree[]): Trace {
  const inputs = flattenTree(args)!;
  const modules = root.namedModules();
  const named = new Map<Tensor, string>();
  for (const [name, t] of [...root.namedParameters(), ...root.namedBuffers()]) if (!named.has(t)) named.set(t, name);
  const records: OpRecord[] = [];
  const produced = new Set<Tensor>(inputs);
  const stack: LayerRef[] = [{ path: '', module: root }];
  const modes = modules.map(([, m]) => [m, m.training] as const);
  const wrapped: [TraceableModule, PropertyDescriptor | undefined][] = [];
  let tracing = false;
  try {
    for (const [path, m] of modules) {
      const forward = m.forward;
      const own = Object.getOwnPropertyDescriptor(m, 'forward');
      Object.defineProperty(m, 'forward', {
        configurable: true,
        enumerable: false,
        writable: true,
        value: function (this: TraceableModule, ...args: unknown[]): unknown {
          stack.push({ path, module: m });
          try {
            const out = (forward as (...a: unknown[]) => unknown).apply(this, args);
            if (tracing && (flattenTree(out) ?? []).some((t) => !produced.has(t) && !named.has(t))) {
              throw new OnnxExportError(
                `${describeLayer({ path, module: m })} is not exportable to ONNX yet: its forward computes its output ` +
                  'without the ops the exporter can trace',
                { layer: path },
              );
            }
            return out;
          } finally {
            stack.pop();
          }
        },
      });
      wrapped.push([m, own]);
    }
    root.train(false);
    const call = root.call as (...a: readonly TensorTree[]) => unknown;
    // Builds lazily-built layers first, so that building (which may run forward on zeros) is not traced.
    noGrad(() => call(...args.map(zerosLike)));
    tracing = true;
    const result = noGrad(() =>
      traceOps(
        (out, name, opInputs, attrs) => {
          produced.add(out);
          records.push({
            name,
            out,
            inputs: [...opInputs],
            attrs: (attrs ?? {}) as Readonly<Record<string, unknown>>,
            layer: stack[stack.length - 1]!,
          });
        },
        () => call(...args),
      ),
    );
    const outputs = flattenTree(result);
    if (outputs === null) {
      const what = Array.isArray(result) ? 'an array holding something other than Tensors' : typeof result;
      throw new OnnxExportError(
        `${describeLayer(stack[0]!)} returned ${what}; only Tensors (or nested arrays of them, as a recurrent layer's [output, state]) export`,
        { layer: '' },
      );
    }
    return {
      inputs,
      outputs,
      outputNames: namesOf(result, outputs.length, root),
      records: live(records, outputs),
      named,
    };
  } finally {
    for (const [m, own] of wrapped) {
      if (own === undefined) delete (m as { forward?: unknown }).forward;
      else Object.defineProperty(m, 'forward', own);
    }
    for (const [m, mode] of modes) m.train(mode);
    // train() recurses, so a child whose mode differed from its parent's is set again after it.
    for (const [m, mode] of modes) if (m.training !== mode) m.train(mode);
  }
}

function zerosLike(t: TensorTree): TensorTree {
  return t instanceof Tensor ? new Tensor(new Float32Array(t.size), t.shape) : t.map(zerosLike);
}

/**
 * The records the outputs depend on, in run order (building and dead branches are dropped).
 * Tensors among an op's attributes count as its inputs (an embedding's indices).
 */
function live(records: readonly OpRecord[], outputs: readonly Tensor[]): OpRecord[] {
  const producer = new Map<Tensor, number>();
  records.forEach((r, i) => producer.set(r.out, i));
  const keep = new Set<number>();
  const pending: Tensor[] = [...outputs];
  while (pending.length > 0) {
    const at = producer.get(pending.pop()!);
    if (at === undefined || keep.has(at)) continue;
    keep.add(at);
    const rec = records[at]!;
    for (const i of [...rec.inputs, ...Object.values(rec.attrs)]) if (i instanceof Tensor) pending.push(i);
  }
  return records.filter((_, i) => keep.has(i));
}
