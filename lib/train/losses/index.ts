/**
 * Loss functions (`losses.*`), PyTorch's names, signatures and reductions, each matching
 * PyTorch's forward and gradient; Keras's classification losses for ported code; and
 * resolveLoss() to pick one by name.
 */
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  type BinaryCrossEntropyOptions,
  type BinaryCrossEntropyWithLogitsOptions,
} from './binary.js';
export type { ClassIndices, Reduction, Target } from './common.js';
export { crossEntropy, nllLoss, type CrossEntropyOptions, type NllLossOptions } from './cross-entropy.js';
export {
  binaryCrossentropy,
  categoricalCrossentropy,
  KERAS_EPSILON,
  sparseCategoricalCrossentropy,
  type KerasLossOptions,
} from './keras.js';
export { klDiv, type KlDivOptions, type KlDivReduction } from './kl-div.js';
export {
  huberLoss,
  l1Loss,
  mseLoss,
  smoothL1Loss,
  type HuberOptions,
  type RegressionOptions,
  type SmoothL1Options,
} from './regression.js';
export {
  LOSS_NAMES,
  resolveLoss,
  type Loss,
  type LossFunction,
  type LossName,
  type OutputKind,
  type ResolveLossOptions,
  type TargetKind,
} from './resolve.js';
