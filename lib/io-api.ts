/**
 * The public `io` namespace: reading and writing. The file formats of io/ (safetensors, ONNX
 * export, atomic writes), the dataset readers of data/ (IDX/MNIST files and the bundled UCI
 * digits) and the training checkpoints of train/, under the names they have always had here.
 */
export * from './io/index.js';
export { DIGITS_PATH, loadDigits, loadDigitsSync, parseDigitsCsv, type Digits } from './data/digits.js';
export {
  decodeIdx,
  IdxError,
  readIdx,
  readIdxSync,
  type IdxArray,
  type IdxData,
  type IdxDtype,
  type IdxErrorCode,
  type IdxOptions,
} from './data/idx.js';
export { loadMnist, mnistFromIdx, type ImageDataset, type MnistOptions } from './data/mnist.js';
export * as checkpoint from './train/checkpoint.js';
export {
  generatorState,
  restoreGenerator,
  type CheckpointContents,
  type GeneratorState,
  type Restored,
} from './train/checkpoint.js';
