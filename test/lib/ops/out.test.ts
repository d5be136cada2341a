// The out option of linear, matmul and conv2d (PyTorch's out=): the result written into a given
// tensor is bit for bit the fresh call's, the same tensor comes back, no storage is handed out,
// and every misuse (shape, type, autograd, a tracer, memory shared with an input, unknown
// options) is refused before anything is written.
import { describe, expect, it } from 'vitest';
import { memoryInfo, noGrad, ops, ShapeError, Tensor } from '../../../lib/index.js';
import { traceOps } from '../../../lib/autograd/index.js';
import type { Conv2dOptions } from '../../../lib/ops/conv.js';
import { LINEAR_ACTIVATIONS } from '../../../lib/ops/matmul.js';
import { expectBitEqual } from '../../helpers/expect-close.js';
import { randomFloats } from '../../helpers/rng.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const t = (shape: number[], seed: number, requiresGrad = false): Tensor =>
  new Tensor(randomFloats(size(shape), seed, -2, 2), shape, { requiresGrad });
/** An output tensor full of NaN: a value the op did not write shows up. */
const nanOut = (shape: number[]): Tensor => new Tensor(new Float32Array(size(shape)).fill(NaN), shape);

/** Runs fn and returns its result and the storage bytes handed out meanwhile. */
function allocated<T>(fn: () => T): [T, number] {
  const before = memoryInfo().allocatedBytes;
  const result = fn();
  return [result, memoryInfo().allocatedBytes - before];
}

