// Learning-rate schedulers and gradient clipping against PyTorch (fixture from
// scripts/fixtures/gen_optim.py).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optim } from '../../../../lib/index.js';
import { expectClose } from '../../../helpers/expect-close.js';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../../../fixtures/optim.json'), 'utf8')) as {
  torch: string;
  shapes: number[][];
  schedulers: Record<
    string,
    { options: Record<string, unknown>; optimizer?: string; metrics?: number[]; lr: number[]; momentum: number[] }
  >;
  clip: { input: number[]; valueInput: number[]; results: Record<string, { total?: number; grads: number[] }> };
};

const param = () => ({
  data: new Float32Array(1),
  grad: { data: new Float32Array(1) } as { data: Float32Array } | null,
});

function makeScheduler(name: string, opt: optim.Optimizer<{ lr: number }>, options: Record<string, unknown>) {
  switch (name) {
    case 'step':
      return new optim.StepLR(opt, options as never);
    case 'exponential':
      return new optim.ExponentialLR(opt, options as never);
    case 'cosine':
      return new optim.CosineAnnealingLR(opt, options as never);
    case 'plateau':
      return new optim.ReduceLROnPlateau(opt, options as never);
    default:
      return new optim.OneCycleLR(opt, options as never);
  }
}

describe(`schedulers against PyTorch ${fixture.torch}`, () => {
  for (const [name, spec] of Object.entries(fixture.schedulers)) {
    it(`${name}: rate (and momentum) at every step`, () => {
      const opt =
        spec.optimizer === 'Adam'
          ? new optim.Adam([param()], { lr: 0.1 })
          : new optim.SGD([param()], { lr: 0.1, momentum: 0.9 });
      const sched = makeScheduler(name, opt as never, spec.options);
      const group = opt.paramGroups[0] as unknown as { lr: number; momentum?: number; betas?: [number, number] };
      const lrs = [group.lr];
      const moms = [group.betas?.[0] ?? group.momentum ?? 0];
      for (let i = 0; i < spec.lr.length - 1; i++) {
        opt.step();
        if (sched instanceof optim.ReduceLROnPlateau) sched.step(spec.metrics![i]!);
        else sched.step();
        lrs.push(group.lr);
        moms.push(group.betas?.[0] ?? group.momentum ?? 0);
      }
      expectClose(lrs, spec.lr, { atol: 1e-12, rtol: 1e-9, context: { name, what: 'lr' } });
      expectClose(moms, spec.momentum, { atol: 1e-12, rtol: 1e-9, context: { name, what: 'momentum' } });
    });
  }

  it('OneCycleLR refuses to step past totalSteps', () => {
    const opt = new optim.SGD([param()], { lr: 0.1, momentum: 0.9 });
    const s = new optim.OneCycleLR(opt as never, { maxLr: 1, totalSteps: 2 });
    s.step();
    s.step();
    expect(() => s.step()).toThrow('OneCycleLR stepped 3 times but totalSteps is 2');
  });
});

describe(`gradient clipping against PyTorch ${fixture.torch}`, () => {
  const sizes = fixture.shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const params = (flat: number[]) => {
    let at = 0;
    return sizes.map((n) => {
      const g = Float32Array.from(flat.slice(at, (at += n)));
      return { data: new Float32Array(n), grad: { data: g } as { data: Float32Array } | null };
    });
  };
  for (const [key, normType] of [
    ['2.0', 2],
    ['1.0', 1],
    ['3.0', 3],
    ['inf', Number.POSITIVE_INFINITY],
  ] as const) {
    it(`clipGradNorm with normType ${key}`, () => {
      const ps = params(fixture.clip.input);
      const total = optim.clipGradNorm(ps, 1.0, { normType });
      const want = fixture.clip.results[key]!;
      expect(total).toBeCloseTo(want.total!, 4);
      expectClose(
        ps.flatMap((p) => [...p.grad!.data]),
        want.grads,
        { atol: 1e-6, rtol: 1e-5, context: { key } },
      );
    });
  }

  it('clipGradValue', () => {
    const ps = params(fixture.clip.valueInput);
    optim.clipGradValue(ps, 0.3);
    expectClose(
      ps.flatMap((p) => [...p.grad!.data]),
      fixture.clip.results['value_0.3']!.grads,
      { context: { what: 'value' } },
    );
  });

  it('errorIfNonfinite', () => {
    const ps = params(fixture.clip.input);
    ps[0]!.grad!.data[0] = Number.NaN;
    expect(() => optim.clipGradNorm(ps, 1, { errorIfNonfinite: true })).toThrow(RangeError);
  });
});
