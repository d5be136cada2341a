// rnnForward / rnnBackward on every ISA against the reference: every cell, with and without
// projection, masks (none, tied, per gate), zoneout, reverse, odd sizes (1, primes, off every GEMM
// tile), outputs pre-filled with NaN plus a guard zone that must stay NaN; bit-identical on 1 and
// 2 threads; the same argument errors, with the same texts, on both backends.
//
// Tolerance: the reference accumulates in double and rounds each gate once; native sums in
// float32 through the GEMM (error about k * 2^-24 * sum |terms|) and computes the gates with a
// polynomial exp (relative error about 2e-7, a few ulp). With unit-scale inputs, sizes
// below 20 and up to 7 steps (tanh and sigmoid are 1-Lipschitz, so errors do not grow through
// the recurrence beyond the product of a few weight norms), 2e-5 absolute plus 1e-4 relative
// bounds every element with a wide margin; a wrong gate, sign or mask is off by O(0.1).
import { describe, expect, it } from 'vitest';
import { kernels, type Backend } from '../../lib/index.js';
import { resolveRnn, rnnGates, type RnnCell, type RnnGeometry } from '../../lib/backend/rnn-geometry.js';
import { testedIsas, withIsa, withThreads } from '../helpers/isa.js';
import { nans, randomFloats } from '../helpers/rng.js';

const GUARD = 3;
const ref: Backend = kernels('js');

interface Inputs {
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
  dy: Float32Array;
  dhN: Float32Array;
  dcN: Float32Array | null;
}

function mask(n: number, seed: number, scale: number): Float32Array {
  return randomFloats(n, seed, 0, 1).map((v) => (v < 0.3 ? 0 : scale));
}

function inputs(geo: RnnGeometry, zone: boolean, bias: boolean): Inputs {
  const g = resolveRnn(geo);
  const { steps: T, batch: B, inputSize: I, hiddenSize: H, out: O, gates: G } = g;
  const lstm = g.cell === 'lstm';
  const seed = T * 1009 + B * 101 + I * 13 + H * 7 + O;
  const w = 1 / Math.sqrt(H);
  const binary = (n: number, s: number): Float32Array => randomFloats(n, s, 0, 1).map((v) => (v < 0.4 ? 1 : 0));
  return {
    x: randomFloats(T * B * I, seed, -1, 1),
    wIh: randomFloats(G * H * I, seed + 1, -w, w),
    wHh: randomFloats(G * H * O, seed + 2, -w, w),
    bIh: bias ? randomFloats(G * H, seed + 3, -w, w) : null,
    bHh: bias ? randomFloats(G * H, seed + 4, -w, w) : null,
    wHr: g.projSize > 0 ? randomFloats(g.projSize * H, seed + 5, -w, w) : null,
    h0: randomFloats(B * O, seed + 6, -1, 1),
    c0: lstm ? randomFloats(B * H, seed + 7, -1, 1) : null,
    inMask: g.inputMasks ? mask(B * g.inputMasks * I, seed + 8, 1 / 0.7) : null,
    recMask: g.recurrentMasks ? mask(B * g.recurrentMasks * O, seed + 9, 2) : null,
    zoneH: zone ? binary(T * B * O, seed + 10) : null,
    zoneC: zone && lstm ? binary(T * B * H, seed + 11) : null,
    dy: randomFloats(T * B * O, seed + 12, -1, 1),
    dhN: randomFloats(B * O, seed + 13, -1, 1),
    dcN: lstm ? randomFloats(B * H, seed + 14, -1, 1) : null,
  };
}

