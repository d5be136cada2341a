/**
 * dropnet/tfjs: TensorFlow.js Layers programs on dropnet with only the import changed
 * (`import * as tf from 'dropnet/tfjs'`). tfjs's names with tfjs's semantics over dropnet's
 * tensors, layers and training loop; the main API ('dropnet') is PyTorch's and is unchanged.
 * What is covered and every known difference: docs/tfjs.md.
 */
import './methods.js';

export {
  Tensor,
  tensor,
  tensor1d,
  tensor2d,
  tensor3d,
  tensor4d,
  scalar,
  fromDropnet,
  buffer,
  TensorBuffer,
  type DataType,
  type Rank,
  type Scalar,
  type Tensor1D,
  type Tensor2D,
  type Tensor3D,
  type Tensor4D,
  type TensorLike,
  type TypedArray,
} from './tensor.js';
export {
  abs,
  add,
  argMax,
  argMin,
  cast,
  ceil,
  clipByValue,
  concat,
  div,
  divNoNan,
  elu,
  equal,
  exp,
  expandDims,
  fill,
  floor,
  floorDiv,
  gather,
  greater,
  greaterEqual,
  leakyRelu,
  less,
  lessEqual,
  linspace,
  log,
  log1p,
  logSoftmax,
  logSumExp,
  matMul,
  max,
  maximum,
  mean,
  min,
  moments,
  minimum,
  mul,
  multinomial,
  neg,
  notEqual,
  oneHot,
  ones,
  onesLike,
  pow,
  randomNormal,
  randomUniform,
  range,
  reciprocal,
  relu,
  reshape,
  round,
  rsqrt,
  selu,
  sigmoid,
  sign,
  slice,
  softmax,
  softplus,
  sqrt,
  square,
  squaredDifference,
  squeeze,
  stack,
  sub,
  sum,
  tanh,
  tile,
  transpose,
  truncatedNormal,
  unstack,
  where,
  zeros,
  zerosLike,
} from './ops.js';
export {
  backend,
  dispose,
  enableDebugMode,
  enableProdMode,
  engine,
  getBackend,
  keep,
  memory,
  nextFrame,
  ready,
  setBackend,
  tidy,
  time,
  util,
  type MemoryInfo,
} from './engine.js';
export { Layer, regularizers } from './layers.js';
export { LayerVariable } from './layer-variables.js';
export { layers, input, model, SymbolicTensor } from './functional.js';
export { io, loadLayersModel, type IOHandler, type ModelArtifacts, type SaveResult, type WeightSpec } from './save.js';
export { CustomCallback, LayersModel, type ModelCompileArgs, type ModelFitArgs } from './model.js';
export { Sequential, sequential } from './sequential.js';
export { callbacks, losses, metrics, Optimizer, Reduction, train } from './train.js';
export { disposeVariables, variable, Variable } from './variables.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './gradients.js';
export { data } from './data-api.js';
export { serialization } from './custom-layer.js';
export { Dataset, type DataIterator } from './data.js';
export type { CSVConfig, ColumnConfig } from './data-csv.js';
export type { ModelFitDatasetArgs } from './data-fit.js';

/** Which version of tfjs's API this entry follows. */
export const version = {
  tfjs: '4.x (dropnet/tfjs)',
  'tfjs-core': '4.x (dropnet/tfjs)',
  'tfjs-layers': '4.x (dropnet/tfjs)',
};

export const toFloat = (x: import('./tensor.js').Tensor): import('./tensor.js').Tensor => x.toFloat();
export const toInt = (x: import('./tensor.js').Tensor): import('./tensor.js').Tensor => x.toInt();
