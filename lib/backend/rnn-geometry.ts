/**
 * The geometry of one recurrent layer in one direction (PyTorch's equations; see
 * native/kernels/rnn/rnn.h for the formulas and the workspace layout): the checks the native
 * binding applies, with the same messages, and the sizes of every array the kernels take.
 *
 *   x (steps, batch, inputSize)                 y (steps, batch, out), out = projSize || hiddenSize
 *   wIh (gates * hiddenSize, inputSize)         wHh (gates * hiddenSize, out)
 *   bIh, bHh (gates * hiddenSize) or null       wHr (projSize, hiddenSize) or null (LSTM only)
 *   h0, hN (batch, out)                         c0, cN (batch, hiddenSize) (LSTM only)
 *   inputMask (batch, inputMasks, inputSize)    recurrentMask (batch, recurrentMasks, out)
 *   zoneoutH (steps, batch, out)                zoneoutC (steps, batch, hiddenSize) (LSTM only)
 *   workspace (steps, batch, workspaceWidth)    what backward needs of the forward pass
 *
 * gates is 1 (rnn_tanh, rnn_relu), 4 (lstm: i, f, g, o) or 3 (gru: r, z, n). A mask count is 0
 * (no mask), 1 (one mask shared by every gate) or `gates` (one per gate, in gate order).
 */
import { argRangeError, argTypeError, describe } from '../errors.js';
import { checkedMul } from './check.js';

export const RNN_CELLS = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const;
export type RnnCell = (typeof RNN_CELLS)[number];

export interface RnnGeometry {
  cell: RnnCell;
  steps: number;
  batch: number;
  inputSize: number;
  hiddenSize: number;
  /** 0, or the size LSTM outputs are projected to (in [1, hiddenSize)). */
  projSize: number;
  /** 0, 1 or gates: how many input masks per sample. */
  inputMasks: number;
  /** 0, 1 or gates: how many recurrent-state masks per sample. */
  recurrentMasks: number;
  /** Process the sequence from the last step to the first (a bidirectional layer's backward half). */
  reverse: boolean;
}

export interface ResolvedRnn extends RnnGeometry {
  gates: number;
  /** The size of h: projSize or hiddenSize. */
  out: number;
  /** Floats of workspace per step and sample. */
  width: number;
}

const MAX_DIM = 2147483647;

function prop(o: Record<string, unknown>, key: string, lo: number, hi = MAX_DIM): number {
  const v = o[key];
  const expected = `integer in [${lo}, ${hi}]`;
  if (typeof v !== 'number') throw argTypeError(`geometry.${key}`, expected, v);
  if (!(v >= lo && v <= hi) || !Number.isInteger(v)) throw argRangeError(`geometry.${key}`, expected, v);
  return v;
}

/** Gates per cell: 1, 4 or 3. */
export function rnnGates(cell: RnnCell): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

/** Workspace floats per step and sample: LSTM i, f, g, o, c~, c; GRU r, z, n, W_hn h + b_hn; RNN h~. */
export function rnnWorkspaceWidth(cell: RnnCell, hiddenSize: number): number {
  return (cell === 'lstm' ? 6 : cell === 'gru' ? 4 : 1) * hiddenSize;
}

export function resolveRnn(geometry: RnnGeometry): ResolvedRnn {
  if (typeof geometry !== 'object' || geometry === null || Array.isArray(geometry) || ArrayBuffer.isView(geometry)) {
    throw new TypeError(`Expected geometry object for geometry but received ${describe(geometry)}`);
  }
  const o = geometry as unknown as Record<string, unknown>;
  const cell = o.cell;
  if (typeof cell !== 'string') throw argTypeError('geometry.cell', `one of ${RNN_CELLS.join(', ')}`, cell);
  if (!(RNN_CELLS as readonly string[]).includes(cell))
    throw argRangeError('geometry.cell', `one of ${RNN_CELLS.join(', ')}`, cell);
  const c = cell as RnnCell;
  const gates = rnnGates(c);
  const steps = prop(o, 'steps', 1);
  const batch = prop(o, 'batch', 1);
  const inputSize = prop(o, 'inputSize', 1);
  const hiddenSize = prop(o, 'hiddenSize', 1);
  const projSize = prop(o, 'projSize', 0, c === 'lstm' ? hiddenSize - 1 : 0);
  const inputMasks = prop(o, 'inputMasks', 0, gates);
  const recurrentMasks = prop(o, 'recurrentMasks', 0, gates);
  for (const [key, v] of [
    ['inputMasks', inputMasks],
    ['recurrentMasks', recurrentMasks],
  ] as const) {
    if (v > 1 && v !== gates) throw argRangeError(`geometry.${key}`, `0, 1 or ${gates}`, v);
  }
  const reverse = o.reverse;
  if (typeof reverse !== 'boolean') throw argTypeError('geometry.reverse', 'boolean', reverse);
  const out = projSize > 0 ? projSize : hiddenSize;
  const width = rnnWorkspaceWidth(c, hiddenSize);
  // Every array size must be a safe integer: the largest ones.
  checkedMul(checkedMul(steps, batch, 'x'), inputSize, 'x');
  checkedMul(checkedMul(steps, batch, 'workspace'), width, 'workspace');
  checkedMul(checkedMul(steps, batch, 'y'), Math.max(out, hiddenSize), 'y');
  checkedMul(gates * hiddenSize, Math.max(inputSize, out), 'wIh');
  return {
    cell: c,
    steps,
    batch,
    inputSize,
    hiddenSize,
    projSize,
    inputMasks,
    recurrentMasks,
    reverse,
    gates,
    out,
    width,
  };
}
