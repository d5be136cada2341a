/** Modules and layers (`nn.*`). */
export { Activation, ELU, GELU, LeakyReLU, ReLU, SELU, Sigmoid, Softplus, Tanh } from './activation.js';
export { Flatten } from './flatten.js';
export { Identity } from './identity.js';
export { TRAIN_MODE_INFERENCE } from './invoke.js';
export { Linear, type LinearOptions } from './linear.js';
export { Module, type ModuleCategory, type RegisterBufferOptions, type ZeroGradOptions } from './module.js';
export { Parameter, type ParameterOptions } from './parameter.js';
export { Sequential } from './sequential.js';
export type {
  ChainInputCheck,
  CheckChain,
  Fold,
  LastDimCheck,
  LastDimMap,
  ReplaceLast,
  ShapeMap,
} from './shape-types.js';
export { LogSoftmax, Softmax } from './softmax.js';
export type { LoadStateDictOptions, LoadStateDictResult } from './state-dict.js';
export { summarize, type Summary, type SummaryOptions, type SummaryRow } from './summary.js';
export { Conv1d, Conv2d, type Conv1dOptions, type Conv2dOptions } from './conv.js';
export {
  AdaptiveAvgPool2d,
  AvgPool2d,
  MaxPool2d,
  type AvgPool2dLayerOptions,
  type MaxPool2dLayerOptions,
} from './pool.js';
export { AdaptiveAvgPool1d, AvgPool1d, MaxPool1d, type Pool1dLayerOptions } from './pool1d.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, type BatchNormOptions } from './batchnorm.js';
export * from './dropout/index.js';
export {
  addPenalty,
  type RegularizationOptions,
  type RegularizationParts,
  type RegularizationTerm,
} from './regularization.js';
export {
  DROPOUT_ONE_LAYER,
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  RNN,
  RNNBase,
  RNNCell,
  RNNCellBase,
  type ElmanCellOptions,
  type GRUOptions,
  type LSTMOptions,
  type RecurrentOptions,
  type RNNCellOptions,
  type RNNOptions,
  type ZoneoutRates,
} from './recurrent/index.js';
export { Embedding, type EmbeddingLayerOptions } from './embedding.js';
export { LayerNorm, type LayerNormLayerOptions } from './layernorm.js';
