// The native Philox4x32-10 (native/kernels/dropout/philox.h) through the addon's philox4x32
// entry: Random123's known answers and agreement with the TypeScript implementation. The vector
// kernels' copies of the rounds are held to the same stream by the dropout parity tests.
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable } from '../../lib/index.js';
import { philox4x32 } from '../../lib/random.js';
import { PHILOX_KAT } from '../helpers/philox-kat.js';
import { seededRandom } from '../helpers/rng.js';

const hex = (v: ArrayLike<number>): string[] => Array.from(v, (x) => x.toString(16).padStart(8, '0'));

describe.skipIf(!nativeAvailable())(
  `native Philox4x32-10${nativeAvailable() ? '' : ' (skipped: native backend not loaded)'}`,
  () => {
    it.each(PHILOX_KAT)('known answer: counter %j key %j', (ctr, key, want) => {
      const out = new Uint32Array(4);
      kernels('native').philox4x32(new Uint32Array(ctr), new Uint32Array(key), out);
      expect(hex(out)).toEqual(hex(want));
    });

    it('agrees with the TypeScript rounds on random counters and keys', () => {
      const r = seededRandom(7);
      const u = (): number => Math.floor(r() * 2 ** 32) >>> 0;
      const got = new Uint32Array(4),
        want = new Uint32Array(4);
      for (let t = 0; t < 2000; t++) {
        const ctr = new Uint32Array([u(), u(), u(), u()]),
          key = new Uint32Array([u(), u()]);
        kernels('native').philox4x32(ctr, key, got);
        philox4x32(ctr[0]!, ctr[1]!, ctr[2]!, ctr[3]!, key[0]!, key[1]!, want);
        expect(hex(got), `ctr ${hex(ctr)} key ${hex(key)}`).toEqual(hex(want));
      }
    });

    it('works in place (out is counter)', () => {
      const [ctr, key, want] = PHILOX_KAT[2]!;
      const buf = new Uint32Array(ctr);
      kernels('native').philox4x32(buf, new Uint32Array(key), buf);
      expect(hex(buf)).toEqual(hex(want));
    });
  },
);
