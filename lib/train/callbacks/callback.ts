/**
 * Callbacks: hooks fit() calls around training, epochs and batches, with Keras's names and logs.
 * A callback is any object with some of the hooks (plain objects work), or a subclass of
 * Callback, which also receives the model, the optimizer and the run's parameters before
 * training starts. Hooks may be async: fit() awaits them (the event loop runs meanwhile).
 * Setting `model.stopTraining = true` ends training after the current batch (from a batch hook)
 * or after the current epoch (from an epoch hook), as in Keras.
 */
import { argTypeError } from '../../errors.js';
import type { Module } from '../../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Logs } from '../history.js';

/** What fit() is about to do (Keras's `params`). */
export interface TrainingParams {
  /** The index one past the last epoch (fit's `epochs`). */
  epochs: number;
  initialEpoch: number;
  /** Batches per epoch. */
  steps: number;
  /** Training samples (after the validation split). */
  samples: number;
  batchSize: number;
  verbose: 0 | 1 | 2;
  /** Every key the epoch logs will hold: loss, metrics, and their val_ forms when validating. */
  metrics: string[];
  /** Whether epochs end with a validation pass. */
  validation: boolean;
}

export interface TrainingContext {
  model: Module;
  optimizer: Optimizer<object>;
  params: TrainingParams;
  /** Prints a notice line (respects verbose). */
  note(text: string): void;
}

type Hook<A extends unknown[]> = (...args: A) => void | Promise<void>;

export interface CallbackHooks {
  /** Receives the model, optimizer and params before onTrainBegin. */
  setContext?(context: TrainingContext): void;
  onTrainBegin?: Hook<[logs: Logs]>;
  onTrainEnd?: Hook<[logs: Logs]>;
  onEpochBegin?: Hook<[epoch: number, logs: Logs]>;
  onEpochEnd?: Hook<[epoch: number, logs: Logs]>;
  onBatchBegin?: Hook<[batch: number, logs: Logs]>;
  onBatchEnd?: Hook<[batch: number, logs: Logs]>;
}

/** A base for callbacks that need the model or the optimizer (Keras's `self.model`). */
export class Callback implements CallbackHooks {
  #context: TrainingContext | null = null;

  setContext(context: TrainingContext): void {
    this.#context = context;
  }

  get context(): TrainingContext {
    if (this.#context === null) throw new Error(`${this.constructor.name} is not attached to a fit() run yet`);
    return this.#context;
  }

  get model(): Module {
    return this.context.model;
  }

  get optimizer(): Optimizer<object> {
    return this.context.optimizer;
  }

  get params(): TrainingParams {
    return this.context.params;
  }
}

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const;
type HookName = (typeof HOOKS)[number];

function isThenable(v: unknown): v is PromiseLike<void> {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<void>).then === 'function';
}

/** The callbacks of one run, called in order; a hook nobody defines costs nothing per batch. */
export class CallbackList {
  readonly callbacks: readonly CallbackHooks[];
  readonly #has: Record<HookName, boolean>;

  constructor(callbacks: readonly CallbackHooks[]) {
    this.callbacks = callbacks;
    this.#has = Object.fromEntries(HOOKS.map((h) => [h, callbacks.some((c) => typeof c[h] === 'function')])) as Record<
      HookName,
      boolean
    >;
  }

  has(hook: HookName): boolean {
    return this.#has[hook];
  }

  setContext(context: TrainingContext): void {
    for (const c of this.callbacks) c.setContext?.(context);
  }

  async #call(hook: HookName, args: unknown[]): Promise<void> {
    if (!this.#has[hook]) return;
    for (const c of this.callbacks) {
      const fn = c[hook] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof fn !== 'function') continue;
      const r = fn.apply(c, args);
      if (isThenable(r)) await r;
    }
  }

  trainBegin(logs: Logs): Promise<void> {
    return this.#call('onTrainBegin', [logs]);
  }

  trainEnd(logs: Logs): Promise<void> {
    return this.#call('onTrainEnd', [logs]);
  }

  epochBegin(epoch: number, logs: Logs): Promise<void> {
    return this.#call('onEpochBegin', [epoch, logs]);
  }

  epochEnd(epoch: number, logs: Logs): Promise<void> {
    return this.#call('onEpochEnd', [epoch, logs]);
  }

  batchBegin(batch: number, logs: Logs): Promise<void> {
    return this.#call('onBatchBegin', [batch, logs]);
  }

  batchEnd(batch: number, logs: Logs): Promise<void> {
    return this.#call('onBatchEnd', [batch, logs]);
  }
}

/** Checks that `callbacks` is an array of objects, each with at least one hook. */
export function checkCallbacks(callbacks: unknown): CallbackHooks[] {
  if (callbacks === undefined) return [];
  if (!Array.isArray(callbacks)) throw argTypeError('callbacks', 'array of callbacks', callbacks);
  const expected = `callback (an object with at least one of ${HOOKS.join(', ')})`;
  callbacks.forEach((c: unknown, i) => {
    if (typeof c !== 'object' || c === null) throw argTypeError(`callbacks[${i}]`, expected, c);
    const hooks = [...HOOKS, 'setContext'] as const;
    for (const h of hooks) {
      const v = (c as Record<string, unknown>)[h];
      if (v !== undefined && typeof v !== 'function') throw argTypeError(`callbacks[${i}].${h}`, 'function', v);
    }
    if (!hooks.some((h) => typeof (c as Record<string, unknown>)[h] === 'function'))
      throw argTypeError(`callbacks[${i}]`, expected, c);
  });
  return callbacks as CallbackHooks[];
}
