// matmul and linear on the backend's sgemm: values against a plain triple loop, vector and
// batched operands, every fused activation against the unfused composition (bit for bit),
// gradients by finite differences on odd sizes, bad shapes.
import { describe, expect, it, vi } from 'vitest';
import { noGrad, ops, ShapeError, type Tensor, tensor } from '../../../lib/index.js';
import { expectBitEqual, expectClose } from '../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';

// The active backend, seen through a wrapper that records the activation id of each
// linearForward call (to assert which path ran); every call passes through unchanged.
const linearActs = vi.hoisted(() => [] as string[]);
vi.mock('../../../lib/backend/index.js', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../../lib/backend/index.js')>();
  const real = mod.activeBackend() as unknown as Record<string | symbol, unknown>;
  const wrapped = new Proxy(
    {},
    {
      get(_t, key) {
        const v = real[key];
        if (typeof v !== 'function') return v;
        if (key === 'linearForward')
          return (...args: unknown[]) => (
            linearActs.push(args[7] as string),
            (v as (...a: unknown[]) => unknown).apply(real, args)
          );
        return (v as (...a: unknown[]) => unknown).bind(real);
      },
    },
  );
  return { ...mod, activeBackend: () => wrapped };
});

function naive(a: Float32Array, b: Float32Array, m: number, k: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      out.push(s);
    }
  }
  return out;
}

describe('matmul', () => {
  it.each([
    [1, 1, 1],
    [3, 5, 7],
    [2, 1, 4],
    [6, 13, 1],
  ])('(%i x %i) (%i cols) matches a triple loop', (m, k, n) => {
    const a = leaf([m, k], 1);
    const b = leaf([k, n], 2);
    const y = ops.matmul(a, b);
    expect(y.shape).toEqual([m, n]);
    expectClose(y.data, naive(a.data, b.data, m, k, n), { atol: 1e-6, rtol: 1e-6 });
  });

  it('handles vectors and a batched left operand', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(ops.matmul(tensor([1, 1]), a).toArray()).toEqual([4, 6]);
    expect(ops.matmul(a, tensor([1, 1])).toArray()).toEqual([3, 7]);
    expect(ops.matmul(tensor([1, 2]), tensor([3, 4])).shape).toEqual([]);
    const batch = ops.matmul(
      tensor([
        [
          [1, 0],
          [0, 1],
        ],
        [
          [2, 0],
          [0, 2],
        ],
      ]),
      a,
    );
    expect(batch.toArray()).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [2, 4],
        [6, 8],
      ],
    ]);
  });

  it.each([
    [
      [3, 5],
      [5, 7],
    ],
    [
      [2, 3, 4],
      [4, 1],
    ],
    [[4], [4, 3]],
    [[2, 3], [3]],
  ])('gradients for %j x %j', (sa, sb) => {
    const a = leaf(sa, 3);
    const b = leaf(sb, 4);
    expect(gradcheck((x, y) => ops.matmul(x!, y!), [a, b])).toBe(a.size + b.size);
  });

  it('rejects shapes that do not multiply', () => {
    expect(() => ops.matmul(tensor([[1, 2]]), tensor([[1, 2]]))).toThrow(
      new ShapeError('matmul: shapes [1, 2] and [1, 2] cannot be multiplied (2 != 1)'),
    );
    expect(() => ops.matmul(tensor([[1]]), tensor([[[1]]]))).toThrow(
      'matmul: expected a of rank >= 1 and b of rank 1 or 2 but received shapes [1, 1] and [1, 1, 1]',
    );
  });
});

const ACTIVATIONS: [string, (t: Tensor) => Tensor][] = [
  ['relu', ops.relu],
  ['leakyRelu', (t) => ops.leakyRelu(t)],
  ['sigmoid', ops.sigmoid],
  ['tanh', ops.tanh],
  ['gelu', ops.gelu],
  ['elu', (t) => ops.elu(t)],
  ['selu', ops.selu],
  ['softplus', (t) => ops.softplus(t)],
];

