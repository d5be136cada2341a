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
import { randn } from '../../tensor.js';
import { argRangeError, argTypeError } from '../../errors.js';
import { writeFileAtomic } from '../atomic.js';
import { OnnxExportError } from './error.js';
import { INPUT_NAME, lowerTraces } from './lower.js';
import { encodeModel, irVersionFor, type OnnxModel, type OnnxNode } from './model.js';
import { LOWERINGS } from './ops.js';
import { type TraceableModule, traceForward } from './trace.js';

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

const KNOWN_OPTIONS = new Set(['inputShape', 'opset', 'dynamicBatch']);

function checkOptions(options: unknown, builtShape: Shape | null): { shape: number[]; opset: number; dynamicBatch: boolean } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw argTypeError('options', 'object', options);
  for (const key of Object.keys(options)) if (!KNOWN_OPTIONS.has(key)) throw argRangeError('options', `object with keys ${[...KNOWN_OPTIONS].join(', ')}`, key);
  const o = options as OnnxExportOptions;
  const dynamicBatch = o.dynamicBatch ?? true;
  if (typeof dynamicBatch !== 'boolean') throw argTypeError('dynamicBatch', 'boolean', dynamicBatch);
  const opset = o.opset ?? DEFAULT_OPSET;
  if (typeof opset !== 'number') throw argTypeError('opset', `integer in [${MIN_OPSET}, ${MAX_OPSET}]`, opset);
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) throw argRangeError('opset', `integer in [${MIN_OPSET}, ${MAX_OPSET}]`, opset);
  const given = o.inputShape ?? builtShape;
  if (given === null) throw new TypeError('exportOnnx: the model has not been built; pass options.inputShape (with the batch dimension first, -1 for any)');
  const expected = 'array of positive integers (the first may be -1), batch dimension first';
  if (!Array.isArray(given) || given.length === 0) throw argTypeError('inputShape', expected, given);
  given.forEach((d: unknown, i: number) => {
    if (typeof d !== 'number') throw argTypeError('inputShape', expected, given);
    if (!Number.isInteger(d) || (d < 1 && !(i === 0 && d === -1))) throw argRangeError('inputShape', expected, given);
  });
  if (!dynamicBatch && given[0] === -1) throw argRangeError('inputShape', 'a batch size (not -1) when dynamicBatch is false', given);
  return { shape: [...given], opset, dynamicBatch };
}

/** The ONNX model (as data) computing `model`'s eval-mode forward. */
export function onnxModel(model: unknown, options: OnnxExportOptions = {}): OnnxModel {
  const { module, builtShape } = resolveModel(model);
  const { shape, opset, dynamicBatch } = checkOptions(options, builtShape);
  // A private stream: exporting must not move the user's random state.
  const generator = new Generator(0x6f6e6e78);
  const [b1, b2] = dynamicBatch ? [2, 3] : [shape[0]!, shape[0]!];
  const a = traceForward(module, randn([b1, ...shape.slice(1)], { generator }));
  const b = traceForward(module, randn([b2, ...shape.slice(1)], { generator }));
  const lowered = lowerTraces(a, b, opset, LOWERINGS);
  const nodes = [...lowered.nodes];
  const producer = nodes.findIndex((n) => n.outputs.includes(lowered.output));
  if (producer >= 0) {
    nodes.forEach((n, i) => {
      nodes[i] = rename(n, lowered.output, OUTPUT_NAME);
    });
  } else {
    // The output is the input itself (every layer an identity in eval mode) or a weight.
    nodes.push({ opType: 'Identity', inputs: [lowered.output], outputs: [OUTPUT_NAME], name: 'Identity_output', attributes: {}, doc: 'the model returns this value unchanged' });
  }
  const dims = (x: Shape, y: Shape): (number | string)[] => x.map((d, i) => (d !== y[i] ? BATCH : d));
  if (dynamicBatch && a.output.shape[0] === b.output.shape[0] && a.output.shape.every((d, i) => d === b.output.shape[i])) {
    throw new OnnxExportError(`the model's output shape [${a.output.shape.join(', ')}] does not follow the batch size; export it with dynamicBatch: false`);
  }
  return {
    graph: {
      name: module.layerName,
      nodes,
      initializers: lowered.initializers,
      inputs: [{ name: INPUT_NAME, dims: dims(a.input.shape, b.input.shape) }],
      outputs: [{ name: OUTPUT_NAME, dims: dims(a.output.shape, b.output.shape) }],
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
