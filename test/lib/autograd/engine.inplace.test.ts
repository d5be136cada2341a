// A leaf that already has a gradient gets its linear/matmul weight gradient added in place (sgemm
// with beta = 1 into its grad), with the same values as the path that returns a new array and
// adds it; an array that is no longer any leaf's grad (zeroGrad with setToNone, the default) is
// never written again, and two backward calls without zeroGrad still sum.
import { describe, expect, it } from 'vitest';
import { runBackward } from '../../../lib/autograd/engine.js';
import { memoryInfo, nn, ops, optim, randn, type Tensor, zeros } from '../../../lib/index.js';

/** Each leaf's gradient by the copying path (no in-place target): the reference. */
function reference(root: Tensor, leaves: Tensor[]): Float32Array[] {
  const sums = new Map<Tensor, Float32Array>();
  runBackward(root, Float32Array.of(1), true, (leaf, g) => {
    const prev = sums.get(leaf);
    if (prev === undefined) sums.set(leaf, Float32Array.from(g));
    else for (let i = 0; i < g.length; i++) prev[i]! += g[i]!;
  });
  return leaves.map((l) => sums.get(l) ?? new Float32Array(l.size));
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 4);
}

describe('gradients added in place into an existing grad', () => {
  it('linear and matmul weights take the in-place path when a grad exists (accumulate is skipped)', () => {
    const x = randn([6, 5]);
    const w = randn([3, 5], { requiresGrad: true });
    const b = randn([3], { requiresGrad: true });
    const v = randn([3, 4], { requiresGrad: true });
    const root = ops.sum(ops.matmul(ops.linear(x, w, b, { activation: 'relu' }), v));
    const targets = new Map<Tensor, Float32Array>([
      [w, new Float32Array(w.size).fill(1)],
      [v, new Float32Array(v.size).fill(2)],
      [b, new Float32Array(b.size).fill(3)],
    ]);
    const expected = reference(root, [w, v, b]);
    const accumulated: Tensor[] = [];
    runBackward(
      root,
      Float32Array.of(1),
      false,
      (leaf) => accumulated.push(leaf),
      (leaf) => targets.get(leaf) ?? null,
    );
    // The weights were written in place; the bias (colSum, no in-place form) went through accumulate.
    expect(accumulated).toEqual([b]);
    expectClose(
      targets.get(w)!,
      expected[0]!.map((g) => g + 1),
    );
    expectClose(
      targets.get(v)!,
      expected[1]!.map((g) => g + 2),
    );
    expect(targets.get(b)).toEqual(new Float32Array(b.size).fill(3));
  });

  it('backward keeps the grad arrays, equals the copying path, and two calls without zeroGrad sum', () => {
    const x = randn([7, 4]);
    const w = randn([5, 4], { requiresGrad: true });
    const b = randn([5], { requiresGrad: true });
    const a = randn([5, 5], { requiresGrad: true });
    const make = (): Tensor => ops.sum(ops.mul(ops.matmul(ops.linear(x, w, b), a), ops.linear(x, w)));
    const expected = reference(make(), [w, b, a]);
    make().backward();
    const arrays = [w.grad!.data, b.grad!.data, a.grad!.data];
    make().backward();
    expect(w.grad!.data).toBe(arrays[0]);
    expect(a.grad!.data).toBe(arrays[2]);
    expectClose(
      w.grad!.data,
      expected[0]!.map((g) => 2 * g),
    );
    expectClose(
      b.grad!.data,
      expected[1]!.map((g) => 2 * g),
    );
    expectClose(
      a.grad!.data,
      expected[2]!.map((g) => 2 * g),
    );
  });

  it("a backward into existing grads allocates no array of the weight's size", () => {
    const x = randn([2, 64]);
    const w = randn([256, 64], { requiresGrad: true });
    ops.sum(ops.linear(x, w)).backward();
    const root = ops.sum(ops.linear(x, w));
    const before = memoryInfo().allocatedBytes;
    root.backward();
    expect(memoryInfo().allocatedBytes - before).toBeLessThan(4 * w.size);
  });

  it('a grad sharing storage with an input, or a leaf used twice by one op, is not a target', () => {
    const w = randn([4, 4], { requiresGrad: true });
    const expected = reference(ops.sum(ops.matmul(w, w)), [w]);
    w.grad = w.detach(); // the grad is the weight's own storage
    const start = Float32Array.from(w.data);
    ops.sum(ops.matmul(w, w)).backward();
    expectClose(
      w.grad.data,
      start.map((s, i) => s + expected[0]![i]!),
    );
    // The weight's grad is the input's storage: writing it in place would change x mid-product.
    const x = randn([3, 5]);
    const u = randn([3, 5], { requiresGrad: true });
    const ref = reference(ops.sum(ops.linear(x, u)), [u])[0]!;
    const xStart = Float32Array.from(x.data);
    u.grad = x.detach();
    ops.sum(ops.linear(x, u)).backward();
    expectClose(
      u.grad.data,
      xStart.map((s, i) => s + ref[i]!),
    );
    const v = randn([3, 3], { requiresGrad: true });
    const refV = reference(ops.sum(ops.matmul(v, v)), [v])[0]!;
    v.grad = zeros([3, 3]);
    ops.sum(ops.matmul(v, v)).backward();
    expectClose(v.grad.data, refV);
  });

  it('old grads kept across steps after zeroGrad() (setToNone) are never modified', () => {
    const model = new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), new nn.Linear(8, 3));
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const kept: { g: Float32Array; copy: Float32Array }[] = [];
    for (let step = 0; step < 6; step++) {
      opt.zeroGrad();
      ops.sum(ops.mul(model.call(randn([5, 6])), model.call(randn([5, 6])))).backward();
      opt.step();
      for (const p of model.parameters()) kept.push({ g: p.grad!.data, copy: Float32Array.from(p.grad!.data) });
    }
    expect(new Set(kept.map((k) => k.g)).size).toBe(kept.length); // fresh arrays every step
    for (const k of kept) expect(k.g).toEqual(k.copy);
  });

  it('zeroGrad({ setToNone: false }) keeps the arrays zero-filled and backward writes into them', () => {
    const model = new nn.Linear(6, 4);
    const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
    const x = randn([9, 6]);
    ops.sum(model.call(x)).backward();
    const arrays = model.parameters().map((p) => p.grad!.data);
    opt.zeroGrad({ setToNone: false });
    for (const g of arrays) expect(g.every((v) => v === 0)).toBe(true);
    ops.sum(model.call(x)).backward();
    const expected = reference(ops.sum(model.call(x)), model.parameters());
    model.parameters().forEach((p, i) => {
      expect(p.grad!.data).toBe(arrays[i]);
      expectClose(p.grad!.data, expected[i]!);
    });
    expect(() => opt.zeroGrad({ setToNon: false } as never)).toThrow(TypeError);
    expect(() => opt.zeroGrad({ setToNone: 1 } as never)).toThrow(TypeError);
  });
});