describe('linear', () => {
  it('is x w^T + b with w in PyTorch layout [out, in]', () => {
    const x = tensor([[1, 2, 3]]);
    const w = tensor([
      [1, 0, 0],
      [0, 1, 1],
    ]);
    expect(ops.linear(x, w, tensor([10, 20])).toArray()).toEqual([[11, 25]]);
    expect(ops.linear(x, w).toArray()).toEqual([[1, 5]]);
    expect(ops.linear(tensor([[[1, 2, 3]], [[0, 0, 1]]]), w).shape).toEqual([2, 1, 2]);
  });

  it.each([
    [[5, 7], 3, true],
    [[1, 4], 1, false],
    [[2, 3, 5], 6, true],
  ] as const)('gradients for x %j, %i outputs, bias %s', (sx, out, bias) => {
    const x = leaf([...sx], 5);
    const w = leaf([out, sx[sx.length - 1]!], 6);
    const b = bias ? leaf([out], 7) : null;
    const inputs = b ? [x, w, b] : [x, w];
    expect(gradcheck((p, q, r) => ops.linear(p!, q!, r ?? null), inputs)).toBe(inputs.reduce((s, t) => s + t.size, 0));
  });

  it.each(ACTIVATIONS)('fused %s equals the composition, with the same gradients', (name, act) => {
    const x = leaf([4, 6], 8, -2, 2);
    const w = leaf([5, 6], 9);
    const b = leaf([5], 10);
    const fused = ops.linear(x, w, b, { activation: name as never });
    const composed = act(ops.linear(x, w, b));
    expectBitEqual(fused.data, composed.data, { name });
    expect(fused.gradFn!.name).toBe(`linear+${name}`);
    expect(
      gradcheck((p, q, r) => ops.linear(p!, q!, r!, { activation: name as never }), [x, w, b], { context: { name } }),
    ).toBe(24 + 30 + 5);
  });

  // The kernel id linearForward receives: fused where the kernel has the activation with the
  // same constants; gelu's derivative needs the pre-activation, so it is fused only without a gradient.
  it.each([
    ['relu', 'relu', 'relu'],
    ['sigmoid', 'sigmoid', 'sigmoid'],
    ['tanh', 'tanh', 'tanh'],
    ['gelu', 'none', 'gelu'],
    ['leakyRelu', 'none', 'none'],
    ['elu', 'none', 'none'],
    ['selu', 'none', 'none'],
    ['softplus', 'none', 'none'],
  ] as const)('runs %s on the kernel epilogue as %s with a gradient and %s without', (name, withGrad, without) => {
    const x = leaf([3, 4], 11);
    const w = leaf([2, 4], 12);
    const b = leaf([2], 13);
    linearActs.length = 0;
    const tracked = ops.linear(x, w, b, { activation: name });
    const untracked = noGrad(() => ops.linear(x, w, b, { activation: name }));
    expect(linearActs).toEqual([withGrad, without]);
    expectClose(untracked.data, tracked.data, { atol: 1e-6, rtol: 1e-6, context: { name } });
  });

  it('rejects bad shapes and options with exact messages', () => {
    const w = tensor([[1, 2, 3]]);
    expect(() => ops.linear(tensor([[1, 2]]), w)).toThrow(/^linear: expected input \[\*, 3\] but received \[1, 2\]$/);
    expect(() => ops.linear(tensor([1, 2, 3]), tensor([1, 2, 3]))).toThrow(
      'linear: expected weight of shape [out, in] but received [3]',
    );
    expect(() => ops.linear(tensor([[1, 2, 3]]), w, tensor([1, 2]))).toThrow(
      'linear: expected bias of shape [1] but received [2]',
    );
    expect(() => ops.linear(tensor([[1, 2, 3]]), w, null, { activation: 'swish' as never })).toThrow(
      new RangeError(
        'Expected one of relu, leakyRelu, sigmoid, tanh, gelu, elu, selu, softplus for activation but received "swish" of type string',
      ),
    );
    expect(() => ops.linear([1, 2, 3] as never, w)).toThrow(
      new TypeError('Expected Tensor for x but received Array(3)'),
    );
  });
});
