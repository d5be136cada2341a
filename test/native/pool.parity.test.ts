// Pooling: native against the reference over a geometry sweep (bit for bit, NaN-prefilled
// outputs, 1 and 2 threads), both against PyTorch fixtures (scripts/fixtures/gen_pool.py), and
// the geometry checks with their exact messages from both backends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable, type Backend } from '../../lib/index.js';
import type { Pool2dGeometry } from '../../lib/backend/backend.js';
import { poolOutSize } from '../../lib/backend/pool-geometry.js';
import { expectBitEqual, expectClose } from '../helpers/expect-close.js';
import { withThreads } from '../helpers/isa.js';
import { nans, randomFloats } from '../helpers/rng.js';

function sweep(): Pool2dGeometry[] {
  const out: Pool2dGeometry[] = [];
  let i = 0;
  for (const [h, w] of [
    [1, 1],
    [5, 7],
    [8, 8],
    [13, 6],
  ] as const) {
    for (const k of [1, 2, 3, 4]) {
      for (const s of [1, 2, 3]) {
        for (const d of [1, 2]) {
          for (const ceilMode of [false, true]) {
            const p = i++ % (Math.floor(k / 2) + 1);
            const g = {
              n: 1 + (i % 2),
              c: 1 + (i % 3),
              h,
              w,
              kh: k,
              kw: Math.max(1, k - (i % 2)),
              sh: s,
              sw: 1 + ((s + i) % 3),
              ph: p,
              pw: 0,
              dh: d,
              dw: 1 + (i % 2),
              ceilMode,
            };
            if (
              poolOutSize(g.h, g.kh, g.sh, g.ph, g.dh, ceilMode) > 0 &&
              poolOutSize(g.w, g.kw, g.sw, g.pw, g.dw, ceilMode) > 0
            )
              out.push(g);
          }
        }
      }
    }
  }
  return out;
}

function run(k: Backend, g: Pool2dGeometry, kind: 'max' | 'avg', withNan: boolean) {
  const oh = poolOutSize(g.h, g.kh, g.sh, g.ph, kind === 'max' ? (g.dh ?? 1) : 1, g.ceilMode ?? false);
  const ow = poolOutSize(g.w, g.kw, g.sw, g.pw, kind === 'max' ? (g.dw ?? 1) : 1, g.ceilMode ?? false);
  const inSize = g.n * g.c * g.h * g.w;
  const outSize = g.n * g.c * oh * ow;
  const x = randomFloats(inSize, inSize + oh);
  if (withNan && inSize > 3) x[3] = Number.NaN;
  const dy = randomFloats(outSize, 7);
  const out = nans(outSize);
  const dx = nans(inSize);
  if (kind === 'max') {
    const idx = new Int32Array(outSize).fill(-7);
    k.maxPool2dForward(out, idx, x, g);
    k.maxPool2dBackward(dx, dy, idx, g);
    return { out, dx, idx };
  }
  k.avgPool2dForward(out, x, g);
  k.avgPool2dBackward(dx, dy, g);
  return { out, dx, idx: new Int32Array(0) };
}

