/**
 * The error the ONNX exporter throws for a model it cannot express: an op with no ONNX
 * counterpart, a layer computed outside the traced ops, a shape that depends on the batch in a
 * way ONNX cannot state. The message names the op and the layer; `op` and `layer` (the layer's
 * path in the model, '' for the model itself) carry them for programs.
 */
export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
  readonly op: string | null;
  readonly layer: string | null;

  constructor(message: string, where: { op?: string; layer?: string } = {}) {
    super(message);
    this.op = where.op ?? null;
    this.layer = where.layer ?? null;
  }
}
