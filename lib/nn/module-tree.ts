/**
 * Walking a module tree: what Module's children(), parameters(), buffers() and stateDict() read.
 *
 * Submodules and parameters are found, not registered: every own enumerable property holding a
 * Module (or a Parameter) is a member named after the property, in property order; an array of
 * them counts too, its items named "<property>.<index>" (PyTorch's ModuleList/ParameterList keys).
 * Buffers are declared (registerBuffer) and their names kept here, off the module's properties.
 */
import { Tensor } from '../tensor.js';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';

export interface RegisterBufferOptions {
  /** Whether stateDict() includes it (default true). */
  persistent?: boolean;
}

export interface ZeroGradOptions {
  /** Set grads to null (the default, as PyTorch 2) rather than filling them with zeros. */
  setToNone?: boolean;
}

/** The own members of `owner` that are instances of `kind`, with their names, in property order. */
export function ownMembers<T>(owner: object, kind: abstract new (...args: never[]) => T): [string, T][] {
  const out: [string, T][] = [];
  for (const key of Object.keys(owner)) {
    const value: unknown = (owner as Record<string, unknown>)[key];
    const list = Array.isArray(value) ? (value as unknown[]) : [value];
    list.forEach((v, i) => {
      if (v instanceof kind) out.push([Array.isArray(value) ? `${key}.${i}` : key, v]);
    });
  }
  return out;
}

/** `root` (named `prefix`) and every submodule, depth first, each once, named by path ("0", "fc1", "1.0"). */
export function walkModules(root: Module, prefix: string): [string, Module][] {
  const out: [string, Module][] = [];
  const seen = new Set<Module>();
  const visit = (m: Module, path: string): void => {
    if (seen.has(m)) return;
    seen.add(m);
    out.push([path, m]);
    for (const [name, c] of m.namedChildren()) visit(c, path === '' ? name : `${path}.${name}`);
  };
  visit(root, prefix);
  return out;
}

function scope(root: Module, recurse: boolean | undefined): [string, Module][] {
  return (recurse ?? true) ? root.namedModules() : [['', root]];
}

/** Parameters by state-dict name ("0.weight"); each shared parameter once. */
export function namedParametersOf(root: Module, recurse: boolean | undefined): [string, Parameter][] {
  const seen = new Set<Parameter>();
  const out: [string, Parameter][] = [];
  for (const [path, m] of scope(root, recurse)) {
    for (const [name, p] of ownMembers(m, Parameter)) {
      if (seen.has(p)) continue;
      seen.add(p);
      out.push([path === '' ? name : `${path}.${name}`, p]);
    }
  }
  return out;
}

// Each module's declared buffers: name → persistent.
const declaredBuffers = new WeakMap<Module, Map<string, boolean>>();

export function declareBuffer(module: Module, name: string, persistent: boolean): void {
  let names = declaredBuffers.get(module);
  if (names === undefined) declaredBuffers.set(module, (names = new Map()));
  names.set(name, persistent);
}

/** Buffers by state-dict name; those set to null are left out. */
export function namedBuffersOf(
  root: Module,
  recurse: boolean | undefined,
  persistentOnly: boolean,
): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  for (const [path, m] of scope(root, recurse)) {
    for (const [name, persistent] of declaredBuffers.get(m) ?? []) {
      const value: unknown = (m as unknown as Record<string, unknown>)[name];
      if (!(value instanceof Tensor) || (persistentOnly && !persistent)) continue;
      out.push([path === '' ? name : `${path}.${name}`, value]);
    }
  }
  return out;
}

/** PyTorch's state_dict order: each module's own parameters, then its buffers, then its children's. */
export function collectState(root: Module): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const visit = (m: Module, prefix: string): void => {
    for (const [name, p] of ownMembers(m, Parameter)) out[prefix + name] = p.detach();
    for (const [name, b] of namedBuffersOf(m, false, true)) out[prefix + name] = b.detach();
    for (const [name, c] of m.namedChildren()) visit(c, `${prefix}${name}.`);
  };
  visit(root, '');
  return out;
}
