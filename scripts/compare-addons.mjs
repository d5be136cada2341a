// Times two builds of the addon on the same convolutions in one process, alternating their calls,
// so that a machine whose speed drifts slows both alike: the way changes to the convolution
// kernels are measured before and after.
//
//   git worktree add /tmp/old <commit> && (cd /tmp/old && npm install)   # the build to compare to
//   node scripts/compare-addons.mjs /tmp/old/build/Release/dropnet.node build/Release/dropnet.node \
//     [--shapes "32,16,32,32,32,3,1,1;1,64,56,56,64,3,1,1"] [--passes f,d,w] [--threads 1] [--rounds 30]
//     [--isa avx2]
//
// Shapes are N,C,H,W,K,k,s,p (square kernel, stride and padding); passes are f (forward), d
// (backward-data), w (weight and bias gradient). Prints, per shape and pass, each build's time
// (the 25th percentile of its calls, in ms), the new build's GFLOP/s and the ratio old / new.

import { commandLine, convShapes, loadAddon } from './addon-cli.mjs';

const { option, paths } = commandLine();
const [oldPath, newPath] = paths;
if (!oldPath || !newPath) {
  console.error(
    'usage: node scripts/compare-addons.mjs OLD.node NEW.node [--shapes S] [--passes f,d,w] [--threads N] [--rounds R] [--isa I]',
  );
  process.exit(2);
}
const builds = [loadAddon(oldPath), loadAddon(newPath)];
const threads = Number(option('threads', '1'));
for (const b of builds) b.setNumThreads(threads);
const isa = option('isa', ''); // the best the CPU has unless capped
if (isa) for (const b of builds) b.selectIsa(isa);
const shapes = convShapes(option('shapes', '32,16,32,32,32,3,1,1;1,64,56,56,64,3,1,1'));
const passes = option('passes', 'f,d,w').split(',');
const rounds = Number(option('rounds', '30'));

const elapsedMs = (fn) => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

for (const { shape, g, oh, ow } of shapes) {
  const [n, c, h, w, k, ks] = shape;
  const x = new Float32Array(n * c * h * w).map((_, i) => Math.sin(i));
  const wt = new Float32Array(k * c * ks * ks).map((_, i) => Math.cos(i));
  const bias = new Float32Array(k);
  const out = new Float32Array(n * k * oh * ow);
  const dy = out.map((_, i) => Math.sin(i * 0.7));
  const dx = new Float32Array(x.length),
    dw = new Float32Array(wt.length),
    db = new Float32Array(k);
  const mflop = (2 * n * k * oh * ow * c * ks * ks) / 1e6;
  const calls = {
    f: (K) => K.conv2dForward(out, x, wt, bias, g),
    d: (K) => K.conv2dBackwardData(dx, dy, wt, g),
    w: (K) => K.conv2dBackwardWeight(dw, db, dy, x, g),
  };
  const parts = [];
  for (const pass of passes) {
    const call = calls[pass];
    if (!call) throw new Error(`unknown pass ${pass}: expected f, d or w`);
    const times = [[], []];
    for (let i = 0; i < 3; i++) for (const b of builds) call(b);
    for (let r = 0; r < rounds; r++) builds.forEach((b, j) => times[j].push(elapsedMs(() => call(b))));
    const [tOld, tNew] = times.map((t) => t.sort((a, b) => a - b)[t.length >> 2]);
    parts.push(
      `${pass}: old ${tOld.toFixed(2)} new ${tNew.toFixed(2)} ms (${(mflop / tNew).toFixed(0)} GFLOP/s) x${(tOld / tNew).toFixed(2)}`,
    );
  }
  console.log(`${shape.join(',')}  ${parts.join(' | ')}`);
}
