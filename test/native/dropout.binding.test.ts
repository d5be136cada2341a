// Every dropout and Philox entry fed bad arguments: the same error class and the exact same text
// from the native binding and from the reference backend (one table, run against both).
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable, type Backend } from '../../lib/index.js';

const f32 = (n: number): Float32Array => new Float32Array(n);
const u32 = (n: number): Uint32Array => new Uint32Array(n);

function detached<T extends Float32Array | Uint32Array>(a: T): T {
  structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
  return a;
}

type Case = [string, (k: Backend) => unknown, typeof TypeError | typeof RangeError, string];

const SEEDX = 'integer in [0, 2^53) or bigint in [0, 2^64)';
const FWD = 'dropoutForward(out, mask, x, p, seed, offset[, n])';

// Views into one buffer for the overlap cases.
const shared = new ArrayBuffer(4 * 64);
const a0 = new Float32Array(shared, 0, 32);
const a1 = new Float32Array(shared, 4, 32); // a0 shifted by one element
const m0 = new Uint32Array(shared, 0, 1);
const m31 = new Uint32Array(shared, 4 * 31, 2); // the last element of a0 and the first after it

const CASES: Case[] = [
  // argument counts
  [
    'forward with 5 arguments',
    (k) => (k.dropoutForward as (...a: unknown[]) => void)(f32(1), u32(1), f32(1), 0.5, 1),
    TypeError,
    `${FWD}: expected 6 or 7 arguments but received 5`,
  ],
  [
    'forward with 8 arguments',
    (k) => (k.dropoutForward as (...a: unknown[]) => void)(f32(1), u32(1), f32(1), 0.5, 1, 0, 1, 1),
    TypeError,
    `${FWD}: expected 6 or 7 arguments but received 8`,
  ],
  [
    'backward with 3 arguments',
    (k) => (k.dropoutBackward as (...a: unknown[]) => void)(f32(1), f32(1), u32(1)),
    TypeError,
    'dropoutBackward(dx, dy, mask, p[, n]): expected 4 or 5 arguments but received 3',
  ],
  [
    'mask with 4 arguments',
    (k) => (k.dropoutMask as (...a: unknown[]) => void)(u32(1), 0.5, 1, 0),
    TypeError,
    'dropoutMask(mask, p, seed, offset, n): expected 5 arguments but received 4',
  ],
  [
    'broadcast forward with 8 arguments',
    (k) => (k.dropoutBroadcastForward as (...a: unknown[]) => void)(f32(1), u32(1), f32(1), 0.5, 1, 0, 1, 1),
    TypeError,
    'dropoutBroadcastForward(out, mask, x, p, seed, offset, outer, mid, inner): expected 9 arguments but received 8',
  ],
  [
    'broadcast backward with 0 arguments',
    (k) => (k.dropoutBroadcastBackward as (...a: unknown[]) => void)(),
    TypeError,
    'dropoutBroadcastBackward(dx, dy, mask, p, outer, mid, inner): expected 7 arguments but received 0',
  ],
  [
    'randnFill with 7 arguments',
    (k) => (k.randnFill as (...a: unknown[]) => void)(f32(1), 0, 1, 1, 0, 1, 1),
    TypeError,
    'randnFill(out, mean, std, seed, offset, n): expected 6 arguments but received 7',
  ],
  [
    'philox4x32 with 2 arguments',
    (k) => (k.philox4x32 as (...a: unknown[]) => void)(u32(4), u32(2)),
    TypeError,
    'philox4x32(counter, key, out): expected 3 arguments but received 2',
  ],
  // wrong types
  [
    'out as Float64Array',
    (k) => k.dropoutForward(new Float64Array(4) as never, u32(1), f32(4), 0.5, 1, 0, 4),
    TypeError,
    'Expected Float32Array for out but received Float64Array(4)',
  ],
  [
    'mask as Int32Array',
    (k) => k.dropoutForward(f32(4), new Int32Array(1) as never, f32(4), 0.5, 1, 0, 4),
    TypeError,
    'Expected Uint32Array for mask but received Int32Array(1)',
  ],
  [
    'x as an Array',
    (k) => k.dropoutForward(f32(2), u32(1), [1, 2] as never, 0.5, 1, 0, 2),
    TypeError,
    'Expected Float32Array for x but received Array(2)',
  ],
  [
    'mask as null',
    (k) => k.dropoutBackward(f32(2), f32(2), null as never, 0.5, 2),
    TypeError,
    'Expected Uint32Array for mask but received null',
  ],
  [
    'dy as undefined',
    (k) => k.dropoutBackward(f32(2), undefined as never, u32(1), 0.5, 2),
    TypeError,
    'Expected Float32Array for dy but received undefined',
  ],
  [
    'counter as Float32Array',
    (k) => k.philox4x32(f32(4) as never, u32(2), u32(4)),
    TypeError,
    'Expected Uint32Array for counter but received Float32Array(4)',
  ],
  [
    'mean as a string',
    (k) => k.randnFill(f32(2), '0' as never, 1, 1, 0, 2),
    TypeError,
    'Expected number for mean but received "0" of type string',
  ],
  [
    'high as a bigint',
    (k) => k.uniformFill(f32(2), 0, 1n as never, 1, 0, 2),
    TypeError,
    'Expected number for high but received 1 of type bigint',
  ],
  // p
  [
    'p = NaN',
    (k) => k.dropoutForward(f32(2), u32(1), f32(2), Number.NaN, 1, 0, 2),
    RangeError,
    'Expected number in [0, 1] for p but received NaN of type number',
  ],
  [
    'p = -0.1',
    (k) => k.dropoutForward(f32(2), u32(1), f32(2), -0.1, 1, 0, 2),
    RangeError,
    'Expected number in [0, 1] for p but received -0.1 of type number',
  ],
  [
    'p = 1.5',
    (k) => k.dropoutBackward(f32(2), f32(2), u32(1), 1.5, 2),
    RangeError,
    'Expected number in [0, 1] for p but received 1.5 of type number',
  ],
  [
    'p = Infinity',
    (k) => k.dropoutMask(u32(1), Number.POSITIVE_INFINITY, 1, 0, 2),
    RangeError,
    'Expected number in [0, 1] for p but received Infinity of type number',
  ],
  [
    'p as a string',
    (k) => k.dropoutForward(f32(2), u32(1), f32(2), '0.5' as never, 1, 0, 2),
    TypeError,
    'Expected number in [0, 1] for p but received "0.5" of type string',
  ],
  // seed
  [
    'seed = -1',
    (k) => k.dropoutForward(f32(2), u32(1), f32(2), 0.5, -1, 0, 2),
    RangeError,
    `Expected ${SEEDX} for seed but received -1 of type number`,
  ],
  [
    'seed = 1.5',
    (k) => k.dropoutMask(u32(1), 0.5, 1.5, 0, 2),
    RangeError,
    `Expected ${SEEDX} for seed but received 1.5 of type number`,
  ],
  [
    'seed = 2^53',
    (k) => k.randnFill(f32(2), 0, 1, 2 ** 53, 0, 2),
    RangeError,
    `Expected ${SEEDX} for seed but received 9007199254740992 of type number`,
  ],
  [
    'seed = -1n',
    (k) => k.uniformFill(f32(2), 0, 1, -1n, 0, 2),
    RangeError,
    `Expected ${SEEDX} for seed but received -1 of type bigint`,
  ],
  [
    'seed = 2n ** 64n',
    (k) => k.dropoutBroadcastForward(f32(2), u32(1), f32(2), 0.5, 2n ** 64n, 0, 1, 2, 1),
    RangeError,
    `Expected ${SEEDX} for seed but received 18446744073709551616 of type bigint`,
  ],
  [
    'seed as a string',
    (k) => k.dropoutForward(f32(2), u32(1), f32(2), 0.5, '1' as never, 0, 2),
    TypeError,
    `Expected ${SEEDX} for seed but received "1" of type string`,
  ],
  [
    'seed = NaN',
    (k) => k.dropoutForward(f32(2), u32(1), f32(2), 0.5, Number.NaN, 0, 2),
    RangeError,
    `Expected ${SEEDX} for seed but received NaN of type number`,
  ],
  // offset
  [
    'offset = -1',
    (k) => k.dropoutForward(f32(2), u32(1), f32(2), 0.5, 1, -1, 2),
    RangeError,
    'Expected non-negative safe integer for offset but received -1 of type number',
  ],
  [
    'offset = 0.5',
    (k) => k.dropoutMask(u32(1), 0.5, 1, 0.5, 2),
    RangeError,
    'Expected non-negative safe integer for offset but received 0.5 of type number',
  ],
  [
    'offset = 2^53',
    (k) => k.randnFill(f32(2), 0, 1, 1, 2 ** 53, 2),
    RangeError,
    'Expected non-negative safe integer for offset but received 9007199254740992 of type number',
  ],
  [
    'offset as a bigint',
    (k) => k.dropoutForward(f32(2), u32(1), f32(2), 0.5, 1, 1n as never, 2),
    TypeError,
    'Expected non-negative safe integer for offset but received 1 of type bigint',
  ],
  // counts and lengths
  [
    'n = -1',
    (k) => k.dropoutForward(f32(2), u32(1), f32(2), 0.5, 1, 0, -1),
    RangeError,
    'Expected non-negative safe integer for n but received -1 of type number',
  ],
  [
    'n = 1.5',
    (k) => k.dropoutBackward(f32(2), f32(2), u32(1), 0.5, 1.5),
    RangeError,
    'Expected non-negative safe integer for n but received 1.5 of type number',
  ],
  [
    'n as undefined (7 arguments)',
    (k) => k.dropoutForward(f32(2), u32(1), f32(2), 0.5, 1, 0, undefined),
    TypeError,
    'Expected non-negative safe integer for n but received undefined',
  ],
  [
    'out too short',
    (k) => k.dropoutForward(f32(8), u32(1), f32(10), 0.5, 1, 0, 10),
    RangeError,
    'Expected Float32Array of at least 10 elements for out but received Float32Array(8)',
  ],
  [
    'x shorter than out when n defaults to x.length',
    (k) => k.dropoutForward(f32(8), u32(1), f32(10), 0.5, 1, 0),
    RangeError,
    'Expected Float32Array of at least 10 elements for out but received Float32Array(8)',
  ],
  [
    'mask too short',
    (k) => k.dropoutForward(f32(33), u32(1), f32(33), 0.5, 1, 0, 33),
    RangeError,
    'Expected Uint32Array of at least 2 elements for mask but received Uint32Array(1)',
  ],
  [
    'x too short',
    (k) => k.dropoutForward(f32(40), u32(2), f32(39), 0.5, 1, 0, 40),
    RangeError,
    'Expected Float32Array of at least 40 elements for x but received Float32Array(39)',
  ],
  [
    'backward mask too short',
    (k) => k.dropoutBackward(f32(65), f32(65), u32(2), 0.5, 65),
    RangeError,
    'Expected Uint32Array of at least 3 elements for mask but received Uint32Array(2)',
  ],
  [
    'dropoutMask mask too short',
    (k) => k.dropoutMask(u32(3), 0.5, 1, 0, 97),
    RangeError,
    'Expected Uint32Array of at least 4 elements for mask but received Uint32Array(3)',
  ],
  [
    'broadcast mask too short (outer * inner bits)',
    (k) => k.dropoutBroadcastForward(f32(200), u32(1), f32(200), 0.5, 1, 0, 2, 5, 20),
    RangeError,
    'Expected Uint32Array of at least 2 elements for mask but received Uint32Array(1)',
  ],
  [
    'broadcast size overflow',
    (k) => k.dropoutBroadcastForward(f32(1), u32(1), f32(1), 0.5, 1, 0, 2 ** 40, 2 ** 20, 1),
    RangeError,
    'Expected x to be at most 9007199254740991 but 1099511627776 * 1048576 overflows',
  ],
  [
    'broadcast backward dy too short',
    (k) => k.dropoutBroadcastBackward(f32(30), f32(29), u32(1), 0.5, 2, 3, 5),
    RangeError,
    'Expected Float32Array of at least 30 elements for dy but received Float32Array(29)',
  ],
  [
    'randnFill out too short',
    (k) => k.randnFill(f32(3), 0, 1, 1, 0, 4),
    RangeError,
    'Expected Float32Array of at least 4 elements for out but received Float32Array(3)',
  ],
  [
    'philox4x32 key too short',
    (k) => k.philox4x32(u32(4), u32(1), u32(4)),
    RangeError,
    'Expected Uint32Array of at least 2 elements for key but received Uint32Array(1)',
  ],
  // overlaps
  [
    'out partially overlapping x',
    (k) => k.dropoutForward(a1, u32(1), a0, 0.5, 1, 0, 32),
    RangeError,
    'Expected out and x to be the same array or not to overlap but they partially overlap',
  ],
  [
    'mask inside x',
    (k) => k.dropoutForward(f32(32), m0, a0, 0.5, 1, 0, 32),
    RangeError,
    'Expected mask and x not to overlap but they share memory',
  ],
  [
    'mask overlapping the end of out',
    (k) => k.dropoutForward(a0, m31, f32(32), 0.5, 1, 0, 32),
    RangeError,
    'Expected mask and out not to overlap but they share memory',
  ],
  [
    'dx partially overlapping dy',
    (k) => k.dropoutBackward(a0, a1, u32(1), 0.5, 32),
    RangeError,
    'Expected dx and dy to be the same array or not to overlap but they partially overlap',
  ],
  [
    'dx overlapping mask',
    (k) => k.dropoutBackward(a0, f32(32), m31, 0.5, 32),
    RangeError,
    'Expected dx and mask not to overlap but they share memory',
  ],
  [
    'broadcast out partially overlapping x',
    (k) => k.dropoutBroadcastForward(a1, u32(1), a0, 0.5, 1, 0, 2, 4, 4),
    RangeError,
    'Expected out and x to be the same array or not to overlap but they partially overlap',
  ],
  [
    'philox4x32 out overlapping counter',
    (k) => k.philox4x32(new Uint32Array(shared, 0, 4), u32(2), new Uint32Array(shared, 4, 4)),
    RangeError,
    'Expected out and counter to be the same array or not to overlap but they partially overlap',
  ],
  // detached buffers
  [
    'detached x',
    (k) => k.dropoutForward(f32(4), u32(1), detached(f32(4)), 0.5, 1, 0, 0),
    TypeError,
    'Expected Float32Array for x but received Float32Array with a detached ArrayBuffer',
  ],
  [
    'detached mask',
    (k) => k.dropoutBackward(f32(4), f32(4), detached(u32(1)), 0.5, 0),
    TypeError,
    'Expected Uint32Array for mask but received Uint32Array with a detached ArrayBuffer',
  ],
  [
    'detached out of randnFill',
    (k) => k.randnFill(detached(f32(4)), 0, 1, 1, 0, 0),
    TypeError,
    'Expected Float32Array for out but received Float32Array with a detached ArrayBuffer',
  ],
];

