// The op tracer: off by default, sees every op (with or without grad, with its attributes)
// while traceOps runs, never nests, and leaves the tape recording as it would without it.
import { describe, expect, it } from 'vitest';
import { noGrad, ops, tensor, type Tensor } from '../../../lib/index.js';
import { traceOps } from '../../../lib/autograd/trace.js';

type Seen = { name: string; out: Tensor; inputs: unknown[]; attrs: object | undefined };

function collect(fn: () => unknown): Seen[] {
  const seen: Seen[] = [];
  traceOps((out, name, inputs, attrs) => seen.push({ name, out, inputs: [...inputs], attrs }), fn);
  return seen;
}

describe('traceOps', () => {
  it('reports each op with its output, inputs (numbers included) and attributes, also under noGrad', () => {
    const x = tensor([
      [1, -2, 3],
      [4, 5, -6],
    ]);
    let y: Tensor | undefined;
    const seen = collect(() =>
      noGrad(() => {
        y = ops.softmax(ops.mul(ops.leakyRelu(x, 0.25), 2).reshape([3, 2]), 0);
      }),
    );
    expect(seen.map((s) => s.name)).toEqual(['leakyRelu', 'mul', 'reshape', 'softmax']);
    expect(seen[0]!.attrs).toEqual({ negativeSlope: 0.25 });
    expect(seen[1]!.inputs).toEqual([seen[0]!.out, 2]);
    expect(seen[2]!.inputs).toEqual([seen[1]!.out]);
    expect(seen[3]!.attrs).toEqual({ dim: 0 });
    expect(seen[3]!.out).toBe(y);
  });

  it('records conv2d geometry and batch norm statistics', () => {
    const x = tensor(new Float32Array(2 * 8 * 8).fill(1), [1, 2, 8, 8]);
    const w = tensor(new Float32Array(3 * 2 * 3 * 3).fill(0.1), [3, 2, 3, 3]);
    const mean = tensor([0, 1, 2]);
    const variance = tensor([1, 1, 1]);
    const seen = collect(() =>
      ops.batchNorm(ops.conv2d(x, w, null, { stride: 2, padding: 1 }), {
        training: false,
        runningMean: mean,
        runningVar: variance,
      }),
    );
    expect(seen[0]!.attrs).toMatchObject({ sh: 2, sw: 2, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1 });
    expect(seen[1]!.attrs).toMatchObject({ eps: 1e-5, useBatch: false, runningMean: mean, runningVar: variance });
  });

  it('is off by default and after a trace, also one that threw', () => {
    expect(() =>
      collect(() => {
        ops.relu(tensor([1]));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    const after: string[] = [];
    ops.relu(tensor([1]));
    expect(after).toEqual([]);
    expect(collect(() => undefined)).toEqual([]);
  });

  it('does not nest', () => {
    expect(() => collect(() => collect(() => undefined))).toThrow(
      'traceOps: a trace is already running; traces do not nest',
    );
  });

  it('leaves gradients as without it', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    collect(() => ops.sum(ops.mul(x, x)).backward());
    expect(Array.from(x.grad!.data)).toEqual([2, 4, 6]);
  });

  it('rejects arguments that are not functions', () => {
    expect(() => traceOps(null as never, () => undefined)).toThrow(TypeError);
    expect(() => traceOps(() => undefined, 3 as never)).toThrow(TypeError);
  });
});
