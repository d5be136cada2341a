// Concrete dropout's synthetic regression (Gal, Hron & Kendall 2017, the reference notebook):
// y = 2x + 8 + N(0, 1), x ~ N(0, 1); a network 1-W-W-W with a mean head and a log-variance head,
// every Linear wrapped in a ConcreteDropout, trained with the heteroscedastic loss
// mean(exp(−log v)·(y − μ)² + log v) plus the regularisers at the notebook's constants
// (l = 1e-4, wr = l²/N, dr = 2/N: lengthScale = l, dropoutScale = 2, divided by N), Adam 1e-3,
// batch 20 in order, 2000 epochs at N = 10 and 2 at N = 10,000. Prints the learned p of the five
// layers (input, two hidden, the two heads) per N and checks the spec's H3: the input layer's p in
// [0.03, 0.12] at every N, and each hidden p at N = 10 at least its value at N = 10,000 plus 0.1.
//
//   node --import ./scripts/register-ts.mjs scripts/concrete-regression.ts [--width 1024] [--seeds 0]
//
// The notebook's network is 1024 wide (its p at N = 10: [0.076, 0.40, 0.40, 0.40, 0.40]; at
// N = 10,000: [0.051, 0.157, 0.158, 0.136, 0.219]). test/e2e/concrete-regression.test.ts runs a
// narrower one. Exits 1 when a check fails.
import { pathToFileURL } from 'node:url';
import { Generator, manualSeed, nn, ops, optim, Tensor } from '../lib/index.js';

/** The notebook's epochs per training-set size (as many steps at N = 10 as its Adam needs). */
export const EPOCHS: Record<number, number> = { 10: 2000, 25: 1000, 50: 500, 100: 200, 1000: 20, 10000: 2 };
const BATCH = 20;
const LENGTH_SCALE = 1e-4;

class HeteroscedasticNet extends nn.Module {
  d1: nn.ConcreteDropout;
  d2: nn.ConcreteDropout;
  d3: nn.ConcreteDropout;
  mu: nn.ConcreteDropout;
  logVar: nn.ConcreteDropout;

  constructor(width: number, seed: number) {
    super();
    const wrap = (i: number, inF: number, outF: number): nn.ConcreteDropout =>
      new nn.ConcreteDropout(new nn.Linear(inF, outF), {
        lengthScale: LENGTH_SCALE,
        dropoutScale: 2,
        seed: seed * 16 + i,
      });
    this.d1 = wrap(1, 1, width);
    this.d2 = wrap(2, width, width);
    this.d3 = wrap(3, width, width);
    this.mu = wrap(4, width, 1);
    this.logVar = wrap(5, width, 1);
  }

  /** μ and log v, each (rows, 1). */
  heads(x: Tensor): [Tensor, Tensor] {
    const h = ops.relu(this.d3.call(ops.relu(this.d2.call(ops.relu(this.d1.call(x))))));
    return [this.mu.call(h), this.logVar.call(h)];
  }

  override forward(x: Tensor): Tensor {
    return ops.concat(this.heads(x), 1);
  }

  rates(): number[] {
    return [this.d1.p, this.d2.p, this.d3.p, this.mu.p, this.logVar.p];
  }
}

/** The notebook's data: x ~ N(0, 1), y = 2x + 8 + N(0, 1), n rows, from the stream `seed`. */
function synthetic(n: number, seed: number): { x: Float32Array; y: Float32Array } {
  const g = new Generator(seed);
  const x = g.normal(new Float32Array(n));
  const y = g.normal(new Float32Array(n));
  for (let i = 0; i < n; i++) y[i] = 2 * x[i]! + 8 + y[i]!;
  return { x, y };
}

/** mean over rows of exp(−log v)·(y − μ)² + log v, with y, μ and log v of shape (rows, 1). */
function heteroscedasticLoss([mean, logVar]: [Tensor, Tensor], y: Tensor): Tensor {
  const err = ops.sub(y, mean);
  return ops.mean(ops.add(ops.mul(ops.exp(ops.neg(logVar)), ops.mul(err, err)), logVar));
}

export interface RegressionRun {
  n: number;
  /** p of the input layer, the two hidden layers and the two heads. */
  p: number[];
}

/** Trains the notebook's model on n samples for `epochs` (default EPOCHS[n]) and returns its learned rates. */
export function concreteRegression(
  n: number,
  options: { width?: number; seed?: number; epochs?: number } = {},
): RegressionRun {
  const width = options.width ?? 1024;
  const seed = options.seed ?? 0;
  const epochs = options.epochs ?? EPOCHS[n];
  if (epochs === undefined) throw new RangeError(`concreteRegression: no notebook epochs for n = ${n}; pass epochs`);
  manualSeed(seed);
  const { x, y } = synthetic(n, 1000 + seed);
  const model = new HeteroscedasticNet(width, seed);
  model.train();
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const batches: [Tensor, Tensor][] = [];
  for (let b = 0; b < n; b += BATCH) {
    const e = Math.min(n, b + BATCH);
    batches.push([new Tensor(x.slice(b, e), [e - b, 1]), new Tensor(y.slice(b, e), [e - b, 1])]);
  }
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [xb, yb] of batches) {
      optimizer.zeroGrad();
      const loss = ops.add(heteroscedasticLoss(model.heads(xb), yb), model.regularizationLoss({ datasetSize: n }));
      loss.backward();
      optimizer.step();
    }
  }
  return { n, p: model.rates() };
}

/** The spec's H3 on a run at N = 10 and one at N = 10,000: the failed checks, empty when all hold. */
export function checkH3(small: RegressionRun, large: RegressionRun): string[] {
  const failures: string[] = [];
  for (const run of [small, large]) {
    const p = run.p[0]!;
    if (!(p >= 0.03 && p <= 0.12))
      failures.push(`input-layer p ${p.toFixed(4)} at N = ${run.n} is outside [0.03, 0.12]`);
  }
  for (let i = 1; i < small.p.length; i++) {
    if (!(small.p[i]! >= large.p[i]! + 0.1)) {
      failures.push(
        `layer ${i + 1}: p ${small.p[i]!.toFixed(4)} at N = ${small.n} is below ${large.p[i]!.toFixed(4)} at N = ${large.n} + 0.1`,
      );
    }
  }
  return failures;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i < 0 ? undefined : argv[i + 1];
  };
  const width = Number(arg('width') ?? 1024);
  const seeds = (arg('seeds') ?? '0').split(',').map(Number);
  let failed = false;
  for (const seed of seeds) {
    const t0 = Date.now();
    const small = concreteRegression(10, { width, seed });
    const large = concreteRegression(10000, { width, seed });
    const fmt = (r: RegressionRun): string => `[${r.p.map((p) => p.toFixed(3)).join(', ')}]`;
    console.log(
      `seed ${seed}, width ${width}: p at N = 10 ${fmt(small)}, at N = 10000 ${fmt(large)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );
    const failures = checkH3(small, large);
    for (const f of failures) console.log(`  FAIL ${f}`);
    if (failures.length === 0) console.log('  PASS H3');
    failed ||= failures.length > 0;
  }
  process.exitCode = failed ? 1 : 0;
}