const BACKENDS: { name: 'js' | 'native'; skip: string }[] = [
  { name: 'js', skip: '' },
  { name: 'native', skip: nativeAvailable() ? '' : 'native backend not loaded' },
];

for (const { name, skip } of BACKENDS) {
  describe.skipIf(skip !== '')(`dropout argument checks on ${name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it.each(CASES)('%s', (_label, call, ErrorClass, message) => {
      const k = kernels(name as 'js');
      let thrown: unknown;
      try {
        call(k);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ErrorClass);
      expect((thrown as Error).message).toBe(message);
    });

    it('accepts the edges: p = 0 and 1, seeds 0 and 2^64 - 1, offset 2^53 - 1, empty arrays', () => {
      const k = kernels(name as 'js');
      const x = new Float32Array([1, -2, 3]);
      const out = f32(3),
        mask = u32(1);
      k.dropoutForward(out, mask, x, 0, 0, 0, 3);
      expect(Array.from(out)).toEqual([1, -2, 3]);
      expect(mask[0]).toBe(0b111);
      k.dropoutForward(out, mask, x, 1, 2n ** 64n - 1n, Number.MAX_SAFE_INTEGER, 3);
      expect(Array.from(out)).toEqual([0, 0, 0]);
      expect(mask[0]).toBe(0);
      k.dropoutForward(f32(0), u32(0), f32(0), 0.5, 1, 0, 0);
      k.dropoutBroadcastForward(f32(0), u32(0), f32(0), 0.5, 1, 0, 0, 3, 3);
      k.randnFill(f32(0), 0, 1, 1, 0, 0);
    });

    it('treats an omitted n as x.length (forward) and dy.length (backward), and number and bigint seeds alike', () => {
      const k = kernels(name as 'js');
      const x = new Float32Array(100).map((_, i) => i + 1);
      const a = f32(100),
        b = f32(100),
        ma = u32(4),
        mb = u32(4);
      k.dropoutForward(a, ma, x, 0.5, 77, 3, 100);
      k.dropoutForward(b, mb, x, 0.5, 77n, 3);
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(Array.from(mb)).toEqual(Array.from(ma));
      const da = f32(100),
        db = f32(100);
      k.dropoutBackward(da, x, ma, 0.5, 100);
      k.dropoutBackward(db, x, ma, 0.5);
      expect(Array.from(db)).toEqual(Array.from(da));
    });
  });
}
