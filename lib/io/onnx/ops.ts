/**
 * How each traced op becomes ONNX nodes, by the op's tape name. Ops PyTorch and ONNX share map
 * one to one (relu -> Relu, conv2d -> Conv); the rest are short compositions (gelu through Erf,
 * softplus with beta, linear with its fused activation). Each mapping states the attributes the
 * op recorded (lib/ops/*: the `attrs` of `record`) and fails, naming op and layer, on settings
 * ONNX cannot express. The dropout family never reaches this table in eval mode: its ops return
 * their input unchanged, so an exported dropout layer is the identity. Layer norm and embedding
 * are in sequence.ts, the recurrent layers in recurrent.ts.
 */
import { LINEAR_ACTIVATIONS } from '../../ops/matmul.js';
import { SELU_ALPHA, SELU_SCALE } from '../../ops/pointwise.js';
import { Tensor } from '../../tensor.js';
import type { LowerContext, Lowering } from './lower.js';
import { attr } from './model.js';
import { RECURRENT_LOWERINGS } from './recurrent.js';
import { SEQUENCE_LOWERINGS } from './sequence.js';

function num(c: LowerContext, key: string): number {
  const v = c.rec.attrs[key];
  if (typeof v !== 'number') return c.fail(`it did not record its ${key}`);
  return v;
}

const unary =
  (opType: string): Lowering =>
  (c) =>
    c.node(opType, [c.value(0)]);
const binary =
  (opType: string): Lowering =>
  (c) =>
    c.node(opType, [c.value(0), c.value(1)]);

function gelu(c: LowerContext, x: string): string {
  // x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), dropnet's exact form (Gelu itself is opset 20 only).
  const erf = c.node('Erf', [c.node('Mul', [x, c.floatConst([Math.SQRT1_2], [])])]);
  return c.node('Mul', [c.node('Mul', [x, c.floatConst([0.5], [])]), c.node('Add', [erf, c.floatConst([1], [])])]);
}

function softplus(c: LowerContext, x: string, beta: number, threshold: number): string {
  if (beta === 1 && threshold >= 20) {
    // Above 20, log(1 + e^x) and x are the same float32 number: the threshold changes nothing.
    return c.node('Softplus', [x]);
  }
  const bx = c.node('Mul', [x, c.floatConst([beta], [])]);
  const smooth = c.node('Div', [c.node('Softplus', [bx]), c.floatConst([beta], [])]);
  return c.node('Where', [c.node('Greater', [bx, c.floatConst([threshold], [])]), x, smooth]);
}

/** The activations linear can fuse, with PyTorch's default constants (lib/ops/matmul.ts). */
function activation(c: LowerContext, name: unknown, x: string): string {
  switch (name) {
    case null:
    case undefined:
      return x;
    case 'relu':
      return c.node('Relu', [x]);
    case 'leakyRelu':
      return c.node('LeakyRelu', [x], { alpha: attr.float(0.01) });
    case 'sigmoid':
      return c.node('Sigmoid', [x]);
    case 'tanh':
      return c.node('Tanh', [x]);
    case 'gelu':
      return gelu(c, x);
    case 'elu':
      return c.node('Elu', [x], { alpha: attr.float(1) });
    case 'selu':
      return c.node('Selu', [x], { alpha: attr.float(SELU_ALPHA), gamma: attr.float(SELU_SCALE) });
    case 'softplus':
      return softplus(c, x, 1, 20);
    default:
      return c.fail(`its fused activation ${String(name)} has no ONNX mapping`);
  }
}

const linear: Lowering = (c) => {
  const x = c.value(0);
  const w = c.value(1);
  let y: string;
  if (c.shape(0).length === 2) {
    y = c.node('Gemm', c.has(2) ? [x, w, c.value(2)] : [x, w], { transB: attr.int(1) });
  } else {
    // Gemm takes matrices only; (..., in) inputs go through MatMul with the weight transposed.
    y = c.node('MatMul', [x, c.node('Transpose', [w], { perm: attr.ints([1, 0]) })]);
    if (c.has(2)) y = c.node('Add', [y, c.value(2)]);
  }
  return activation(c, c.rec.attrs.activation, y);
};

function expectRank4(c: LowerContext): void {
  if (c.shape(0).length !== 4)
    c.fail(`ONNX expects a batched (N, C, H, W) input but it received [${c.shape(0).join(', ')}]`);
}

const conv2d: Lowering = (c) => {
  expectRank4(c);
  const [, , kh, kw] = c.shape(1) as [number, number, number, number];
  const inputs = c.has(2) ? [c.value(0), c.value(1), c.value(2)] : [c.value(0), c.value(1)];
  return c.node('Conv', inputs, {
    kernel_shape: attr.ints([kh, kw]),
    strides: attr.ints([num(c, 'sh'), num(c, 'sw')]),
    // ONNX pads are [top, left, bottom, right]: all begins, then all ends.
    pads: attr.ints([num(c, 'pt'), num(c, 'pl'), num(c, 'pb'), num(c, 'pr')]),
    dilations: attr.ints([num(c, 'dh'), num(c, 'dw')]),
    group: attr.int(num(c, 'groups')),
  });
};

