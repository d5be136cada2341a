/**
 * The optimizer base: parameter groups, per-parameter state, zeroGrad, step, and state dicts.
 * Subclasses implement `update` for one parameter with one of the fused native step kernels, so a
 * step is one pass over each parameter buffer.
 *
 * Parameters are anything with a float32 `data` buffer and a `grad` that is null or has one
 * (a Tensor with requiresGrad fits). Parameters without a gradient are skipped, as in PyTorch.
 */
import { activeBackend, type Backend } from '../../backend/index.js';
import { argRangeError, argTypeError } from '../../errors.js';
import { is, signature } from '../../args.js';

/** Optimizer.zeroGrad's options. */
export interface ZeroGradOptions {
  /** Set grads to null (the default, as PyTorch 2) rather than filling them with zeros. */
  setToNone?: boolean;
}

const ZERO_GRAD = signature('zeroGrad', [], {}, { setToNone: is.boolean });

export interface ParamLike {
  readonly data: Float32Array;
  grad: { readonly data: Float32Array } | null;
}

/** A group's hyperparameters plus its parameters. */
export type ParamGroup<O> = O & { params: ParamLike[] };

/** What the constructor takes: parameters, or groups that may override any default. */
export type ParamsInput<O> = Iterable<ParamLike> | ReadonlyArray<Partial<O> & { params: Iterable<ParamLike> }>;

/** Per-parameter state: buffers and counters. */
export type ParamState = Record<string, Float32Array | number>;

export interface OptimizerStateDict<O> {
  /** State by parameter index (the order of parameters across groups). */
  state: Record<number, ParamState>;
  paramGroups: Array<O & { params: number[] }>;
}

function isGroupList<O>(input: ParamsInput<O>): input is ReadonlyArray<Partial<O> & { params: Iterable<ParamLike> }> {
  return (
    Array.isArray(input) &&
    input.length > 0 &&
    typeof input[0] === 'object' &&
    input[0] !== null &&
    'params' in input[0]
  );
}

function isParam(p: unknown): p is ParamLike {
  return typeof p === 'object' && p !== null && (p as ParamLike).data instanceof Float32Array;
}

export abstract class Optimizer<O extends object> {
  readonly paramGroups: ParamGroup<O>[] = [];
  readonly state = new Map<ParamLike, ParamState>();
  readonly defaults: Readonly<O>;

  protected constructor(params: ParamsInput<O>, defaults: O) {
    this.validate(defaults);
    this.defaults = Object.freeze({ ...defaults });
    const groups = isGroupList(params) ? params : [{ params: [...params] }];
    for (const g of groups) this.addParamGroup(g as Partial<O> & { params: Iterable<ParamLike> });
    if (this.paramGroups.every((g) => g.params.length === 0))
      throw new RangeError('optimizer got an empty parameter list');
  }

  /** Checks hyperparameters (PyTorch's rules); throws RangeError naming the bad one. */
  protected abstract validate(options: O): void;

  /** Applies one step to parameter `p` with gradient `grad`, whose state is `state`. */
  protected abstract update(
    k: Backend,
    p: ParamLike,
    grad: Float32Array,
    state: ParamState,
    group: ParamGroup<O>,
  ): void;

  /** Adds a group; options it omits come from the defaults. A parameter may be in one group only. */
  addParamGroup(group: Partial<O> & { params: Iterable<ParamLike> }): void {
    if (typeof group !== 'object' || group === null || group.params === undefined) {
      throw argTypeError('group', 'object with params', group);
    }
    const params = [...group.params];
    params.forEach((p, i) => {
      if (!isParam(p)) throw argTypeError(`params[${i}]`, 'parameter with a Float32Array data buffer', p);
    });
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (seen.has(p)) throw new RangeError('some parameters appear in more than one parameter group');
    }
    const merged = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(merged);
    this.paramGroups.push(merged);
  }

  /**
   * Clears every parameter's gradient: sets it to null (the default, as PyTorch 2's
   * set_to_none), or with `setToNone: false` fills it with zeros and keeps the array (PyTorch
   * 1.13's default), so the next backward adds into the same storage instead of allocating a
   * new gradient (fit() does this; docs/memory.md).
   */
  zeroGrad(...options: [ZeroGradOptions?]): void {
    const setToNone = ZERO_GRAD.parse<ZeroGradOptions>(options).setToNone ?? true;
    const k = activeBackend();
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (setToNone) p.grad = null;
        else if (p.grad !== null) k.fill(p.grad.data, 0, p.grad.data.length);
      }
    }
  }

  /** One update of every parameter that has a gradient. A closure, if given, is called first. */
  step(closure?: () => number): number | undefined {
    const loss = closure?.();
    const k = activeBackend();
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (p.grad.data.length !== p.data.length) {
          throw new RangeError(`a gradient has ${p.grad.data.length} elements but its parameter has ${p.data.length}`);
        }
        let state = this.state.get(p);
        if (state === undefined) {
          state = {};
          this.state.set(p, state);
        }
        this.update(k, p, p.grad.data, state, group);
      }
    }
    return loss;
  }

  /** A zero-filled state buffer for `p`, created on first use. */
  protected buffer(state: ParamState, name: string, p: ParamLike): Float32Array {
    let b = state[name];
    if (!(b instanceof Float32Array)) {
      b = new Float32Array(p.data.length);
      state[name] = b;
    }
    return b;
  }

  /** Copies of the state and the groups' options; parameters are referred to by index. */
  stateDict(): OptimizerStateDict<O> {
    const index = new Map<ParamLike, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...options } = g;
      return {
        ...(options as unknown as O),
        params: params.map((p) => {
          index.set(p, index.size);
          return index.size - 1;
        }),
      };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Float32Array ? v.slice() : v]));
    }
    return { state, paramGroups };
  }

  /** Restores what stateDict() returned, for an optimizer over the same parameters in the same order. */
  loadStateDict(dict: OptimizerStateDict<O>): void {
    if (typeof dict !== 'object' || dict === null || !Array.isArray(dict.paramGroups)) {
      throw argTypeError('stateDict', 'object with state and paramGroups', dict);
    }
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw argRangeError('stateDict.paramGroups', `${this.paramGroups.length} groups`, dict.paramGroups.length);
    }
    const params = this.paramGroups.flatMap((g) => g.params);
    dict.paramGroups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i]!.params.length) {
        throw new RangeError(
          `stateDict.paramGroups[${i}] has ${g.params.length} parameters but the optimizer's group has ${this.paramGroups[i]!.params.length}`,
        );
      }
    });
    for (const [key, s] of Object.entries(dict.state)) {
      const p = params[Number(key)];
      if (p === undefined)
        throw new RangeError(
          `stateDict.state has parameter index ${key} but the optimizer has ${params.length} parameters`,
        );
      for (const [name, v] of Object.entries(s)) {
        if (v instanceof Float32Array && v.length !== p.data.length) {
          throw new RangeError(
            `stateDict.state[${key}].${name} has ${v.length} elements but the parameter has ${p.data.length}`,
          );
        }
      }
    }
    this.state.clear();
    for (const [key, s] of Object.entries(dict.state)) {
      const p = params[Number(key)]!;
      this.state.set(
        p,
        Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Float32Array ? v.slice() : v])),
      );
    }
    dict.paramGroups.forEach((g, i) => {
      const { params: _ignored, ...options } = g;
      Object.assign(this.paramGroups[i]!, options);
    });
  }
}
