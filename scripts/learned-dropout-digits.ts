// The digits anchors of learned-rate dropout (docs/learned-dropout.md): sparse variational
// dropout's compression and error, Concrete dropout's learned rates and MC accuracy, and MC
// dropout's predictive entropy on wrongly against correctly classified test digits.
//
//   node --import ./scripts/register-ts.mjs scripts/learned-dropout-digits.ts [--seeds 0,1,2] [--only svd,concrete,mc] [--quick]
//
// Data: the bundled UCI digits (pixels / 16), split as the reference runs were:
// numpy.random.default_rng(0).permutation(1797) (test/fixtures/digits-split.json, written by
// scripts/fixtures/gen_digits_split.py), the first 1,347 for training, the last 450 for testing.
// --split dropnet uses the library's data.permutation(1797, 0) instead. Prints one line per run and a summary
// against the targets; exits 1 when a target is missed. --quick trains far fewer epochs (a
// smoke run, not the anchors).
import { callbacks, data, Generator, klWarmup, manualSeed, nn, noGrad, ops, optim, Tensor } from '../lib/index.js';
import { readFileSync } from 'node:fs';
import { loadDigitsSync } from '../lib/data/digits.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
};
const seeds = (arg('seeds') ?? '0,1,2').split(',').map(Number);
const only = new Set((arg('only') ?? 'svd,concrete,mc').split(','));
const quick = args.includes('--quick');

const digits = loadDigitsSync();
const order =
  arg('split') === 'dropnet'
    ? data.permutation(1797, 0)
    : Int32Array.from(
        (
          JSON.parse(readFileSync(new URL('../test/fixtures/digits-split.json', import.meta.url), 'utf8')) as {
            permutation: number[];
          }
        ).permutation,
      );
const TRAIN = 1347;
function rows(idx: Int32Array): { x: Tensor; y: Int32Array } {
  const x = new Float32Array(idx.length * 64);
  const y = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    x.set(digits.images.data.subarray(r * 64, r * 64 + 64), i * 64);
    y[i] = digits.labels[r]!;
  });
  return { x: new Tensor(x, [idx.length, 64]), y };
}
const train = rows(order.subarray(0, TRAIN));
const test = rows(order.subarray(TRAIN));

function accuracyOf(probsOrLogits: Tensor, y: Int32Array): { acc: number; wrong: boolean[] } {
  const classes = probsOrLogits.shape[1]!;
  const wrong: boolean[] = [];
  for (let r = 0; r < y.length; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (probsOrLogits.data[r * classes + c]! > probsOrLogits.data[r * classes + best]!) best = c;
    wrong.push(best !== y[r]);
  }
  return { acc: 1 - wrong.filter(Boolean).length / y.length, wrong };
}

