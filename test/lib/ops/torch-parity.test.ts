// Every op's forward value and gradients against PyTorch, from test/fixtures/autograd.json
// (written by scripts/fixtures/gen_autograd.py). Tolerances: float32 results that differ only
// in rounding and summation order (ours sum in float64) agree to a few ulps, so rtol 1e-5 with
// atol 1e-6 for values near 0; PyTorch's float32 gelu loses up to 2e-7 absolute for x < 0.
import { describe, expect, it } from 'vitest';
import { ops, type Tensor } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';
import { decode, type Encoded, loadFixture } from '../../helpers/fixtures.js';

interface OpCase {
  name: string;
  args: Record<string, number | number[] | boolean>;
  inputs: Encoded[];
  v: Encoded;
  output: Encoded;
  grads: (Encoded | null)[];
}

const fixture = loadFixture<{ torch: string; ops: OpCase[] }>('autograd.json');

type Args = OpCase['args'];
const num = (a: Args, k: string): number => a[k] as number;

const OPS: Record<string, (x: Tensor[], a: Args) => Tensor> = {
  add: ([a, b]) => ops.add(a!, b!),
  sub: ([a, b]) => ops.sub(a!, b!),
  mul: ([a, b]) => ops.mul(a!, b!),
  div: ([a, b]) => ops.div(a!, b!),
  neg: ([x]) => ops.neg(x!),
  pow: ([x], a) => ops.pow(x!, num(a, 'exponent')),
  exp: ([x]) => ops.exp(x!),
  log: ([x]) => ops.log(x!),
  clamp: ([x], a) => ops.clamp(x!, num(a, 'min'), num(a, 'max')),
  relu: ([x]) => ops.relu(x!),
  leakyRelu: ([x], a) => ops.leakyRelu(x!, num(a, 'negativeSlope')),
  sigmoid: ([x]) => ops.sigmoid(x!),
  tanh: ([x]) => ops.tanh(x!),
  gelu: ([x]) => ops.gelu(x!),
  elu: ([x], a) => ops.elu(x!, num(a, 'alpha')),
  selu: ([x]) => ops.selu(x!),
  softplus: ([x], a) => ops.softplus(x!, { beta: num(a, 'beta'), threshold: num(a, 'threshold') }),
  softmax: ([x], a) => ops.softmax(x!, num(a, 'dim')),
  logSoftmax: ([x], a) => ops.logSoftmax(x!, num(a, 'dim')),
  sum: ([x], a) => ops.sum(x!, a.dim as number | number[], a.keepdim as boolean),
  mean: ([x], a) => (a.dim === undefined ? ops.mean(x!) : ops.mean(x!, a.dim as number[], a.keepdim as boolean)),
  matmul: ([a, b]) => ops.matmul(a!, b!),
  linear: ([x, w, b]) => ops.linear(x!, w!, b!),
  transpose: ([x], a) => ops.transpose(x!, num(a, 'dim0'), num(a, 'dim1')),
  concat: (xs, a) => ops.concat(xs, num(a, 'dim')),
  gather: ([x, i], a) => ops.gather(x!, num(a, 'dim'), i!),
  // Cross-entropy from its building blocks: -mean(logSoftmax(logits)[i, target[i]]).
  crossEntropy: ([logits, target]) =>
    ops.neg(ops.mean(ops.gather(ops.logSoftmax(logits!, 1), 1, target!.reshape([-1, 1])))),
};

describe(`ops against PyTorch ${fixture.torch}`, () => {
  it('covers every op of the fixture', () => {
    expect(fixture.ops.length).toBeGreaterThanOrEqual(29);
    for (const c of fixture.ops) expect(OPS[c.name], c.name).toBeDefined();
  });

  it.each(fixture.ops.map((c) => [`${c.name} ${JSON.stringify(c.args)}`, c] as const))('%s', (_, c) => {
    const inputs = c.inputs.map((e) => decode(e));
    const out = OPS[c.name]!(inputs, c.args);
    expect(out.shape).toEqual(c.output.shape);
    const tol = { atol: 1e-6, rtol: 1e-5, context: { op: c.name } };
    expectClose(out.data, c.output.data, tol);
    out.backward(decode(c.v));
    c.grads.forEach((want, i) => {
      if (want === null) return;
      expect(inputs[i]!.grad, `gradient of input ${i}`).not.toBeNull();
      expectClose(inputs[i]!.grad!.data, want.data, { ...tol, context: { op: c.name, input: i } });
    });
  });
});
