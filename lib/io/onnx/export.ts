/**
 * ONNX export: `toOnnx(model, options)` gives the bytes of an ONNX model computing the model's
 * eval-mode forward, `exportOnnx(model, path, options)` writes them (atomically), and
 * `onnxModel(model, options)` gives the model as data before encoding. The model is an
 * nn.Module (Sequential or a subclass whose forward uses dropnet's ops) or a Keras facade
 * model; weights become initializers under their state-dict names ("0.weight"), the input is
 * "input" and the output "output", with a symbolic "batch" first dimension by default.
 *
 * The forward runs twice (trace.ts), at batch sizes 2 and 3 (at the given batch size, with other
 * data, when the batch is fixed), and the two traces are lowered together (lower.ts, ops.ts).
 */
import { backendInfo } from '../../backend/index.js';
import { Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import { randn, Tensor } from '../../tensor.js';
import { argRangeError, argTypeError } from '../../errors.js';
import { writeFileAtomic } from '../atomic.js';
import { OnnxExportError } from './error.js';
import { INPUT_NAME, lowerTraces } from './lower.js';
import { encodeModel, irVersionFor, type OnnxModel, type OnnxNode } from './model.js';
import { LOWERINGS } from './ops.js';
import { type Trace, type TraceableModule, traceForward } from './trace.js';

export interface OnnxExportOptions {
  /**
   * The input's shape with its batch dimension first (-1 or any size there when the batch is
   * dynamic). Default: the shape the model was built for (a Keras model's inputShape).
   */
  inputShape?: readonly number[];
  /** The ONNX opset, 13 to 21 (default 17). */
  opset?: number;
  /** Leave the first dimension of input and output symbolic ("batch"; default true). */
  dynamicBatch?: boolean;
  /**
   * For a recurrent layer (a model whose forward returns [output, state] and takes
   * forward(input, state)): make the initial state graph inputs "h0" (and "c0" for an LSTM),
   * shaped as the state the layer returns (default false: the state starts at zeros).
   */
  initialState?: boolean;
  /**
   * The input holds integer ids below this number (a model that starts with an Embedding): the
   * traces draw random ids in [0, inputIds) instead of normal values. The graph's input stays
   * float32, as dropnet's, and is cast to int64 where the ids are looked up. Default: the
   * table size of the model's first layer when that layer is an Embedding, else none.
   */
  inputIds?: number;
}

export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 13;
export const MAX_OPSET = 21;
export const OUTPUT_NAME = 'output';
const BATCH = 'batch';

/** A Keras facade model: the nn.Sequential it holds and its per-sample input shape. */
interface KerasLike {
  readonly module: TraceableModule;
  readonly inputShape: Shape;
}

function isModule(value: unknown): value is TraceableModule {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return typeof m.namedModules === 'function' && typeof m.forward === 'function' && typeof m.train === 'function';
}

function resolveModel(model: unknown): { module: TraceableModule; builtShape: Shape | null } {
  if (isModule(model)) {
    const shape = (model as { inputShape?: unknown }).inputShape;
    return { module: model, builtShape: Array.isArray(shape) ? shape : null };
  }
  const k = model as Partial<KerasLike> | null;
  if (typeof k === 'object' && k !== null && isModule(k.module) && Array.isArray(k.inputShape)) {
    return { module: k.module, builtShape: [-1, ...k.inputShape] };
  }
  throw argTypeError('model', 'nn.Module or Keras model', model);
}

const KNOWN_OPTIONS = new Set(['inputShape', 'opset', 'dynamicBatch', 'initialState', 'inputIds']);

interface CheckedOptions {
  shape: number[];
  opset: number;
  dynamicBatch: boolean;
  initialState: boolean;
  inputIds: number | null;
}

function checkOptions(options: unknown, builtShape: Shape | null): CheckedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw argTypeError('options', 'object', options);
  for (const key of Object.keys(options))
    if (!KNOWN_OPTIONS.has(key))
      throw argRangeError('options', `object with keys ${[...KNOWN_OPTIONS].join(', ')}`, key);
  const o = options as OnnxExportOptions;
  const dynamicBatch = o.dynamicBatch ?? true;
  if (typeof dynamicBatch !== 'boolean') throw argTypeError('dynamicBatch', 'boolean', dynamicBatch);
  const initialState = o.initialState ?? false;
  if (typeof initialState !== 'boolean') throw argTypeError('initialState', 'boolean', initialState);
  const inputIds = o.inputIds ?? null;
  if (inputIds !== null) {
    if (typeof inputIds !== 'number') throw argTypeError('inputIds', 'positive integer', inputIds);
    if (!Number.isSafeInteger(inputIds) || inputIds < 1) throw argRangeError('inputIds', 'positive integer', inputIds);
  }
  const opset = o.opset ?? DEFAULT_OPSET;
  if (typeof opset !== 'number') throw argTypeError('opset', `integer in [${MIN_OPSET}, ${MAX_OPSET}]`, opset);
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET)
    throw argRangeError('opset', `integer in [${MIN_OPSET}, ${MAX_OPSET}]`, opset);
  const given = o.inputShape ?? builtShape;
  if (given === null)
    throw new TypeError(
      'exportOnnx: the model has not been built; pass options.inputShape (with the batch dimension first, -1 for any)',
    );
  const expected = 'array of positive integers (the first may be -1), batch dimension first';
  if (!Array.isArray(given) || given.length === 0) throw argTypeError('inputShape', expected, given);
  given.forEach((d: unknown, i: number) => {
    if (typeof d !== 'number') throw argTypeError('inputShape', expected, given);
    if (!Number.isInteger(d) || (d < 1 && !(i === 0 && d === -1))) throw argRangeError('inputShape', expected, given);
  });
  if (!dynamicBatch && given[0] === -1)
    throw argRangeError('inputShape', 'a batch size (not -1) when dynamicBatch is false', given);
  return { shape: [...given], opset, dynamicBatch, initialState, inputIds };
}