/** Linear decay of the rate to 0 over the second half of training (Molchanov's lr_linear). */
function linearDecay(epochs: number, lr: number) {
  return new callbacks.LearningRateScheduler((epoch) =>
    epoch < epochs / 2 ? lr : (lr * (epochs - epoch)) / (epochs - epochs / 2),
  );
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const pct = (v: number): string => `${(100 * v).toFixed(2)} %`;
let failed = false;
const check = (ok: boolean, what: string): void => {
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
  if (!ok) failed = true;
};

// -- sparse variational dropout (spec §8.1) ---------------------------------------------------
async function sparseVd(seed: number) {
  const epochs = quick ? 20 : 200;
  manualSeed(seed);
  const layers: nn.LinearSVDO[] = [
    new nn.LinearSVDO(64, 300, { seed: 100 + seed }),
    new nn.LinearSVDO(300, 100, { seed: 200 + seed }),
    new nn.LinearSVDO(100, 10, { seed: 300 + seed }),
  ];
  // θ ~ N(0, 0.02²), biases 0, log σ² = −10 (the reference recipe).
  const init = new Generator(1000 + seed);
  for (const l of layers) {
    init.normal(l.weight.data, 0, 0.02);
    l.bias!.data.fill(0);
  }
  const model = new nn.Sequential(layers[0]!, new nn.ReLU(), layers[1]!, new nn.ReLU(), layers[2]!);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const t0 = Date.now();
  await model.fit(train.x, train.y, {
    loss: 'crossEntropy',
    epochs,
    batchSize: 100,
    optimizer: opt,
    verbose: 0,
    seed,
    klWeight: klWarmup({ start: quick ? 1 : 5, end: quick ? 5 : 20 }),
    callbacks: [linearDecay(epochs, 1e-3)],
  });
  const { acc } = accuracyOf(model.predict(test.x), test.y);
  const report = nn.sparsity(model);
  // The same architecture, dense, trained as long.
  manualSeed(seed);
  const dense = new nn.Sequential(
    new nn.Linear(64, 300),
    new nn.ReLU(),
    new nn.Linear(300, 100),
    new nn.ReLU(),
    new nn.Linear(100, 10),
  );
  await dense.fit(train.x, train.y, {
    loss: 'crossEntropy',
    epochs,
    batchSize: 100,
    optimizer: new optim.Adam(dense.parameters(), { lr: 1e-3 }),
    verbose: 0,
    seed,
    callbacks: [linearDecay(epochs, 1e-3)],
  });
  const denseAcc = accuracyOf(dense.predict(test.x), test.y).acc;
  const perLayer = report.layers.map((l) => (100 * l.sparsity).toFixed(1));
  console.log(
    `svd seed ${seed}: error ${pct(1 - acc)}, compression ${report.compression.toFixed(1)}x, sparsity per layer [${perLayer.join(', ')}] %, dense error ${pct(1 - denseAcc)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  return { error: 1 - acc, compression: report.compression };
}

// -- Concrete dropout (spec §8.2) ---------------------------------------------------------------
async function concrete(seed: number) {
  const epochs = quick ? 15 : 150;
  manualSeed(seed);
  const wrap = (layer: nn.Linear, s: number) =>
    new nn.ConcreteDropout(layer, { lengthScale: 1e-2, dropoutScale: 1, seed: s });
  const c = [
    wrap(new nn.Linear(64, 256), 10 + seed),
    wrap(new nn.Linear(256, 256), 20 + seed),
    wrap(new nn.Linear(256, 10), 30 + seed),
  ];
  const model = new nn.Sequential(c[0]!, new nn.ReLU(), c[1]!, new nn.ReLU(), c[2]!);
  const t0 = Date.now();
  await model.fit(train.x, train.y, {
    loss: 'crossEntropy',
    epochs,
    batchSize: 64,
    optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
    verbose: 0,
    seed,
  });
  const mc = nn.mcDropoutPredict(model, test.x, { samples: 100, task: 'classification', seed });
  const { acc } = accuracyOf(mc.mean, test.y);
  const ps = c.map((l) => l.p);
  console.log(
    `concrete seed ${seed}: p per layer [${ps.map((p) => p.toFixed(3)).join(', ')}], MC accuracy ${acc.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  return { ps, acc };
}

// -- MC dropout (spec §8.3) ------------------------------------------------------------------------
async function mcDropout(seed: number) {
  const epochs = quick ? 15 : 150;
  manualSeed(seed);
  const model = new nn.Sequential(
    new nn.Linear(64, 256),
    new nn.ReLU(),
    new nn.Dropout(0.5, { seed: 40 + seed }),
    new nn.Linear(256, 256),
    new nn.ReLU(),
    new nn.Dropout(0.5, { seed: 50 + seed }),
    new nn.Linear(256, 10),
  );
  const t0 = Date.now();
  await model.fit(train.x, train.y, {
    loss: 'crossEntropy',
    epochs,
    batchSize: 64,
    optimizer: new optim.Adam(model.parameters(), { lr: 1e-3, weightDecay: 1e-4 }),
    verbose: 0,
    seed,
  });
  const scaled = accuracyOf(
    noGrad(() => ops.softmax(model.predict(test.x), -1)),
    test.y,
  ).acc;
  const mc = nn.mcDropoutPredict(model, test.x, { samples: 100, task: 'classification', seed });
  const { acc, wrong } = accuracyOf(mc.mean, test.y);
  const meanOf = (sel: boolean) => {
    const h = Array.from(mc.entropy!.data).filter((_, i) => wrong[i] === sel);
    return h.length === 0 ? NaN : h.reduce((s, v) => s + v, 0) / h.length;
  };
  const hWrong = meanOf(true);
  const hRight = meanOf(false);
  console.log(
    `mc seed ${seed}: weight-scaling accuracy ${scaled.toFixed(4)}, MC accuracy ${acc.toFixed(4)}, mean entropy wrong ${hWrong.toFixed(3)} (${wrong.filter(Boolean).length} digits) / correct ${hRight.toFixed(3)} = ${(hWrong / hRight).toFixed(1)}x (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  return { scaled, acc, ratio: hWrong / hRight };
}

if (only.has('svd')) {
  const runs = [];
  for (const s of seeds) runs.push(await sparseVd(s));
  const c = median(runs.map((r) => r.compression));
  const e = median(runs.map((r) => r.error));
  check(c >= 100, `sparse VD median compression ${c.toFixed(1)}x >= 100x`);
  check(e <= 0.08, `sparse VD median test error ${pct(e)} <= 8 %`);
}
if (only.has('concrete')) {
  const runs = [];
  for (const s of seeds) runs.push(await concrete(s));
  for (const r of runs) {
    check(r.ps[0]! < 0.15, `Concrete input-layer p ${r.ps[0]!.toFixed(3)} < 0.15`);
    check(
      r.ps.slice(1).every((p) => p >= 0.15 && p <= 0.6),
      `Concrete hidden p [${r.ps
        .slice(1)
        .map((p) => p.toFixed(3))
        .join(', ')}] in [0.15, 0.6]`,
    );
    check(r.acc >= 0.98, `Concrete MC accuracy ${r.acc.toFixed(4)} >= 0.98`);
  }
}
if (only.has('mc')) {
  const runs = [];
  for (const s of seeds) runs.push(await mcDropout(s));
  for (const r of runs) {
    check(r.ratio >= 5, `MC entropy wrong / correct ${r.ratio.toFixed(1)}x >= 5x`);
    check(
      r.acc >= r.scaled - 0.005,
      `MC accuracy ${r.acc.toFixed(4)} >= weight-scaling ${r.scaled.toFixed(4)} - 0.005`,
    );
  }
}
process.exitCode = failed ? 1 : 0;