describe.skipIf(!nativeAvailable())('pooling: native against the reference', () => {
  const geometries = sweep();
  for (const kind of ['max', 'avg'] as const) {
    it(`${kind} pooling over ${geometries.length} geometries, bit for bit`, () => {
      for (const [i, g0] of geometries.entries()) {
        const g = kind === 'avg' ? { ...g0, countIncludePad: i % 2 === 0, divisorOverride: i % 5 === 0 ? 3 : 0 } : g0;
        const want = run(kernels('js'), g, kind, i % 4 === 0);
        const got = run(kernels('native'), g, kind, i % 4 === 0);
        expectBitEqual(got.out, want.out, { kind, ...g });
        expectBitEqual(got.dx, want.dx, { kind, ...g });
        expect([...got.idx]).toEqual([...want.idx]);
      }
    });
  }

  it('max pooling keeps the first of equal maxima and takes NaN and -Infinity as the reference does', () => {
    // Unpadded windows fully inside the image (the row-at-a-time path) and padded ones.
    const values = [0, 1, 2, -Infinity, Number.NaN, 2, 1, -Infinity];
    for (const g of [
      { n: 2, c: 3, h: 8, w: 10, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1 },
      { n: 1, c: 2, h: 9, w: 7, kh: 3, kw: 2, sh: 1, sw: 2, ph: 0, pw: 0, dh: 2, dw: 1 },
      { n: 1, c: 2, h: 9, w: 7, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1 },
    ]) {
      const x = Float32Array.from(
        { length: g.n * g.c * g.h * g.w },
        (_, i) => values[(i * 5 + (i >> 3)) % values.length]!,
      );
      const [want, got] = [kernels('js'), kernels('native')].map((k) => {
        const oh = poolOutSize(g.h, g.kh, g.sh, g.ph, g.dh, false),
          ow = poolOutSize(g.w, g.kw, g.sw, g.pw, g.dw, false);
        const out = nans(g.n * g.c * oh * ow);
        const idx = new Int32Array(out.length).fill(-7);
        k.maxPool2dForward(out, idx, x, g);
        return { out, idx };
      });
      expectBitEqual(got!.out, want!.out, g);
      expect([...got!.idx]).toEqual([...want!.idx]);
    }
  });

  it('adaptive average pooling, bit for bit', () => {
    for (const [h, w, oh, ow] of [
      [7, 5, 3, 2],
      [4, 4, 1, 1],
      [5, 3, 7, 4],
      [13, 11, 5, 5],
      [1, 1, 2, 3],
    ] as const) {
      const g = { n: 2, c: 3, h, w, oh, ow };
      const x = randomFloats(2 * 3 * h * w, h * w);
      const dy = randomFloats(2 * 3 * oh * ow, 3);
      const results = [kernels('js'), kernels('native')].map((k) => {
        const out = nans(2 * 3 * oh * ow);
        const dx = nans(2 * 3 * h * w);
        k.adaptiveAvgPool2dForward(out, x, g);
        k.adaptiveAvgPool2dBackward(dx, dy, g);
        return [out, dx] as const;
      });
      expectBitEqual(results[1]![0], results[0]![0], g);
      expectBitEqual(results[1]![1], results[0]![1], g);
    }
  });

  it('gives the same bits on 1 and 2 threads', () => {
    const g = { n: 8, c: 16, h: 32, w: 32, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1 };
    const one = withThreads(1, () => run(kernels('native'), g, 'max', false));
    const two = withThreads(2, () => run(kernels('native'), g, 'max', false));
    expectBitEqual(two.out, one.out);
    expectBitEqual(two.dx, one.dx);
  });
});

interface PoolCase {
  kind: 'max' | 'avg' | 'adaptive';
  shape: [number, number, number, number];
  params: {
    k?: number[];
    s?: number[];
    p?: number[];
    d?: number[];
    ceil?: boolean;
    cip?: boolean;
    div?: number;
    out?: number[];
  };
  x: (number | null)[];
  out_shape: number[];
  out: (number | null)[];
  indices: number[] | null;
  dy: number[];
  dx: number[];
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/pool.json'), 'utf8')) as {
  torch: string;
  cases: PoolCase[];
};
const nan = (v: (number | null)[]) => Float32Array.from(v, (x) => (x === null ? Number.NaN : x));

const backends: [string, () => Backend][] = [['js', () => kernels('js')]];
if (nativeAvailable()) backends.push(['native', () => kernels('native')]);

