/**
 * Turns the records of a trace into ONNX nodes, initializers and constants. The per-op
 * mappings live in ops.ts; this file holds what they share: value names (the input, the
 * parameters by their state-dict names, op outputs, constants), node creation, and the checks
 * that a tensor the trace did not produce is a true constant.
 *
 * Two traces of the same model are lowered together, at two batch sizes (or at one batch size
 * with other data when the batch is fixed): a dimension that differs between them is the batch
 * dimension, and a tensor from outside the trace whose value differs between them depends on
 * the input through code the exporter cannot see.
 *
 * An op that reads no value derived from the graph's inputs (SVDO's weight ⊙ eval mask, a
 * reshaped parameter) is folded: its result, the same in both traces, is written as an
 * initializer — named after the parameter when it has the parameter's shape, so a pruned
 * weight is exported under its state-dict name.
 */
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { OnnxExportError } from './error.js';
import type { OnnxAttribute, OnnxInitializer, OnnxNode } from './model.js';
import { describeLayer, type OpRecord, type Trace } from './trace.js';

export interface LowerContext {
  /** The record being lowered, from the first trace, and the same op in the second. */
  readonly rec: OpRecord;
  readonly other: OpRecord;
  readonly opset: number;
  /** The ONNX value of input i (a number becomes a float scalar constant). */
  value(i: number): string;
  /** Whether input i is present (not null or undefined). */
  has(i: number): boolean;
  /** The shape of tensor input i in the first trace. */
  shape(i: number): Shape;
  /** The ONNX value of a tensor named in the op's attributes (running statistics). */
  tensorValue(key: string): string;
  /**
   * Whether input i is a tensor of zeros made outside the traced ops (a recurrent layer's
   * default initial state, whose shape may follow the batch): ONNX ops take such a state as absent.
   */
  isUntracedZeros(i: number): boolean;
  /** Tensor input i's state-dict name and values when it is a parameter or buffer, else null. */
  parameter(i: number): { readonly name: string; readonly data: Float32Array } | null;
  /** Adds a float initializer named after `base` (made unique); returns its name. */
  initializer(base: string, dims: readonly number[], data: Float32Array): string;
  /** The ONNX value of part `key` of input i, which a lowering that returned parts produced. */
  part(i: number, key: string): string;
  /** Adds a node; returns its output's name. */
  node(opType: string, inputs: readonly string[], attributes?: Readonly<Record<string, OnnxAttribute>>): string;
  /** Adds a node with `count` outputs; returns their names. */
  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, OnnxAttribute>>,
    count: number,
  ): string[];
  floatConst(values: readonly number[], dims: readonly number[]): string;
  int64Const(values: readonly number[], dims: readonly number[]): string;
  /** Throws the OnnxExportError for this op and layer. */
  fail(reason: string): never;
}

/**
 * A value's ONNX name, or named parts for an op whose one result packs several (a recurrent
 * layer's y, hN and cN), which the ops cutting it read through `part`.
 */
export type Lowered = string | { readonly parts: Readonly<Record<string, string>> };

export type Lowering = (c: LowerContext) => Lowered;

export interface LoweredGraph {
  readonly nodes: OnnxNode[];
  readonly initializers: OnnxInitializer[];
  /** The values holding the model's outputs, in the traces' order. */
  readonly outputs: readonly string[];
}

export const INPUT_NAME = 'input';

