// The fused softmax cross-entropy kernel against PyTorch (scripts/fixtures/gen_loss.py) on every
// backend, native against the reference on larger random inputs, and its argument checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable, type Backend } from '../../lib/index.js';
import { expectClose } from '../helpers/expect-close.js';
import { nans, randomFloats, seededRandom } from '../helpers/rng.js';
import { withThreads } from '../helpers/isa.js';

interface LossCase {
  rows: number;
  classes: number;
  logits: number[];
  targets: number[];
  weight: number[] | null;
  labelSmoothing: number;
  ignoreIndex: number;
  loss: number[];
  dlogits: number[];
  mean: number;
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/loss.json'), 'utf8')) as {
  torch: string;
  cases: LossCase[];
};

function run(k: Backend, c: Omit<LossCase, 'loss' | 'dlogits' | 'mean'>) {
  const loss = nans(c.rows);
  const wsum = nans(c.rows);
  const dlogits = nans(c.rows * c.classes);
  k.softmaxCrossEntropy(
    loss,
    dlogits,
    wsum,
    Float32Array.from(c.logits),
    Int32Array.from(c.targets),
    c.weight === null ? null : Float32Array.from(c.weight),
    c.rows,
    c.classes,
    c.labelSmoothing,
    c.ignoreIndex,
  );
  return { loss, dlogits, wsum };
}

const backends: [string, () => Backend][] = [['js', () => kernels('js')]];
if (nativeAvailable()) backends.push(['native', () => kernels('native')]);

for (const [name, get] of backends) {
  describe(`${name} softmaxCrossEntropy against PyTorch ${fixture.torch}`, () => {
    it.each(fixture.cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
      const r = run(get(), c);
      expectClose(r.loss, c.loss, { atol: 1e-5, rtol: 1e-5, context: { name, what: 'loss' } });
      expectClose(r.dlogits, c.dlogits, { atol: 1e-6, rtol: 1e-5, context: { name, what: 'dlogits' } });
      // A 'mean' reduction divides the summed loss by the summed target weights.
      const mean = r.loss.reduce((s, v) => s + v, 0) / r.wsum.reduce((s, v) => s + v, 0);
      expect(mean).toBeCloseTo(c.mean, 5);
    });

    it('rejects targets out of range, naming the row', () => {
      const k = get();
      const call = () =>
        k.softmaxCrossEntropy(
          new Float32Array(2),
          new Float32Array(6),
          new Float32Array(2),
          new Float32Array(6),
          Int32Array.of(1, 3),
          null,
          2,
          3,
          0,
          -100,
        );
      expect(call).toThrow(
        new RangeError('Expected class index in [0, 2] for targets[1] but received 3 of type number'),
      );
      expect(() =>
        k.softmaxCrossEntropy(
          new Float32Array(2),
          new Float32Array(6),
          new Float32Array(2),
          new Float32Array(6),
          Int32Array.of(1, 2),
          null,
          2,
          3,
          1.5,
          -100,
        ),
      ).toThrow(new RangeError('Expected number in [0, 1] for labelSmoothing but received 1.5 of type number'));
      expect(() =>
        k.softmaxCrossEntropy(
          new Float32Array(2),
          new Float32Array(6),
          new Float32Array(2),
          new Float32Array(6),
          Int32Array.of(1, 2),
          null,
          2,
          0,
          0,
          -100,
        ),
      ).toThrow(new RangeError('Expected integer in [1, 2147483647] for classes but received 0 of type number'));
      expect(() =>
        k.softmaxCrossEntropy(
          new Float32Array(2),
          new Float32Array(6),
          new Float32Array(2),
          new Float32Array(5),
          Int32Array.of(1, 2),
          null,
          2,
          3,
          0,
          -100,
        ),
      ).toThrow(new RangeError('Expected Float32Array of at least 6 elements for logits but received Float32Array(5)'));
      const shared = new Float32Array(6);
      expect(() =>
        k.softmaxCrossEntropy(
          new Float32Array(2),
          shared,
          new Float32Array(2),
          shared,
          Int32Array.of(1, 2),
          null,
          2,
          3,
          0,
          -100,
        ),
      ).toThrow(new RangeError('Expected dlogits and logits not to overlap but they share memory'));
    });
  });
}

describe.skipIf(!nativeAvailable())('softmaxCrossEntropy: native against the reference', () => {
  it('agrees on large random inputs and across thread counts', () => {
    const rows = 3001;
    const classes = 37;
    const rnd = seededRandom(9);
    const c = {
      rows,
      classes,
      logits: [...randomFloats(rows * classes, 4, -20, 20)],
      targets: Array.from({ length: rows }, (_, i) => (i % 11 === 0 ? -1 : Math.floor(rnd() * classes))),
      weight: [...randomFloats(classes, 5, 0.5, 2)],
      labelSmoothing: 0.1,
      ignoreIndex: -1,
    };
    const want = run(kernels('js'), c);
    const one = withThreads(1, () => run(kernels('native'), c));
    const two = withThreads(2, () => run(kernels('native'), c));
    expectClose(one.loss, want.loss, { atol: 1e-6, rtol: 1e-6 });
    expectClose(one.dlogits, want.dlogits, { atol: 1e-7, rtol: 1e-6 });
    expect(two.loss).toEqual(one.loss);
    expect(two.dlogits).toEqual(one.dlogits);
  });
});
