// What the scripts that load addon builds side by side share (compare-addons.mjs,
// conv-error.mjs): their command lines (builds' paths, then --name value options), loading a
// build, and convolution shapes written N,C,H,W,K,k,s,p (square kernel, stride and padding).

export function commandLine(argv = process.argv.slice(2)) {
  const option = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
  };
  const paths = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  return { option, paths };
}

export function loadAddon(path) {
  const m = { exports: {} };
  process.dlopen(m, path);
  return m.exports;
}

// "32,16,32,32,32,3,1,1;..." -> [{ shape, g, oh, ow }]: g the geometry the addon's conv2d
// functions take (one group, unit dilation), oh x ow its output.
export function convShapes(text) {
  return text.split(';').map((s) => {
    const shape = s.split(',').map(Number);
    const [n, c, h, w, k, ks, st, p] = shape;
    const g = { n, c, h, w, k, kh: ks, kw: ks, sh: st, sw: st, pt: p, pb: p, pl: p, pr: p, dh: 1, dw: 1, groups: 1 };
    return { shape, g, oh: Math.floor((h + 2 * p - ks) / st) + 1, ow: Math.floor((w + 2 * p - ks) / st) + 1 };
  });
}