describe('linear with out', () => {
  const shapes: [string, number[], number][] = [
    ['1 -> 1', [1, 1], 1],
    ['(7, 13) -> 5', [7, 13], 5],
    ['(2, 3, 11) -> 17', [2, 3, 11], 17],
    ['unbatched (19) -> 3', [19], 3],
    ['(16, 64) -> 16', [16, 64], 16],
  ];
  const activations = [null, ...LINEAR_ACTIVATIONS];
  it.each(shapes.flatMap(([name, xs, outF]) => activations.map((a) => [name, xs, outF, a] as const)))(
    '%s, activation %s: the fresh result, bit for bit, in the same tensor',
    (_name, xs, outF, activation) => {
      const x = t(xs, 1);
      const w = t([outF, xs.at(-1)!], 2);
      const b = t([outF], 3);
      const outShape = [...xs.slice(0, -1), outF];
      for (const bias of [b, null]) {
        const fresh = ops.linear(x, w, bias, { activation });
        const out = nanOut(outShape);
        const [y, bytes] = allocated(() => ops.linear(x, w, bias, { activation, out }));
        expect(y).toBe(out);
        expect(bytes).toBe(0);
        expect(out.shape).toEqual(outShape);
        expectBitEqual(out.data, fresh.data, { activation, bias: bias !== null });
      }
    },
  );

  it('the fresh call hands out storage and out does not (the allocation check can fail)', () => {
    const x = t([4, 8], 4);
    const w = t([6, 8], 5);
    const out = nanOut([4, 6]);
    expect(allocated(() => ops.linear(x, w))[1]).toBe(4 * 4 * 6);
    expect(allocated(() => ops.linear(x, w, null, { activation: 'elu', out }))[1]).toBe(0);
  });

  it('overwrites what out held, call after call', () => {
    const w = t([3, 5], 6);
    const out = nanOut([2, 3]);
    for (let seed = 10; seed < 13; seed++) {
      const x = t([2, 5], seed);
      ops.linear(x, w, null, { activation: 'gelu', out });
      expectBitEqual(out.data, ops.linear(x, w, null, { activation: 'gelu' }).data, { seed });
    }
  });

  it('works on inputs that require grad inside noGrad (nothing would be recorded)', () => {
    const x = t([3, 4], 7, true);
    const w = t([2, 4], 8, true);
    const out = nanOut([3, 2]);
    for (const activation of activations) {
      const fresh = noGrad(() => ops.linear(x, w, null, { activation }));
      expect(noGrad(() => ops.linear(x, w, null, { activation, out }))).toBe(out);
      expectBitEqual(out.data, fresh.data, { activation });
      expect(out.requiresGrad).toBe(false);
    }
  });

  it('takes out: null and out: undefined as no out', () => {
    const x = t([2, 3], 9);
    const w = t([4, 3], 10);
    for (const options of [{ out: null }, { out: undefined } as object]) {
      const y = ops.linear(x, w, null, options);
      expect(y.shape).toEqual([2, 4]);
      expectBitEqual(y.data, ops.linear(x, w).data);
    }
  });

  it('writes into disjoint views of one buffer that also holds the inputs', () => {
    const buffer = new ArrayBuffer(4 * (6 + 12 + 4 + 8));
    const x = new Tensor(new Float32Array(buffer, 0, 6).fill(0.5), [2, 3]);
    const w = new Tensor(new Float32Array(buffer, 24, 12).fill(-0.25), [4, 3]);
    const b = new Tensor(new Float32Array(buffer, 72, 4).fill(1), [4]);
    const out = new Tensor(new Float32Array(buffer, 88, 8), [2, 4]);
    expect(ops.linear(x, w, b, { out })).toBe(out);
    expectBitEqual(out.data, ops.linear(x, w, b).data);
  });

  it('rejects an out of another shape, naming out and both shapes', () => {
    const x = t([2, 3, 4], 11);
    const w = t([5, 4], 12);
    const cases: [number[], string][] = [
      [[6, 5], '[2, 3, 5]'],
      [[2, 3, 4], '[2, 3, 5]'],
      [[3, 2, 5], '[2, 3, 5]'],
      [[2, 3, 5, 1], '[2, 3, 5]'],
    ];
    for (const [shape, expected] of cases) {
      const out = nanOut(shape);
      const call = () => ops.linear(x, w, null, { out });
      expect(call).toThrow(ShapeError);
      expect(call).toThrow(
        `linear: expected out of shape ${expected} (the result's) but received [${shape.join(', ')}]`,
      );
      expect(Number.isNaN(out.data[0])).toBe(true);
    }
  });

  it('rejects an out that is not a Tensor, or whose storage was detached', () => {
    const x = t([2, 3], 13);
    const w = t([4, 3], 14);
    expect(() => ops.linear(x, w, null, { out: new Float32Array(8) as never })).toThrow(
      new TypeError('Expected Tensor for out but received Float32Array(8)'),
    );
    expect(() => ops.linear(x, w, null, { out: [[0, 0, 0, 0]] as never })).toThrow(
      /^Expected Tensor for out but received Array\(1\)$/,
    );
    const out = nanOut([2, 4]);
    structuredClone(out.data.buffer, { transfer: [out.data.buffer as ArrayBuffer] });
    expect(() => ops.linear(x, w, null, { out })).toThrow(
      new TypeError('Expected Float32Array for out but received Float32Array with a detached ArrayBuffer'),
    );
  });

  it('refuses when a gradient would be recorded, naming the input', () => {
    const w = t([4, 3], 15);
    const out = nanOut([2, 4]);
    const plain = t([2, 3], 16);
    const cases: [Tensor, Tensor, Tensor | null, string][] = [
      [t([2, 3], 17, true), w, null, 'x'],
      [plain, t([4, 3], 18, true), null, 'weight'],
      [plain, w, t([4], 19, true), 'bias'],
    ];
    for (const [x, weight, bias, name] of cases) {
      expect(() => ops.linear(x, weight, bias, { out })).toThrow(
        `linear: out cannot be used when a gradient would be recorded (${name} requires grad and grad mode is on)`,
      );
    }
    expect(Number.isNaN(out.data[0])).toBe(true);
  });

  it('refuses an out that requires grad: a leaf, or a result on the tape, even inside noGrad', () => {
    const x = t([2, 3], 20);
    const w = t([4, 3], 21);
    const leaf = t([2, 4], 22, true);
    const onTape = ops.mul(t([2, 4], 23, true), 2);
    for (const out of [leaf, onTape]) {
      const before = out.data.slice();
      const message = /^linear: out requires grad; ops with an out argument do not support automatic differentiation/;
      expect(() => ops.linear(x, w, null, { out })).toThrow(message);
      expect(() => noGrad(() => ops.linear(x, w, null, { out }))).toThrow(message);
      expectBitEqual(out.data, before);
    }
  });

  it('refuses while a tracer observes ops', () => {
    const x = t([2, 3], 24);
    const w = t([4, 3], 25);
    const out = nanOut([2, 4]);
    expect(() =>
      traceOps(
        () => undefined,
        () => ops.linear(x, w, null, { out }),
      ),
    ).toThrow(/^linear: out cannot be used while a tracer is observing ops/);
  });

  it('refuses an out sharing memory with x, weight or bias (exact or partial), leaving the input intact', () => {
    const n = 4;
    const x = t([n, n], 26);
    const w = t([n, n], 27);
    const b = t([n], 28);
    const xBefore = x.data.slice();
    const call =
      (out: Tensor, bias: Tensor | null = null) =>
      () =>
        ops.linear(x, w, bias, { out });
    expect(call(x)).toThrow(RangeError);
    expect(call(x)).toThrow(/^linear: expected out not to share memory with x but they overlap/);
    expect(call(w)).toThrow(/^linear: expected out not to share memory with weight but they overlap/);
    expect(call(x.reshape([2, 8]).reshape([4, 4]))).toThrow(/share memory with x/);
    // Partial overlaps: out shifted by one element into x's storage, and out's last row over the bias.
    const buffer = new ArrayBuffer(4 * (n * n + n * n));
    const xs = new Tensor(new Float32Array(buffer, 0, n * n), [n, n]);
    xs.data.set(x.data);
    const shifted = new Tensor(new Float32Array(buffer, 4, n * n), [n, n]);
    expect(() => ops.linear(xs, w, null, { out: shifted })).toThrow(/share memory with x/);
    const shared = new ArrayBuffer(4 * (n * n + n));
    const outOverBias = new Tensor(new Float32Array(shared, 0, n * n), [n, n]);
    const biasInside = new Tensor(new Float32Array(shared, 4 * (n * n - n), n).fill(1), [n]);
    expect(() => ops.linear(x, w, biasInside, { out: outOverBias })).toThrow(/share memory with bias/);
    expectBitEqual(x.data, xBefore);
    expect(call(t([n, n], 29), b)).not.toThrow();
  });

  it('rejects unknown options and options that are not an object', () => {
    const x = t([2, 3], 30);
    const w = t([4, 3], 31);
    const out = nanOut([2, 4]);
    expect(() => ops.linear(x, w, null, { outt: out } as never)).toThrow(
      new TypeError('linear: unknown option "outt"; the options are activation, out'),
    );
    expect(() => ops.linear(x, w, null, { activation: 'relu', output: out } as never)).toThrow(
      'linear: unknown option "output"',
    );
    expect(() => ops.linear(x, w, null, 5 as never)).toThrow(
      new TypeError('Expected object for options but received 5 of type number'),
    );
    expect(() => ops.linear(x, w, null, null as never)).toThrow(/^Expected object for options but received null/);
    expect(Number.isNaN(out.data[0])).toBe(true);
  });
});

