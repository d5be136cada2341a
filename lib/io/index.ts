/**
 * File formats: safetensors (PyTorch-compatible weights), ONNX export (a model's eval-mode
 * forward, for ONNX Runtime) and atomic file writes. The public `io` namespace adds the dataset
 * readers and checkpoints to these (lib/io-api.ts).
 */
export { STALE_MS, sweepTempFilesSync, writeFileAtomic, writeFileAtomicSync, type AtomicData } from './atomic.js';
export { decodeSafetensors, type LoadOptions, type SafetensorsContents } from './safetensors/decode.js';
export { type SafetensorsDtype } from './safetensors/dtypes.js';
export { encodeSafetensors, type NamedTensors, type TensorData } from './safetensors/encode.js';
export { SafetensorsError, type SafetensorsErrorCode } from './safetensors/error.js';
export { loadSafetensors, loadSafetensorsSync, saveSafetensors, saveSafetensorsSync } from './safetensors/file.js';
export { exportOnnx, onnxModel, toOnnx, type OnnxExportOptions } from './onnx/export.js';
export { OnnxExportError } from './onnx/error.js';
export type { OnnxAttribute, OnnxGraph, OnnxInitializer, OnnxModel, OnnxNode, OnnxValueInfo } from './onnx/model.js';
