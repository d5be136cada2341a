/**
 * Empty tensors with a huge dimension: every op returns at once. Loops that walk the non-empty
 * dimensions of an empty tensor (2**40 lanes of nothing) used to hang softmax, logSoftmax and
 * concat, and the reference backend's broadcast dropout and GEMM. Each call here must finish
 * well inside the test timeout.
 */
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable, ops, zeros, type Backend } from '../../../lib/index.js';

const HUGE = 2 ** 40;

describe('ops on empty tensors with a huge dimension return at once', () => {
  it('softmax over the empty dimension of [0, 2**40]', () => {
    const y = ops.softmax(zeros([0, HUGE]), 0);
    expect(y.shape).toEqual([0, HUGE]);
    expect(y.data.length).toBe(0);
  });

  it('logSoftmax over the empty last dimension of [2**40, 0], and its backward', () => {
    const x = zeros([HUGE, 0], { requiresGrad: true });
    const y = ops.logSoftmax(x, -1);
    expect(y.shape).toEqual([HUGE, 0]);
    ops.sum(y).backward();
    expect(x.grad?.data.length).toBe(0);
  });

  it('softmax backward over [2**20, 0, 2**20] on every dimension', () => {
    for (const d of [0, 1, 2]) {
      const x = zeros([2 ** 20, 0, 2 ** 20], { requiresGrad: true });
      ops.sum(ops.softmax(x, d)).backward();
      expect(x.grad?.shape).toEqual([2 ** 20, 0, 2 ** 20]);
    }
  });

  it("sum and mean whose output would have 2**40 elements are the library's RangeError", () => {
    expect(() => ops.mean(zeros([HUGE, 0]), 1)).toThrow(
      /mean: expected an output that fits in one typed array and in memory but it has 1099511627776 elements/,
    );
    expect(() => ops.sum(zeros([HUGE, 0]), 1)).toThrow(/sum: expected an output/);
    expect(ops.sum(zeros([HUGE, 0]), 0).shape).toEqual([0]);
  });

  it('concat of two [2**40, 0] along 1, and its backward', () => {
    const a = zeros([HUGE, 0], { requiresGrad: true });
    const y = ops.concat([a, zeros([HUGE, 0])], 1);
    expect(y.shape).toEqual([HUGE, 0]);
    ops.sum(y).backward();
    expect(a.grad?.data.length).toBe(0);
  });
});

const backends: [string, () => Backend][] = [['js', () => kernels('js')]];
if (nativeAvailable()) backends.push(['native', () => kernels('native')]);

for (const [name, get] of backends) {
  describe(`${name} kernels on empty arrays with a huge size return at once`, () => {
    const e = new Float32Array(0);
    const M = 2 ** 31 - 1;
    it('dropoutBroadcastForward/Backward with mid = 2**40 and inner = 0', () => {
      get().dropoutBroadcastForward(e, new Uint32Array(0), e, 0.5, 1, 0, 1, HUGE, 0);
      get().dropoutBroadcastBackward(e, e, new Uint32Array(0), 0.5, 1, HUGE, 0);
      get().dropoutBroadcastForward(e, new Uint32Array(0), e, 0.5, 1, 0, HUGE, 1, 0);
    });
    it('sgemm with m = 2**31 - 1 and n = 0, linearForward with batch = 2**31 - 1 and no outputs', () => {
      const c = Float32Array.of(7);
      get().sgemm(false, false, M, 0, 1, 1, e, 1, e, 1, 0, c, 1);
      get().linearForward(e, e, e, null, M, 0, 0, 'none');
      expect(c[0]).toBe(7);
    });
  });
}
