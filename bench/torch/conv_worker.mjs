// Child of conv_interleaved.py: loads one addon build, then for every line read on stdin (an
// algorithm name, or "auto" for the planner's choice) times 10 forward calls of the 3x3 pad-1
// convolution given on the command line by the process's CPU time (one pool thread) and prints
// "<ms per call> <algorithm that ran>".
//   node bench/torch/conv_worker.mjs ADDON.node ISA N,C,H,W,K
import readline from 'node:readline';
import { convShapes, loadAddon } from '../../scripts/addon-cli.mjs';

const [path, isa, shape] = process.argv.slice(2);
const b = loadAddon(path);
b.setNumThreads(1);
b.selectIsa(isa);
const [{ g, oh, ow }] = convShapes(`${shape},3,1,1`);
const x = new Float32Array(g.n * g.c * g.h * g.w).map((_, i) => Math.sin(i));
const w = new Float32Array(g.k * g.c * 9).map((_, i) => Math.cos(i));
const bias = new Float32Array(g.k);
const out = new Float32Array(g.n * g.k * oh * ow);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
for (let i = 0; i < 10; i++) b.conv2dForward(out, x, w, bias, g);
readline.createInterface({ input: process.stdin }).on('line', (algo) => {
  b.setConvAlgo(algo === 'auto' ? '' : `forward=${algo}`);
  b.conv2dForward(out, x, w, bias, g);
  const t0 = cpuMs();
  for (let i = 0; i < 10; i++) b.conv2dForward(out, x, w, bias, g);
  console.log(`${(cpuMs() - t0) / 10} ${b.convLastRun().forward}`);
});
