// Every loss against PyTorch (scripts/fixtures/gen_losses.py): forward values and the gradients
// of the output projected on a random upstream gradient, for the input and (where PyTorch has
// one) the target. Class-index targets are passed in each accepted form in turn.
import { describe, expect, it } from 'vitest';
import { losses, Tensor } from '../../../../lib/index.js';
import { expectClose } from '../../../helpers/expect-close.js';
import { decode, type Encoded, loadFixture } from '../../../helpers/fixtures.js';

interface Case {
  name: string;
  fn: string;
  input: Encoded;
  target: Encoded;
  indexTarget: boolean;
  options: Record<string, unknown>;
  upstream: Encoded;
  output: Encoded;
  gradInput: Encoded;
  gradTarget?: Encoded;
}

const fixture = loadFixture<{ torch: string; cases: Case[] }>('losses.json');

type Fn = (input: Tensor, target: never, options: never) => Tensor;
const FUNCTIONS: Record<string, Fn> = {
  cross_entropy: losses.crossEntropy as Fn,
  nll_loss: losses.nllLoss as Fn,
  binary_cross_entropy: losses.binaryCrossEntropy as Fn,
  binary_cross_entropy_with_logits: losses.binaryCrossEntropyWithLogits as Fn,
  mse_loss: losses.mseLoss as Fn,
  l1_loss: losses.l1Loss as Fn,
  huber_loss: losses.huberLoss as Fn,
  smooth_l1_loss: losses.smoothL1Loss as Fn,
  kl_div: losses.klDiv as Fn,
};

/** Class indices as a Tensor, an Int32Array or a number[] (the last two only for 1-D targets). */
function indexTarget(e: Encoded, form: number): Tensor | Int32Array | number[] {
  if (e.shape.length !== 1 || form === 0) return decode(e);
  return form === 1 ? Int32Array.from(e.data) : [...e.data];
}

function options(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const key of ['weight', 'posWeight']) if (raw[key] !== undefined) out[key] = decode(raw[key] as Encoded);
  return out;
}

describe(`losses against PyTorch ${fixture.torch}`, () => {
  it('covers every loss', () => {
    expect(new Set(fixture.cases.map((c) => c.fn))).toEqual(new Set(Object.keys(FUNCTIONS)));
  });

  it.each(fixture.cases.map((c, i) => [c.name, i, c] as const))('%s', (_name, i, c) => {
    const input = decode(c.input, true);
    const target = c.indexTarget ? indexTarget(c.target, i % 3) : decode(c.target, c.gradTarget !== undefined);
    const out = FUNCTIONS[c.fn]!(input, target as never, options(c.options) as never);
    expect(out.shape).toEqual(c.output.shape);
    expectClose(out.data, decode(c.output).data, { atol: 1e-6, rtol: 2e-5, context: { case: c.name, what: 'output' } });
    expect(out.requiresGrad).toBe(true);
    out.backward(decode(c.upstream));
    expectClose(input.grad!.data, decode(c.gradInput).data, {
      atol: 1e-6,
      rtol: 1e-4,
      context: { case: c.name, what: 'grad input' },
    });
    if (c.gradTarget !== undefined) {
      const t = target as Tensor;
      expectClose(t.grad!.data, decode(c.gradTarget).data, {
        atol: 1e-6,
        rtol: 1e-4,
        context: { case: c.name, what: 'grad target' },
      });
    }
  });
});
