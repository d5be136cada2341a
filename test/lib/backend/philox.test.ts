// The Philox4x32-10 stream in TypeScript: Random123's known-answer vectors, agreement with an
// independent BigInt implementation, the draw-to-counter mapping (exact beyond 2^53), and the
// Generator built on it.
import { describe, expect, it } from 'vitest';
import { kernels } from '../../../lib/index.js';
import { PhiloxStream, philoxDraws } from '../../../lib/backend/philox.js';
import { Generator, philox4x32 } from '../../../lib/random.js';
import { PHILOX_KAT } from '../../helpers/philox-kat.js';
import { seededRandom } from '../../helpers/rng.js';

/** Philox4x32-10 written independently with BigInt arithmetic (slow, obviously exact). */
function philoxBig(ctr: readonly number[], key: readonly number[]): number[] {
  const M = 0xffffffffn;
  let [c0, c1, c2, c3] = ctr.map(BigInt) as [bigint, bigint, bigint, bigint];
  let [k0, k1] = key.map(BigInt) as [bigint, bigint];
  for (let r = 0; r < 10; r++) {
    const p0 = 0xd2511f53n * c0;
    const p1 = 0xcd9e8d57n * c2;
    [c0, c1, c2, c3] = [(p1 >> 32n) ^ c1 ^ k0, p1 & M, (p0 >> 32n) ^ c3 ^ k1, p0 & M];
    k0 = (k0 + 0x9e3779b9n) & M;
    k1 = (k1 + 0xbb67ae85n) & M;
  }
  return [c0, c1, c2, c3].map(Number);
}

const hex = (v: ArrayLike<number>): string[] => Array.from(v, (x) => x.toString(16).padStart(8, '0'));

describe('Philox4x32-10 in TypeScript', () => {
  it.each(PHILOX_KAT)('known answer: counter %j key %j', (ctr, key, want) => {
    const out = new Uint32Array(4);
    philox4x32(ctr[0]!, ctr[1]!, ctr[2]!, ctr[3]!, key[0]!, key[1]!, out);
    expect(hex(out)).toEqual(hex(want));
    const viaKernel = new Uint32Array(4);
    kernels('js').philox4x32(new Uint32Array(ctr), new Uint32Array(key), viaKernel);
    expect(hex(viaKernel)).toEqual(hex(want));
  });

  it('agrees with an independent BigInt implementation on random counters and keys', () => {
    const r = seededRandom(42);
    const u = (): number => Math.floor(r() * 2 ** 32) >>> 0;
    const out = new Uint32Array(4);
    for (let t = 0; t < 300; t++) {
      const ctr = [u(), u(), u(), u()],
        key = [u(), u()];
      philox4x32(ctr[0]!, ctr[1]!, ctr[2]!, ctr[3]!, key[0]!, key[1]!, out);
      expect(hex(out), `ctr ${hex(ctr)} key ${hex(key)}`).toEqual(hex(philoxBig(ctr, key)));
    }
  });

  it('the kernel works in place (out is counter)', () => {
    const [ctr, key, want] = PHILOX_KAT[2]!;
    const buf = new Uint32Array(ctr);
    kernels('js').philox4x32(buf, new Uint32Array(key), buf);
    expect(hex(buf)).toEqual(hex(want));
  });
});

describe('the stream: draw e is word e % 4 of block floor(e / 4)', () => {
  // Offsets near 2^53, where offset + i is no longer a double: blocks must still be exact.
  it.each([0, 1, 3, 4 * 2 ** 32 - 2, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER - 9])('from offset %s', (offset) => {
    const seed = 0xfedcba9876543210n;
    const [k0, k1] = [Number(seed & 0xffffffffn), Number(seed >> 32n)];
    const n = 23;
    const got = new Uint32Array(n);
    philoxDraws(got, n, k0, k1, offset);
    for (let i = 0; i < n; i++) {
      const e = BigInt(offset) + BigInt(i);
      const block = e / 4n;
      const words = philoxBig([Number(block & 0xffffffffn), Number(block >> 32n), 0, 0], [k0, k1]);
      expect(got[i], `draw ${e}`).toBe(words[Number(e % 4n)]);
    }
  });

  it('reads the same draws whichever offset it starts from', () => {
    const all = new Uint32Array(64);
    philoxDraws(all, 64, 1, 2, 1000);
    for (const start of [1, 2, 3, 5, 17]) {
      const s = new PhiloxStream(1, 2, 1000 + start);
      for (let i = start; i < 64; i++) expect(s.next()).toBe(all[i]);
    }
  });
});

describe('Generator on the shared stream', () => {
  it('number and bigint seeds name the same stream; key splits the seed', () => {
    const a = new Generator(2 ** 40 + 3),
      b = new Generator(2n ** 40n + 3n);
    expect(a.key).toEqual([3, 256]);
    expect(a.seed).toBe(2n ** 40n + 3n);
    expect(Array.from(a.uniform(new Float32Array(10)))).toEqual(Array.from(b.uniform(new Float32Array(10))));
  });

  it('uniform and normal are the reference uniformFill / randnFill at the reserved offsets', () => {
    const g = new Generator(123);
    const js = kernels('js');
    const u = g.uniform(new Float32Array(7), -1, 1); // draws 0..6, next offset 8
    const want = new Float32Array(7);
    js.uniformFill(want, -1, 1, 123, 0, 7);
    expect(Array.from(u)).toEqual(Array.from(want));
    expect(g.offset).toBe(8);
    const z = g.normal(new Float32Array(5), 2, 3); // 3 pairs = draws 8..13, next offset 16
    const wantZ = new Float32Array(5);
    js.randnFill(wantZ, 2, 3, 123, 8, 5);
    expect(Array.from(z)).toEqual(Array.from(wantZ));
    expect(g.offset).toBe(16);
  });

  it('uniform values are (draw >>> 8) * 2^-24 exactly', () => {
    const g = new Generator(5);
    const d = new Uint32Array(100);
    g.draws(d, 0);
    const u = g.uniform(new Float32Array(100));
    for (let i = 0; i < 100; i++) expect(u[i]).toBe((d[i]! >>> 8) * 2 ** -24);
  });

  it('manualSeed restarts the stream; bad seeds and offsets throw with the library texts', () => {
    const g = new Generator(9);
    const first = Array.from(g.uniform(new Float32Array(4)));
    g.manualSeed(9);
    expect(Array.from(g.uniform(new Float32Array(4)))).toEqual(first);
    expect(() => new Generator(-1)).toThrow(
      new RangeError('Expected integer in [0, 2^53) or bigint in [0, 2^64) for seed but received -1 of type number'),
    );
    expect(() => new Generator('1' as never)).toThrow(TypeError);
    expect(() => {
      g.offset = 6;
    }).toThrow(
      new RangeError(
        'Expected non-negative safe integer that is a multiple of 4 for offset but received 6 of type number',
      ),
    );
    expect(() => g.draws(new Uint32Array(1), -4)).toThrow(
      new RangeError('Expected non-negative safe integer for offset but received -4 of type number'),
    );
  });
});