describe('matmul with out', () => {
  const cases: [string, number[], number[]][] = [
    ['1x1 by 1x1', [1, 1], [1, 1]],
    ['primes', [7, 13], [13, 5]],
    ['batched left operand', [2, 3, 11], [11, 17]],
    ['vector on the right', [5, 3], [3]],
    ['vector on the left', [3], [3, 7]],
    ['two vectors', [6], [6]],
  ];
  it.each(cases)('%s: the fresh result, bit for bit, in the same tensor', (_name, as, bs) => {
    const a = t(as, 32);
    const b = t(bs, 33);
    const fresh = ops.matmul(a, b);
    const out = nanOut([...fresh.shape]);
    const [y, bytes] = allocated(() => ops.matmul(a, b, { out }));
    expect(y).toBe(out);
    expect(bytes).toBe(0);
    expectBitEqual(out.data, fresh.data);
  });

  it('rejects misuse as linear does', () => {
    const a = t([3, 3], 34);
    const b = t([3, 3], 35);
    expect(() => ops.matmul(a, b, { out: nanOut([3]) })).toThrow(ShapeError);
    expect(() => ops.matmul(a, b, { out: nanOut([3]) })).toThrow(
      "matmul: expected out of shape [3, 3] (the result's) but received [3]",
    );
    expect(() => ops.matmul(a, t([3], 36), { out: nanOut([3, 1]) })).toThrow(
      "matmul: expected out of shape [3] (the result's) but received [3, 1]",
    );
    expect(() => ops.matmul(a, b, { out: {} as never })).toThrow(/^Expected Tensor for out but received/);
    expect(() => ops.matmul(t([3, 3], 37, true), b, { out: nanOut([3, 3]) })).toThrow(
      /^matmul: out cannot be used when a gradient would be recorded \(a requires grad/,
    );
    expect(() => ops.matmul(a, t([3, 3], 38, true), { out: nanOut([3, 3]) })).toThrow(/\(b requires grad/);
    expect(() => ops.matmul(a, b, { out: t([3, 3], 39, true) })).toThrow(/^matmul: out requires grad/);
    expect(() => ops.matmul(a, b, { out: a })).toThrow(/^matmul: expected out not to share memory with a/);
    expect(() => ops.matmul(a, b, { out: b })).toThrow(/^matmul: expected out not to share memory with b/);
    expect(() => ops.matmul(a, b, { out: nanOut([3, 3]), foo: 1 } as never)).toThrow(
      new TypeError('matmul: unknown option "foo"; the options are out'),
    );
    expect(() => ops.matmul(a, b, 'out' as never)).toThrow(/^Expected object for options but received "out"/);
  });
});

describe('conv2d with out', () => {
  const cases: [string, number[], number[], Conv2dOptions][] = [
    ['batched, primes', [2, 3, 7, 11], [5, 3, 3, 2], { padding: 1 }],
    ['unbatched', [3, 7, 5], [2, 3, 3, 3], { stride: 2, padding: [1, 0] }],
    ['1x1 on 1x1', [1, 1, 1, 1], [1, 1, 1, 1], {}],
    ['dilated, grouped', [1, 4, 9, 9], [6, 2, 3, 3], { dilation: 2, groups: 2, padding: 'same' }],
    ['depthwise, strided', [3, 4, 8, 8], [4, 1, 3, 3], { groups: 4, stride: [2, 3] }],
  ];
  it.each(cases)('%s: the fresh result, bit for bit, in the same tensor', (_name, xs, ws, options) => {
    const x = t(xs, 40);
    const w = t(ws, 41);
    for (const bias of [t([ws[0]!], 42), null]) {
      const fresh = ops.conv2d(x, w, bias, options);
      const out = nanOut([...fresh.shape]);
      const [y, bytes] = allocated(() => ops.conv2d(x, w, bias, { ...options, out }));
      expect(y).toBe(out);
      expect(bytes).toBe(0);
      expectBitEqual(out.data, fresh.data, { bias: bias !== null });
    }
  });

  it('rejects misuse as linear does', () => {
    const x = t([1, 2, 5, 5], 43);
    const w = t([2, 2, 3, 3], 44);
    const out = nanOut([1, 2, 3, 3]);
    expect(() => ops.conv2d(x, w, null, { out: nanOut([2, 3, 3]) })).toThrow(ShapeError);
    expect(() => ops.conv2d(x, w, null, { out: nanOut([2, 3, 3]) })).toThrow(
      "conv2d: expected out of shape [1, 2, 3, 3] (the result's) but received [2, 3, 3]",
    );
    expect(() => ops.conv2d(t([2, 5, 5], 45), w, null, { out })).toThrow(
      "conv2d: expected out of shape [2, 3, 3] (the result's) but received [1, 2, 3, 3]",
    );
    expect(() => ops.conv2d(x, w, null, { padding: 1, out })).toThrow(/expected out of shape \[1, 2, 5, 5\]/);
    expect(() => ops.conv2d(x, w, null, { out: 3 as never })).toThrow(
      new TypeError('Expected Tensor for out but received 3 of type number'),
    );
    expect(() => ops.conv2d(x, t([2, 2, 3, 3], 46, true), null, { out })).toThrow(
      /^conv2d: out cannot be used when a gradient would be recorded \(weight requires grad/,
    );
    expect(() => ops.conv2d(x, w, t([2], 47, true), { out })).toThrow(/\(bias requires grad/);
    expect(() => ops.conv2d(x, w, null, { out: t([1, 2, 3, 3], 48, true) })).toThrow(/^conv2d: out requires grad/);
    expect(() =>
      traceOps(
        () => undefined,
        () => ops.conv2d(x, w, null, { out }),
      ),
    ).toThrow(/^conv2d: out cannot be used while a tracer/);
    const same = t([1, 2, 5, 5], 49);
    expect(() => ops.conv2d(same, w, null, { padding: 1, out: same })).toThrow(
      /^conv2d: expected out not to share memory with x/,
    );
    expect(() => ops.conv2d(x, w, null, { out, stirde: 2 } as never)).toThrow(
      new TypeError('conv2d: unknown option "stirde"; the options are stride, padding, dilation, groups, out'),
    );
    expect(() => ops.conv1d(t([1, 2, 5], 50), t([2, 2, 3], 51), null, { out } as never)).toThrow(
      new TypeError('conv1d: unknown option "out"; the options are stride, padding, dilation, groups'),
    );
    expect(Number.isNaN(out.data[0])).toBe(true);
  });
});
