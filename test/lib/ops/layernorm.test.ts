// ops.layerNorm against PyTorch 1.13 (forward, and gradients of input, weight and bias) and by
// finite differences; its argument checks.
import { describe, expect, it } from 'vitest';
import { ops, ShapeError, Tensor } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';
import { decode, type Encoded, loadFixture } from '../../helpers/fixtures.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';

interface LayerNormCase {
  name: string;
  normalizedShape: number | number[];
  affine: boolean;
  eps: number;
  x: Encoded;
  weight: Encoded | null;
  bias: Encoded | null;
  out: Encoded;
  dy: Encoded;
  dx: Encoded;
  dweight: Encoded | null;
  dbias: Encoded | null;
}

const cases = loadFixture<{ layerNorm: LayerNormCase[] }>('seq-layers.json').layerNorm;

describe('layerNorm against torch 1.13', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const x = decode(c.x, true);
    const weight = c.weight === null ? null : decode(c.weight, true);
    const bias = c.bias === null ? null : decode(c.bias, true);
    const out = ops.layerNorm(x, c.normalizedShape, { weight, bias, eps: c.eps });
    const context = { case: c.name };
    expectClose(out.data, c.out.data, { atol: 1e-6, rtol: 1e-6, context });
    out.backward(decode(c.dy));
    expectClose(x.grad!.data, c.dx.data, { atol: 1e-5, rtol: 1e-5, context: { ...context, what: 'dx' } });
    if (weight !== null)
      expectClose(weight.grad!.data, c.dweight!.data, {
        atol: 1e-5,
        rtol: 1e-5,
        context: { ...context, what: 'dweight' },
      });
    if (bias !== null)
      expectClose(bias.grad!.data, c.dbias!.data, { atol: 1e-5, rtol: 1e-5, context: { ...context, what: 'dbias' } });
  });

  it('gives the bias for constant rows, with the biased variance', () => {
    const c = cases.find((k) => k.name === 'constant rows give bias')!;
    const out = ops.layerNorm(decode(c.x), c.normalizedShape, { weight: decode(c.weight!), bias: decode(c.bias!) });
    expectClose(out.data, [...c.bias!.data, ...c.bias!.data, ...c.bias!.data], { atol: 1e-7 });
    // Biased: [1, 3] has variance 1 (not 2), so it normalises to [-1, 1] (eps aside).
    expectClose(ops.layerNorm(new Tensor(Float32Array.of(1, 3), [2]), 2, { eps: 1e-12 }).data, [-1, 1], { atol: 1e-6 });
  });
});

describe('layerNorm gradients by finite differences', () => {
  it.each([
    ['int', [3, 5], 5],
    ['2-d', [2, 3, 4], [3, 4]],
    ['3-d', [2, 2, 3, 2], [2, 3, 2]],
    ['width 1', [4, 1], 1],
  ] as const)('normalizedShape %s, with and without affine', (_n, shape, ns) => {
    const size =
      (ns as number | readonly number[]) === ns && typeof ns === 'number'
        ? ns
        : (ns as readonly number[]).reduce((a, b) => a * b, 1);
    const nsShape = typeof ns === 'number' ? [ns] : [...ns];
    const x = leaf([...shape], 1, -2, 2);
    const w = leaf(nsShape, 2, 0.5, 1.5);
    const b = leaf(nsShape, 3);
    const total = x.size + 2 * size;
    expect(gradcheck((a, ww, bb) => ops.layerNorm(a!, ns, { weight: ww!, bias: bb! }), [x, w, b], { atol: 3e-3 })).toBe(
      total,
    );
    expect(gradcheck((a) => ops.layerNorm(a!, ns), [leaf([...shape], 4, -2, 2)], { atol: 3e-3 })).toBe(x.size);
  });
});

describe('layerNorm checks', () => {
  const x = new Tensor(new Float32Array(12), [3, 4]);
  it('names the expected shape', () => {
    expect(() => ops.layerNorm(x, 3)).toThrow(
      new ShapeError('layerNorm: expected input of shape [*, 3] but received [3, 4]'),
    );
    expect(() => ops.layerNorm(x, [2, 3, 4])).toThrow(ShapeError);
    expect(() => ops.layerNorm(x, 4, { weight: new Tensor(new Float32Array(3), [3]) })).toThrow(
      'layerNorm: expected weight of shape [4] but received [3]',
    );
  });

  it('rejects bad normalizedShape, eps and options', () => {
    expect(() => ops.layerNorm(x, [])).toThrow(
      new TypeError(
        'Expected positive integer or non-empty array of positive integers for normalizedShape but received Array(0)',
      ),
    );
    expect(() => ops.layerNorm(x, 0)).toThrow(
      new RangeError('Expected positive integer for normalizedShape[0] but received 0 of type number'),
    );
    expect(() => ops.layerNorm(x, 4, { eps: 0 })).toThrow(
      new RangeError('Expected finite positive number for eps but received 0 of type number'),
    );
    expect(() => ops.layerNorm(x, 4, { epsilon: 1e-3 } as never)).toThrow(
      new TypeError('layerNorm: unknown option "epsilon"; the options are weight, bias, eps'),
    );
  });
});
