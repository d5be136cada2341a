/**
 * The differentiable recurrent op: one layer in one direction over a whole sequence, on the
 * backend's rnnForward/rnnBackward kernels, plus the masks of the recurrent dropout family.
 *
 * `recurrentLayer` records ONE node for the whole sequence: the kernels write y, hN and cN into
 * one packed buffer, the node's backward runs backpropagation through time natively, and y, hN
 * and cN are separate tensors cut from it (each a recorded slice, so gradients reaching any of
 * them flow back into the one node).
 *
 * Masks (see docs/recurrent.md):
 *   variationalMask   one inverted-dropout mask per sample (and per gate), reused at every step
 *                     (Gal & Ghahramani): stream element offset + (b * count + q) * n + i
 *   zoneoutWeights    per step, sample and unit: 1 (keep the previous value) with probability z
 *                     in training, z itself in eval (the expectation); stream element
 *                     offset + (t * batch + b) * n + i
 *   dropWeight        DropConnect on a weight matrix: one mask per call, shared by the batch and
 *                     every step (AWD-LSTM's weight drop), the identity outside training
 * Nothing is drawn outside training, so eval calls leave the stream where it was.
 */
import { record } from '../autograd/record.js';
import { activeBackend } from '../backend/index.js';
import { dropoutScale } from '../backend/philox.js';
import { resolveRnn, type RnnCell } from '../backend/rnn-geometry.js';
import type { Generator } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { maskWords } from './dropout.js';

export type { RnnCell } from '../backend/rnn-geometry.js';

/** A set of per-sample masks: (batch, count, n) floats of 0 or 1/(1-p). */
export interface SampleMasks {
  data: Float32Array;
  /** 1 (shared by every gate) or the number of gates. */
  count: number;
}

export interface RecurrentLayerInputs {
  cell: RnnCell;
  /** Process the sequence from its last step to its first. */
  reverse: boolean;
  /** (T, B, I) */
  x: Tensor;
  /** (B, O) */
  h0: Tensor;
  /** (B, H), LSTM only. */
  c0: Tensor | null;
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  /** (P, H): the LSTM projection, or null. */
  wHr: Tensor | null;
  inputMask?: SampleMasks | null;
  recurrentMask?: SampleMasks | null;
  /** (T, B, O): weight of the previous h. */
  zoneoutH?: Float32Array | null;
  /** (T, B, H): weight of the previous c (LSTM). */
  zoneoutC?: Float32Array | null;
}

export interface RecurrentLayerOutputs {
  /** (T, B, O) */
  y: Tensor;
  /** (B, O) */
  hN: Tensor;
  /** (B, H), LSTM only. */
  cN: Tensor | null;
}

/** A slice of `packed` as a tensor of `shape` (a copy); its gradient lands in that slice. */
function part(packed: Tensor, offset: number, shape: Shape, which: 'y' | 'hN' | 'cN'): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const out = new Tensor(packed.data.slice(offset, offset + n), shape);
  return record(
    out,
    'rnnOutput',
    [packed],
    (g) => {
      const gp = new Float32Array(packed.size);
      gp.set(g, offset);
      return [gp];
    },
    { part: which },
  );
}

/** One recurrent layer, one direction: y, hN and cN, differentiable in every tensor input. */
export function recurrentLayer(inputs: RecurrentLayerInputs): RecurrentLayerOutputs {
  const { cell, reverse, x, h0, c0, wIh, wHh, bIh, bHh, wHr } = inputs;
  const inputMask = inputs.inputMask ?? null;
  const recurrentMask = inputs.recurrentMask ?? null;
  const zoneoutH = inputs.zoneoutH ?? null;
  const zoneoutC = inputs.zoneoutC ?? null;
  const [T, B, I] = x.shape as readonly [number, number, number];
  const H = wHh.shape[0]! / (cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1);
  const P = wHr === null ? 0 : wHr.shape[0]!;
  const geometry = resolveRnn({
    cell,
    steps: T,
    batch: B,
    inputSize: I,
    hiddenSize: H,
    projSize: P,
    inputMasks: inputMask?.count ?? 0,
    recurrentMasks: recurrentMask?.count ?? 0,
    reverse,
  });
  const O = geometry.out;
  const lstm = cell === 'lstm';
  const ny = T * B * O;
  const nh = B * O;
  const nc = lstm ? B * H : 0;
  const packed = new Float32Array(ny + nh + nc);
  const y = packed.subarray(0, ny);
  const hN = packed.subarray(ny, ny + nh);
  const cN = lstm ? packed.subarray(ny + nh) : null;
  const ws = new Float32Array(T * B * geometry.width);
  const backend = activeBackend();
  backend.rnnForward(
    y,
    hN,
    cN,
    ws,
    x.data,
    wIh.data,
    wHh.data,
    bIh?.data ?? null,
    bHh?.data ?? null,
    wHr?.data ?? null,
    h0.data,
    c0?.data ?? null,
    inputMask?.data ?? null,
    recurrentMask?.data ?? null,
    zoneoutH,
    zoneoutC,
    geometry,
  );
  const node = record(
    new Tensor(packed, [packed.length]),
    lstm ? 'lstm' : cell === 'gru' ? 'gru' : 'rnn',
    [x, h0, c0, wIh, wHh, bIh, bHh, wHr],
    (g, needs) => {
      const dx = new Float32Array(x.size);
      const dh0 = new Float32Array(h0.size);
      const dc0 = lstm ? new Float32Array(B * H) : null;
      const dwIh = new Float32Array(wIh.size);
      const dwHh = new Float32Array(wHh.size);
      const dbIh = bIh === null ? null : new Float32Array(bIh.size);
      const dbHh = bHh === null ? null : new Float32Array(bHh.size);
      const dwHr = wHr === null ? null : new Float32Array(wHr.size);
      backend.rnnBackward(
        dx,
        dh0,
        dc0,
        dwIh,
        dwHh,
        dbIh,
        dbHh,
        dwHr,
        g.subarray(0, ny),
        g.subarray(ny, ny + nh),
        lstm ? g.subarray(ny + nh) : null,
        x.data,
        wIh.data,
        wHh.data,
        wHr?.data ?? null,
        h0.data,
        c0?.data ?? null,
        y,
        ws,
        inputMask?.data ?? null,
        recurrentMask?.data ?? null,
        zoneoutH,
        zoneoutC,
        geometry,
      );
      const keep = <T>(i: number, v: T): T | null => (needs[i] ? v : null);
      return [
        keep(0, dx),
        keep(1, dh0),
        keep(2, dc0),
        keep(3, dwIh),
        keep(4, dwHh),
        keep(5, dbIh),
        keep(6, dbHh),
        keep(7, dwHr),
      ];
    },
    { cell, reverse, masked: inputMask !== null || recurrentMask !== null, zoneoutH, zoneoutC },
  );
  return {
    y: part(node, 0, [T, B, O], 'y'),
    hN: part(node, ny, [B, O], 'hN'),
    cN: lstm ? part(node, ny + nh, [B, H], 'cN') : null,
  };
}

