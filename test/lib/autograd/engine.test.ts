// The tape and the backward pass: leaf/non-leaf semantics as in PyTorch, accumulation into
// leaves, gradients summed where a tensor is used twice, freed graphs, deep chains.
import { describe, expect, it } from 'vitest';
import { noGrad, ops, Tensor, tensor } from '../../../lib/index.js';

describe('backward', () => {
  it('computes d(sum(x*x + 3x))/dx = 2x + 3 into the leaf', () => {
    const x = tensor([1, -2, 0.5], { requiresGrad: true });
    const y = ops.sum(ops.add(ops.mul(x, x), ops.mul(x, 3)));
    expect(y.shape).toEqual([]);
    y.backward();
    expect(Array.from(x.grad!.data)).toEqual([5, -1, 4]);
    expect(x.grad!.shape).toEqual([3]);
  });

  it('accumulates into leaves across backward calls until grad is reset', () => {
    const x = tensor([2], { requiresGrad: true });
    ops.mul(x, 3).backward();
    ops.mul(x, 3).backward();
    expect(x.grad!.data[0]).toBe(6);
    x.grad = null;
    ops.mul(x, 3).backward();
    expect(x.grad!.data[0]).toBe(3);
  });

  it('sums gradients over every path (a diamond)', () => {
    const x = tensor([3], { requiresGrad: true });
    const a = ops.mul(x, 2);
    const b = ops.mul(a, a); // 4x^2
    const c = ops.add(b, a); // 4x^2 + 2x
    c.backward();
    expect(x.grad!.data[0]).toBe(26); // 8x + 2
  });

  it('keeps grads of leaves only, unless retainGrad() was called', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = ops.mul(x, 2);
    const kept = ops.mul(x, 3).retainGrad();
    const y = ops.sum(ops.add(ops.mul(h, h), kept));
    y.backward();
    expect(h.isLeaf).toBe(false);
    expect(h.grad).toBeNull();
    expect(Array.from(kept.grad!.data)).toEqual([1, 1]);
    expect(Array.from(x.grad!.data)).toEqual([2 * 2 * 2 * 1 + 3, 2 * 2 * 2 * 2 + 3]);
  });

  it('does not flow into inputs that do not require grad, nor through detach()', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const w = tensor([5, 6]);
    const y = ops.sum(ops.add(ops.mul(x, w), ops.mul(x.detach(), 100)));
    y.backward();
    expect(Array.from(x.grad!.data)).toEqual([5, 6]);
    expect(w.grad).toBeNull();
  });

  it('takes an explicit gradient for non-scalar outputs', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = ops.mul(x, x);
    y.backward(tensor([1, 0.5, -1]));
    expect(Array.from(x.grad!.data)).toEqual([2, 2, -6]);
  });

  it('does not alias the gradient argument or other gradients into leaf.grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const g = tensor([1, 1]);
    ops.add(x, 0).backward(g);
    x.grad!.data[0] = 42;
    expect(g.data[0]).toBe(1);
  });

  it('frees the graph after backward unless retainGraph is set', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = ops.sum(ops.mul(x, x));
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(Array.from(x.grad!.data)).toEqual([4, 8]);
    expect(() => y.backward()).toThrow(
      new Error(
        'backward: the graph through sum was already freed by an earlier backward(); pass { retainGraph: true } to the first backward() to backpropagate through it again',
      ),
    );
    expect(Array.from(x.grad!.data)).toEqual([4, 8]);
  });

  it('handles a 20000-op chain without overflowing the stack', () => {
    const x = tensor([1], { requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 20000; i++) y = ops.add(y, 1);
    y.backward();
    expect(x.grad!.data[0]).toBe(1);
  });

  it('rejects bad calls with exact messages', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = ops.mul(x, 2);
    expect(() => tensor([1]).backward()).toThrow(
      new Error(
        'backward: this tensor does not require grad (no tensor it was computed from has requiresGrad: true, or it was computed inside noGrad)',
      ),
    );
    expect(() => y.backward()).toThrow(
      'backward: a gradient argument is needed for a tensor of shape [2]; it can only be implied (as 1) for a tensor of one element',
    );
    expect(() => y.backward(tensor([1, 2, 3]))).toThrow('backward: expected gradient of shape [2] but received [3]');
    expect(() => y.backward([1, 1] as never)).toThrow(
      new TypeError('Expected Tensor for gradient but received Array(2)'),
    );
    expect(() => y.backward(tensor([1, 1]), { retainGraph: 1 as never })).toThrow(
      new TypeError('Expected boolean for retainGraph but received 1 of type number'),
    );
  });

  it('a backward on a leaf accumulates the seed into it', () => {
    const x = tensor([4], { requiresGrad: true });
    x.backward();
    expect(x.grad!.data[0]).toBe(1);
  });

  it('records nothing under noGrad even when inputs require grad', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = noGrad(() => ops.exp(x));
    expect(() => y.backward()).toThrow('does not require grad');
  });
});

describe('Tensor autograd properties', () => {
  it('requiresGrad can be set on leaves only, to booleans only', () => {
    const x = tensor([1, 2]);
    expect(x.requiresGrad).toBe(false);
    x.requiresGrad = true;
    expect(x.requiresGrad).toBe(true);
    const y = ops.mul(x, 2);
    expect(y.requiresGrad).toBe(true);
    expect(y.gradFn!.name).toBe('mul');
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(
      new Error(
        'requiresGrad can only be changed on leaf tensors; this one was computed by mul (use detach() for a leaf copy)',
      ),
    );
    expect(() => {
      x.requiresGrad = 'yes' as never;
    }).toThrow(new TypeError('Expected boolean for requiresGrad but received "yes" of type string'));
    expect(() => new Tensor(new Float32Array(1), [1], { requiresGrad: 1 as never })).toThrow(TypeError);
  });

  it('grad must be a Tensor of the same shape, or null', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => {
      x.grad = tensor([1, 2, 3]);
    }).toThrow('Expected grad of shape [2] but received [3]');
    expect(() => {
      x.grad = [1, 2] as never;
    }).toThrow(new TypeError('Expected Tensor or null for grad but received Array(2)'));
  });

  it('detach shares data and cuts the graph; item reads a one-element tensor', () => {
    const x = tensor([[1, 2]], { requiresGrad: true });
    const d = x.detach();
    expect(d.data).toBe(x.data);
    expect(d.requiresGrad).toBe(false);
    expect(ops.sum(x).item()).toBe(3);
    expect(() => x.item()).toThrow('item: expected a tensor of one element but received shape [1, 2]');
  });

  it('reshape and clone pass gradients through', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], { requiresGrad: true });
    const r = x.reshape([2, -1]);
    expect(r.shape).toEqual([2, 3]);
    expect(r.data).toBe(x.data);
    const y = ops.sum(ops.mul(r.clone(), tensor([1, 2, 3])));
    y.backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('factories take requiresGrad', () => {
    expect(tensor([[1, 2]], [1, 2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(tensor(new Float32Array(3), { requiresGrad: true }).shape).toEqual([3]);
    const z = tensor([1, 2], { requiresGrad: true });
    expect(z.shape).toEqual([2]);
    expect(z.toString()).toBe('Tensor([2], [1, 2], requiresGrad=true)');
    expect(ops.mul(z, 1).toString()).toBe('Tensor([2], [1, 2], gradFn=mul)');
  });
});
