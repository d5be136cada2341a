/**
 * Saving and loading in tfjs's format: `model.save('file://dir')` writes `dir/model.json`
 * (modelTopology in Keras JSON, weightsManifest, format 'layers-model', generatedBy, convertedBy)
 * and `dir/weights.bin` (the weights, little-endian float32, in the manifest's order);
 * `tf.loadLayersModel('file://dir/model.json')` reads them back, and reads what
 * @tensorflow/tfjs writes. Sequential models and functional ones (tf.model: topology class 'Model',
 * save-functional.ts) both. Weights are matched by name (`<layer name>/kernel` ...), as tfjs does.
 *
 * Handlers as tfjs's: an object with `save(artifacts)` (tf.io.withSaveHandler) or `load()`
 * (tf.io.fromMemory) is called with / returns tfjs's ModelArtifacts, so models move between
 * dropnet/tfjs and @tensorflow/tfjs in memory too. tf.io.fileSystem(path) is tfjs-node's file
 * handler. Browser stores (localstorage://, indexeddb://, downloads://) and http:// throw.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { argTypeError } from '../errors.js';
import { Tensor as DnTensor } from '../tensor.js';
import type { Layer } from './layers.js';
import type { LayersModel } from './model.js';
import { Sequential, sequential } from './sequential.js';
import { layerConfig, layerFromConfig, weightNames } from './save-config.js';
import { functionalFromConfig, functionalTopology } from './save-functional.js';
import { Tensor } from './tensor.js';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  quantization?: unknown;
}

export interface ModelArtifacts {
  modelTopology: Record<string, unknown>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightSpecs?: WeightSpec[];
  weightData?: ArrayBuffer | ArrayBuffer[];
  trainingConfig?: unknown;
  userDefinedMetadata?: unknown;
}

export interface SaveResult {
  modelArtifactsInfo: {
    dateSaved: Date;
    modelTopologyType: 'JSON';
    modelTopologyBytes: number;
    weightSpecsBytes: number;
    weightDataBytes: number;
  };
}

export interface IOHandler {
  save?: (artifacts: ModelArtifacts) => SaveResult | Promise<SaveResult>;
  load?: () => ModelArtifacts | Promise<ModelArtifacts>;
}

const GENERATED_BY = 'dropnet/tfjs (TensorFlow.js tfjs-layers format)';
const KERAS_VERSION = 'tfjs-layers 4.22.0';

// -- artifacts ----------------------------------------------------------------------------------

/** A model's ModelArtifacts: the topology tfjs writes and the weights (trainable first, as tfjs). */
export function modelArtifacts(model: LayersModel): ModelArtifacts {
  const layers = model.layers;
  if (layers.length === 0) throw new Error('model.save: the model has no layers; add layers with model.add() first');
  let topology: Record<string, unknown>;
  if (model instanceof Sequential) {
    const inputShape = model.inputs[0]!.shape.slice(1) as number[];
    const entries = layers.map((l, i) => layerConfig(l, i === 0 ? inputShape : null));
    topology = { class_name: 'Sequential', config: { name: model.name, layers: entries } };
  } else topology = functionalTopology(model);
  const named: { spec: WeightSpec; data: Float32Array; trainable: boolean }[] = [];
  for (const l of layers) {
    const names = weightNames(l);
    if (names.length === 0) continue;
    l.getWeights().forEach((w, i) => {
      const trainable = names[i] !== 'moving_mean' && names[i] !== 'moving_variance';
      named.push({
        spec: { name: `${l.name}/${names[i]}`, shape: w.shape, dtype: 'float32' },
        data: w.value.data,
        trainable,
      });
    });
  }
  const ordered = [...named.filter((w) => w.trainable), ...named.filter((w) => !w.trainable)];
  const total = ordered.reduce((n, w) => n + w.data.length, 0);
  const bytes = new Float32Array(total);
  let at = 0;
  for (const w of ordered) {
    bytes.set(w.data, at);
    at += w.data.length;
  }
  return {
    modelTopology: {
      ...topology,
      keras_version: KERAS_VERSION,
      backend: 'tensor_flow.js',
    },
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    weightSpecs: ordered.map((w) => w.spec),
    weightData: bytes.buffer,
  };
}

