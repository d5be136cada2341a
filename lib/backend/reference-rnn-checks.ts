/**
 * The argument checks of the recurrent kernels (reference-rnn.ts): the same checks, in the same
 * order and with the same texts, as native/addon/rnn_binding.cc, so that both backends reject a
 * bad call alike before any array is read.
 */
import * as check from './check.js';
import { resolveRnn, type ResolvedRnn, type RnnGeometry } from './rnn-geometry.js';

function f32n(v: unknown, name: string): Float32Array | null {
  return check.f32OrNull(v, name);
}

function need(present: boolean, v: Float32Array | null, name: string, length: number): void {
  if (present) {
    if (v === null) throw new TypeError(`Expected Float32Array for ${name} but received null`);
    check.expectLength(v, length, name);
  } else if (v !== null) {
    throw new TypeError(`Expected null for ${name} but received Float32Array(${v.length})`);
  }
}

export interface ForwardArrays {
  y: Float32Array;
  hN: Float32Array;
  cN: Float32Array | null;
  ws: Float32Array;
  x: Float32Array;
  wIh: Float32Array;
  wHh: Float32Array;
  bIh: Float32Array | null;
  bHh: Float32Array | null;
  wHr: Float32Array | null;
  h0: Float32Array;
  c0: Float32Array | null;
  inMask: Float32Array | null;
  recMask: Float32Array | null;
  zoneH: Float32Array | null;
  zoneC: Float32Array | null;
}

/** Validates rnnForward's arguments exactly as the native binding does. */
export function rnnForwardChecks(args: IArguments | unknown[]): [ResolvedRnn, ForwardArrays] {
  check.expectArgs(
    args,
    17,
    'rnnForward(y, hN, cN, workspace, x, wIh, wHh, bIh, bHh, wHr, h0, c0, inputMask, recurrentMask, zoneoutH, zoneoutC, geometry)',
  );
  const a = Array.from(args);
  const g = resolveRnn(a[16] as RnnGeometry);
  const arrays: ForwardArrays = {
    y: check.f32(a[0], 'y'),
    hN: check.f32(a[1], 'hN'),
    cN: f32n(a[2], 'cN'),
    ws: check.f32(a[3], 'workspace'),
    x: check.f32(a[4], 'x'),
    wIh: check.f32(a[5], 'wIh'),
    wHh: check.f32(a[6], 'wHh'),
    bIh: f32n(a[7], 'bIh'),
    bHh: f32n(a[8], 'bHh'),
    wHr: f32n(a[9], 'wHr'),
    h0: check.f32(a[10], 'h0'),
    c0: f32n(a[11], 'c0'),
    inMask: f32n(a[12], 'inputMask'),
    recMask: f32n(a[13], 'recurrentMask'),
    zoneH: f32n(a[14], 'zoneoutH'),
    zoneC: f32n(a[15], 'zoneoutC'),
  };
  const { steps: T, batch: B, inputSize: I, hiddenSize: H, out: O, gates: G } = g;
  const lstm = g.cell === 'lstm';
  check.expectLength(arrays.y, T * B * O, 'y');
  check.expectLength(arrays.hN, B * O, 'hN');
  need(lstm, arrays.cN, 'cN', B * H);
  check.expectLength(arrays.ws, T * B * g.width, 'workspace');
  check.expectLength(arrays.x, T * B * I, 'x');
  check.expectLength(arrays.wIh, G * H * I, 'wIh');
  check.expectLength(arrays.wHh, G * H * O, 'wHh');
  if (arrays.bIh !== null) check.expectLength(arrays.bIh, G * H, 'bIh');
  if (arrays.bHh !== null) check.expectLength(arrays.bHh, G * H, 'bHh');
  need(g.projSize > 0, arrays.wHr, 'wHr', g.projSize * H);
  check.expectLength(arrays.h0, B * O, 'h0');
  need(lstm, arrays.c0, 'c0', B * H);
  need(g.inputMasks > 0, arrays.inMask, 'inputMask', B * g.inputMasks * I);
  need(g.recurrentMasks > 0, arrays.recMask, 'recurrentMask', B * g.recurrentMasks * O);
  if (arrays.zoneH !== null) check.expectLength(arrays.zoneH, T * B * O, 'zoneoutH');
  if (arrays.zoneC !== null) {
    if (!lstm) throw new TypeError(`Expected null for zoneoutC but received Float32Array(${arrays.zoneC.length})`);
    check.expectLength(arrays.zoneC, T * B * H, 'zoneoutC');
  }
  // Outputs overlap nothing.
  const outs: [Float32Array | null, string][] = [
    [arrays.y, 'y'],
    [arrays.hN, 'hN'],
    [arrays.cN, 'cN'],
    [arrays.ws, 'workspace'],
  ];
  const ins: [Float32Array | null, string][] = [
    [arrays.x, 'x'],
    [arrays.wIh, 'wIh'],
    [arrays.wHh, 'wHh'],
    [arrays.bIh, 'bIh'],
    [arrays.bHh, 'bHh'],
    [arrays.wHr, 'wHr'],
    [arrays.h0, 'h0'],
    [arrays.c0, 'c0'],
    [arrays.inMask, 'inputMask'],
    [arrays.recMask, 'recurrentMask'],
    [arrays.zoneH, 'zoneoutH'],
    [arrays.zoneC, 'zoneoutC'],
  ];
  disjointAll(outs, ins);
  return [g, arrays];
}

