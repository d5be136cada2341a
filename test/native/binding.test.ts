// The binding layer's checks: every element-wise and runtime entry fed wrong types, wrong
// lengths, bad sizes, detached buffers and overlapping views. Each must throw the library's
// TypeError/RangeError with the exact text, and both backends must agree on it. A final fuzz pass
// calls every native export with hostile argument mixes: errors only, never a crash.
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable, type Backend } from '../../lib/index.js';

type Case = [
  label: string,
  call: (k: Backend) => unknown,
  error: typeof TypeError | typeof RangeError,
  message: string,
];

function detached(n: number): Float32Array {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

const f = (n: number) => new Float32Array(n);
const shared = new ArrayBuffer(4 * 10);
const head = new Float32Array(shared, 0, 8);
const shifted = new Float32Array(shared, 4, 8);

const CASES: Case[] = [
  [
    'too few arguments',
    (k) => (k.add as (...a: unknown[]) => void)(f(1), f(1), f(1)),
    TypeError,
    'add(out, a, b, n): expected 4 arguments but received 3',
  ],
  [
    'too many arguments',
    (k) => (k.relu as (...a: unknown[]) => void)(f(1), f(1), 1, 1),
    TypeError,
    'relu(out, x, n): expected 3 arguments but received 4',
  ],
  [
    'Uint8Array for a',
    (k) => k.add(f(3), new Uint8Array(3) as never, f(3), 3),
    TypeError,
    'Expected Float32Array for a but received Uint8Array(3)',
  ],
  [
    'Float64Array for out',
    (k) => k.mul(new Float64Array(3) as never, f(3), f(3), 3),
    TypeError,
    'Expected Float32Array for out but received Float64Array(3)',
  ],
  [
    'plain array for x',
    (k) => k.relu(f(3), [1, 2, 3] as never, 3),
    TypeError,
    'Expected Float32Array for x but received Array(3)',
  ],
  [
    'null for b',
    (k) => k.add(f(3), f(3), null as never, 3),
    TypeError,
    'Expected Float32Array for b but received null',
  ],
  [
    'undefined for dy',
    (k) => k.reluBackward(f(3), undefined as never, f(3), 3),
    TypeError,
    'Expected Float32Array for dy but received undefined',
  ],
  [
    'DataView for out',
    (k) => k.fill(new DataView(new ArrayBuffer(8)) as never, 1, 2),
    TypeError,
    'Expected Float32Array for out but received DataView',
  ],
  [
    'object for x',
    (k) => k.scale(f(3), {} as never, 1, 3),
    TypeError,
    'Expected Float32Array for x but received object',
  ],
  [
    'detached a',
    (k) => k.add(f(3), detached(3), f(3), 0),
    TypeError,
    'Expected Float32Array for a but received Float32Array with a detached ArrayBuffer',
  ],
  [
    'detached out',
    (k) => k.fill(detached(4), 1, 0),
    TypeError,
    'Expected Float32Array for out but received Float32Array with a detached ArrayBuffer',
  ],
  [
    'negative n',
    (k) => k.add(f(3), f(3), f(3), -1),
    RangeError,
    'Expected non-negative safe integer for n but received -1 of type number',
  ],
  [
    'fractional n',
    (k) => k.add(f(3), f(3), f(3), 1.5),
    RangeError,
    'Expected non-negative safe integer for n but received 1.5 of type number',
  ],
  [
    'NaN n',
    (k) => k.mul(f(3), f(3), f(3), Number.NaN),
    RangeError,
    'Expected non-negative safe integer for n but received NaN of type number',
  ],
  [
    'infinite n',
    (k) => k.relu(f(3), f(3), Number.POSITIVE_INFINITY),
    RangeError,
    'Expected non-negative safe integer for n but received Infinity of type number',
  ],
  [
    'huge n',
    (k) => k.fill(f(3), 0, 2 ** 53),
    RangeError,
    'Expected non-negative safe integer for n but received 9007199254740992 of type number',
  ],
  [
    'string n',
    (k) => k.add(f(3), f(3), f(3), '3' as never),
    TypeError,
    'Expected non-negative safe integer for n but received "3" of type string',
  ],
  [
    'bigint n',
    (k) => k.add(f(3), f(3), f(3), 3n as never),
    TypeError,
    'Expected non-negative safe integer for n but received 3 of type bigint',
  ],
  [
    'out too short',
    (k) => k.add(f(3), f(4), f(4), 4),
    RangeError,
    'Expected Float32Array of at least 4 elements for out but received Float32Array(3)',
  ],
  [
    'b too short',
    (k) => k.mul(f(5), f(5), f(2), 5),
    RangeError,
    'Expected Float32Array of at least 5 elements for b but received Float32Array(2)',
  ],
  [
    'x too short for relu',
    (k) => k.relu(f(9), f(8), 9),
    RangeError,
    'Expected Float32Array of at least 9 elements for x but received Float32Array(8)',
  ],
  [
    'dx too short',
    (k) => k.reluBackward(f(1), f(2), f(2), 2),
    RangeError,
    'Expected Float32Array of at least 2 elements for dx but received Float32Array(1)',
  ],
  [
    'string s',
    (k) => k.scale(f(2), f(2), '2' as never, 2),
    TypeError,
    'Expected number for s but received "2" of type string',
  ],
  [
    'boolean value',
    (k) => k.fill(f(2), true as never, 2),
    TypeError,
    'Expected number for value but received true of type boolean',
  ],
  [
    'partially overlapping out and a',
    (k) => k.add(head, shifted, f(8), 8),
    RangeError,
    'Expected out and a to be the same array or not to overlap but they partially overlap',
  ],
  [
    'partially overlapping dx and x',
    (k) => k.reluBackward(shifted, f(8), head, 8),
    RangeError,
    'Expected dx and x to be the same array or not to overlap but they partially overlap',
  ],
  [
    'threads 0',
    (k) => k.setNumThreads(0),
    RangeError,
    'Expected integer in [1, 256] for n but received 0 of type number',
  ],
  [
    'threads 1.5',
    (k) => k.setNumThreads(1.5),
    RangeError,
    'Expected integer in [1, 256] for n but received 1.5 of type number',
  ],
  [
    'threads 257',
    (k) => k.setNumThreads(257),
    RangeError,
    'Expected integer in [1, 256] for n but received 257 of type number',
  ],
  [
    'threads "2"',
    (k) => k.setNumThreads('2' as never),
    TypeError,
    'Expected integer in [1, 256] for n but received "2" of type string',
  ],
  [
    'unknown ISA',
    (k) => k.selectIsa('sse2'),
    RangeError,
    'Expected one of scalar, avx2, avx512, neon for cap but received "sse2" of type string',
  ],
  [
    'non-string ISA',
    (k) => k.selectIsa(2 as never),
    TypeError,
    'Expected string for cap but received 2 of type number',
  ],
];

const backends: [string, () => Backend][] = [['js', () => kernels('js')]];
if (nativeAvailable()) backends.push(['native', () => kernels('native')]);

for (const [name, get] of backends) {
  describe(`${name} backend argument checks`, () => {
    it.each(CASES)('%s', (_label, call, error, message) => {
      const k = get();
      let thrown: unknown;
      try {
        call(k);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(error);
      expect((thrown as Error).message).toBe(message);
    });

    it('accepts the same array as output and input (in place) and empty arrays', () => {
      const k = get();
      const a = Float32Array.of(1, -2, 3);
      k.relu(a, a, 3);
      expect([...a]).toEqual([1, 0, 3]);
      expect(() => k.add(f(0), f(0), f(0), 0)).not.toThrow();
      expect(() => k.fill(detached(0).subarray(0, 0), 1, 0)).toThrow(TypeError);
    });

    it('works on views into a SharedArrayBuffer', () => {
      const k = get();
      const sab = new SharedArrayBuffer(4 * 6);
      const x = new Float32Array(sab, 0, 3);
      const out = new Float32Array(sab, 12, 3);
      x.set([1, -1, 2]);
      k.scale(out, x, 2, 3);
      expect([...out]).toEqual([2, -2, 4]);
    });
  });
}

describe.skipIf(!nativeAvailable())('native entries under hostile arguments', () => {
  it('throw TypeError or RangeError, never crash', () => {
    const native = kernels('native') as unknown as Record<string, unknown>;
    const pool: unknown[] = [
      undefined,
      null,
      0,
      1,
      3,
      -1,
      1.5,
      Number.NaN,
      2 ** 53,
      2 ** 31,
      '1',
      true,
      3n,
      {},
      [],
      new Float32Array(0),
      new Float32Array(3),
      new Uint32Array(3),
      new Int32Array(3),
      detached(2),
      new Float32Array(new ArrayBuffer(16), 4, 2),
    ];
    let seed = 12345;
    const pick = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return pool[seed % pool.length];
    };
    const threads = kernels('native').numThreads();
    const isa = kernels('native').isa();
    let calls = 0;
    try {
      for (const [name, fn] of Object.entries(native)) {
        if (typeof fn !== 'function') continue;
        for (let trial = 0; trial < 300; trial++) {
          const args = Array.from({ length: trial % 15 }, pick);
          try {
            (fn as (...a: unknown[]) => unknown)(...args);
          } catch (e) {
            if (!(e instanceof TypeError || e instanceof RangeError))
              throw new Error(`${name}(${args.length} args) threw ${String(e)}`, { cause: e });
          }
          calls++;
        }
      }
    } finally {
      kernels('native').setNumThreads(threads);
      kernels('native').selectIsa(isa);
    }
    expect(calls).toBeGreaterThan(1000);
  });
});
