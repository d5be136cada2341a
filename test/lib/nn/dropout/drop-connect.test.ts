// nn.DropConnect: Linear's parameters and initialisation; eval equals a Linear with the same
// weights; training equals a Linear with the weights masked and scaled from the same mask (the
// raw draws); finite-difference gradients; the seeded sequence; names, config, shape errors.
import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, nn, Tensor } from '../../../../lib/index.js';
import { advance, keepBits } from '../../../helpers/dropout-oracle.js';
import { expectBitEqual } from '../../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../../helpers/gradcheck.js';

const x = leaf([6, 4], 1);

function linearWith(dc: nn.DropConnect, weight: Float32Array = dc.weight.data): nn.Linear {
  const lin = new nn.Linear(dc.inFeatures, dc.outFeatures);
  lin.weight.data.set(weight);
  lin.bias!.data.set(dc.bias!.data);
  return lin;
}

describe('DropConnect', () => {
  it('has the parameters, names and initialisation of Linear', () => {
    manualSeed(3);
    const dc = new nn.DropConnect(4, 3);
    manualSeed(3);
    const lin = new nn.Linear(4, 3);
    expect(Object.keys(dc.stateDict())).toEqual(['weight', 'bias']);
    expectBitEqual(dc.weight.data, lin.weight.data);
    expectBitEqual(dc.bias!.data, lin.bias!.data);
    expect(new nn.DropConnect(4, 3, { bias: false }).bias).toBeNull();
    expect(dc.category).toBe('linear');
    expect(dc.dropoutRate).toBeUndefined();
    expect(dc.layerName).toBe('DropConnect(4→3, p=0.5)');
    expect(dc.toString()).toBe('DropConnect(inFeatures=4, outFeatures=3, bias=true, p=0.5)');
    expect(new nn.DropConnect(4, 3, { p: 0.2, seed: 7 }).getConfig()).toEqual({
      inFeatures: 4,
      outFeatures: 3,
      p: 0.2,
      bias: true,
      seed: 7,
    });
  });

  it('in eval mode equals a Linear with the same weights, drawing nothing', () => {
    const g = new Generator(1);
    const dc = new nn.DropConnect(4, 3, { maskGenerator: g }).eval();
    expectBitEqual(dc.call(x).data, linearWith(dc).call(x).data);
    expect(g.offset).toBe(0);
    const p0 = new nn.DropConnect(4, 3, { p: 0, maskGenerator: g });
    expectBitEqual(p0.call(x).data, linearWith(p0).call(x).data);
    expect(g.offset).toBe(0);
  });

  it.each([0.3, 0.5])(
    'p=%s: in training equals a Linear whose weights are masked by the same draws and scaled by 1/(1-p)',
    (p) => {
      const g = new Generator(9);
      const dc = new nn.DropConnect(4, 3, { p, maskGenerator: g });
      const scale = Math.fround(1 / (1 - p));
      for (let step = 0; step < 3; step++) {
        const keep = keepBits(9, step * advance(12), 12, p);
        const masked = Float32Array.from(dc.weight.data, (w, i) => (keep[i] ? w * scale : 0));
        expectBitEqual(dc.call(x).data, linearWith(dc, masked).call(x).data, { p, step });
      }
      expect(g.offset).toBe(3 * advance(12));
    },
  );

  it('has finite-difference gradients for input, weight and bias (the mask fixed by resetting the offset)', () => {
    const g = new Generator(4);
    const dc = new nn.DropConnect(4, 3, { p: 0.4, maskGenerator: g });
    const n = gradcheck(
      (input, w, b) => {
        g.offset = 0;
        const saved = [dc.weight, dc.bias] as const;
        dc.weight = w as never;
        dc.bias = b as never;
        try {
          return dc.call(input!);
        } finally {
          [dc.weight, dc.bias] = saved;
        }
      },
      [leaf([5, 4], 2), leaf([3, 4], 3), leaf([3], 4)],
    );
    expect(n).toBe(20 + 12 + 3);
    // Through the layer's own parameters: dropped weights get no gradient, the bias all of it.
    g.offset = 0;
    const y = dc.call(x);
    y.backward(new Tensor(new Float32Array(18).fill(1), [6, 3]));
    const keep = keepBits(4, 0, 12, 0.4);
    expect(keep.some((k) => !k)).toBe(true);
    for (let i = 0; i < 12; i++) expect(dc.weight.grad!.data[i] === 0).toBe(!keep[i]);
    expect(Array.from(dc.bias!.grad!.data)).toEqual([6, 6, 6]);
  });

  it('with a seed draws a reproducible sequence of masks', () => {
    manualSeed(1);
    const a = new nn.DropConnect(4, 3, { seed: 42 });
    manualSeed(1);
    const b = new nn.DropConnect(4, 3, { seed: 42 });
    const a1 = a.call(x);
    const a2 = a.call(x);
    expect(Array.from(a2.data)).not.toEqual(Array.from(a1.data));
    expectBitEqual(b.call(x).data, a1.data);
    expectBitEqual(b.call(x).data, a2.data);
  });

  it('checks its arguments and its input', () => {
    expect(() => new nn.DropConnect(4, 3, { p: 1.5 })).toThrow(
      new RangeError('Expected number in [0, 1] for p but received 1.5 of type number'),
    );
    expect(() => new nn.DropConnect(4, 3, { p: Number.NaN })).toThrow(
      new RangeError('Expected number in [0, 1] for p but received NaN of type number'),
    );
    expect(() => new nn.DropConnect(0, 3)).toThrow(
      new RangeError('Expected positive integer for inFeatures but received 0 of type number'),
    );
    expect(() => new nn.DropConnect(4, 3, { seed: 1, maskGenerator: new Generator(1) })).toThrow(
      new TypeError('Expected undefined (a maskGenerator is given) for seed but received 1 of type number'),
    );
    expect(() => new nn.DropConnect(4, 3, { maskGenerator: {} as never })).toThrow(
      new TypeError('Expected Generator for maskGenerator but received object'),
    );
    expect(() => new nn.DropConnect(4, 3).call(leaf([2, 5], 1) as never)).toThrow(
      'DropConnect(4→3, p=0.5) expected input [*, 4] but received [2, 5]',
    );
  });

  it('at p = 1 outputs the bias alone', () => {
    const dc = new nn.DropConnect(4, 3, { p: 1 });
    const y = dc.call(x);
    for (let r = 0; r < 6; r++) expectBitEqual(y.data.subarray(r * 3, r * 3 + 3), dc.bias!.data);
  });
});