function concatBuffers(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  const parts = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out.buffer;
}

/** Rebuilds a model from ModelArtifacts: the layers from the topology, the weights by name. */
export function modelFromArtifacts(a: ModelArtifacts): LayersModel {
  if (typeof a !== 'object' || a === null || typeof a.modelTopology !== 'object' || a.modelTopology === null)
    throw argTypeError('model artifacts', 'ModelArtifacts { modelTopology, weightSpecs, weightData }', a);
  const topo = (a.modelTopology.model_config ?? a.modelTopology) as { class_name?: unknown; config?: unknown };
  let model: LayersModel;
  if (topo.class_name === 'Model' || topo.class_name === 'Functional') model = functionalFromConfig(topo.config);
  else if (topo.class_name === 'Sequential') {
    const config = topo.config as { name?: unknown; layers?: unknown } | unknown[];
    const entries = Array.isArray(config) ? config : config.layers;
    if (!Array.isArray(entries)) throw new TypeError('dropnet/tfjs: loadLayersModel: the topology lists no layers');
    const layers = entries.map((e, i) => layerFromConfig(e, i));
    const name = !Array.isArray(config) && typeof config.name === 'string' ? config.name : undefined;
    model = sequential({ layers, ...(name === undefined ? {} : { name }) });
  } else
    throw new Error(
      `dropnet/tfjs: loadLayersModel: a ${String(topo.class_name)} model cannot be loaded; dropnet/tfjs loads Sequential and functional (Model) models`,
    );
  const weights = decodeWeights(
    a.weightSpecs ?? [],
    a.weightData === undefined ? new ArrayBuffer(0) : concatBuffers(a.weightData),
  );
  for (const l of model.layers) setLayerWeights(l, weights);
  return model;
}

function decodeWeights(specs: WeightSpec[], data: ArrayBuffer): Map<string, DnTensor> {
  const out = new Map<string, DnTensor>();
  let at = 0;
  for (const s of specs) {
    if (s.quantization !== undefined)
      throw new Error(`dropnet/tfjs: loadLayersModel: weight ${s.name} is quantized; save the model unquantized`);
    const n = s.shape.reduce((p, d) => p * d, 1);
    const bytes = data.slice(at, at + 4 * n);
    if (bytes.byteLength !== 4 * n)
      throw new RangeError(`dropnet/tfjs: loadLayersModel: the weight data ends before weight ${s.name}`);
    at += 4 * n;
    const values =
      s.dtype === 'float32'
        ? new Float32Array(bytes)
        : s.dtype === 'int32'
          ? Float32Array.from(new Int32Array(bytes))
          : (() => {
              throw new Error(`dropnet/tfjs: loadLayersModel: weight ${s.name} has dtype ${s.dtype}; float32 or int32`);
            })();
    out.set(s.name, new DnTensor(values, s.shape));
  }
  return out;
}

function setLayerWeights(layer: Layer, weights: Map<string, DnTensor>): void {
  const names = weightNames(layer).map((n) => `${layer.name}/${n}`);
  if (names.length === 0) return;
  const tensors = names.map((n) => {
    const t = weights.get(n);
    if (t === undefined)
      throw new Error(
        `dropnet/tfjs: loadLayersModel: weight ${n} is not in the weights manifest (it holds ${[...weights.keys()].join(', ')})`,
      );
    return new Tensor(t, 'float32');
  });
  layer.setWeights(tensors);
}

// -- files --------------------------------------------------------------------------------------

function localPath(url: string, fn: string): string {
  if (url.startsWith('file://')) return url.slice(7);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  if (scheme !== undefined)
    throw new Error(
      `dropnet/tfjs: ${fn}: ${scheme}:// is not supported (Node: 'file://path'); use tf.io.withSaveHandler / tf.io.fromMemory for other stores`,
    );
  return url;
}

function info(a: ModelArtifacts): SaveResult {
  const bytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v ?? null));
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes: bytes(a.modelTopology),
      weightSpecsBytes: bytes(a.weightSpecs),
      weightDataBytes: a.weightData === undefined ? 0 : concatBuffers(a.weightData).byteLength,
    },
  };
}

