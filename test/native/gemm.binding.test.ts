// The argument checks of sgemm and linearForward: one table of bad calls, run against both
// backends, each asserting the error class and the exact text. The reference backend's checks
// (lib/backend/reference.ts) and the native binding's (native/addon/gemm_binding.cc) must agree
// word for word. Also the calls at the edge of validity (empty sizes, k = 0, bias = null) that
// must not throw.
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable, type Backend } from '../../lib/index.js';

type Args = unknown[];

const F = (n: number): Float32Array => new Float32Array(n).fill(0.5);

// A valid call: m=3, n=4, k=5, no transposes, tight leading dimensions.
function sgemmArgs(over: Partial<Record<number, unknown>> = {}): Args {
  const args: Args = [false, false, 3, 4, 5, 1, F(15), 5, F(20), 4, 0, F(12), 4];
  for (const [i, v] of Object.entries(over)) args[Number(i)] = v;
  return args;
}

// A valid call: batch=2, inFeatures=3, outFeatures=4, bias present.
function linearArgs(over: Partial<Record<number, unknown>> = {}): Args {
  const args: Args = [F(8), F(6), F(12), F(4), 2, 3, 4, 'relu'];
  for (const [i, v] of Object.entries(over)) args[Number(i)] = v;
  return args;
}

const RANGE = `integer in [0, 2147483647]`;

interface BadCall {
  name: string;
  call: () => Args;
  fn: 'sgemm' | 'linearForward';
  error: typeof TypeError | typeof RangeError;
  message: string;
}

function shared(): { a: Float32Array; c: Float32Array } {
  const buf = F(40);
  return { a: buf.subarray(0, 15), c: buf.subarray(10, 22) };
}

function detached(n: number): Float32Array {
  const x = F(n);
  const buf = x.buffer as ArrayBuffer;
  structuredClone(buf, { transfer: [buf] });
  return x;
}

