/**
 * An ONNX model as plain data (graph, nodes, initializers, typed inputs and outputs) and its
 * protobuf encoding (onnx.proto's ModelProto). Only what the exporter writes is modelled:
 * float32 values, float32 and int64 initializers, and int/float/ints/floats/string/strings attributes.
 * Field numbers are onnx.proto's.
 */
import { ProtoWriter } from './protobuf.js';

export type OnnxAttribute =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'strings'; readonly value: readonly string[] };

export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
  /** Where the node came from ("layer 0 (Linear(4→3)): linear"), kept as the node's doc string. */
  readonly doc: string;
}

export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

/** A float32 graph input or output; a string dimension is symbolic (the batch). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dims: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly graph: OnnxGraph;
  readonly opset: number;
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export const attr = {
  int: (value: number): OnnxAttribute => ({ type: 'int', value }),
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  ints: (value: readonly number[]): OnnxAttribute => ({ type: 'ints', value }),
  floats: (value: readonly number[]): OnnxAttribute => ({ type: 'floats', value }),
  string: (value: string): OnnxAttribute => ({ type: 'string', value }),
  strings: (value: readonly string[]): OnnxAttribute => ({ type: 'strings', value }),
};

// TensorProto.DataType
const FLOAT = 1;
const INT64 = 7;
// AttributeProto.AttributeType
const ATTR_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7, strings: 8 } as const;

/** The IR version that goes with an opset (onnx/helper.py's table, for the opsets written here). */
export function irVersionFor(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

function attributeProto(name: string, a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  switch (a.type) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'floats':
      for (const v of a.value) w.float(7, v);
      break;
    case 'ints':
      w.ints(8, a.value);
      break;
    case 'strings':
      for (const v of a.value) w.string(9, v);
      break;
  }
  return w.int(20, ATTR_TYPE[a.type]);
}

function nodeProto(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [name, a] of Object.entries(n.attributes)) w.message(5, attributeProto(name, a));
  if (n.doc !== '') w.string(6, n.doc);
  return w;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Little-endian bytes of the values, whatever the machine's byte order. */
function rawData(data: Float32Array | BigInt64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const width = data instanceof Float32Array ? 4 : 8;
  const bytes = new Uint8Array(data.length * width);
  const view = new DataView(bytes.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return bytes;
}

function tensorProto(t: OnnxInitializer): ProtoWriter {
  return new ProtoWriter()
    .ints(1, t.dims)
    .int(2, t.data instanceof Float32Array ? FLOAT : INT64)
    .string(8, t.name)
    .bytes(9, rawData(t.data));
}

function valueInfoProto(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    shape.message(1, typeof d === 'string' ? new ProtoWriter().string(2, d) : new ProtoWriter().int(1, d));
  }
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

/** The ModelProto bytes of `model`. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const g = model.graph;
  const graph = new ProtoWriter();
  for (const n of g.nodes) graph.message(1, nodeProto(n));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, tensorProto(t));
  for (const v of g.inputs) graph.message(11, valueInfoProto(v));
  for (const v of g.outputs) graph.message(12, valueInfoProto(v));
  const w = new ProtoWriter()
    .int(1, model.irVersion)
    .string(2, model.producerName)
    .string(3, model.producerVersion)
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').int(2, model.opset));
  for (const [key, value] of Object.entries(model.metadata)) {
    w.message(14, new ProtoWriter().string(1, key).string(2, value));
  }
  return w.finish();
}
