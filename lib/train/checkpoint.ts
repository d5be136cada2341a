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
import { argTypeError, describe } from '../errors.js';
import type { Module } from '../nn/module.js';
import { defaultGenerator, Generator } from '../random.js';
import { Tensor } from '../tensor.js';
import type { Optimizer, OptimizerStateDict, ParamState } from './optim/optimizer.js';
import { loadSafetensors, saveSafetensors } from '../io/safetensors/file.js';

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
  if (
    typeof contents !== 'object' ||
    contents === null ||
    typeof (contents.model as Module | undefined)?.stateDict !== 'function'
  ) {
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

/** The checkpoint's metadata, checked field by field: an Error naming the field otherwise. */
function parseMeta(path: string, raw: string): Meta {
  const bad = (field: string, expected: string, value: unknown): Error =>
    new Error(`${path} has a corrupt checkpoint: expected ${expected} for ${field} but received ${describe(value)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new Error(`${path} has a corrupt checkpoint: its "${KEY}" metadata is not JSON (${(e as Error).message})`, {
      cause: e,
    });
  }
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!isRecord(parsed)) throw bad('the metadata', 'object', parsed);
  const m = parsed;
  if (m.format !== FORMAT)
    throw new Error(`${path} has checkpoint format ${String(m.format)}; this version reads ${FORMAT}`);
  if (m.epoch !== null && !count(m.epoch)) throw bad('epoch', 'null or a non-negative integer', m.epoch);
  if (!isRecord(m.extra)) throw bad('extra', 'object', m.extra);
  if (m.optimizer !== null) {
    const o = m.optimizer;
    if (!isRecord(o)) throw bad('optimizer', 'null or object', o);
    if (!Array.isArray(o.paramGroups)) throw bad('optimizer.paramGroups', 'array', o.paramGroups);
    if (!isRecord(o.scalars)) throw bad('optimizer.scalars', 'object', o.scalars);
    for (const [index, scalars] of Object.entries(o.scalars)) {
      if (!/^(0|[1-9][0-9]*)$/.test(index) || !count(Number(index)))
        throw bad('an optimizer parameter index', 'non-negative integer', index);
      if (!isRecord(scalars)) throw bad(`optimizer.scalars.${index}`, 'object', scalars);
      for (const [name, value] of Object.entries(scalars)) {
        const field = `optimizer.scalars.${index}.${name}`;
        if (name === 'step' ? !count(value) : typeof value !== 'number' || !Number.isFinite(value)) {
          throw bad(field, name === 'step' ? 'non-negative integer' : 'finite number', value);
        }
      }
    }
  }
  if (m.rng !== null) {
    const r = m.rng;
    if (!isRecord(r)) throw bad('rng', 'null or object', r);
    const generator = (field: string, v: unknown): void => {
      if (!isRecord(v)) throw bad(field, 'object with seed and offset', v);
      let seed: bigint | null;
      try {
        seed = typeof v.seed === 'string' && /^[0-9]+$/.test(v.seed) ? BigInt(v.seed) : null;
      } catch {
        seed = null;
      }
      if (seed === null || seed >= 2n ** 64n)
        throw bad(`${field}.seed`, 'decimal string of an integer in [0, 2^64)', v.seed);
      if (!count(v.offset) || v.offset % 4 !== 0)
        throw bad(`${field}.offset`, 'non-negative integer that is a multiple of 4', v.offset);
    };
    generator('rng.default', r.default);
    if (!isRecord(r.modules)) throw bad('rng.modules', 'object', r.modules);
    for (const [key, state] of Object.entries(r.modules)) generator(`rng.modules["${key}"]`, state);
  }
  return m as unknown as Meta;
}

/**
 * Loads a checkpoint into `model` (strictly: every key must match) and, when given, the
 * optimizer; restores the random streams that were saved. Returns the epoch and the extra state.
 * Nothing is changed if the file does not fit the model or the optimizer, or if any of its
 * metadata (epoch, optimizer scalars such as step, random-stream seeds and offsets) is malformed.
 */
export async function load(path: string, target: { model: Module; optimizer?: Optimizer<object> }): Promise<Restored> {
  const { tensors, metadata } = await loadSafetensors(path);
  const raw = metadata?.[KEY];
  if (raw === undefined) throw new Error(`${path} is not a dropnet checkpoint (no "${KEY}" metadata)`);
  // Every field is checked here, before anything changes: a load that fails changes nothing.
  const meta = parseMeta(path, raw);
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
      if (dot < 1 || !Number.isSafeInteger(index) || index < 0 || dot === key.length - 1) {
        throw new Error(
          `${path} has a corrupt checkpoint: tensor "optimizer.${key}" is not named optimizer.<index>.<buffer>`,
        );
      }
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
