/**
 * dropnet: neural-network layers for Node.js over SIMD C++ kernels.
 */
export {
  backendInfo,
  getNumThreads,
  kernels,
  nativeAvailable,
  setNumThreads,
  ACTIVATIONS,
  type Activation,
  type Backend,
  type BackendInfo,
  type NativeBackend,
} from './backend/index.js';
export { memoryInfo, type MemoryInfo } from './backend/storage.js';
export { describe, invalidArg, ShapeError, StateDictError } from './errors.js';
export { DEFAULT_SEED, defaultGenerator, Generator, manualSeed } from './random.js';
export { shapeSize, type Shape } from './shape.js';
export {
  full,
  ones,
  rand,
  randn,
  Tensor,
  tensor,
  zeros,
  type BackwardOptions,
  type NestedArray,
  type RandomOptions,
  type TensorOptions,
} from './tensor.js';
export { enableGrad, isGradEnabled, noGrad, type Node } from './autograd/index.js';
export * as ops from './ops/index.js';
// The ops add the everyday methods to Tensor (x.add(y), x.argmax(1), x.mean() ...).
import './ops/methods.js';
export * as nn from './nn/index.js';
// The training loop adds fit, evaluate, stopTraining and history to every Module.
import './train/module-training.js';
export { Parameter } from './nn/parameter.js';
export * as optim from './train/optim/index.js';
export * as losses from './train/losses/index.js';
export * as metrics from './train/metrics.js';
export * as callbacks from './train/callbacks/index.js';
export { History, type HistoryRecord, type Logs } from './train/history.js';
export type { EvaluateOptions, FitOptions, FitTargets, OptimizerName } from './train/fit-options.js';
export { stdoutPrinter, type Printer } from './train/progress.js';
export type { PredictOptions } from './nn/predict.js';
export * as io from './io-api.js';
export * as data from './data/index.js';
export * as report from './report/index.js';
export * as keras from './keras/index.js';
export { layers, loadModel, regularizers, sequential, l2, SequentialModel } from './keras/index.js';
export { klWarmup, type KlSchedule, type KlWarmupOptions } from './train/regularization.js';
