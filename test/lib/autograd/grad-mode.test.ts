// Grad mode: noGrad stops recording for the synchronous extent of fn and always restores the
// previous mode; enableGrad re-enables inside it.
import { describe, expect, it } from 'vitest';
import { enableGrad, isGradEnabled, noGrad, ops, tensor } from '../../../lib/index.js';

describe('noGrad', () => {
  it('returns what fn returns, with no tape recorded', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = noGrad(() => ops.mul(x, 2));
    expect(Array.from(y.data)).toEqual([2, 4, 6]);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(y.isLeaf).toBe(true);
  });

  it('restores the previous mode, also when fn throws, and nests', () => {
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      noGrad(() => expect(isGradEnabled()).toBe(false));
      expect(isGradEnabled()).toBe(false);
      enableGrad(() => expect(isGradEnabled()).toBe(true));
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
  });

  it('records again inside enableGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => enableGrad(() => ops.mul(x, x)));
    expect(y.gradFn?.name).toBe('mul');
  });

  it('rejects a non-function and an async fn with exact messages', () => {
    expect(() => noGrad(5 as never)).toThrow(new TypeError('Expected function for fn but received 5 of type number'));
    expect(() => noGrad(async () => 1)).toThrow(
      new TypeError(
        'noGrad(fn) covers synchronous code only but fn returned a Promise; call noGrad inside the async function instead',
      ),
    );
    expect(isGradEnabled()).toBe(true);
  });
});
