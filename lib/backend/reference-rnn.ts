/**
 * Reference recurrent kernels: one layer in one direction, forward and backward through time,
 * step by step from the equations (native/kernels/rnn/rnn.h), with double accumulators and the
 * same argument checks as native/addon/rnn_binding.cc (reference-rnn-checks.ts).
 *
 * Masks are float arrays of 0 or 1/(1-p) (inverted dropout); zoneout arrays hold, per step,
 * sample and unit, the weight d of the previous value: h = d * h_prev + (1 - d) * h~ (0 or 1 in
 * training, the rate itself in eval).
 */
import type { Backend } from './backend.js';
import { rnnBackwardChecks, rnnForwardChecks } from './reference-rnn-checks.js';
import type { ResolvedRnn } from './rnn-geometry.js';

type RnnKernels = Pick<Backend, 'rnnForward' | 'rnnBackward'>;

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** The mask of gate `gate` for sample b: `count` masks of `n` floats per sample (count 1: shared). */
function maskAt(mask: Float32Array | null, count: number, b: number, gate: number, n: number): number {
  return (b * count + (count === 1 ? 0 : gate)) * n;
}

/** Input time of the k-th step processed. */
const timeOf = (g: ResolvedRnn, k: number): number => (g.reverse ? g.steps - 1 - k : k);