function poolAttributes(c: LowerContext): Record<string, ReturnType<typeof attr.int>> {
  const ph = num(c, 'ph');
  const pw = num(c, 'pw');
  return {
    kernel_shape: attr.ints([num(c, 'kh'), num(c, 'kw')]),
    strides: attr.ints([num(c, 'sh'), num(c, 'sw')]),
    pads: attr.ints([ph, pw, ph, pw]),
    ceil_mode: attr.int(c.rec.attrs.ceilMode === true ? 1 : 0),
  };
}

const maxPool2d: Lowering = (c) => {
  expectRank4(c);
  return c.node('MaxPool', [c.value(0)], { ...poolAttributes(c), dilations: attr.ints([num(c, 'dh'), num(c, 'dw')]) });
};

const avgPool2d: Lowering = (c) => {
  expectRank4(c);
  if (num(c, 'divisorOverride') !== 0) c.fail('ONNX AveragePool has no divisor override');
  return c.node('AveragePool', [c.value(0)], {
    ...poolAttributes(c),
    count_include_pad: attr.int(c.rec.attrs.countIncludePad === false ? 0 : 1),
  });
};

const adaptiveAvgPool2d: Lowering = (c) => {
  expectRank4(c);
  const [h, w, oh, ow] = [num(c, 'h'), num(c, 'w'), num(c, 'oh'), num(c, 'ow')];
  if (oh === 1 && ow === 1) return c.node('GlobalAveragePool', [c.value(0)]);
  // Equal windows that tile the input are an ordinary average pool; uneven ones have no ONNX op.
  if (h % oh !== 0 || w % ow !== 0)
    c.fail(
      `an output of ${oh}x${ow} does not divide the input's ${h}x${w} evenly, which only an output of 1x1 or of divisors exports`,
    );
  const k = [h / oh, w / ow];
  return c.node('AveragePool', [c.value(0)], { kernel_shape: attr.ints(k), strides: attr.ints(k) });
};

const batchNorm: Lowering = (c) => {
  if (c.rec.attrs.useBatch !== false)
    c.fail(
      'it normalized with batch statistics (training mode, or no running statistics), which an inference graph cannot',
    );
  const channels = c.shape(0)[1]!;
  const scale = c.has(1) ? c.value(1) : c.floatConst(new Array<number>(channels).fill(1), [channels]);
  const bias = c.has(2) ? c.value(2) : c.floatConst(new Array<number>(channels).fill(0), [channels]);
  return c.node(
    'BatchNormalization',
    [c.value(0), scale, bias, c.tensorValue('runningMean'), c.tensorValue('runningVar')],
    {
      epsilon: attr.float(num(c, 'eps')),
    },
  );
};

const reshape: Lowering = (c) => {
  // The batch-dependent dimension (it differs between the two traces) becomes -1.
  const a = c.rec.out.shape;
  const b = c.other.out.shape;
  const varying = a.map((d, i) => d !== b[i]);
  if (varying.filter(Boolean).length > 1)
    c.fail(`more than one dimension of its result [${a.join(', ')}] depends on the batch size`);
  return c.node('Reshape', [
    c.value(0),
    c.int64Const(
      a.map((d, i) => (varying[i] ? -1 : d)),
      [a.length],
    ),
  ]);
};

const transpose: Lowering = (c) => {
  const perm = c.shape(0).map((_, i) => i);
  const [d0, d1] = [num(c, 'dim0'), num(c, 'dim1')];
  [perm[d0], perm[d1]] = [perm[d1]!, perm[d0]!];
  return c.node('Transpose', [c.value(0)], { perm: attr.ints(perm) });
};

/**
 * The positions a gather index picks along `dim` when they are the same at every position of
 * the other dimensions and the index spans x there (a reversal or a slice along one axis, as
 * the Keras recurrent layers' goBackwards); else null.
 */
function axisPositions(x: Tensor, value: unknown, dim: number): number[] | null {
  if (!(value instanceof Tensor)) return null;
  const index: Tensor = value;
  if (index.rank !== x.rank) return null;
  if (index.shape.some((s, i) => i !== dim && s !== x.shape[i])) return null;
  const length = index.shape[dim]!;
  const inner = index.shape.slice(dim + 1).reduce((p, s) => p * s, 1);
  const positions = Array.from({ length }, (_, k) => index.data[k * inner]!);
  for (let p = 0; p < index.size; p++) if (index.data[p] !== positions[Math.floor(p / inner) % length]) return null;
  return positions;
}

