// Element-wise kernels on every ISA of this machine against the reference backend: bit-identical
// results on sizes 0, 1, primes and non-multiples of every vector width, outputs pre-filled with
// NaN so an element a kernel forgot to write stands out, and a guard zone past n that must stay
// untouched.
import { describe, expect, it } from 'vitest';
import { kernels, type Backend } from '../../lib/index.js';
import { expectBitEqual } from '../helpers/expect-close.js';
import { testedIsas, withIsa, withThreads } from '../helpers/isa.js';
import { nans, randomFloats } from '../helpers/rng.js';
import { eltwiseSizes } from '../helpers/shapes.js';

const GUARD = 5; // extra elements past n in every array: must be left as they were

type Call = (k: Backend, out: Float32Array, a: Float32Array, b: Float32Array, n: number) => void;

const OPS: Record<string, Call> = {
  add: (k, out, a, b, n) => k.add(out, a, b, n),
  mul: (k, out, a, b, n) => k.mul(out, a, b, n),
  scale: (k, out, a, _b, n) => k.scale(out, a, -0.3, n),
  relu: (k, out, a, _b, n) => k.relu(out, a, n),
  reluBackward: (k, out, a, b, n) => k.reluBackward(out, b, a, n),
  fill: (k, out, _a, _b, n) => k.fill(out, 0.1, n),
};

function inputs(n: number, seed: number): [Float32Array, Float32Array] {
  const a = randomFloats(n + GUARD, seed);
  const b = randomFloats(n + GUARD, seed + 1, -2, 2);
  // Special values the kernels must treat exactly as the scalar definition does.
  const specials = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40];
  for (let i = 0; i < Math.min(n, specials.length); i++) a[(i * 7) % n] = specials[i]!;
  return [a, b];
}

function run(k: Backend, op: Call, n: number, seed: number): Float32Array {
  const [a, b] = inputs(n, seed);
  const out = nans(n + GUARD);
  op(k, out, a, b, n);
  return out;
}

for (const { isa, skip } of testedIsas()) {
  describe.skipIf(skip !== '')(`element-wise kernels on ${isa}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    for (const [name, op] of Object.entries(OPS)) {
      it.each(eltwiseSizes())(`${name} n=%i matches the reference bit for bit`, (n) => {
        const want = run(kernels('js'), op, n, n);
        const got = withIsa(isa, (native) => run(native, op, n, n));
        expectBitEqual(got, want, { isa, op: name, n });
        for (let i = n; i < n + GUARD; i++) expect(Number.isNaN(got[i]), `guard element ${i} written`).toBe(true);
      });
    }

    it('works in place (out is the same array as an input)', () => {
      const n = 1031;
      withIsa(isa, (native) => {
        const [a, b] = inputs(n, 9);
        const want = new Float32Array(n);
        kernels('js').add(want, a, b, n);
        native.add(a, a, b, n);
        expectBitEqual(a.subarray(0, n), want, { isa });
      });
    });

    it('reads through byteOffset views', () => {
      const n = 77;
      const buf = new ArrayBuffer(4 * (3 * n + 8));
      const a = new Float32Array(buf, 4, n);
      const b = new Float32Array(buf, 4 * (n + 3), n);
      const out = new Float32Array(buf, 4 * (2 * n + 7), n);
      a.set(randomFloats(n, 3));
      b.set(randomFloats(n, 4));
      const want = new Float32Array(n);
      kernels('js').mul(want, a, b, n);
      withIsa(isa, (native) => native.mul(out, a, b, n));
      expectBitEqual(out, want, { isa });
    });
  });
}

describe.skipIf(testedIsas().every((c) => c.skip !== ''))('element-wise kernels across thread counts', () => {
  it('give the same bits on 1 and 2 threads', () => {
    const native = kernels('native');
    const n = 1_000_003;
    const [a, b] = inputs(n, 5);
    const one = withThreads(1, () => {
      const o = nans(n);
      native.add(o, a, b, n);
      return o;
    });
    const two = withThreads(2, () => {
      const o = nans(n);
      native.add(o, a, b, n);
      return o;
    });
    expectBitEqual(two, one);
  });
});