/** Every output of forward and backward, each followed by a NaN guard zone. */
function run(k: Backend, geo: RnnGeometry, a: Inputs): Float32Array[] {
  const g = resolveRnn(geo);
  const { steps: T, batch: B, inputSize: I, hiddenSize: H, out: O, gates: G } = g;
  const lstm = g.cell === 'lstm';
  const buf = (n: number): Float32Array => nans(n + GUARD);
  const view = (b: Float32Array | null): Float32Array | null => (b === null ? null : b.subarray(0, b.length - GUARD));
  const y = buf(T * B * O),
    hN = buf(B * O),
    cN = lstm ? buf(B * H) : null,
    ws = buf(T * B * g.width);
  k.rnnForward(
    view(y)!,
    view(hN)!,
    view(cN),
    view(ws)!,
    a.x,
    a.wIh,
    a.wHh,
    a.bIh,
    a.bHh,
    a.wHr,
    a.h0,
    a.c0,
    a.inMask,
    a.recMask,
    a.zoneH,
    a.zoneC,
    geo,
  );
  const dx = buf(T * B * I),
    dh0 = buf(B * O),
    dc0 = lstm ? buf(B * H) : null,
    dwIh = buf(G * H * I),
    dwHh = buf(G * H * O);
  const dbIh = a.bIh ? buf(G * H) : null,
    dbHh = a.bHh ? buf(G * H) : null,
    dwHr = a.wHr ? buf(g.projSize * H) : null;
  // Backward reads the reference's forward results, so both backends differentiate the same values.
  k.rnnBackward(
    view(dx)!,
    view(dh0)!,
    view(dc0),
    view(dwIh)!,
    view(dwHh)!,
    view(dbIh),
    view(dbHh),
    view(dwHr),
    a.dy,
    a.dhN,
    a.dcN,
    a.x,
    a.wIh,
    a.wHh,
    a.wHr,
    a.h0,
    a.c0,
    view(y)!,
    view(ws)!,
    a.inMask,
    a.recMask,
    a.zoneH,
    a.zoneC,
    geo,
  );
  return [y, hN, cN, ws, dx, dh0, dc0, dwIh, dwHh, dbIh, dbHh, dwHr].filter((v): v is Float32Array => v !== null);
}

const NAMES = ['y', 'hN', 'cN', 'workspace', 'dx', 'dh0', 'dc0', 'dwIh', 'dwHh', 'dbIh', 'dbHh', 'dwHr'];

function compare(got: Float32Array[], want: Float32Array[], what: string): number {
  expect(got.length).toBe(want.length);
  let compared = 0;
  got.forEach((g, k) => {
    const w = want[k]!;
    const n = w.length - GUARD;
    for (let i = 0; i < n; i++) {
      const tol = 2e-5 + 1e-4 * Math.abs(w[i]!);
      if (!(Math.abs(g[i]! - w[i]!) <= tol))
        expect.fail(`${what}: output ${k} [${i}] reference = ${w[i]}, got = ${g[i]}`);
      compared++;
    }
    for (let i = n; i < n + GUARD; i++)
      if (!Number.isNaN(g[i]!)) expect.fail(`${what}: output ${k} guard ${i - n} written`);
  });
  return compared;
}

interface Case {
  geo: RnnGeometry;
  zone: boolean;
  bias: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  const sizes: [number, number, number, number][] = [
    [1, 1, 1, 1],
    [3, 2, 3, 5],
    [7, 5, 17, 13],
    [2, 3, 1, 7],
  ];
  const cells: RnnCell[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];
  let n = 0;
  for (const cell of cells) {
    const G = rnnGates(cell);
    for (const [T, B, I, H] of sizes) {
      for (const projSize of cell === 'lstm' && H > 1 ? [0, H - 2 > 0 ? H - 2 : 1] : [0]) {
        n++;
        // Rotate masks, zoneout, reverse and bias through the cases so every combination of
        // mask counts meets every cell.
        const inputMasks = [0, 1, G][n % 3]!;
        const recurrentMasks = [G, 0, 1][n % 3]!;
        out.push({
          geo: {
            cell,
            steps: T,
            batch: B,
            inputSize: I,
            hiddenSize: H,
            projSize,
            inputMasks,
            recurrentMasks,
            reverse: n % 2 === 0,
          },
          zone: n % 4 < 2,
          bias: n % 5 !== 0,
        });
      }
    }
  }
  return out;
}

