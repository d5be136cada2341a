// The finite-difference checker itself must be able to fail: an op whose backward is off by a
// factor, or forgets a broadcast reduction, is caught.
import { describe, expect, it } from 'vitest';
import { record } from '../../../lib/autograd/index.js';
import { ops, Tensor } from '../../../lib/index.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';

function square(x: Tensor, factor: number): Tensor {
  const out = new Tensor(
    x.data.map((v) => v * v),
    x.shape,
  );
  return record(out, 'square', [x], (g) => [g.map((gi, i) => gi * factor * x.data[i]!)]);
}

describe('gradcheck', () => {
  it('passes a correct backward', () => {
    expect(gradcheck((x) => square(x!, 2), [leaf([3, 4], 1)])).toBe(12);
  });

  it('fails a backward off by 1%-10%', () => {
    expect(() => gradcheck((x) => square(x!, 2.2), [leaf([3, 4], 1)])).toThrow(/gradient of input 0/);
    expect(() => gradcheck((x) => square(x!, 1.9), [leaf([3, 4], 1)])).toThrow(/analytic .* numeric/);
  });

  it('fails a gradient that is not reduced over a broadcast dimension', () => {
    const bad = (a: Tensor, b: Tensor): Tensor => {
      const out = ops.add(a.detach(), b.detach());
      // Returns only the first row's gradient for b instead of the column sums.
      return record(out, 'badAdd', [a, b], (g) => [g, g.slice(0, b.size)]);
    };
    expect(() => gradcheck((a, b) => bad(a!, b!), [leaf([3, 4], 2), leaf([4], 3)])).toThrow(/gradient of input 1/);
  });
});
