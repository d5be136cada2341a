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
export { describe, invalidArg, ShapeError } from './errors.js';
export { DEFAULT_SEED, defaultGenerator, Generator, manualSeed } from './random.js';
export { shapeSize, type Shape } from './shape.js';
export { full, ones, rand, randn, Tensor, tensor, zeros, type NestedArray, type RandomOptions } from './tensor.js';