function disjointAll(outs: [Float32Array | null, string][], ins: [Float32Array | null, string][]): void {
  for (let i = 0; i < outs.length; i++) {
    const [o, on] = outs[i]!;
    if (o === null) continue;
    for (let j = i + 1; j < outs.length; j++) {
      const [p, pn] = outs[j]!;
      if (p !== null) check.expectDisjoint(o, on, p, pn);
    }
    for (const [v, vn] of ins) if (v !== null) check.expectDisjoint(o, on, v, vn);
  }
}

export interface BackwardArrays {
  dx: Float32Array;
  dh0: Float32Array;
  dc0: Float32Array | null;
  dwIh: Float32Array;
  dwHh: Float32Array;
  dbIh: Float32Array | null;
  dbHh: Float32Array | null;
  dwHr: Float32Array | null;
  dy: Float32Array;
  dhN: Float32Array;
  dcN: Float32Array | null;
  x: Float32Array;
  wIh: Float32Array;
  wHh: Float32Array;
  wHr: Float32Array | null;
  h0: Float32Array;
  c0: Float32Array | null;
  y: Float32Array;
  ws: Float32Array;
  inMask: Float32Array | null;
  recMask: Float32Array | null;
  zoneH: Float32Array | null;
  zoneC: Float32Array | null;
}

