/**
 * The Keras/tfjs-style facade (`layers`, `sequential`, `regularizers`) over dropnet's nn modules
 * and training loop: no layer is implemented twice, a Keras model is an nn.Sequential.
 */
export * as layers from './layers.js';
export * as regularizers from './regularizers.js';
export { l1, l1l2, l2, Regularizer } from './regularizers.js';
export { loadModel, sequential, SequentialModel, type KerasEvaluateArgs, type KerasFitArgs } from './model.js';
export type { CompileArgs, KerasOptimizerName } from './compile.js';
export type { ActivationName } from './activations.js';
export type { KerasInput, KerasTargets } from './data.js';
export { BatchNormalization2D, Conv2D, Dense, MaxPooling2D } from './modules.js';