async function saveToDirectory(dir: string, a: ModelArtifacts): Promise<SaveResult> {
  await mkdir(dir, { recursive: true });
  const json = {
    modelTopology: a.modelTopology,
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
    ...(a.trainingConfig === undefined ? {} : { trainingConfig: a.trainingConfig }),
    ...(a.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: a.userDefinedMetadata }),
  };
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  await writeFile(
    join(dir, 'weights.bin'),
    new Uint8Array(a.weightData === undefined ? new ArrayBuffer(0) : concatBuffers(a.weightData)),
  );
  return info(a);
}

async function loadFromFile(path: string): Promise<ModelArtifacts> {
  const json = JSON.parse(await readFile(path, 'utf8')) as ModelArtifacts & {
    weightsManifest?: { paths: string[]; weights: WeightSpec[] }[];
  };
  const specs: WeightSpec[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const b = await readFile(join(dirname(path), p));
      buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    }
  }
  return { ...json, weightSpecs: specs, weightData: concatBuffers(buffers) };
}

// -- the public entry points ----------------------------------------------------------------------

/** model.save(handlerOrURL): 'file://dir' (or a directory path) or an IOHandler with save(). */
export async function saveModel(model: LayersModel, handlerOrURL: unknown, config?: unknown): Promise<SaveResult> {
  if (config !== undefined && (typeof config !== 'object' || config === null))
    throw argTypeError('model.save config', 'object', config);
  const a = modelArtifacts(model);
  if (typeof handlerOrURL === 'string') return saveToDirectory(localPath(handlerOrURL, 'model.save'), a);
  const h = handlerOrURL as IOHandler | null;
  if (typeof h !== 'object' || h === null || typeof h.save !== 'function')
    throw argTypeError('model.save handlerOrURL', "'file://dir' or an IO handler with save()", handlerOrURL);
  return h.save(a);
}

/** tf.loadLayersModel('file://dir/model.json' | path | IOHandler with load()). */
export async function loadLayersModel(pathOrIOHandler: unknown, options?: unknown): Promise<LayersModel> {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw argTypeError('loadLayersModel options', 'object', options);
  if (typeof pathOrIOHandler === 'string')
    return modelFromArtifacts(await loadFromFile(localPath(pathOrIOHandler, 'loadLayersModel')));
  const h = pathOrIOHandler as IOHandler | null;
  if (typeof h !== 'object' || h === null || typeof h.load !== 'function')
    throw argTypeError('loadLayersModel pathOrIOHandler', "'file://dir/model.json' or an IO handler with load()", h);
  return modelFromArtifacts(await h.load());
}

function browserOnly(api: string): () => never {
  return () => {
    throw new Error(
      `dropnet/tfjs: tf.io.${api} is not supported (a browser store); use tf.io.fileSystem or 'file://' paths`,
    );
  };
}

export const io = {
  /** A handler whose save() hands the artifacts to `fn` (tfjs's tf.io.withSaveHandler). */
  withSaveHandler(fn: (artifacts: ModelArtifacts) => SaveResult | Promise<SaveResult>): IOHandler {
    if (typeof fn !== 'function') throw argTypeError('saveHandler', 'function', fn);
    return { save: fn };
  },
  /** A handler whose load() returns the artifacts given (tfjs's tf.io.fromMemory). */
  fromMemory(artifacts: ModelArtifacts): IOHandler {
    if (typeof artifacts !== 'object' || artifacts === null) throw argTypeError('modelArtifacts', 'object', artifacts);
    return { load: () => artifacts };
  },
  /** tfjs-node's file handler: save() into a directory, load() from a model.json. */
  fileSystem(path: string): IOHandler {
    if (typeof path !== 'string') throw argTypeError('path', 'string', path);
    return { save: (a) => saveToDirectory(path, a), load: () => loadFromFile(path) };
  },
  browserFiles: browserOnly('browserFiles'),
  browserDownloads: browserOnly('browserDownloads'),
  http: browserOnly('http'),
};
