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

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const [oldPath, newPath] = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!oldPath || !newPath) {
  console.error('usage: node scripts/compare-addons.mjs OLD.node NEW.node [--shapes S] [--passes f,d,w] [--threads N] [--rounds R] [--isa I]');
  process.exit(2);
}
const load = (path) => {
  const m = { exports: {} };
  process.dlopen(m, path);
  return m.exports;
};
const builds = [load(oldPath), load(newPath)];
const threads = Number(option('threads', '1'));
for (const b of builds) b.setNumThreads(threads);
const isa = option('isa', '');  // the best the CPU has unless capped
if (isa) for (const b of builds) b.selectIsa(isa);
const shapes = option('shapes', '32,16,32,32,32,3,1,1;1,64,56,56,64,3,1,1').split(';').map((s) => s.split(',').map(Number));
const passes = option('passes', 'f,d,w').split(',');
const rounds = Number(option('rounds', '30'));

const elapsedMs = (fn) => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

for (const [n, c, h, w, k, ks, s, p] of shapes) {
  const g = { n, c, h, w, k, kh: ks, kw: ks, sh: s, sw: s, pt: p, pb: p, pl: p, pr: p, dh: 1, dw: 1, groups: 1 };
  const oh = Math.floor((h + 2 * p - ks) / s) + 1, ow = Math.floor((w + 2 * p - ks) / s) + 1;
  const x = new Float32Array(n * c * h * w).map((_, i) => Math.sin(i));
  const wt = new Float32Array(k * c * ks * ks).map((_, i) => Math.cos(i));
  const bias = new Float32Array(k);
  const out = new Float32Array(n * k * oh * ow);
  const dy = out.map((_, i) => Math.sin(i * 0.7));
  const dx = new Float32Array(x.length), dw = new Float32Array(wt.length), db = new Float32Array(k);
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
    parts.push(`${pass}: old ${tOld.toFixed(2)} new ${tNew.toFixed(2)} ms (${(mflop / tNew).toFixed(0)} GFLOP/s) x${(tOld / tNew).toFixed(2)}`);
  }
  console.log(`${[n, c, h, w, k, ks, s, p].join(',')}  ${parts.join(' | ')}`);
}
