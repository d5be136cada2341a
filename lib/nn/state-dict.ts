/**
 * Loading a state dict: every problem is collected before anything is written, so a model is
 * either fully loaded or untouched, and one error lists all that is wrong.
 */
import { argTypeError, describe, formatShape, StateDictError } from '../errors.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';

export interface LoadStateDictOptions {
  /** Require exactly the model's keys (default true). Shapes must match either way. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  /** Model keys the state dict lacks (only ever non-empty with strict: false). */
  missingKeys: string[];
  /** State-dict keys the model lacks (only ever non-empty with strict: false). */
  unexpectedKeys: string[];
}

function entriesOf(state: unknown): [string, unknown][] {
  if (state instanceof Map) return [...state.entries()].map(([k, v]) => [String(k), v]);
  if (state !== null && typeof state === 'object' && !Array.isArray(state) && !(state instanceof Tensor)) {
    return Object.entries(state);
  }
  throw argTypeError('state', 'object or Map of Tensors by name', state);
}

const quoted = (keys: string[]): string => keys.map((k) => `"${k}"`).join(', ');

/** Checks `state` against the model's `targets` (its own stateDict()) and copies it in. */
export function loadState(
  modelName: string,
  targets: Record<string, Tensor>,
  state: unknown,
  options: LoadStateDictOptions,
): LoadStateDictResult {
  const strict = options.strict ?? true;
  if (typeof strict !== 'boolean') throw argTypeError('strict', 'boolean', strict);
  const given = new Map(entriesOf(state));
  const missingKeys = Object.keys(targets).filter((k) => !given.has(k));
  const unexpectedKeys = [...given.keys()].filter((k) => !(k in targets));
  const problems: string[] = [];
  const mismatchedKeys: string[] = [];
  for (const [key, target] of Object.entries(targets)) {
    if (!given.has(key)) continue;
    const value = given.get(key);
    if (!(value instanceof Tensor)) {
      mismatchedKeys.push(key);
      problems.push(`  "${key}" is not a Tensor but ${describe(value)}`);
    } else if (!shapesEqual(value.shape, target.shape)) {
      mismatchedKeys.push(key);
      problems.push(
        `  "${key}" has shape ${formatShape(value.shape)} in the state dict but ${formatShape(target.shape)} in the model`,
      );
    }
  }
  const keyProblems: string[] = [];
  if (strict && missingKeys.length > 0) keyProblems.push(`  missing keys: ${quoted(missingKeys)}`);
  if (strict && unexpectedKeys.length > 0) keyProblems.push(`  unexpected keys: ${quoted(unexpectedKeys)}`);
  problems.unshift(...keyProblems);
  if (problems.length > 0) {
    throw new StateDictError(
      `loadStateDict: the state dict does not fit ${modelName}; nothing was loaded:\n${problems.join('\n')}`,
      { missingKeys, unexpectedKeys, mismatchedKeys },
    );
  }
  for (const [key, target] of Object.entries(targets)) {
    const value = given.get(key);
    if (value instanceof Tensor && value.data !== target.data) target.data.set(value.data);
  }
  return { missingKeys, unexpectedKeys };
}