const gather: Lowering = (c) => {
  const dim = num(c, 'dim');
  const [x, xOther] = [c.rec.inputs[0], c.other.inputs[0]];
  if (!(x instanceof Tensor) || !(xOther instanceof Tensor)) return c.fail('its input is not a tensor');
  const a = axisPositions(x, c.rec.attrs.index, dim);
  const b = axisPositions(xOther, c.other.attrs.index, dim);
  if (a === null || b === null || a.length !== b.length || a.some((v, i) => v !== b[i]))
    return c.fail(
      `its index does not pick the same positions along dim ${dim} at every other position for every batch size ` +
        '(only a reversal, slice or permutation of one axis exports, as ONNX Gather)',
    );
  return c.node('Gather', [c.value(0), c.int64Const(a, [a.length])], { axis: attr.int(dim) });
};

const reduce =
  (opType: 'ReduceSum' | 'ReduceMean'): Lowering =>
  (c) => {
    const dims = c.rec.attrs.dims;
    if (!Array.isArray(dims)) return c.fail('it did not record its dims');
    const keepdims = attr.int(c.rec.attrs.keepdim === true ? 1 : 0);
    // ReduceSum takes its axes as an input from opset 13, ReduceMean from opset 18.
    if (opType === 'ReduceSum' || c.opset >= 18)
      return c.node(opType, [c.value(0), c.int64Const(dims as number[], [dims.length])], { keepdims });
    return c.node(opType, [c.value(0)], { axes: attr.ints(dims as number[]), keepdims });
  };

/** max / min along one dim (values) and argmax / argmin (indices, cast to dropnet's float32). */
const extreme =
  (opType: 'ReduceMax' | 'ReduceMin' | 'ArgMax' | 'ArgMin'): Lowering =>
  (c) => {
    const dim = num(c, 'dim');
    const keepdims = attr.int(c.rec.attrs.keepdim === true ? 1 : 0);
    if (opType === 'ArgMax' || opType === 'ArgMin')
      return c.node('Cast', [c.node(opType, [c.value(0)], { axis: attr.int(dim), keepdims })], { to: attr.int(1) });
    // ReduceMax and ReduceMin take their axes as an input from opset 18.
    if (c.opset >= 18) return c.node(opType, [c.value(0), c.int64Const([dim], [1])], { keepdims });
    return c.node(opType, [c.value(0)], { axes: attr.ints([dim]), keepdims });
  };

const clamp: Lowering = (c) => {
  const [lo, hi] = [num(c, 'min'), num(c, 'max')];
  return c.node('Clip', [
    c.value(0),
    lo === -Infinity ? '' : c.floatConst([lo], []),
    hi === Infinity ? '' : c.floatConst([hi], []),
  ]);
};

export const LOWERINGS: Readonly<Record<string, Lowering>> = {
  linear,
  ...Object.fromEntries(LINEAR_ACTIVATIONS.map((a) => [`linear+${a}`, linear])),
  matmul: binary('MatMul'),
  conv2d,
  maxPool2d,
  avgPool2d,
  adaptiveAvgPool2d,
  batchNorm,
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  exp: unary('Exp'),
  log: unary('Log'),
  neg: unary('Neg'),
  leakyRelu: (c) => c.node('LeakyRelu', [c.value(0)], { alpha: attr.float(num(c, 'negativeSlope')) }),
  elu: (c) => c.node('Elu', [c.value(0)], { alpha: attr.float(num(c, 'alpha')) }),
  selu: (c) => activation(c, 'selu', c.value(0)),
  gelu: (c) => gelu(c, c.value(0)),
  softplus: (c) => softplus(c, c.value(0), num(c, 'beta'), num(c, 'threshold')),
  clamp,
  softmax: (c) => c.node('Softmax', [c.value(0)], { axis: attr.int(num(c, 'dim')) }),
  logSoftmax: (c) => c.node('LogSoftmax', [c.value(0)], { axis: attr.int(num(c, 'dim')) }),
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  pow: (c) => c.node('Pow', [c.value(0), c.floatConst([num(c, 'exponent')], [])]),
  reshape,
  gather,
  max: extreme('ReduceMax'),
  min: extreme('ReduceMin'),
  argmax: extreme('ArgMax'),
  argmin: extreme('ArgMin'),
  clone: unary('Identity'),
  transpose,
  concat: (c) =>
    c.node(
      'Concat',
      c.rec.inputs.map((_, i) => c.value(i)),
      { axis: attr.int(num(c, 'dim')) },
    ),
  sum: reduce('ReduceSum'),
  mean: reduce('ReduceMean'),
  ...SEQUENCE_LOWERINGS,
  ...RECURRENT_LOWERINGS,
};