/** numEmbeddings of the model's first leaf layer when it is an Embedding (it reads ids), else null. */
function firstEmbeddingSize(module: TraceableModule): number | null {
  const leaf = module.namedModules().find(([, m]) => m.namedModules().length === 1)?.[1];
  const size = (leaf as { numEmbeddings?: unknown } | undefined)?.numEmbeddings;
  return typeof size === 'number' && Number.isSafeInteger(size) && size > 0 ? size : null;
}

/** The ONNX model (as data) computing `model`'s eval-mode forward. */
export function onnxModel(model: unknown, options: OnnxExportOptions = {}): OnnxModel {
  const { module, builtShape } = resolveModel(model);
  const { shape, opset, dynamicBatch, initialState, inputIds: given } = checkOptions(options, builtShape);
  const inputIds = given ?? firstEmbeddingSize(module);
  // A private stream: exporting must not move the user's random state.
  const generator = new Generator(0x6f6e6e78);
  const sample = (dims: readonly number[]): Tensor => {
    if (inputIds === null) return randn(dims, { generator });
    const ids = generator.uniform(new Float32Array(dims.reduce((p, d) => p * d, 1)), 0, inputIds);
    return new Tensor(
      ids.map((v) => Math.min(Math.floor(v), inputIds - 1)),
      dims,
    );
  };
  const [b1, b2] = dynamicBatch ? [2, 3] : [shape[0]!, shape[0]!];
  const traceAt = (batch: number): Trace => {
    const x = sample([batch, ...shape.slice(1)]);
    if (!initialState) return traceForward(module, [x]);
    // The state the layer returns has the shape of the state it takes.
    const probe = traceForward(module, [x]);
    if (probe.outputNames[1] !== 'h_n') {
      throw new OnnxExportError(
        `initialState: ${module.layerName} does not return [output, state] as a recurrent layer does`,
      );
    }
    const states = probe.outputs.slice(1).map((t) => randn(t.shape, { generator }));
    return traceForward(module, [x, states.length === 1 ? states[0]! : states]);
  };
  const a = traceAt(b1);
  const b = traceAt(b2);
  const inputNames = [INPUT_NAME, 'h0', 'c0'].slice(0, a.inputs.length);
  const lowered = lowerTraces(a, b, opset, LOWERINGS, inputNames);
  const nodes = [...lowered.nodes];
  const initializerNames = new Set(lowered.initializers.map((t) => t.name));
  const claimed = new Set<string>();
  lowered.outputs.forEach((value, i) => {
    const name = a.outputNames[i]!;
    if (!inputNames.includes(value) && !initializerNames.has(value) && !claimed.has(value)) {
      claimed.add(value);
      nodes.forEach((n, k) => {
        nodes[k] = rename(n, value, name);
      });
    } else {
      // The output is an input (every layer an identity in eval mode), a weight, or another output.
      nodes.push({
        opType: 'Identity',
        inputs: [claimed.has(value) ? a.outputNames[lowered.outputs.indexOf(value)]! : value],
        outputs: [name],
        name: `Identity_${name}`,
        attributes: {},
        doc: 'the model returns this value unchanged',
      });
    }
  });
  const dims = (x: Shape, y: Shape): (number | string)[] => x.map((d, i) => (d !== y[i] ? BATCH : d));
  const follows = a.outputs.some((t, i) => t.shape.some((d, k) => d !== b.outputs[i]!.shape[k]));
  if (dynamicBatch && !follows) {
    throw new OnnxExportError(
      `the model's output shape [${a.outputs[0]!.shape.join(', ')}] does not follow the batch size; export it with dynamicBatch: false`,
    );
  }
  return {
    graph: {
      name: module.layerName,
      nodes,
      initializers: lowered.initializers,
      inputs: a.inputs.map((t, i) => ({ name: inputNames[i]!, dims: dims(t.shape, b.inputs[i]!.shape) })),
      outputs: a.outputs.map((t, i) => ({ name: a.outputNames[i]!, dims: dims(t.shape, b.outputs[i]!.shape) })),
    },
    opset,
    irVersion: irVersionFor(opset),
    producerName: 'dropnet',
    producerVersion: backendInfo().version,
    metadata: {},
  };
}

function rename(n: OnnxNode, from: string, to: string): OnnxNode {
  const swap = (names: readonly string[]): string[] => names.map((s) => (s === from ? to : s));
  return { ...n, inputs: swap(n.inputs), outputs: swap(n.outputs) };
}

/** The ONNX bytes of `model`'s eval-mode forward (see onnxModel). */
export function toOnnx(model: unknown, options: OnnxExportOptions = {}): Uint8Array {
  return encodeModel(onnxModel(model, options));
}

/** Writes `model` as an ONNX file at `path` (atomically: a reader never sees half a file). */
export async function exportOnnx(model: unknown, path: string, options: OnnxExportOptions = {}): Promise<void> {
  if (typeof path !== 'string' || path === '') throw argTypeError('path', 'non-empty string', path);
  await writeFileAtomic(path, toOnnx(model, options));
}