/** Validates rnnBackward's arguments exactly as the native binding does. */
export function rnnBackwardChecks(args: IArguments | unknown[]): [ResolvedRnn, BackwardArrays] {
  check.expectArgs(
    args,
    24,
    'rnnBackward(dx, dh0, dc0, dwIh, dwHh, dbIh, dbHh, dwHr, dy, dhN, dcN, x, wIh, wHh, wHr, h0, c0, y, workspace, inputMask, recurrentMask, zoneoutH, zoneoutC, geometry)',
  );
  const a = Array.from(args);
  const g = resolveRnn(a[23] as RnnGeometry);
  const r: BackwardArrays = {
    dx: check.f32(a[0], 'dx'),
    dh0: check.f32(a[1], 'dh0'),
    dc0: f32n(a[2], 'dc0'),
    dwIh: check.f32(a[3], 'dwIh'),
    dwHh: check.f32(a[4], 'dwHh'),
    dbIh: f32n(a[5], 'dbIh'),
    dbHh: f32n(a[6], 'dbHh'),
    dwHr: f32n(a[7], 'dwHr'),
    dy: check.f32(a[8], 'dy'),
    dhN: check.f32(a[9], 'dhN'),
    dcN: f32n(a[10], 'dcN'),
    x: check.f32(a[11], 'x'),
    wIh: check.f32(a[12], 'wIh'),
    wHh: check.f32(a[13], 'wHh'),
    wHr: f32n(a[14], 'wHr'),
    h0: check.f32(a[15], 'h0'),
    c0: f32n(a[16], 'c0'),
    y: check.f32(a[17], 'y'),
    ws: check.f32(a[18], 'workspace'),
    inMask: f32n(a[19], 'inputMask'),
    recMask: f32n(a[20], 'recurrentMask'),
    zoneH: f32n(a[21], 'zoneoutH'),
    zoneC: f32n(a[22], 'zoneoutC'),
  };
  const { steps: T, batch: B, inputSize: I, hiddenSize: H, out: O, gates: G } = g;
  const lstm = g.cell === 'lstm';
  const proj = g.projSize > 0;
  check.expectLength(r.dx, T * B * I, 'dx');
  check.expectLength(r.dh0, B * O, 'dh0');
  need(lstm, r.dc0, 'dc0', B * H);
  check.expectLength(r.dwIh, G * H * I, 'dwIh');
  check.expectLength(r.dwHh, G * H * O, 'dwHh');
  if (r.dbIh !== null) check.expectLength(r.dbIh, G * H, 'dbIh');
  if (r.dbHh !== null) check.expectLength(r.dbHh, G * H, 'dbHh');
  need(proj, r.dwHr, 'dwHr', g.projSize * H);
  check.expectLength(r.dy, T * B * O, 'dy');
  check.expectLength(r.dhN, B * O, 'dhN');
  need(lstm, r.dcN, 'dcN', B * H);
  check.expectLength(r.x, T * B * I, 'x');
  check.expectLength(r.wIh, G * H * I, 'wIh');
  check.expectLength(r.wHh, G * H * O, 'wHh');
  need(proj, r.wHr, 'wHr', g.projSize * H);
  check.expectLength(r.h0, B * O, 'h0');
  need(lstm, r.c0, 'c0', B * H);
  check.expectLength(r.y, T * B * O, 'y');
  check.expectLength(r.ws, T * B * g.width, 'workspace');
  need(g.inputMasks > 0, r.inMask, 'inputMask', B * g.inputMasks * I);
  need(g.recurrentMasks > 0, r.recMask, 'recurrentMask', B * g.recurrentMasks * O);
  if (r.zoneH !== null) check.expectLength(r.zoneH, T * B * O, 'zoneoutH');
  if (r.zoneC !== null) {
    if (!lstm) throw new TypeError(`Expected null for zoneoutC but received Float32Array(${r.zoneC.length})`);
    check.expectLength(r.zoneC, T * B * H, 'zoneoutC');
  }
  const outs: [Float32Array | null, string][] = [
    [r.dx, 'dx'],
    [r.dh0, 'dh0'],
    [r.dc0, 'dc0'],
    [r.dwIh, 'dwIh'],
    [r.dwHh, 'dwHh'],
    [r.dbIh, 'dbIh'],
    [r.dbHh, 'dbHh'],
    [r.dwHr, 'dwHr'],
  ];
  const ins: [Float32Array | null, string][] = [
    [r.dy, 'dy'],
    [r.dhN, 'dhN'],
    [r.dcN, 'dcN'],
    [r.x, 'x'],
    [r.wIh, 'wIh'],
    [r.wHh, 'wHh'],
    [r.wHr, 'wHr'],
    [r.h0, 'h0'],
    [r.c0, 'c0'],
    [r.y, 'y'],
    [r.ws, 'workspace'],
    [r.inMask, 'inputMask'],
    [r.recMask, 'recurrentMask'],
    [r.zoneH, 'zoneoutH'],
    [r.zoneC, 'zoneoutC'],
  ];
  disjointAll(outs, ins);
  return [g, r];
}