/** Keep bits of `n` stream elements from `offset`, as floats: keep ? onValue : offValue. */
function drawKeep(p: number, n: number, generator: Generator, onValue: number, offValue: number): Float32Array {
  const out = new Float32Array(n);
  if (n === 0) return out;
  const bits = new Uint32Array(maskWords(n));
  activeBackend().dropoutMask(bits, p, generator.seed, generator.reserve(n), n);
  for (let i = 0; i < n; i++) out[i] = (bits[i >>> 5]! >>> (i & 31)) & 1 ? onValue : offValue;
  return out;
}

/**
 * Variational dropout masks for one call: `count` masks of `n` units per sample, 0 with
 * probability p and 1/(1-p) otherwise, (batch, count, n). p = 1 gives zeros.
 */
export function variationalMask(p: number, batch: number, count: number, n: number, generator: Generator): SampleMasks {
  return { data: drawKeep(p, batch * count * n, generator, p >= 1 ? 0 : dropoutScale(p), 0), count };
}

/**
 * Zoneout weights of the previous value for `size` = steps * batch * units elements: in
 * training 1 with probability z (keep the previous value) and 0 otherwise, fresh at every step;
 * in eval z everywhere (the expectation z h_prev + (1 - z) h~). z = 0 returns null (no zoneout).
 */
export function zoneoutWeights(z: number, size: number, training: boolean, generator: Generator): Float32Array | null {
  if (z === 0) return null;
  if (!training) return new Float32Array(size).fill(z);
  // dropoutMask keeps an element with probability 1 - p: here "keep the old value" w.p. z.
  return drawKeep(1 - z, size, generator, 1, 0);
}

/**
 * DropConnect on a weight for one call: w * mask / (1 - p), one mask shared by every use of the
 * result (the batch and all steps); the gradient is masked the same way. The weight's own
 * tensor is untouched, so its name and value stay those of the raw weight. With `rows`, one
 * keep draw per row (the first dimension) keeps or drops the whole row (AWD-LSTM's variational
 * weight drop).
 */
export function dropWeight(w: Tensor, p: number, generator: Generator, rows = false): Tensor {
  const backend = activeBackend();
  const n = w.size;
  const mask = new Uint32Array(maskWords(n));
  if (p < 1 && rows) {
    const count = w.shape[0] ?? 1;
    const cols = count === 0 ? 0 : n / count;
    const rowMask = new Uint32Array(maskWords(count));
    backend.dropoutMask(rowMask, p, generator.seed, generator.reserve(count), count);
    for (let r = 0; r < count; r++) {
      if (((rowMask[r >>> 5]! >>> (r & 31)) & 1) === 0) continue;
      for (let i = r * cols; i < (r + 1) * cols; i++) mask[i >>> 5] = (mask[i >>> 5]! | (1 << (i & 31))) >>> 0;
    }
  } else if (p < 1) backend.dropoutMask(mask, p, generator.seed, generator.reserve(n), n);
  const out = new Float32Array(n);
  backend.dropoutBackward(out, w.data, mask, p, n);
  return record(new Tensor(out, w.shape), 'weightDrop', [w], (g) => {
    const gw = new Float32Array(n);
    backend.dropoutBackward(gw, g, mask, p, n);
    return [gw];
  });
}

/** t[i] along the first dimension (a copy), differentiable: the stacked h0 of one layer and direction. */
export function selectFirst(t: Tensor, i: number): Tensor {
  const rest = t.shape.slice(1);
  const n = rest.reduce((p, d) => p * d, 1);
  const out = new Tensor(t.data.slice(i * n, (i + 1) * n), rest);
  return record(
    out,
    'select',
    [t],
    (g) => {
      const gt = new Float32Array(t.size);
      gt.set(g, i * n);
      return [gt];
    },
    { index: i },
  );
}