/** Lowers two traces of one model; `inputNames` name the traces' inputs, in order. */
export function lowerTraces(
  a: Trace,
  b: Trace,
  opset: number,
  table: Readonly<Record<string, Lowering>>,
  inputNames: readonly string[] = [INPUT_NAME],
): LoweredGraph {
  if (a.records.length !== b.records.length || a.records.some((r, i) => r.name !== b.records[i]!.name)) {
    const ops = (t: Trace): string => t.records.map((r) => r.name).join(', ');
    throw new OnnxExportError(
      `the model runs different ops for inputs of shape [${a.inputs[0]!.shape.join(', ')}] and [${b.inputs[0]!.shape.join(', ')}] ` +
        `(${ops(a)} / ${ops(b)}); only forwards whose ops do not depend on the input's values or batch size export`,
    );
  }
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const values = new Map<Tensor, string>(a.inputs.map((t, i) => [t, inputNames[i]!]));
  const parts = new Map<Tensor, Readonly<Record<string, string>>>();
  // The graph inputs and every op result computed from them; everything else is foldable.
  const dynamic = new Set<Tensor>(a.inputs);
  const taken = new Set<string>(inputNames);
  const unique = (base: string): string => {
    let name = base;
    for (let n = 1; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    return name;
  };
  const addInitializer = (base: string, dims: readonly number[], data: Float32Array | BigInt64Array): string => {
    const name = unique(base);
    initializers.push({ name, dims: [...dims], data });
    return name;
  };

  a.records.forEach((rec, index) => {
    const other = b.records[index]!;
    const where = describeLayer(rec.layer);
    const fail = (reason: string): never => {
      throw new OnnxExportError(`cannot export op ${rec.name} in ${where}: ${reason}`, {
        op: rec.name,
        layer: rec.layer.path,
      });
    };
    const prefix = rec.layer.path === '' ? '' : `${rec.layer.path}/`;
    // A tensor the trace did not produce: a parameter or buffer, or else a constant, which
    // must then be the same in both traces.
    const external = (t: Tensor, twin: unknown, what: string): string => {
      const known = values.get(t);
      if (known !== undefined) return known;
      const paramName = a.named.get(t);
      if (paramName !== undefined) {
        const name = addInitializer(paramName, t.shape, t.data.slice());
        values.set(t, name);
        return name;
      }
      if (!(twin instanceof Tensor) || !sameShape(t.shape, twin.shape) || !sameData(t.data, twin.data)) {
        fail(
          `its ${what} depends on the model's input (its values or its batch size) but was not computed by an op the exporter can trace`,
        );
      }
      const name = addInitializer(`${prefix}${rec.name}_const`, t.shape, t.data.slice());
      values.set(t, name);
      return name;
    };
    const folded = foldable(rec, other, dynamic);
    if (folded) {
      const first = rec.inputs.find((v): v is Tensor => v instanceof Tensor)!;
      const param = a.named.get(first);
      const base =
        param !== undefined && sameShape(first.shape, rec.out.shape) ? param : `${prefix}${rec.name}_${index}_folded`;
      values.set(rec.out, addInitializer(base, rec.out.shape, rec.out.data.slice()));
      return;
    }
    let count = 0;
    const c: LowerContext = {
      rec,
      other,
      opset,
      fail,
      has: (i) => rec.inputs[i] !== null && rec.inputs[i] !== undefined,
      value: (i) => {
        const v = rec.inputs[i];
        if (typeof v === 'number') return c.floatConst([v], []);
        if (!(v instanceof Tensor)) return fail(`input ${i} is missing`);
        return external(v, other.inputs[i], `input ${i}`);
      },
      shape: (i) => {
        const v = rec.inputs[i];
        if (!(v instanceof Tensor)) return fail(`input ${i} is not a tensor`);
        return v.shape;
      },
      tensorValue: (key) => {
        const v = rec.attrs[key];
        if (!(v instanceof Tensor)) return fail(`its ${key} is not a tensor`);
        return external(v, other.attrs[key], key);
      },
      isUntracedZeros: (i) => {
        const v = rec.inputs[i];
        const twin = other.inputs[i];
        if (!(v instanceof Tensor) || !(twin instanceof Tensor) || values.has(v) || a.named.has(v)) return false;
        return v.data.every((d) => d === 0) && twin.data.every((d) => d === 0);
      },
      parameter: (i) => {
        const v = rec.inputs[i];
        const name = v instanceof Tensor ? a.named.get(v) : undefined;
        return name === undefined ? null : { name, data: (v as Tensor).data };
      },
      initializer: (base, dims, data) => addInitializer(base, dims, data),
      part: (i, key) => {
        const v = rec.inputs[i];
        const name = v instanceof Tensor ? parts.get(v)?.[key] : undefined;
        return name ?? fail(`input ${i} has no part ${key}`);
      },
      nodeOutputs: (opType, inputs, attributes, n) => {
        const outs = Array.from({ length: n }, () => {
          const out = unique(`${prefix}${rec.name}_${index}${count === 0 ? '' : `_${count}`}`);
          count++;
          return out;
        });
        nodes.push({
          opType,
          inputs: [...inputs],
          outputs: outs,
          name: unique(`${prefix}${opType}_${index}`),
          attributes,
          doc: `${where}: ${rec.name}`,
        });
        return outs;
      },
      node: (opType, inputs, attributes = {}) => c.nodeOutputs(opType, inputs, attributes, 1)[0]!,
      floatConst: (v, dims) => addInitializer(`${prefix}${rec.name}_${index}_const`, dims, Float32Array.from(v)),
      int64Const: (v, dims) =>
        addInitializer(
          `${prefix}${rec.name}_${index}_const`,
          dims,
          BigInt64Array.from(v, (x) => BigInt(x)),
        ),
    };
    const lower = table[rec.name];
    if (lower === undefined) {
      if (/dropout|noise|dropconnect/i.test(rec.name)) {
        fail(
          'it ran in training mode during an eval-mode trace (does the layer force training, as Monte Carlo dropout does?); ' +
            'the exported graph is for inference, where the dropout family is the identity',
        );
      }
      fail('it has no ONNX mapping yet');
      return;
    }
    const result = lower(c);
    dynamic.add(rec.out);
    if (typeof result === 'string') values.set(rec.out, result);
    else parts.set(rec.out, result.parts);
  });

  const outputs = a.outputs.map((t) => {
    const known = values.get(t);
    if (known !== undefined) return known;
    // The model returns a parameter.
    const name = a.named.get(t);
    if (name === undefined) throw new OnnxExportError('the model returns a tensor that no traced op produced');
    const init = addInitializer(name, t.shape, t.data.slice());
    values.set(t, init);
    return init;
  });
  return { nodes, initializers, outputs };
}

/**
 * Whether an op can be folded into an initializer: it reads at least one tensor, none of its
 * tensors (inputs or attributes) derives from the graph's inputs, and its result is the same in
 * both traces (so it is not random).
 */
function foldable(rec: OpRecord, other: OpRecord, dynamic: ReadonlySet<Tensor>): boolean {
  const tensors = [...rec.inputs, ...Object.values(rec.attrs)].filter((v): v is Tensor => v instanceof Tensor);
  if (tensors.length === 0 || tensors.some((t) => dynamic.has(t))) return false;
  return sameShape(rec.out.shape, other.out.shape) && sameData(rec.out.data, other.out.data);
}

function sameShape(x: Shape, y: Shape): boolean {
  return x.length === y.length && x.every((d, i) => d === y[i]);
}

function sameData(x: Float32Array, y: Float32Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}
