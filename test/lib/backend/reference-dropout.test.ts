// The reference dropout kernels against the definition itself: keep iff the element's draw (from
// the shared stream) >= round(p * 2^32); kept elements are x * fround(1 / (1 - p)), dropped ones
// +0 whatever x was; the broadcast forms share one bit along `mid`. The parity tests then hold
// every native ISA to these kernels bit for bit.
import { describe, expect, it } from 'vitest';
import { kernels } from '../../../lib/index.js';
import { philoxDraws, seedWords } from '../../../lib/backend/philox.js';
import { dropoutInput, keepBit, maskWords } from '../../helpers/dropout.js';

const js = kernels('js');

function draws(seed: number | bigint, offset: number, n: number): Uint32Array {
  const [k0, k1] = seedWords(seed);
  const d = new Uint32Array(n);
  philoxDraws(d, n, k0, k1, offset);
  return d;
}

describe('reference dropoutForward follows the definition', () => {
  it.each([
    [0.1, 0, 97],
    [0.5, 3, 64],
    [0.75, 2 ** 33 + 1, 1000],
    [2 ** -32, 0, 500],
    [0.9999, 7, 333],
  ])('p=%s offset=%s n=%s', (p, offset, n) => {
    const x = dropoutInput(n, 3);
    const out = new Float32Array(n),
      mask = new Uint32Array(maskWords(n) + 1).fill(0xffffffff);
    js.dropoutForward(out, mask, x, p, 31337, offset, n);
    const d = draws(31337, offset, n);
    const threshold = Math.round(p * 2 ** 32);
    const scale = Math.fround(1 / (1 - p));
    for (let i = 0; i < n; i++) {
      const keep = d[i]! >= threshold;
      expect(keepBit(mask, i), `bit ${i}`).toBe(keep);
      // Dropped is +0 (Object.is tells it from -0), even for NaN and infinite inputs.
      expect(Object.is(out[i], keep ? Math.fround(x[i]! * scale) : 0), `element ${i}`).toBe(true);
    }
    if (n % 32 !== 0) expect(mask[maskWords(n) - 1]! >>> (n % 32)).toBe(0);
    expect(mask[maskWords(n)]).toBe(0xffffffff); // past the mask: untouched
  });

  it('p = 0 is the identity (NaN, -0 and infinities included) with every bit set', () => {
    const n = 77;
    const x = dropoutInput(n, 4).subarray(0, n);
    const out = new Float32Array(n),
      mask = new Uint32Array(maskWords(n));
    js.dropoutForward(out, mask, x, 0, 1, 0, n);
    for (let i = 0; i < n; i++) expect(Object.is(out[i], x[i])).toBe(true);
    expect(Array.from(mask)).toEqual([0xffffffff, 0xffffffff, (1 << 13) - 1]);
  });

  it('p = 1 gives +0 everywhere and an empty mask, with no inf or NaN', () => {
    const n = 50;
    const x = dropoutInput(n, 5).subarray(0, n);
    const out = new Float32Array(n).fill(Number.NaN),
      mask = new Uint32Array(2).fill(7);
    js.dropoutForward(out, mask, x, 1, 1, 0, n);
    for (let i = 0; i < n; i++) expect(Object.is(out[i], 0)).toBe(true);
    expect(Array.from(mask)).toEqual([0, 0]);
  });

  it('backward is dy * keep * scale with the forward mask', () => {
    const n = 200;
    const x = dropoutInput(n, 6).subarray(0, n),
      dy = dropoutInput(n, 7).subarray(0, n);
    const out = new Float32Array(n),
      mask = new Uint32Array(maskWords(n)),
      dx = new Float32Array(n);
    js.dropoutForward(out, mask, x, 0.3, 2, 0, n);
    js.dropoutBackward(dx, dy, mask, 0.3, n);
    const scale = Math.fround(1 / 0.7);
    for (let i = 0; i < n; i++) expect(Object.is(dx[i], keepBit(mask, i) ? Math.fround(dy[i]! * scale) : 0)).toBe(true);
  });
});

describe('reference broadcast forms', () => {
  it('Dropout2d on NCHW (outer = N*C, mid = H*W, inner = 1): whole planes kept or zeroed', () => {
    const [N, C, H, W] = [2, 3, 4, 5];
    const n = N * C * H * W;
    const x = dropoutInput(n, 8)
      .subarray(0, n)
      .map((v) => (Number.isFinite(v) ? v : 1));
    const out = new Float32Array(n),
      mask = new Uint32Array(1);
    js.dropoutBroadcastForward(out, mask, x, 0.5, 77, 10, N * C, H * W, 1);
    const bits = new Uint32Array(1);
    js.dropoutMask(bits, 0.5, 77, 10, N * C); // the broadcast mask is the plain mask of N*C elements
    expect(mask[0]).toBe(bits[0]);
    const scale = Math.fround(1 / 0.5);
    for (let plane = 0; plane < N * C; plane++) {
      for (let j = 0; j < H * W; j++) {
        const i = plane * H * W + j;
        expect(Object.is(out[i], keepBit(mask, plane) ? Math.fround(x[i]! * scale) : 0)).toBe(true);
      }
    }
  });

  it('SpatialDropout2D on NHWC (outer = N, mid = H*W, inner = C): one channel pattern per sample', () => {
    const [N, H, W, C] = [3, 2, 3, 40];
    const n = N * H * W * C;
    const x = new Float32Array(n).fill(2);
    const out = new Float32Array(n),
      mask = new Uint32Array(maskWords(N * C));
    js.dropoutBroadcastForward(out, mask, x, 0.25, 5n, 0, N, H * W, C);
    const scale = Math.fround(1 / 0.75);
    for (let s = 0; s < N; s++) {
      for (let hw = 0; hw < H * W; hw++) {
        for (let c = 0; c < C; c++) {
          expect(out[(s * H * W + hw) * C + c]).toBe(keepBit(mask, s * C + c) ? 2 * scale : 0);
        }
      }
    }
    const dy = new Float32Array(n).fill(1),
      dx = new Float32Array(n);
    js.dropoutBroadcastBackward(dx, dy, mask, 0.25, N, H * W, C);
    for (let i = 0; i < n; i++) expect(dx[i]).toBe(out[i]! / 2);
  });
});
