// Leaves adopt gradients their backward closure made afresh for them alone, without a copy; no
// leaf's grad ever shares storage with another gradient, a saved or kept tensor, or the caller's
// gradient argument. The stress builds random graphs (pass-through ops, one gradient routed to
// several inputs, broadcasting, views, matmul/linear, reused leaves) with storage from the pool
// lowered to small arrays, keeps random tensors and old gradients alive across collections and
// steps, and checks every value against a backward pass that always copies.
import { setImmediate as turn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackward } from '../../../lib/autograd/engine.js';
import { setPoolMinElements } from '../../../lib/backend/storage.js';
import { ops, randn, type Tensor, tensor } from '../../../lib/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

let freshSeen = 0;

/** Runs backward from root (keeping the graph) and gives each leaf's gradient copied: the reference. */
function reference(root: Tensor, leaves: Tensor[]): Float32Array[] {
  const sums = new Map<Tensor, Float32Array>();
  runBackward(root, Float32Array.of(1), true, (leaf, g, fresh) => {
    if (fresh) freshSeen++;
    const prev = sums.get(leaf);
    if (prev === undefined) sums.set(leaf, Float32Array.from(g));
    else for (let i = 0; i < g.length; i++) prev[i]! += g[i]!;
  });
  return leaves.map((l) => sums.get(l) ?? new Float32Array(l.size));
}

/** A random scalar function of the leaves: returns it and the intermediate tensors it made. */
function graph(rand: () => number, leaves: Tensor[], w: Tensor): { root: Tensor; made: Tensor[] } {
  const made: Tensor[] = [];
  const pick = (): Tensor => leaves[Math.floor(rand() * leaves.length)]!;
  let h = pick();
  for (let k = 0; k < 6; k++) {
    const other = pick();
    const op = Math.floor(rand() * 8);
    if (op === 0)
      h = ops.add(h, other); // one gradient to two inputs
    else if (op === 1) h = ops.mul(h, other);
    else if (op === 2)
      h = ops.reshape(ops.reshape(h, [4, 6]), [24]); // views pass it through
    else if (op === 3) h = ops.sub(h, ops.relu(other));
    else if (op === 4) h = ops.add(h, ops.reshape(ops.linear(ops.reshape(other, [4, 6]), w), [24]));
    else if (op === 5)
      h = ops.add(ops.reshape(h, [4, 6]), ops.reshape(ops.sum(ops.reshape(other, [4, 6]), 0), [1, 6])).reshape([24]);
    else if (op === 6) h = ops.mul(h, 0.5);
    else h = ops.add(h, h); // the same input twice
    made.push(h);
  }
  return { root: ops.sum(ops.mul(h, h)), made };
}

describe('fresh leaf gradients', () => {
  let previous = 0;
  beforeAll(() => {
    previous = setPoolMinElements(16);
  });
  afterAll(() => {
    setPoolMinElements(previous);
  });

  it('a leaf adopts the gradient a closure made for it alone (the path runs)', () => {
    const x = randn([8, 5]);
    const w = randn([3, 5], { requiresGrad: true });
    const b = randn([3], { requiresGrad: true });
    const y = ops.sum(ops.linear(x, w, b));
    const seen: { leaf: Tensor; g: Float32Array; fresh: boolean }[] = [];
    runBackward(y, Float32Array.of(1), false, (leaf, g, fresh) => seen.push({ leaf, g, fresh }));
    expect(seen.find((s) => s.leaf === w)!.fresh).toBe(true);
    // Tensor.backward keeps that array as the grad; the values are the column sums of x.
    ops.sum(ops.linear(x, w, b)).backward();
    for (let o = 0; o < 3; o++)
      for (let i = 0; i < 5; i++) {
        let s = 0;
        for (let r = 0; r < 8; r++) s += x.data[r * 5 + i]!;
        expect(w.grad!.data[o * 5 + i]).toBeCloseTo(s, 4);
      }
    expect(Array.from(b.grad!.data)).toEqual([8, 8, 8]);
  });

  it('does not adopt what a closure passes through or routes to several inputs', () => {
    const a = randn([6], { requiresGrad: true });
    const b = randn([6], { requiresGrad: true });
    const seen = new Map<Tensor, boolean>();
    runBackward(ops.add(a, b), new Float32Array(6).fill(1), false, (leaf, _g, fresh) => seen.set(leaf, fresh));
    expect(seen.get(a)).toBe(false);
    expect(seen.get(b)).toBe(false);
    const g = tensor([1, 2, 3, 4, 5, 6]);
    ops.reshape(a, [2, 3]).backward(ops.reshape(g, [2, 3]));
    a.grad!.data[0] = 99;
    expect(g.data[0]).toBe(1);
  });

  it('never shares a leaf gradient with another array: random graphs, survivors kept across collections and steps', async () => {
    const rand = lcg(11);
    const w = randn([6, 6], { requiresGrad: true });
    let kept: { t: Float32Array; copy: Float32Array }[] = [];
    let checked = 0;
    freshSeen = 0;
    for (let step = 0; step < 60; step++) {
      const leaves = [0, 1, 2].map(() => randn([24], { requiresGrad: true }));
      const all = [...leaves, w];
      w.grad = null;
      const { root, made } = graph(rand, leaves, w);
      const expected = reference(root, all);
      root.backward();
      const grads = all.map((l) => l.grad?.data ?? null);
      // Distinct storage: no two gradients, and no gradient and forward tensor, share a buffer.
      const buffers = new Set<ArrayBufferLike>();
      for (const t of [...all.map((l) => l.data), ...made.map((m) => m.data)]) buffers.add(t.buffer);
      for (let i = 0; i < all.length; i++) {
        const g = grads[i] ?? null;
        if (g === null) {
          expect(Array.from(expected[i]!).every((v) => v === 0)).toBe(true);
          continue;
        }
        expect(buffers.has(g.buffer)).toBe(false);
        buffers.add(g.buffer);
        // Equal up to rounding: a weight used by several linears gets the later products added
        // in place (sgemm with beta = 1), which rounds the sum differently from an add after.
        const e = expected[i]!;
        for (let j = 0; j < g.length; j++)
          expect(Math.abs(g[j]! - e[j]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(e[j]!)));
        if (rand() < 0.5) kept.push({ t: g, copy: Float32Array.from(g) });
      }
      // Writing one gradient changes nothing else that is alive.
      const made0 = made.map((m) => Float32Array.from(m.data));
      for (const g of grads) g?.fill(NaN);
      made.forEach((m, i) => expect(Array.from(m.data)).toEqual(Array.from(made0[i]!)));
      for (const k of kept) if (!grads.includes(k.t)) expect(Array.from(k.t)).toEqual(Array.from(k.copy));
      for (const k of kept) if (grads.includes(k.t)) k.copy.fill(NaN);
      checked++;
      kept = kept.filter(() => rand() < 0.7);
      if (step % 10 === 9) {
        gc();
        await turn(); // pooled blocks of dead arrays go back and are handed out again
      }
    }
    expect(checked).toBe(60);
    // Adoption ran in these graphs (matmul's weight gradients, products' own gradients).
    expect(freshSeen).toBeGreaterThan(20);
  }, 60_000);
});
