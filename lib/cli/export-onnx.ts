/**
 * `--export-onnx PATH`: the trained network as an ONNX file with a dynamic batch, ready for ONNX
 * Runtime (docs/scale.md). With several variants each gets its own file, PATH-<variant>.onnx.
 */
import { mkdirSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { exportOnnx } from '../io/onnx/export.js';
import type { Module } from '../nn/module.js';
import type { Variant } from './args.js';

/** The file for `variant`: PATH itself, or PATH-<variant>.onnx when several variants are trained. */
export function onnxPathFor(path: string, variant: Variant, several: boolean): string {
  if (!several) return resolve(path);
  const ext = extname(path);
  const stem = ext === '' ? path : path.slice(0, -ext.length);
  return resolve(`${stem}-${variant}${ext === '' ? '.onnx' : ext}`);
}

/** Writes the model (inputs features per sample) and returns the file's path. */
export async function exportTrained(
  model: Module,
  path: string,
  variant: Variant,
  several: boolean,
  inputs: number,
): Promise<string> {
  const file = onnxPathFor(path, variant, several);
  mkdirSync(dirname(file), { recursive: true });
  await exportOnnx(model, file, { inputShape: [-1, inputs] });
  return file;
}
