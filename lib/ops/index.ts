/**
 * Functional ops on Tensors (`ops.*`), each differentiable: it records its backward on the tape
 * when an input requires grad.
 */
export { add, div, mul, neg, pow, sub } from './arithmetic.js';
export { broadcastShapes } from './broadcast.js';
export { gather } from './indexing.js';
export { concat, flatten, reshape, transpose, view } from './layout.js';
export { linear, matmul, type LinearActivation, type LinearOptions, type MatmulOptions } from './matmul.js';
export { argmax, argmin, max, mean, min, sum, type Dims, type ValuesIndices } from './reduce.js';
export { logSoftmax, softmax } from './softmax.js';
export {
  clamp,
  elu,
  exp,
  gelu,
  leakyRelu,
  log,
  relu,
  selu,
  sigmoid,
  softplus,
  tanh,
  type SoftplusOptions,
} from './unary.js';
export { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions, type Pair } from './conv.js';
export {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  avgPool1d,
  avgPool2d,
  maxPool1d,
  maxPool2d,
  type AvgPool2dOptions,
  type MaxPool2dOptions,
  type Pool1dOptions,
} from './pool.js';
export { batchNorm, type BatchNormOptions } from './batchnorm.js';
export {
  dropout,
  dropout1d,
  dropout2d,
  dropout3d,
  spatialDropout1d,
  spatialDropout2d,
  spatialDropout3d,
  type ChannelDropoutOptions,
  type DataFormat,
  type DropoutOptions,
  type SpatialDropoutOptions,
  type StreamOptions,
} from './dropout.js';
export { ALPHA_PRIME, alphaDropout, featureAlphaDropout, type AlphaDropoutOptions } from './dropout.js';
export { gaussianDropout, gaussianNoise, type GaussianDropoutOptions, type GaussianNoiseOptions } from './dropout.js';
export { dropConnectLinear, type DropConnectOptions } from './dropout.js';
export {
  kingmaKl,
  lrtNoise,
  sparseVdKl,
  sparseVdLogAlpha,
  sparseVdSigma2,
  unitNoise,
  type LrtNoiseOptions,
  type UnitNoiseOptions,
} from './variational.js';
export { concreteDropout, concreteMask, type ConcreteDropoutOptions as ConcreteDropoutOpOptions } from './concrete.js';
export { embedding, embeddingDropout, type EmbeddingDropoutOptions, type EmbeddingOptions } from './embedding.js';
export { layerNorm, type LayerNormOptions } from './layernorm.js';
export { lockedDropout, type LockedDropoutOptions } from './dropout.js';
