// Every optimizer follows PyTorch's trajectory over 20 steps (fixture from
// scripts/fixtures/gen_optim.py), on whichever backend is active; parameter groups included.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optim } from '../../../../lib/index.js';
import { expectClose } from '../../../helpers/expect-close.js';

interface Fixture {
  torch: string;
  shapes: number[][];
  init: number[];
  grads: number[][];
  optimizers: Record<
    string,
    {
      class: string;
      options: Record<string, unknown>;
      groups?: Record<string, unknown>[];
      params: Record<string, number[]>;
    }
  >;
}

export const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../fixtures/optim.json'), 'utf8'),
) as Fixture;

const sizes = fixture.shapes.map((s) => s.reduce((a, b) => a * b, 1));

function split(flat: number[]): Float32Array[] {
  const out: Float32Array[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(Float32Array.from(flat.slice(at, at + n)));
    at += n;
  }
  return out;
}

const CLASSES: Record<string, new (params: never, options: never) => optim.Optimizer<object>> = {
  SGD: optim.SGD as never,
  Adam: optim.Adam as never,
  AdamW: optim.AdamW as never,
  RMSprop: optim.RMSprop as never,
  Adagrad: optim.Adagrad as never,
};

describe(`optimizers against PyTorch ${fixture.torch}`, () => {
  for (const [name, spec] of Object.entries(fixture.optimizers)) {
    it(`${name} (${spec.class}) matches over 20 steps`, () => {
      const params = split(fixture.init).map((data) => ({ data, grad: null as { data: Float32Array } | null }));
      const input = spec.groups ? spec.groups.map((g, i) => ({ ...g, params: [params[i]!] })) : params;
      const opt = new CLASSES[spec.class]!(input as never, spec.options as never);
      for (let step = 1; step <= 20; step++) {
        split(fixture.grads[step - 1]!).forEach((g, i) => {
          params[i]!.grad = { data: g };
        });
        opt.step();
        const want = spec.params[String(step)];
        if (want === undefined) continue;
        const got = params.flatMap((p) => [...p.data]);
        // float32 updates in a different operation order than PyTorch's vectorized kernels:
        // a few ulps per step, accumulating over 20 steps.
        expectClose(got, want, { atol: 2e-6, rtol: 2e-5, context: { name, step } });
      }
    });
  }
});

describe('optimizer state dicts', () => {
  it('resume bit-identically from stateDict()/loadStateDict()', () => {
    const run = (resumeAt: number | null): Float32Array[] => {
      const params = split(fixture.init).map((data) => ({ data, grad: null as { data: Float32Array } | null }));
      let opt = new optim.Adam(params, { lr: 1e-2, amsgrad: true });
      for (let step = 1; step <= 10; step++) {
        if (step === resumeAt) {
          const saved = opt.stateDict();
          opt = new optim.Adam(params, { lr: 1e-2, amsgrad: true });
          opt.loadStateDict(saved);
        }
        split(fixture.grads[step - 1]!).forEach((g, i) => {
          params[i]!.grad = { data: g };
        });
        opt.step();
      }
      return params.map((p) => p.data);
    };
    const straight = run(null);
    const resumed = run(6);
    resumed.forEach((r, i) => expect(r).toEqual(straight[i]));
  });

  it('rejects a state dict for other parameters', () => {
    const a = new optim.SGD([{ data: new Float32Array(3), grad: null }], { lr: 0.1, momentum: 0.9 });
    const b = new optim.SGD(
      [
        { data: new Float32Array(3), grad: null },
        { data: new Float32Array(2), grad: null },
      ],
      { lr: 0.1 },
    );
    expect(() => a.loadStateDict(b.stateDict())).toThrow(
      "stateDict.paramGroups[0] has 2 parameters but the optimizer's group has 1",
    );
  });
});

describe('optimizer options', () => {
  const p = () => [{ data: new Float32Array(2), grad: null }];
  it.each([
    [
      () => new optim.SGD(p(), { lr: -1 }),
      RangeError,
      'Expected finite non-negative number for lr but received -1 of type number',
    ],
    [
      () => new optim.SGD(p(), { lr: 0.1, nesterov: true }),
      RangeError,
      'Nesterov momentum requires a momentum above 0 and zero dampening',
    ],
    [
      () => new optim.Adam(p(), { betas: [0.9, 1] }),
      RangeError,
      'Expected number in [0, 1) for betas[1] but received 1 of type number',
    ],
    [
      () => new optim.Adam(p(), { eps: Number.NaN }),
      RangeError,
      'Expected finite non-negative number for eps but received NaN of type number',
    ],
    [
      () => new optim.RMSprop(p(), { alpha: 2 }),
      RangeError,
      'Expected number in [0, 1] for alpha but received 2 of type number',
    ],
    [
      () => new optim.Adagrad(p(), { lrDecay: -0.1 }),
      RangeError,
      'Expected finite non-negative number for lrDecay but received -0.1 of type number',
    ],
    [() => new optim.SGD([], { lr: 0.1 }), RangeError, 'optimizer got an empty parameter list'],
    [
      () => new optim.SGD([{ data: [1, 2] } as never], { lr: 0.1 }),
      TypeError,
      'Expected parameter with a Float32Array data buffer for params[0] but received object',
    ],
  ])('%#: rejects bad options', (make, error, message) => {
    expect(make).toThrow(error);
    expect(make).toThrow(message);
  });

  it('skips parameters without gradients and clears gradients with zeroGrad', () => {
    const a = { data: Float32Array.of(1, 2), grad: { data: Float32Array.of(1, 1) } as { data: Float32Array } | null };
    const b = { data: Float32Array.of(5), grad: null as { data: Float32Array } | null };
    const opt = new optim.SGD([a, b], { lr: 0.5 });
    opt.step();
    expect([...a.data]).toEqual([0.5, 1.5]);
    expect([...b.data]).toEqual([5]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });
});
