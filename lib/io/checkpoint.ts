/**
 * Training checkpoints: everything needed to resume training bit-identically in a new process,
 * in one safetensors file written atomically (temp file, fsync, rename: an interrupted save
 * leaves the previous checkpoint intact).
 *
 * Tensors: the model's state dict under "model.<name>" (PyTorch names after the prefix) and
 * each optimizer buffer under "optimizer.<param index>.<buffer>". Metadata ("dropnet.checkpoint",
 * JSON): the epoch, the optimizer's groups and scalar state (step counts), every random stream
 * (the default generator, and each Generator a module holds, by module path and property), and
 * whatever `extra` the caller adds (a DataLoader's state, say).
 */
import { argTypeError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { defaultGenerator, Generator } from '../random.js';
import { Tensor } from '../tensor.js';
import type { Optimizer, OptimizerStateDict, ParamState } from '../train/optim/optimizer.js';
import { loadSafetensors, saveSafetensors } from './safetensors/file.js';

const KEY = 'dropnet.checkpoint';
const FORMAT = 1;

/** A random stream's position. */
export interface GeneratorState {
  seed: string;
  offset: number;
}

export interface CheckpointContents {
  model: Module;
  optimizer?: Optimizer<object>;
  /** The number of epochs completed. */
  epoch?: number;
  /** Save and restore the default generator and every Generator the model's modules hold (default true). */
  rng?: boolean;
  /** Any JSON-serialisable state to carry along (e.g. a DataLoader's stateDict()). */
  extra?: Record<string, unknown>;
}

interface Meta {
  format: number;
  epoch: number | null;
  optimizer: { paramGroups: unknown[]; scalars: Record<string, Record<string, number>> } | null;
  rng: { default: GeneratorState; modules: Record<string, GeneratorState> } | null;
  extra: Record<string, unknown>;
}

export function generatorState(g: Generator): GeneratorState {
  return { seed: g.seed.toString(), offset: g.offset };
}

export function restoreGenerator(g: Generator, state: GeneratorState): void {
  g.manualSeed(BigInt(state.seed));
  g.offset = state.offset;
}

/** Every Generator held directly by a module of `model`, keyed "<module path>#<property>". */
function moduleGenerators(model: Module): Map<string, Generator> {
  const found = new Map<string, Generator>();
  for (const [path, m] of model.namedModules()) {
    for (const [prop, value] of Object.entries(m)) {
      if (value instanceof Generator && value !== defaultGenerator) found.set(`${path}#${prop}`, value);
    }
  }
  return found;
}

/** Saves a checkpoint to `path` atomically. */
export async function save(path: string, contents: CheckpointContents): Promise<void> {
  if (typeof contents !== 'object' || contents === null || typeof (contents.model as Module | undefined)?.stateDict !== 'function') {
    throw argTypeError('contents', 'object with a model', contents);
  }
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(contents.model.stateDict())) tensors[`model.${name}`] = t;
  let optimizer: Meta['optimizer'] = null;
  if (contents.optimizer !== undefined) {
    const sd = contents.optimizer.stateDict();
    const scalars: Record<string, Record<string, number>> = {};
    for (const [index, state] of Object.entries(sd.state)) {
      for (const [name, value] of Object.entries(state)) {
        if (value instanceof Float32Array) tensors[`optimizer.${index}.${name}`] = new Tensor(value, [value.length]);
        else (scalars[index] ??= {})[name] = value;
      }
    }
    optimizer = { paramGroups: sd.paramGroups, scalars };
  }
  let rng: Meta['rng'] = null;
  if (contents.rng ?? true) {
    const modules: Record<string, GeneratorState> = {};
    for (const [key, g] of moduleGenerators(contents.model)) modules[key] = generatorState(g);
    rng = { default: generatorState(defaultGenerator), modules };
  }
  const meta: Meta = { format: FORMAT, epoch: contents.epoch ?? null, optimizer, rng, extra: contents.extra ?? {} };
  await saveSafetensors(path, tensors, { [KEY]: JSON.stringify(meta) });
}

export interface Restored {
  epoch: number | null;
  extra: Record<string, unknown>;
}

/**
 * Loads a checkpoint into `model` (strictly: every key must match) and, when given, the
 * optimizer; restores the random streams that were saved. Returns the epoch and the extra state.
 * Nothing is changed if the file does not fit the model or the optimizer.
 */
export async function load(path: string, target: { model: Module; optimizer?: Optimizer<object> }): Promise<Restored> {
  const { tensors, metadata } = await loadSafetensors(path);
  const raw = metadata?.[KEY];
  if (raw === undefined) throw new Error(`${path} is not a dropnet checkpoint (no "${KEY}" metadata)`);
  const meta = JSON.parse(raw) as Meta;
  if (meta.format !== FORMAT) throw new Error(`${path} has checkpoint format ${String(meta.format)}; this version reads ${FORMAT}`);
  const modelState = new Map<string, Tensor>();
  const optimBuffers = new Map<string, Float32Array>();
  for (const [name, t] of tensors) {
    if (name.startsWith('model.')) modelState.set(name.slice(6), t);
    else if (name.startsWith('optimizer.')) optimBuffers.set(name.slice(10), t.data);
  }
  let optimizerState: OptimizerStateDict<object> | null = null;
  if (target.optimizer !== undefined) {
    if (meta.optimizer === null) throw new Error(`${path} holds no optimizer state`);
    const state: Record<number, ParamState> = {};
    for (const [index, scalars] of Object.entries(meta.optimizer.scalars)) state[Number(index)] = { ...scalars };
    for (const [key, data] of optimBuffers) {
      const dot = key.indexOf('.');
      const index = Number(key.slice(0, dot));
      (state[index] ??= {})[key.slice(dot + 1)] = data;
    }
    optimizerState = { state, paramGroups: meta.optimizer.paramGroups as OptimizerStateDict<object>['paramGroups'] };
  }
  // A strict load checks every key and shape before it changes anything; if the optimizer then
  // rejects its part, the model's previous state is put back, so a failed load changes nothing.
  const before = target.model.stateDict();
  const snapshot = Object.fromEntries(Object.entries(before).map(([k, t]) => [k, new Tensor(t.data.slice(), t.shape)]));
  target.model.loadStateDict(modelState);
  if (target.optimizer !== undefined && optimizerState !== null) {
    try {
      target.optimizer.loadStateDict(optimizerState);
    } catch (e) {
      target.model.loadStateDict(snapshot);
      throw e;
    }
  }
  if (meta.rng !== null) {
    restoreGenerator(defaultGenerator, meta.rng.default);
    const gens = moduleGenerators(target.model);
    for (const [key, state] of Object.entries(meta.rng.modules)) {
      const g = gens.get(key);
      if (g !== undefined) restoreGenerator(g, state);
    }
  }
  return { epoch: meta.epoch, extra: meta.extra };
}
