// The rounding error of builds' convolution forward pass against a double-precision sum, next
// to that of a float32 sum taken in order: how a faster algorithm's error is judged.
//
//   node scripts/conv-error.mjs build/Release/dropnet.node [OTHER.node ...] \
//     [--shapes "2,64,16,16,32,3,2,1;1,256,16,16,32,3,2,1"]
//
// Shapes are N,C,H,W,K,k,s,p (square kernel, stride and padding). Inputs are standard normal,
// weights normal with variance 1 / (C k k), fixed seed. Prints, per shape, the largest absolute
// error and the relative RMS error (RMS error / RMS of the exact result) of each.

import { commandLine, convShapes, loadAddon } from './addon-cli.mjs';

const { option, paths } = commandLine();
if (paths.length === 0) {
  console.error('usage: node scripts/conv-error.mjs BUILD.node [OTHER.node ...] [--shapes S]');
  process.exit(2);
}
const builds = paths.map(loadAddon);
const shapes = convShapes(option('shapes', '2,64,16,16,32,3,2,1;1,256,16,16,32,3,2,1'));

let seed = 1;
const uniform = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return (seed + 0.5) / 2147483648;
};
const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());

const summary = (out, exact) => {
  let max = 0,
    err2 = 0,
    ref2 = 0;
  for (let i = 0; i < exact.length; i++) {
    const d = out[i] - exact[i];
    max = Math.max(max, Math.abs(d));
    err2 += d * d;
    ref2 += exact[i] * exact[i];
  }
  return `max ${max.toExponential(2)}, relative RMS ${Math.sqrt(err2 / ref2).toExponential(2)}`;
};

for (const { shape, g, oh, ow } of shapes) {
  const [n, c, h, w, k, ks, s, p] = shape;
  const x = Float32Array.from({ length: n * c * h * w }, normal);
  const wt = Float32Array.from({ length: k * c * ks * ks }, () => normal() / Math.sqrt(c * ks * ks));
  const exact = new Float64Array(n * k * oh * ow),
    inOrder = new Float32Array(exact.length);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < k; o++)
      for (let y = 0; y < oh; y++)
        for (let q = 0; q < ow; q++) {
          let sum = 0,
            sum32 = 0;
          for (let i = 0; i < c; i++)
            for (let j = 0; j < ks; j++)
              for (let l = 0; l < ks; l++) {
                const r = s * y - p + j,
                  col = s * q - p + l;
                if (r < 0 || r >= h || col < 0 || col >= w) continue;
                const v = x[((b * c + i) * h + r) * w + col] * wt[((o * c + i) * ks + j) * ks + l];
                sum += v;
                sum32 = Math.fround(sum32 + Math.fround(v));
              }
          exact[((b * k + o) * oh + y) * ow + q] = sum;
          inOrder[((b * k + o) * oh + y) * ow + q] = sum32;
        }
  console.log(shape.join(','));
  console.log(`  float32 sum in order: ${summary(inOrder, exact)}`);
  builds.forEach((K, i) => {
    const out = new Float32Array(exact.length);
    K.conv2dForward(out, x, wt, null, g);
    console.log(`  ${paths[i]}: ${summary(out, exact)}`);
  });
}
