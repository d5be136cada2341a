/**
 * What happens around a module's forward when it is called (`module.call(x)`, PyTorch's
 * `module(x)`): the outermost call is the root. The root warns when a model with dropout or
 * batch norm runs in training mode inside noGrad (the forgotten `model.eval()`), and restates
 * shape errors with the failing layer's place in the model. Calls also report their output
 * shapes to summary() while it traces a model.
 */
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { Module } from './module.js';
import { locate } from './shape-check.js';

let depth = 0;

/** Runs fn as a call of `module`: with root duties when no other module call is running. */
export function asRoot<T>(module: Module, fn: () => T): T {
  const root = depth === 0;
  if (root) checkTrainModeInference(module);
  depth++;
  try {
    return fn();
  } catch (error) {
    throw root ? locate(error, module) : error;
  } finally {
    depth--;
  }
}

// -- training mode under noGrad ------------------------------------------------------------

export const TRAIN_MODE_INFERENCE = 'DROPNET_TRAIN_MODE_INFERENCE';

const warned = new WeakSet<Module>();
const allowed = new WeakSet<Module>();

export function isTrainModeInferenceAllowed(module: Module): boolean {
  return allowed.has(module);
}

export function setTrainModeInferenceAllowed(module: Module, allow: boolean): void {
  if (allow) allowed.add(module);
  else allowed.delete(module);
}

/** Layers whose output depends on `training` (dropout draws masks, batch norm uses batch statistics). */
export function isModeDependent(m: Module): boolean {
  return m.category === 'dropout' || m.category === 'batchnorm' || m.dropoutRate !== undefined;
}

function checkTrainModeInference(root: Module): void {
  if (isGradEnabled() || warned.has(root) || allowed.has(root)) return;
  const modules = root.namedModules();
  const culprits = modules.filter(([, m]) => m.training && isModeDependent(m));
  if (culprits.length === 0) return;
  // Once per model: its submodules, called on their own later, stay quiet too.
  for (const [, m] of modules) warned.add(m);
  const list = culprits.map(([name, m]) => (name === '' ? m.layerName : `${name}: ${m.layerName}`)).join(', ');
  process.emitWarning(
    `${root.layerName} runs in training mode inside noGrad(), so its dropout and batch-norm layers (${list}) ` +
      'still behave as in training: dropout drops units at random and batch norm uses the statistics of the batch. ' +
      'For inference call model.eval() first, or use model.predict(x). ' +
      'If this is intended (Monte Carlo dropout, say), call model.allowTrainModeInference() to silence this warning.',
    { code: TRAIN_MODE_INFERENCE },
  );
}

// -- shape tracing for summary() ------------------------------------------------------------

let trace: Map<Module, Shape> | null = null;

/** Output shapes of every module call made while fn runs, in the order the calls finished. */
export function traceShapes(fn: () => void): Map<Module, Shape> {
  const before = trace;
  const shapes = new Map<Module, Shape>();
  trace = shapes;
  try {
    fn();
  } finally {
    trace = before;
  }
  return shapes;
}

export function recordOutput(module: Module, output: unknown): void {
  if (trace !== null && output instanceof Tensor && !trace.has(module)) trace.set(module, output.shape);
}