for (const [name, get] of backends) {
  describe(`${name} pooling against PyTorch ${fixture.torch}`, () => {
    it.each(fixture.cases.map((c, i) => [i, c.kind, c] as const))('case %i (%s)', (_i, _kind, c) => {
      const k = get();
      const [n, ch, h, w] = c.shape;
      const x = nan(c.x);
      const out = nans(c.out.length);
      const dx = nans(x.length);
      const dy = Float32Array.from(c.dy);
      if (c.kind === 'adaptive') {
        const g = { n, c: ch, h, w, oh: c.params.out![0]!, ow: c.params.out![1]! };
        k.adaptiveAvgPool2dForward(out, x, g);
        k.adaptiveAvgPool2dBackward(dx, dy, g);
      } else {
        const p = c.params;
        const g = {
          n,
          c: ch,
          h,
          w,
          kh: p.k![0]!,
          kw: p.k![1]!,
          sh: p.s![0]!,
          sw: p.s![1]!,
          ph: p.p![0]!,
          pw: p.p![1]!,
          dh: p.d?.[0] ?? 1,
          dw: p.d?.[1] ?? 1,
          ceilMode: p.ceil ?? false,
          countIncludePad: p.cip ?? true,
          divisorOverride: p.div ?? 0,
        };
        if (c.kind === 'max') {
          const idx = new Int32Array(out.length);
          k.maxPool2dForward(out, idx, x, g);
          expect([...idx]).toEqual(c.indices);
          k.maxPool2dBackward(dx, dy, idx, g);
        } else {
          k.avgPool2dForward(out, x, g);
          k.avgPool2dBackward(dx, dy, g);
        }
      }
      expectClose(out, nan(c.out), { atol: 1e-6, rtol: 1e-6, context: { kind: c.kind } });
      expectClose(dx, Float32Array.from(c.dx), { atol: 1e-6, rtol: 1e-6, context: { kind: c.kind, what: 'dx' } });
    });
  });

  describe(`${name} pooling geometry checks`, () => {
    const base = { n: 1, c: 1, h: 4, w: 4, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1 };
    const f = (n: number) => new Float32Array(n);
    it.each([
      [
        'kernel 0',
        { ...base, kh: 0 },
        RangeError,
        'Expected integer in [1, 2147483647] for geometry.kh but received 0 of type number',
      ],
      [
        'stride -1',
        { ...base, sw: -1 },
        RangeError,
        'Expected integer in [1, 2147483647] for geometry.sw but received -1 of type number',
      ],
      [
        'padding above half the kernel',
        { ...base, ph: 2 },
        RangeError,
        'Expected integer in [0, 1] for geometry.ph but received 2 of type number',
      ],
      [
        'dilation 0',
        { ...base, dh: 0 },
        RangeError,
        'Expected integer in [1, 2147483647] for geometry.dh but received 0 of type number',
      ],
      [
        'fractional height',
        { ...base, h: 4.5 },
        RangeError,
        'Expected integer in [1, 2147483647] for geometry.h but received 4.5 of type number',
      ],
      [
        'string width',
        { ...base, w: '4' },
        TypeError,
        'Expected integer in [1, 2147483647] for geometry.w but received "4" of type string',
      ],
      [
        'empty output',
        { ...base, h: 2, kh: 5, ph: 0 },
        RangeError,
        'Expected a non-empty output but an input of 2x4 pooled with kernel 5x2, stride 2x2, padding 0x0 and dilation 1x1 gives 0x2',
      ],
      [
        'overflowing sizes',
        { ...base, n: 2 ** 20, c: 2 ** 20, h: 2 ** 20 },
        RangeError,
        'Expected n * c * h to be at most 9007199254740991 but 1099511627776 * 1048576 overflows',
      ],
      [
        'ceilMode not boolean',
        { ...base, ceilMode: 1 },
        TypeError,
        'Expected boolean for geometry.ceilMode but received 1 of type number',
      ],
    ] as const)('%s', (_label, g, error, message) => {
      const k = get();
      const call = () => k.maxPool2dForward(f(64), new Int32Array(64), f(64), g as never);
      expect(call).toThrow(error);
      expect(call).toThrow(message);
    });

    it('rejects a missing geometry, short arrays and short indices', () => {
      const k = get();
      expect(() => k.avgPool2dForward(f(4), f(16), null as never)).toThrow(
        new TypeError('Expected geometry object for geometry but received null'),
      );
      expect(() => k.maxPool2dForward(f(4), new Int32Array(4), f(15), base)).toThrow(
        new RangeError('Expected Float32Array of at least 16 elements for x but received Float32Array(15)'),
      );
      expect(() => k.maxPool2dForward(f(4), new Int32Array(3), f(16), base)).toThrow(
        new RangeError('Expected Int32Array of at least 4 elements for indices but received Int32Array(3)'),
      );
      expect(() => k.maxPool2dBackward(f(16), f(4), new Uint32Array(4) as never, base)).toThrow(
        new TypeError('Expected Int32Array for indices but received Uint32Array(4)'),
      );
    });

    it('ignores hostile indices in backward instead of writing out of bounds', () => {
      const k = get();
      const dx = f(16);
      k.maxPool2dBackward(dx, Float32Array.of(1, 2, 3, 4), Int32Array.of(-5, 99999, 2 ** 31 - 1, 3), base);
      expect([...dx]).toEqual([0, 0, 0, 4, ...new Array(12).fill(0)]);
    });
  });
}
