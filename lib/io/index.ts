/**
 * Reading and writing: safetensors (PyTorch-compatible weights), ONNX export (a model's
 * eval-mode forward, for ONNX Runtime), atomic file writes, and datasets (IDX/MNIST files and
 * the bundled UCI digits).
 */
export { STALE_MS, sweepTempFilesSync, writeFileAtomic, writeFileAtomicSync, type AtomicData } from './atomic.js';
export { decodeSafetensors, type LoadOptions, type SafetensorsContents } from './safetensors/decode.js';
export { type SafetensorsDtype } from './safetensors/dtypes.js';
export { encodeSafetensors, type NamedTensors, type TensorData } from './safetensors/encode.js';
export { SafetensorsError, type SafetensorsErrorCode } from './safetensors/error.js';
export { loadSafetensors, loadSafetensorsSync, saveSafetensors, saveSafetensorsSync } from './safetensors/file.js';
export { DIGITS_PATH, loadDigits, loadDigitsSync, parseDigitsCsv, type Digits } from './digits.js';
export { decodeIdx, IdxError, readIdx, readIdxSync, type IdxArray, type IdxData, type IdxDtype, type IdxErrorCode, type IdxOptions } from './idx.js';
export { loadMnist, mnistFromIdx, type ImageDataset, type MnistOptions } from './mnist.js';
export * as checkpoint from './checkpoint.js';
export { generatorState, restoreGenerator, type CheckpointContents, type GeneratorState, type Restored } from './checkpoint.js';
export { exportOnnx, onnxModel, toOnnx, type OnnxExportOptions } from './onnx/export.js';
export { OnnxExportError } from './onnx/error.js';
export type { OnnxAttribute, OnnxGraph, OnnxInitializer, OnnxModel, OnnxNode, OnnxValueInfo } from './onnx/model.js';