describe('rnn kernels: native against the reference', () => {
  for (const { isa, skip } of testedIsas()) {
    it.skipIf(skip !== '')(
      `${isa}${skip ? ` (skipped: ${skip})` : ''}: every cell, mask count, zoneout, projection and direction`,
      () => {
        let compared = 0;
        for (const c of cases()) {
          const a = inputs(c.geo, c.zone, c.bias);
          const want = run(ref, c.geo, a);
          const got = withIsa(isa, (native) => run(native, c.geo, a));
          compared += compare(got, want, `${isa} ${JSON.stringify(c)}`);
        }
        expect(compared).toBeGreaterThan(10000);
      },
    );
  }

  it.skipIf(testedIsas().every((c) => c.skip !== ''))(
    'bit-identical results on 1 and 2 threads (threaded GEMMs)',
    () => {
      const native = kernels('native');
      for (const cell of ['lstm', 'gru'] as const) {
        const geo: RnnGeometry = {
          cell,
          steps: 4,
          batch: 33,
          inputSize: 70,
          hiddenSize: 96,
          projSize: cell === 'lstm' ? 40 : 0,
          inputMasks: rnnGates(cell),
          recurrentMasks: 1,
          reverse: true,
        };
        const a = inputs(geo, true, true);
        const one = withThreads(1, () => run(native, geo, a));
        const two = withThreads(2, () => run(native, geo, a));
        one.forEach((v, k) => {
          expect(Buffer.from(two[k]!.buffer).equals(Buffer.from(v.buffer)), `${cell} ${NAMES[k]}`).toBe(true);
        });
      }
    },
  );
});

describe('rnn kernels: argument checks', () => {
  const geo: RnnGeometry = {
    cell: 'lstm',
    steps: 2,
    batch: 2,
    inputSize: 3,
    hiddenSize: 4,
    projSize: 0,
    inputMasks: 0,
    recurrentMasks: 0,
    reverse: false,
  };
  const a = inputs(geo, false, true);
  const fwd = (k: Backend, over: Partial<Record<string, unknown>>): void => {
    const v = {
      y: new Float32Array(16),
      hN: new Float32Array(8),
      cN: new Float32Array(8) as Float32Array | null,
      ws: new Float32Array(2 * 2 * 24),
      x: a.x,
      wIh: a.wIh,
      wHh: a.wHh,
      c0: a.c0 as Float32Array | null,
      geo: geo as unknown,
      ...over,
    } as Record<string, unknown>;
    (k.rnnForward as (...args: unknown[]) => void)(
      v.y,
      v.hN,
      v.cN,
      v.ws,
      v.x,
      v.wIh,
      v.wHh,
      a.bIh,
      a.bHh,
      null,
      a.h0,
      v.c0,
      null,
      null,
      null,
      null,
      v.geo,
    );
  };
  const bad: [string, Partial<Record<string, unknown>>, typeof TypeError | typeof RangeError, RegExp][] = [
    ['an unknown cell', { geo: { ...geo, cell: 'elman' } }, RangeError, /geometry\.cell/],
    ['a projection on a GRU', { geo: { ...geo, cell: 'gru', projSize: 2 } }, RangeError, /geometry\.projSize/],
    ['two masks on an LSTM', { geo: { ...geo, inputMasks: 2 } }, RangeError, /0, 1 or 4 for geometry\.inputMasks/],
    ['a missing cN', { cN: null }, TypeError, /Float32Array for cN but received null/],
    ['a missing c0', { c0: null }, TypeError, /Float32Array for c0 but received null/],
    ['a short x', { x: new Float32Array(5) }, RangeError, /x/],
    ['a Float64Array', { x: new Float64Array(12) }, TypeError, /x/],
    [
      'overlapping outputs',
      (() => {
        const b = new Float32Array(16);
        return { y: b, hN: b.subarray(8) };
      })(),
      RangeError,
      /y and hN/,
    ],
    [
      'y overlapping x',
      (() => {
        const b = new Float32Array(40);
        return { y: b.subarray(0, 16), x: b.subarray(4, 16) };
      })(),
      RangeError,
      /y and x/,
    ],
    ['a non-boolean reverse', { geo: { ...geo, reverse: 1 } }, TypeError, /geometry\.reverse/],
  ];
  const backends: [string, () => Backend][] = [['js', () => ref]];
  if (testedIsas().some((c) => c.skip === '')) backends.push(['native', () => kernels('native')]);
  for (const [what, over, cls, re] of bad) {
    it(`rejects ${what} with the same error on every backend`, () => {
      const messages = backends.map(([name, k]) => {
        try {
          fwd(k(), over);
        } catch (e) {
          expect(e, name).toBeInstanceOf(cls);
          expect((e as Error).message, name).toMatch(re);
          return (e as Error).message;
        }
        return expect.fail(`${name} accepted ${what}`);
      });
      expect(new Set(messages).size).toBe(1);
    });
  }

  it('checks the argument count', () => {
    expect(() => (ref.rnnForward as (...args: unknown[]) => void)(1, 2)).toThrow(
      /rnnForward\(y, hN, .*expected 17 arguments but received 2/,
    );
  });
});