const BAD: BadCall[] = [
  {
    fn: 'sgemm',
    name: '12 arguments',
    call: () => sgemmArgs().slice(0, 12),
    error: TypeError,
    message:
      'sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc): expected 13 arguments but received 12',
  },
  {
    fn: 'sgemm',
    name: 'numeric transA',
    call: () => sgemmArgs({ 0: 1 }),
    error: TypeError,
    message: 'Expected boolean for transA but received 1 of type number',
  },
  {
    fn: 'sgemm',
    name: 'string transB',
    call: () => sgemmArgs({ 1: 'yes' }),
    error: TypeError,
    message: 'Expected boolean for transB but received "yes" of type string',
  },
  {
    fn: 'sgemm',
    name: 'negative m',
    call: () => sgemmArgs({ 2: -1 }),
    error: RangeError,
    message: `Expected ${RANGE} for m but received -1 of type number`,
  },
  {
    fn: 'sgemm',
    name: 'fractional n',
    call: () => sgemmArgs({ 3: 2.5 }),
    error: RangeError,
    message: `Expected ${RANGE} for n but received 2.5 of type number`,
  },
  {
    fn: 'sgemm',
    name: 'NaN k',
    call: () => sgemmArgs({ 4: Number.NaN }),
    error: RangeError,
    message: `Expected ${RANGE} for k but received NaN of type number`,
  },
  {
    fn: 'sgemm',
    name: 'k of 2^31',
    call: () => sgemmArgs({ 4: 2 ** 31 }),
    error: RangeError,
    message: `Expected ${RANGE} for k but received 2147483648 of type number`,
  },
  {
    fn: 'sgemm',
    name: 'string m',
    call: () => sgemmArgs({ 2: '3' }),
    error: TypeError,
    message: `Expected ${RANGE} for m but received "3" of type string`,
  },
  {
    fn: 'sgemm',
    name: 'string alpha',
    call: () => sgemmArgs({ 5: '1' }),
    error: TypeError,
    message: 'Expected number for alpha but received "1" of type string',
  },
  {
    fn: 'sgemm',
    name: 'null beta',
    call: () => sgemmArgs({ 10: null }),
    error: TypeError,
    message: 'Expected number for beta but received null',
  },
  {
    fn: 'sgemm',
    name: 'Float64Array a',
    call: () => sgemmArgs({ 6: new Float64Array(15) }),
    error: TypeError,
    message: 'Expected Float32Array for a but received Float64Array(15)',
  },
  {
    fn: 'sgemm',
    name: 'plain array b',
    call: () => sgemmArgs({ 8: [1, 2] }),
    error: TypeError,
    message: 'Expected Float32Array for b but received Array(2)',
  },
  {
    fn: 'sgemm',
    name: 'undefined c',
    call: () => sgemmArgs({ 11: undefined }),
    error: TypeError,
    message: 'Expected Float32Array for c but received undefined',
  },
  {
    fn: 'sgemm',
    name: 'detached a',
    call: () => sgemmArgs({ 6: detached(15) }),
    error: TypeError,
    message: 'Expected Float32Array for a but received Float32Array with a detached ArrayBuffer',
  },
  {
    fn: 'sgemm',
    name: 'lda below k (row of A)',
    call: () => sgemmArgs({ 7: 4 }),
    error: RangeError,
    message: 'Expected integer in [5, 2147483647] for lda but received 4 of type number',
  },
  {
    fn: 'sgemm',
    name: 'lda below m when transA',
    call: () => sgemmArgs({ 0: true, 7: 2 }),
    error: RangeError,
    message: 'Expected integer in [3, 2147483647] for lda but received 2 of type number',
  },
  {
    fn: 'sgemm',
    name: 'ldb below n',
    call: () => sgemmArgs({ 9: 3 }),
    error: RangeError,
    message: 'Expected integer in [4, 2147483647] for ldb but received 3 of type number',
  },
  {
    fn: 'sgemm',
    name: 'ldb below k when transB',
    call: () => sgemmArgs({ 1: true, 9: 4 }),
    error: RangeError,
    message: 'Expected integer in [5, 2147483647] for ldb but received 4 of type number',
  },
  {
    fn: 'sgemm',
    name: 'ldc below n',
    call: () => sgemmArgs({ 12: 3 }),
    error: RangeError,
    message: 'Expected integer in [4, 2147483647] for ldc but received 3 of type number',
  },
  {
    fn: 'sgemm',
    name: 'lda of 0 with k = 0',
    call: () => sgemmArgs({ 4: 0, 7: 0 }),
    error: RangeError,
    message: 'Expected integer in [1, 2147483647] for lda but received 0 of type number',
  },
  {
    fn: 'sgemm',
    name: 'fractional ldc',
    call: () => sgemmArgs({ 12: 4.5 }),
    error: RangeError,
    message: 'Expected integer in [4, 2147483647] for ldc but received 4.5 of type number',
  },
  {
    fn: 'sgemm',
    name: 'a one element short',
    call: () => sgemmArgs({ 6: F(14) }),
    error: RangeError,
    message: 'Expected Float32Array of at least 15 elements for a but received Float32Array(14)',
  },
  {
    fn: 'sgemm',
    name: 'a short for its padded lda',
    call: () => sgemmArgs({ 7: 7 }),
    error: RangeError,
    message: 'Expected Float32Array of at least 19 elements for a but received Float32Array(15)',
  },
  {
    fn: 'sgemm',
    name: 'b short when transB',
    call: () => sgemmArgs({ 1: true, 9: 5, 8: F(19) }),
    error: RangeError,
    message: 'Expected Float32Array of at least 20 elements for b but received Float32Array(19)',
  },
  {
    fn: 'sgemm',
    name: 'c short for its padded ldc',
    call: () => sgemmArgs({ 12: 6 }),
    error: RangeError,
    message: 'Expected Float32Array of at least 16 elements for c but received Float32Array(12)',
  },
  {
    fn: 'sgemm',
    name: 'span of A overflowing 2^53',
    call: () => sgemmArgs({ 2: 2147483647, 4: 1, 7: 2147483647 }),
    error: RangeError,
    message: 'Expected a to be at most 9007199254740991 but 2147483646 * 2147483647 overflows',
  },
  {
    fn: 'sgemm',
    name: 'c overlapping a',
    call: () => {
      const { a, c } = shared();
      return sgemmArgs({ 6: a, 11: c });
    },
    error: RangeError,
    message: 'Expected c and a not to overlap but they share memory',
  },
  {
    fn: 'sgemm',
    name: 'c the same array as b',
    call: () => {
      const b = F(20);
      return sgemmArgs({ 8: b, 11: b });
    },
    error: RangeError,
    message: 'Expected c and b not to overlap but they share memory',
  },

  {
    fn: 'linearForward',
    name: '7 arguments',
    call: () => linearArgs().slice(0, 7),
    error: TypeError,
    message:
      'linearForward(out, x, w, bias, batch, inFeatures, outFeatures, activation): expected 8 arguments but received 7',
  },
  {
    fn: 'linearForward',
    name: 'Float64Array out',
    call: () => linearArgs({ 0: new Float64Array(8) }),
    error: TypeError,
    message: 'Expected Float32Array for out but received Float64Array(8)',
  },
  {
    fn: 'linearForward',
    name: 'undefined bias',
    call: () => linearArgs({ 3: undefined }),
    error: TypeError,
    message: 'Expected Float32Array or null for bias but received undefined',
  },
  {
    fn: 'linearForward',
    name: 'Int32Array bias',
    call: () => linearArgs({ 3: new Int32Array(4) }),
    error: TypeError,
    message: 'Expected Float32Array or null for bias but received Int32Array(4)',
  },
  {
    fn: 'linearForward',
    name: 'negative batch',
    call: () => linearArgs({ 4: -2 }),
    error: RangeError,
    message: `Expected ${RANGE} for batch but received -2 of type number`,
  },
  {
    fn: 'linearForward',
    name: 'fractional inFeatures',
    call: () => linearArgs({ 5: 0.5 }),
    error: RangeError,
    message: `Expected ${RANGE} for inFeatures but received 0.5 of type number`,
  },
  {
    fn: 'linearForward',
    name: 'string outFeatures',
    call: () => linearArgs({ 6: '4' }),
    error: TypeError,
    message: `Expected ${RANGE} for outFeatures but received "4" of type string`,
  },
  {
    fn: 'linearForward',
    name: 'unknown activation',
    call: () => linearArgs({ 7: 'softmax' }),
    error: RangeError,
    message:
      'Expected one of none, relu, leaky_relu, sigmoid, tanh, gelu, gelu_tanh for activation but received "softmax" of type string',
  },
  {
    fn: 'linearForward',
    name: 'numeric activation',
    call: () => linearArgs({ 7: 1 }),
    error: TypeError,
    message: 'Expected string for activation but received 1 of type number',
  },
  {
    fn: 'linearForward',
    name: 'null activation',
    call: () => linearArgs({ 7: null }),
    error: TypeError,
    message: 'Expected string for activation but received null',
  },
  {
    fn: 'linearForward',
    name: 'out too short',
    call: () => linearArgs({ 0: F(7) }),
    error: RangeError,
    message: 'Expected Float32Array of at least 8 elements for out but received Float32Array(7)',
  },
  {
    fn: 'linearForward',
    name: 'x too short',
    call: () => linearArgs({ 1: F(5) }),
    error: RangeError,
    message: 'Expected Float32Array of at least 6 elements for x but received Float32Array(5)',
  },
  {
    fn: 'linearForward',
    name: 'w too short',
    call: () => linearArgs({ 2: F(11) }),
    error: RangeError,
    message: 'Expected Float32Array of at least 12 elements for w but received Float32Array(11)',
  },
  {
    fn: 'linearForward',
    name: 'bias too short',
    call: () => linearArgs({ 3: F(3) }),
    error: RangeError,
    message: 'Expected Float32Array of at least 4 elements for bias but received Float32Array(3)',
  },
  {
    fn: 'linearForward',
    name: 'out overlapping x',
    call: () => {
      const b = F(20);
      return linearArgs({ 0: b.subarray(0, 8), 1: b.subarray(4, 10) });
    },
    error: RangeError,
    message: 'Expected out and x not to overlap but they share memory',
  },
  {
    fn: 'linearForward',
    name: 'out the same array as w',
    call: () => {
      const w = F(12);
      return linearArgs({ 0: w, 2: w });
    },
    error: RangeError,
    message: 'Expected out and w not to overlap but they share memory',
  },
  {
    fn: 'linearForward',
    name: 'out overlapping bias',
    call: () => {
      const b = F(20);
      return linearArgs({ 0: b.subarray(0, 8), 3: b.subarray(7, 11) });
    },
    error: RangeError,
    message: 'Expected out and bias not to overlap but they share memory',
  },
];

