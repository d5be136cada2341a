/**
 * Tensor<S>: a dense float32 array with a shape. Tensors are ordinary garbage-collected objects
 * over a Float32Array: there is no dispose() and no tidy().
 *
 * The shape parameter S is a readonly tuple type: `Tensor<readonly [number, 784]>` is a batch of
 * 784-feature rows. Factories infer literal shapes: `zeros([2, 3])` is a `Tensor<readonly [2, 3]>`.
 *
 * Autograd follows PyTorch: a tensor created with `requiresGrad: true` is a leaf; an operation
 * on tensors that require grad records a node on the tape (`gradFn`) and its result requires
 * grad too; `loss.backward()` adds d(loss)/d(leaf) into every such leaf's `grad`.
 *
 * This file is the tensor layer's one import path: the class lives in tensor/tensor.ts, the
 * factories in tensor/create.ts, the reading of nested arrays in tensor/nested.ts.
 */
export { type BackwardOptions, expectLiveStorage, setGradFn, Tensor, type TensorOptions } from './tensor/tensor.js';
export { full, ones, rand, randn, type RandomOptions, tensor, zeros } from './tensor/create.js';
export type { NestedArray } from './tensor/nested.js';
