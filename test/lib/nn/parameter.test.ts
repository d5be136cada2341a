// Parameter: a leaf that requires grad by default, on its source's storage.
import { describe, expect, it } from 'vitest';
import { ops, Parameter, tensor } from '../../../lib/index.js';

describe('Parameter', () => {
  it('shares storage, is a leaf, requires grad unless told otherwise', () => {
    const t = tensor([1, 2, 3]);
    const p = new Parameter(t);
    expect(p.data).toBe(t.data);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(String(p)).toBe('Parameter([3])');
    const frozen = new Parameter(t, { requiresGrad: false });
    expect(frozen.requiresGrad).toBe(false);
    expect(String(frozen)).toBe('Parameter([3], requiresGrad=false)');
  });

  it('is cut from the graph of the tensor it wraps', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const p = new Parameter(ops.mul(x, 2));
    expect(p.isLeaf).toBe(true);
    ops.sum(ops.mul(p, p)).backward();
    expect(Array.from(p.grad!.data)).toEqual([4, 8]);
    expect(x.grad).toBeNull();
  });

  it('rejects non-tensors', () => {
    expect(() => new Parameter([1, 2] as never)).toThrow(
      new TypeError('Expected Tensor for data but received Array(2)'),
    );
  });
});