export const referenceRnn: RnnKernels = {
  rnnForward() {
    const [g, a] = rnnForwardChecks(arguments);
    const { steps: T, batch: B, inputSize: I, hiddenSize: H, out: O, gates: G, width: W, cell } = g;
    const { y, hN, cN, ws, x, wIh, wHh, bIh, bHh, wHr, h0, c0, inMask, recMask, zoneH, zoneC } = a;
    const hPrev = Float64Array.from(h0.subarray(0, B * O));
    const cPrev = c0 === null ? null : Float64Array.from(c0.subarray(0, B * H));
    const xg = new Float64Array(G * H); // input projection of one sample, per gate
    const hg = new Float64Array(G * H); // recurrent projection
    const m = new Float64Array(H);
    for (let k = 0; k < T; k++) {
      const t = timeOf(g, k);
      for (let b = 0; b < B; b++) {
        const xr = (t * B + b) * I;
        for (let q = 0; q < G; q++) {
          const mo = inMask === null ? -1 : maskAt(inMask, g.inputMasks, b, q, I);
          const ro = recMask === null ? -1 : maskAt(recMask, g.recurrentMasks, b, q, O);
          for (let j = 0; j < H; j++) {
            const row = q * H + j;
            let s = 0;
            for (let i = 0; i < I; i++) {
              const xv = mo < 0 ? x[xr + i]! : Math.fround(x[xr + i]! * inMask![mo + i]!);
              s += xv * wIh[row * I + i]!;
            }
            if (bIh !== null) s += bIh[row]!;
            xg[row] = s;
            let r = 0;
            for (let i = 0; i < O; i++) {
              const hv = ro < 0 ? hPrev[b * O + i]! : Math.fround(hPrev[b * O + i]! * recMask![ro + i]!);
              r += hv * wHh[row * O + i]!;
            }
            if (bHh !== null) r += bHh[row]!;
            hg[row] = r;
          }
        }
        const wo = (t * B + b) * W;
        const yo = (t * B + b) * O;
        if (cell === 'lstm') {
          for (let j = 0; j < H; j++) {
            const iv = Math.fround(sigmoid(xg[j]! + hg[j]!));
            const fv = Math.fround(sigmoid(xg[H + j]! + hg[H + j]!));
            const gv = Math.fround(Math.tanh(xg[2 * H + j]! + hg[2 * H + j]!));
            const ov = Math.fround(sigmoid(xg[3 * H + j]! + hg[3 * H + j]!));
            const cp = cPrev![b * H + j]!;
            const cNew = Math.fround(fv * cp + iv * gv);
            const d = zoneC === null ? 0 : zoneC[(t * B + b) * H + j]!;
            const c = Math.fround(d * cp + (1 - d) * cNew);
            ws[wo + j] = iv;
            ws[wo + H + j] = fv;
            ws[wo + 2 * H + j] = gv;
            ws[wo + 3 * H + j] = ov;
            ws[wo + 4 * H + j] = cNew;
            ws[wo + 5 * H + j] = c;
            m[j] = Math.fround(ov * Math.tanh(cNew));
          }
          for (let j = 0; j < H; j++) cPrev![b * H + j] = ws[wo + 5 * H + j]!;
          for (let p = 0; p < O; p++) {
            let hNew: number;
            if (wHr === null) hNew = m[p]!;
            else {
              let s = 0;
              for (let j = 0; j < H; j++) s += m[j]! * wHr[p * H + j]!;
              hNew = Math.fround(s);
            }
            const d = zoneH === null ? 0 : zoneH[yo + p]!;
            y[yo + p] = d * hPrev[b * O + p]! + (1 - d) * hNew;
          }
        } else if (cell === 'gru') {
          for (let j = 0; j < H; j++) {
            const rv = Math.fround(sigmoid(xg[j]! + hg[j]!));
            const zv = Math.fround(sigmoid(xg[H + j]! + hg[H + j]!));
            const hn = Math.fround(hg[2 * H + j]!);
            const nv = Math.fround(Math.tanh(xg[2 * H + j]! + rv * hn));
            ws[wo + j] = rv;
            ws[wo + H + j] = zv;
            ws[wo + 2 * H + j] = nv;
            ws[wo + 3 * H + j] = hn;
            const hp = hPrev[b * O + j]!;
            const hNew = Math.fround((1 - zv) * nv + zv * hp);
            const d = zoneH === null ? 0 : zoneH[yo + j]!;
            y[yo + j] = d * hp + (1 - d) * hNew;
          }
        } else {
          for (let j = 0; j < H; j++) {
            const v = xg[j]! + hg[j]!;
            const hNew = Math.fround(cell === 'rnn_tanh' ? Math.tanh(v) : v > 0 ? v : 0);
            ws[wo + j] = hNew;
            const d = zoneH === null ? 0 : zoneH[yo + j]!;
            y[yo + j] = d * hPrev[b * O + j]! + (1 - d) * hNew;
          }
        }
      }
      for (let i = 0; i < B * O; i++) hPrev[i] = y[t * B * O + i]!;
    }
    hN.set(Float32Array.from(hPrev));
    if (cN !== null) cN.set(Float32Array.from(cPrev!));
  },

  rnnBackward() {
    const [g, a] = rnnBackwardChecks(arguments);
    const { steps: T, batch: B, inputSize: I, hiddenSize: H, out: O, gates: G, width: W, cell } = g;
    const { dx, dh0, dc0, dwIh, dwHh, dbIh, dbHh, dwHr, dy, dhN, dcN, x, wIh, wHh, wHr, h0, c0, y, ws } = a;
    const { inMask, recMask, zoneH, zoneC } = a;
    // dGx: gradients of the gates' pre-activations on the input side; dGh on the recurrent side
    // (they differ for GRU's n gate only). Indexed by input time.
    const dGx = new Float64Array(T * B * G * H);
    const dGh = cell === 'gru' ? new Float64Array(T * B * G * H) : dGx;
    const dh = Float64Array.from(dhN.subarray(0, B * O));
    const dc = dcN === null ? null : Float64Array.from(dcN.subarray(0, B * H));
    const gwHr = wHr === null ? null : new Float64Array(g.projSize * H);
    const prevH = (k: number, b: number, i: number): number =>
      k === 0 ? h0[b * O + i]! : y[(timeOf(g, k - 1) * B + b) * O + i]!;
    const prevC = (k: number, b: number, j: number): number =>
      k === 0 ? c0![b * H + j]! : ws[(timeOf(g, k - 1) * B + b) * W + 5 * H + j]!;
    const dhNew = new Float64Array(O);
    const dm = new Float64Array(H);
    for (let k = T - 1; k >= 0; k--) {
      const t = timeOf(g, k);
      for (let b = 0; b < B; b++) {
        const yo = (t * B + b) * O;
        const wo = (t * B + b) * W;
        const go = (t * B + b) * G * H;
        const dPrev = new Float64Array(O); // the part of dh_{t-1} that skips the matmul
        for (let i = 0; i < O; i++) {
          const tot = dh[b * O + i]! + dy[yo + i]!;
          const d = zoneH === null ? 0 : zoneH[yo + i]!;
          dhNew[i] = (1 - d) * tot;
          dPrev[i] = d * tot;
        }
        if (cell === 'lstm') {
          for (let j = 0; j < H; j++) dm[j] = wHr === null ? dhNew[j]! : 0;
          if (wHr !== null) {
            for (let p = 0; p < O; p++) for (let j = 0; j < H; j++) dm[j]! += dhNew[p]! * wHr[p * H + j]!;
          }
          for (let j = 0; j < H; j++) {
            const iv = ws[wo + j]!,
              fv = ws[wo + H + j]!,
              gv = ws[wo + 2 * H + j]!,
              ov = ws[wo + 3 * H + j]!;
            const cNew = ws[wo + 4 * H + j]!;
            const tc = Math.tanh(cNew);
            if (gwHr !== null) {
              const mv = Math.fround(ov * tc);
              for (let p = 0; p < O; p++) gwHr[p * H + j]! += dhNew[p]! * mv;
            }
            const cTot = dc![b * H + j]!;
            const d = zoneC === null ? 0 : zoneC[(t * B + b) * H + j]!;
            const dcNew = (1 - d) * cTot + dm[j]! * ov * (1 - tc * tc);
            const cp = prevC(k, b, j);
            dGx[go + j] = dcNew * gv * iv * (1 - iv);
            dGx[go + H + j] = dcNew * cp * fv * (1 - fv);
            dGx[go + 2 * H + j] = dcNew * iv * (1 - gv * gv);
            dGx[go + 3 * H + j] = dm[j]! * tc * ov * (1 - ov);
            dc![b * H + j] = d * cTot + dcNew * fv;
          }
        } else if (cell === 'gru') {
          for (let j = 0; j < H; j++) {
            const rv = ws[wo + j]!,
              zv = ws[wo + H + j]!,
              nv = ws[wo + 2 * H + j]!,
              hn = ws[wo + 3 * H + j]!;
            const hp = prevH(k, b, j);
            const dn = dhNew[j]! * (1 - zv);
            const dz = dhNew[j]! * (hp - nv);
            dPrev[j]! += dhNew[j]! * zv;
            const dan = dn * (1 - nv * nv);
            const dar = dan * hn * rv * (1 - rv);
            const daz = dz * zv * (1 - zv);
            dGx[go + j] = dar;
            dGx[go + H + j] = daz;
            dGx[go + 2 * H + j] = dan;
            dGh[go + j] = dar;
            dGh[go + H + j] = daz;
            dGh[go + 2 * H + j] = dan * rv;
          }
        } else {
          for (let j = 0; j < H; j++) {
            const hv = ws[wo + j]!;
            dGx[go + j] = dhNew[j]! * (cell === 'rnn_tanh' ? 1 - hv * hv : hv > 0 ? 1 : 0);
          }
        }
        // dh_{t-1} = dPrev + sum over gates of (dGh_q W_hh[q]) * mask_q.
        for (let i = 0; i < O; i++) {
          let s = dPrev[i]!;
          for (let q = 0; q < G; q++) {
            let acc = 0;
            for (let j = 0; j < H; j++) acc += dGh[go + q * H + j]! * wHh[(q * H + j) * O + i]!;
            const mk = recMask === null ? 1 : recMask[maskAt(recMask, g.recurrentMasks, b, q, O) + i]!;
            s += acc * mk;
          }
          dh[b * O + i] = s;
        }
      }
    }
    for (let i = 0; i < B * O; i++) dh0[i] = dh[i]!;
    if (dc0 !== null) for (let i = 0; i < B * H; i++) dc0[i] = dc![i]!;
    if (dwHr !== null) for (let i = 0; i < gwHr!.length; i++) dwHr[i] = gwHr![i]!;
    // Weight and bias gradients, dx.
    for (let row = 0; row < G * H; row++) {
      const q = Math.floor(row / H);
      for (let i = 0; i < I; i++) {
        let s = 0;
        for (let k = 0; k < T; k++) {
          const t = timeOf(g, k);
          for (let b = 0; b < B; b++) {
            const mk = inMask === null ? 1 : inMask[maskAt(inMask, g.inputMasks, b, q, I) + i]!;
            s += dGx[(t * B + b) * G * H + row]! * Math.fround(x[(t * B + b) * I + i]! * mk);
          }
        }
        dwIh[row * I + i] = s;
      }
      for (let i = 0; i < O; i++) {
        let s = 0;
        for (let k = 0; k < T; k++) {
          const t = timeOf(g, k);
          for (let b = 0; b < B; b++) {
            const mk = recMask === null ? 1 : recMask[maskAt(recMask, g.recurrentMasks, b, q, O) + i]!;
            s += dGh[(t * B + b) * G * H + row]! * Math.fround(prevH(k, b, i) * mk);
          }
        }
        dwHh[row * O + i] = s;
      }
      let sx = 0;
      let sh = 0;
      for (let n = 0; n < T * B; n++) {
        sx += dGx[n * G * H + row]!;
        sh += dGh[n * G * H + row]!;
      }
      if (dbIh !== null) dbIh[row] = sx;
      if (dbHh !== null) dbHh[row] = sh;
    }
    for (let n = 0; n < T * B; n++) {
      const b = n % B;
      for (let i = 0; i < I; i++) {
        let s = 0;
        for (let q = 0; q < G; q++) {
          let acc = 0;
          for (let j = 0; j < H; j++) acc += dGx[n * G * H + q * H + j]! * wIh[(q * H + j) * I + i]!;
          const mk = inMask === null ? 1 : inMask[maskAt(inMask, g.inputMasks, b, q, I) + i]!;
          s += acc * mk;
        }
        dx[n * I + i] = s;
      }
    }
  },
};
