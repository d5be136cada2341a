/**
 * The training layer's part of Module: `fit`, `evaluate`, `stopTraining` and `history`.
 *
 * nn/ knows nothing of training; this file, which owns the loop, adds the methods to
 * Module.prototype and declares them on the Module interface (TypeScript module augmentation), so
 * `model.fit(...)` reads as a method of every layer and model. Importing it once applies it:
 * lib/index.ts does, and so does every entry point that trains (keras/, tfjs/, cli/).
 */
import type { Dataset } from '../data/dataset.js';
import { argTypeError } from '../errors.js';
import { Module } from '../nn/module.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { evaluateModel } from './evaluate.js';
import type { EvaluateOptions, FitOptions, FitTargets } from './fit-options.js';
import { fitModel } from './fit.js';
import type { History, Logs } from './history.js';

declare module '../nn/module.js' {
  interface Module {
    /**
     * Trains the model (Keras's fit over PyTorch's pieces; see lib/train/fit.ts): `loss` is
     * required, `optimizer` defaults to 'adam'. Resolves with the History; rejects before training
     * on bad options or data, and with the signal's reason when aborted. The event loop takes a
     * turn between batch steps every `yieldEveryMs` (5) ms. Leaves the model in training mode.
     */
    fit(x: Tensor | readonly NestedArray[], y: FitTargets, options: FitOptions): Promise<History>;
    fit(data: Dataset, options: FitOptions): Promise<History>;

    /** Loss and metrics over data, in eval mode without gradients (modes restored per batch). */
    evaluate(x: Tensor | readonly NestedArray[], y: FitTargets, options?: EvaluateOptions): Promise<Logs>;
    evaluate(data: Dataset, options?: EvaluateOptions): Promise<Logs>;

    /** Set it to true (from a callback) to end fit() after the current batch or epoch (Keras's stop_training). */
    stopTraining: boolean;

    /** The History of the last fit() (also of one that was aborted or failed: the epochs that finished), or null. */
    readonly history: History | null;
  }
}

// Per-model training state, kept off the module so it is never taken for a child or a parameter.
const stopRequested = new WeakMap<Module, boolean>();
const lastHistory = new WeakMap<Module, History>();

function fit(this: Module, ...args: unknown[]): Promise<History> {
  return fitModel(this, args, {
    setHistory: (h) => {
      lastHistory.set(this, h);
    },
  });
}

function evaluate(this: Module, ...args: unknown[]): Promise<Logs> {
  return evaluateModel(this, args);
}

Object.defineProperties(Module.prototype, {
  fit: { value: fit, writable: true, configurable: true },
  evaluate: { value: evaluate, writable: true, configurable: true },
  stopTraining: {
    get(this: Module): boolean {
      return stopRequested.get(this) ?? false;
    },
    set(this: Module, value: unknown) {
      if (typeof value !== 'boolean') throw argTypeError('stopTraining', 'boolean', value);
      stopRequested.set(this, value);
    },
    configurable: true,
  },
  history: {
    get(this: Module): History | null {
      return lastHistory.get(this) ?? null;
    },
    configurable: true,
  },
});
