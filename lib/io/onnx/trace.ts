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
  forward(input: Tensor): Tensor;
  readonly call: (input: Tensor) => Tensor;
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
  readonly input: Tensor;
  readonly output: Tensor;
  /** The live ops (those the output depends on), in the order they ran. */
  readonly records: readonly OpRecord[];
  /** Parameters and buffers by tensor, with their state-dict names. */
  readonly named: ReadonlyMap<Tensor, string>;
}

/** "layer 2 (Linear(4→3))", or "the model (Net)" for the root. */
export function describeLayer(layer: LayerRef): string {
  return layer.path === '' ? `the model (${layer.module.layerName})` : `layer ${layer.path} (${layer.module.layerName})`;
}

/** Runs root on input in eval mode without gradients and returns what ran. */
export function traceForward(root: TraceableModule, input: Tensor): Trace {
  const modules = root.namedModules();
  const named = new Map<Tensor, string>();
  for (const [name, t] of [...root.namedParameters(), ...root.namedBuffers()]) if (!named.has(t)) named.set(t, name);
  const records: OpRecord[] = [];
  const produced = new Set<Tensor>([input]);
  const stack: LayerRef[] = [{ path: '', module: root }];
  const modes = modules.map(([, m]) => [m, m.training] as const);
  const wrapped: [TraceableModule, PropertyDescriptor | undefined][] = [];
  let tracing = false;
  try {
    for (const [path, m] of modules) {
      const forward = m.forward;
      const own = Object.getOwnPropertyDescriptor(m, 'forward');
      Object.defineProperty(m, 'forward', {
        configurable: true, enumerable: false, writable: true,
        value: function (this: TraceableModule, ...args: unknown[]): unknown {
          stack.push({ path, module: m });
          try {
            const out = (forward as (...a: unknown[]) => unknown).apply(this, args);
            if (tracing && out instanceof Tensor && !produced.has(out) && !named.has(out)) {
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
    // Builds lazily-built layers first, so that building (which may run forward on zeros) is not traced.
    noGrad(() => root.call(zerosLike(input)));
    tracing = true;
    const output = noGrad(() => traceOps((out, name, inputs, attrs) => {
      produced.add(out);
      records.push({ name, out, inputs: [...inputs], attrs: (attrs ?? {}) as Readonly<Record<string, unknown>>, layer: stack[stack.length - 1]! });
    }, () => root.call(input)));
    if (!(output instanceof Tensor)) {
      throw new OnnxExportError(`${describeLayer(stack[0]!)} returned ${typeof output} rather than one Tensor; only single-output models export`, { layer: '' });
    }
    return { input, output, records: live(records, output), named };
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

function zerosLike(t: Tensor): Tensor {
  return new Tensor(new Float32Array(t.size), t.shape);
}

/** The records the output depends on, in run order (building and dead branches are dropped). */
function live(records: readonly OpRecord[], output: Tensor): OpRecord[] {
  const producer = new Map<Tensor, number>();
  records.forEach((r, i) => producer.set(r.out, i));
  const keep = new Set<number>();
  const pending: Tensor[] = [output];
  while (pending.length > 0) {
    const at = producer.get(pending.pop()!);
    if (at === undefined || keep.has(at)) continue;
    keep.add(at);
    for (const i of records[at]!.inputs) if (i instanceof Tensor) pending.push(i);
  }
  return records.filter((_, i) => keep.has(i));
}