const backends: { name: string; skip: string; get: () => Backend }[] = [
  { name: 'js', skip: '', get: () => kernels('js') },
  { name: 'native', skip: nativeAvailable() ? '' : 'native backend not loaded', get: () => kernels('native') },
];

for (const { name, skip, get } of backends) {
  describe.skipIf(skip !== '')(
    `sgemm / linearForward argument checks on ${name}${skip ? ` (skipped: ${skip})` : ''}`,
    () => {
      it.each(BAD.map((b) => [b.fn, b.name, b] as const))('%s: %s', (_fn, _name, bad) => {
        const k = get();
        const f = (k[bad.fn] as (...args: unknown[]) => void).bind(k);
        const args = bad.call();
        let thrown: unknown;
        try {
          f(...args);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, 'expected a throw').toBeInstanceOf(bad.error);
        expect((thrown as Error).message).toBe(bad.message);
      });

      it('accepts the edges of validity', () => {
        const k = get();
        const empty = new Float32Array(0);
        k.sgemm(false, false, 0, 0, 0, 1, empty, 1, empty, 1, 0, empty, 1);
        k.sgemm(true, true, 0, 5, 3, 1, empty, 1, F(15), 3, 0, empty, 5); // m = 0: nothing to write
        // k = 0: A and B are not read (empty arrays are fine) and C = beta * C.
        const c = new Float32Array([1, 2, 3, 4]);
        k.sgemm(false, false, 2, 2, 0, 7, empty, 1, empty, 2, 0.5, c, 2);
        expect([...c]).toEqual([0.5, 1, 1.5, 2]);
        // beta = 0 ignores NaN in C.
        const d = new Float32Array([Number.NaN, Number.NaN]);
        k.sgemm(false, false, 1, 2, 1, 1, new Float32Array([2]), 1, new Float32Array([3, 4]), 2, 0, d, 2);
        expect([...d]).toEqual([6, 8]);
        // linearForward without bias, and with inFeatures = 0 (out = act(bias)).
        const out = new Float32Array(2);
        k.linearForward(out, new Float32Array([1, 2]), new Float32Array([3, 4, -5, 6]), null, 1, 2, 2, 'relu');
        expect([...out]).toEqual([11, 7]);
        k.linearForward(out, empty, empty, new Float32Array([-1, 2]), 1, 0, 2, 'none');
        expect([...out]).toEqual([-1, 2]);
      });
    },
  );
}
