// Convolution against PyTorch fixtures (scripts/fixtures/gen_conv.py) on every backend, and the
// geometry checks with their exact messages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable, type Backend } from '../../lib/index.js';
import { resolvePadding, type Conv2dGeometry, type PaddingSpec } from '../../lib/backend/conv-geometry.js';
import { expectClose } from '../helpers/expect-close.js';
import { nans } from '../helpers/rng.js';

interface ConvCase {
  n: number;
  c: number;
  h: number;
  w: number;
  k: number;
  kh: number;
  kw: number;
  stride: number | [number, number];
  padding: number | [number, number] | 'same';
  dilation: number | [number, number];
  groups: number;
  x: number[];
  weight: number[];
  bias: number[] | null;
  out: number[];
  dy: number[];
  dx: number[];
  dweight: number[];
  dbias: number[] | null;
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/conv.json'), 'utf8')) as {
  torch: string;
  cases: ConvCase[];
};
const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

export function geometryOf(c: ConvCase): Conv2dGeometry {
  const [sh, sw] = pair(c.stride);
  const [dh, dw] = pair(c.dilation);
  const [pt, pb, pl, pr] = resolvePadding(c.padding as PaddingSpec, [c.kh, c.kw], [dh, dw], [sh, sw]);
  return {
    n: c.n,
    c: c.c,
    h: c.h,
    w: c.w,
    k: c.k,
    kh: c.kh,
    kw: c.kw,
    sh,
    sw,
    pt,
    pb,
    pl,
    pr,
    dh,
    dw,
    groups: c.groups,
  };
}

const backends: [string, () => Backend][] = [['js', () => kernels('js')]];
if (nativeAvailable()) backends.push(['native', () => kernels('native')]);

for (const [name, get] of backends) {
  describe(`${name} conv2d against PyTorch ${fixture.torch}`, () => {
    it.each(
      fixture.cases.map((c, i) => [i, `${c.n}x${c.c}x${c.h}x${c.w} k${c.k} ${c.kh}x${c.kw} g${c.groups}`, c] as const),
    )('case %i: %s', (_i, _label, c) => {
      const k = get();
      const g = geometryOf(c);
      const x = Float32Array.from(c.x);
      const w = Float32Array.from(c.weight);
      const b = c.bias === null ? null : Float32Array.from(c.bias);
      const out = nans(c.out.length);
      k.conv2dForward(out, x, w, b, g);
      // Sums of up to c/groups*kh*kw products in float32: a few ulps of the largest terms.
      const tol = { atol: 1e-4, rtol: 1e-4 };
      expectClose(out, c.out, { ...tol, context: { name, what: 'out' } });
      const dy = Float32Array.from(c.dy);
      const dx = nans(x.length);
      k.conv2dBackwardData(dx, dy, w, g);
      expectClose(dx, c.dx, { ...tol, context: { name, what: 'dx' } });
      const dw = nans(w.length);
      const db = c.dbias === null ? null : nans(c.k);
      k.conv2dBackwardWeight(dw, db, dy, x, g);
      expectClose(dw, c.dweight, { ...tol, context: { name, what: 'dweight' } });
      if (db !== null) expectClose(db, c.dbias!, { ...tol, context: { name, what: 'dbias' } });
    });
  });

  describe(`${name} conv2d geometry checks`, () => {
    const base: Conv2dGeometry = {
      n: 1,
      c: 2,
      h: 5,
      w: 5,
      k: 2,
      kh: 3,
      kw: 3,
      sh: 1,
      sw: 1,
      pt: 0,
      pb: 0,
      pl: 0,
      pr: 0,
      dh: 1,
      dw: 1,
      groups: 1,
    };
    const f = (n: number) => new Float32Array(n);
    it.each([
      [
        'kernel 0',
        { ...base, kh: 0 },
        RangeError,
        'Expected integer in [1, 2147483647] for geometry.kh but received 0 of type number',
      ],
      [
        'stride 0',
        { ...base, sw: 0 },
        RangeError,
        'Expected integer in [1, 2147483647] for geometry.sw but received 0 of type number',
      ],
      [
        'negative padding',
        { ...base, pt: -1 },
        RangeError,
        'Expected integer in [0, 2147483647] for geometry.pt but received -1 of type number',
      ],
      [
        'dilation 0',
        { ...base, dw: 0 },
        RangeError,
        'Expected integer in [1, 2147483647] for geometry.dw but received 0 of type number',
      ],
      [
        'channels not divisible by groups',
        { ...base, c: 3, groups: 2 },
        RangeError,
        'Expected input channels divisible by groups but c = 3 and groups = 2',
      ],
      [
        'output channels not divisible by groups',
        { ...base, k: 3, groups: 2 },
        RangeError,
        'Expected output channels divisible by groups but k = 3 and groups = 2',
      ],
      [
        'empty output',
        { ...base, h: 2, w: 2 },
        RangeError,
        'Expected a non-empty output but an input of 2x2 (padded by 0,0,0,0) convolved with kernel 3x3, stride 1x1 and dilation 1x1 gives 0x0',
      ],
      [
        'overflow',
        { ...base, n: 2 ** 26, c: 2 ** 26, h: 2 ** 20 },
        RangeError,
        'Expected n * c * h to be at most 9007199254740991 but 4503599627370496 * 1048576 overflows',
      ],
      [
        'string groups',
        { ...base, groups: '1' },
        TypeError,
        'Expected integer in [1, 2147483647] for geometry.groups but received "1" of type string',
      ],
    ] as const)('%s', (_label, g, error, message) => {
      const k = get();
      const call = () => k.conv2dForward(f(50), f(50), f(36), null, g as never);
      expect(call).toThrow(error);
      expect(call).toThrow(message);
    });

    it('rejects short weights, a short bias and an output overlapping the input', () => {
      const k = get();
      expect(() => k.conv2dForward(f(18), f(50), f(35), null, base)).toThrow(
        new RangeError('Expected Float32Array of at least 36 elements for weight but received Float32Array(35)'),
      );
      expect(() => k.conv2dForward(f(18), f(50), f(36), f(1), base)).toThrow(
        new RangeError('Expected Float32Array of at least 2 elements for bias but received Float32Array(1)'),
      );
      const buf = f(100);
      expect(() => k.conv2dForward(buf.subarray(40, 60), buf.subarray(0, 50), f(36), null, base)).toThrow(
        new RangeError('Expected out and x not to overlap but they share memory'),
      );
      expect(() => k.conv2dBackwardWeight(f(36), new Float64Array(2) as never, f(18), f(50), base)).toThrow(
        new TypeError('Expected Float32Array or null for dbias but received Float64Array(2)'),
      );
    });
  });
}

describe('resolvePadding', () => {
  it('splits same padding with the smaller half first, as PyTorch', () => {
    expect(resolvePadding('same', [4, 3], [1, 1], [1, 1])).toEqual([1, 2, 1, 1]);
    expect(resolvePadding('same', [3, 3], [2, 1], [1, 1])).toEqual([2, 2, 1, 1]);
    expect(resolvePadding('valid', [3, 3], [1, 1], [2, 2])).toEqual([0, 0, 0, 0]);
    expect(resolvePadding([2, 1], [3, 3], [1, 1], [2, 2])).toEqual([2, 2, 1, 1]);
    expect(() => resolvePadding('same', [3, 3], [1, 1], [2, 1])).toThrow(
      "padding='same' is not supported for strided convolutions",
    );
    expect(() => resolvePadding(-1, [3, 3], [1, 1], [1, 1])).toThrow(RangeError);
  });
});
