// Optimizer steps: native against the reference, bit for bit, over several steps with every
// option combination, on sizes that are not multiples of any vector width and large enough to be
// split over threads; the result must not depend on the thread count.
import { describe, it } from 'vitest';
import { kernels, nativeAvailable, type Backend } from '../../lib/index.js';
import { expectBitEqual } from '../helpers/expect-close.js';
import { withThreads } from '../helpers/isa.js';
import { randomFloats } from '../helpers/rng.js';

type State = Record<string, Float32Array | null>;
type Stepper = (k: Backend, s: State, grad: Float32Array, step: number, n: number) => void;

const SIZES = [0, 1, 7, 33, 1001, 100_003];

interface Variant {
  name: string;
  buffers: string[];
  optional?: string[];
  run: Stepper;
}

const variants: Variant[] = [];
for (const momentum of [0, 0.9]) {
  for (const nesterov of momentum > 0 ? [false, true] : [false]) {
    for (const weightDecay of [0, 0.01]) {
      for (const maximize of [false, true]) {
        variants.push({
          name: `sgd momentum=${momentum} nesterov=${nesterov} wd=${weightDecay} maximize=${maximize}`,
          buffers: momentum > 0 ? ['buf'] : [],
          run: (k, s, g, step, n) =>
            k.sgdStep(
              s.p!,
              s.buf ?? null,
              g,
              0.1,
              weightDecay,
              momentum,
              nesterov ? 0 : 0.1,
              nesterov,
              maximize,
              step === 1,
              n,
            ),
        });
      }
    }
  }
}
for (const decoupled of [false, true]) {
  for (const amsgrad of [false, true]) {
    for (const weightDecay of [0, 0.05]) {
      variants.push({
        name: `adam decoupled=${decoupled} amsgrad=${amsgrad} wd=${weightDecay}`,
        buffers: ['m', 'v', ...(amsgrad ? ['vmax'] : [])],
        run: (k, s, g, step, n) =>
          k.adamStep(
            s.p!,
            s.m!,
            s.v!,
            s.vmax ?? null,
            g,
            1e-3,
            0.9,
            0.999,
            1e-8,
            weightDecay,
            decoupled,
            step,
            false,
            n,
          ),
      });
    }
  }
}
for (const centered of [false, true]) {
  for (const momentum of [0, 0.5]) {
    variants.push({
      name: `rmsprop centered=${centered} momentum=${momentum}`,
      buffers: ['sq', ...(centered ? ['ga'] : []), ...(momentum > 0 ? ['buf'] : [])],
      run: (k, s, g, _step, n) =>
        k.rmspropStep(s.p!, s.sq!, s.ga ?? null, s.buf ?? null, g, 1e-2, 0.99, 1e-8, 0.01, momentum, false, n),
    });
  }
}
for (const lrDecay of [0, 0.1]) {
  variants.push({
    name: `adagrad lrDecay=${lrDecay}`,
    buffers: ['sum'],
    run: (k, s, g, step, n) => k.adagradStep(s.p!, s.sum!, g, 1e-2, lrDecay, 0.001, 1e-10, step, true, n),
  });
}

function trajectory(k: Backend, v: Variant, n: number, steps = 4): State {
  const s: State = { p: randomFloats(n, 1) };
  for (const b of v.buffers) s[b] = new Float32Array(n);
  for (let step = 1; step <= steps; step++) v.run(k, s, randomFloats(n, 100 + step, -3, 3), step, n);
  return s;
}

describe.skipIf(!nativeAvailable())('optimizer steps: native against the reference', () => {
  for (const v of variants) {
    it.each(SIZES)(`${v.name}, n=%i, bit for bit`, (n) => {
      const want = trajectory(kernels('js'), v, n);
      const got = trajectory(kernels('native'), v, n);
      for (const key of Object.keys(want)) expectBitEqual(got[key]!, want[key]!, { variant: v.name, buffer: key, n });
    });
  }

  it('give the same bits on 1 and 2 threads', () => {
    const v = variants.find((x) => x.name.startsWith('adam decoupled=true amsgrad=true'))!;
    const n = 1_000_001;
    const one = withThreads(1, () => trajectory(kernels('native'), v, n, 2));
    const two = withThreads(2, () => trajectory(kernels('native'), v, n, 2));
    for (const key of Object.keys(one)) expectBitEqual(two[key]!, one[key]!, { buffer: key });
  });

  it('sumSquares agrees across backends and thread counts', () => {
    for (const n of [0, 1, 16_385, 1_000_003]) {
      const x = randomFloats(n, n);
      const want = kernels('js').sumSquares(x, n);
      const one = withThreads(1, () => kernels('native').sumSquares(x, n));
      const two = withThreads(2, () => kernels('native').sumSquares(x, n));
      expectBitEqual([one, two], [want, want], { n });
    }
  });
});
