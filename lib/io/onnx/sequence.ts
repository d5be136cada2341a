/**
 * The ops of sequence models besides the recurrent ones (recurrent.ts):
 *
 *   layerNorm   LayerNormalization (axis = rank - k, epsilon) from opset 17, where ONNX added it;
 *               below 17 its definition in ReduceMean, Sub, Mul, Add, Sqrt and Div (the biased
 *               variance, as PyTorch's). No weight gives a Scale of ones.
 *   embedding   Gather(weight, Cast(ids, int64)) on axis 0: dropnet carries ids as float32
 *               values, and so does the graph's input. With maxNorm, each looked-up row whose
 *               normType-norm exceeds maxNorm is scaled by maxNorm / (norm + 1e-7), which is what
 *               dropnet returns (it also writes the scaled rows back into the weight, which a
 *               graph cannot; the weight the file holds is the one after the export's traces).
 * EmbeddingDropout in eval is the plain lookup, so it reaches here as `embedding`.
 */
import type { LowerContext, Lowering } from './lower.js';
import { attr } from './model.js';

const INT64 = 7;

/** A reduction over `axes` keeping them: axes an input (ReduceSum from opset 13, the others from 18) or an attribute. */
function reduceKeep(c: LowerContext, opType: string, x: string, axes: readonly number[]): string {
  if (opType === 'ReduceSum' || c.opset >= 18)
    return c.node(opType, [x, c.int64Const(axes, [axes.length])], { keepdims: attr.int(1) });
  return c.node(opType, [x], { axes: attr.ints(axes), keepdims: attr.int(1) });
}

const layerNorm: Lowering = (c) => {
  const shape = c.rec.attrs.normalizedShape;
  const eps = c.rec.attrs.eps;
  if (!Array.isArray(shape) || typeof eps !== 'number') return c.fail('it did not record its normalizedShape and eps');
  const rank = c.shape(0).length;
  const k = shape.length;
  const size = (shape as number[]).reduce((p, d) => p * d, 1);
  const x = c.value(0);
  if (c.opset >= 17) {
    const scale = c.has(1) ? c.value(1) : c.floatConst(new Array<number>(size).fill(1), shape as number[]);
    return c.node('LayerNormalization', c.has(2) ? [x, scale, c.value(2)] : [x, scale], {
      axis: attr.int(rank - k),
      epsilon: attr.float(eps),
    });
  }
  const axes = Array.from({ length: k }, (_, i) => rank - k + i);
  const centred = c.node('Sub', [x, reduceKeep(c, 'ReduceMean', x, axes)]);
  const variance = reduceKeep(c, 'ReduceMean', c.node('Mul', [centred, centred]), axes);
  let y = c.node('Div', [centred, c.node('Sqrt', [c.node('Add', [variance, c.floatConst([eps], [])])])]);
  if (c.has(1)) y = c.node('Mul', [y, c.value(1)]);
  if (c.has(2)) y = c.node('Add', [y, c.value(2)]);
  return y;
};

/** The normType-norm of each row of `rows` (*, D), kept as (*, 1). */
function rowNorms(c: LowerContext, rows: string, p: number): string {
  if (p === 2) return reduceKeep(c, 'ReduceL2', rows, [-1]);
  if (p === 1) return reduceKeep(c, 'ReduceL1', rows, [-1]);
  const abs = c.node('Abs', [rows]);
  if (p === Infinity) return reduceKeep(c, 'ReduceMax', abs, [-1]);
  const sum = reduceKeep(c, 'ReduceSum', c.node('Pow', [abs, c.floatConst([p], [])]), [-1]);
  return c.node('Pow', [sum, c.floatConst([1 / p], [])]);
}

const embedding: Lowering = (c) => {
  const ids = c.node('Cast', [c.tensorValue('indices')], { to: attr.int(INT64) });
  const rows = c.node('Gather', [c.value(1), ids], { axis: attr.int(0) });
  const maxNorm = c.rec.attrs.maxNorm;
  if (maxNorm === null || maxNorm === undefined) return rows;
  const p = c.rec.attrs.normType;
  if (typeof maxNorm !== 'number' || typeof p !== 'number') return c.fail('it did not record its maxNorm and normType');
  const norm = rowNorms(c, rows, p);
  const limit = c.floatConst([maxNorm], []);
  const scale = c.node('Div', [limit, c.node('Add', [norm, c.floatConst([1e-7], [])])]);
  const factor = c.node('Where', [c.node('Greater', [norm, limit]), scale, c.floatConst([1], [])]);
  return c.node('Mul', [rows, factor]);
};

export const SEQUENCE_LOWERINGS: Readonly<Record<string, Lowering>> = { layerNorm, embedding };
