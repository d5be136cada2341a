// Valid random calls of every native kernel, for the differential tester (diff.mjs) and as the
// starting point of the API fuzzer's mutations (api.mjs). Each builder returns
//   { name, args, outputs, exact }
// where args is the argument list for kernels(...)[name], outputs the indices of the arrays the
// kernel writes, and exact whether native and reference must agree bit for bit (element-wise
// kernels, masks, Philox, max pooling) rather than within float rounding of reordered sums.

const ACTS = ['none', 'relu', 'leaky_relu', 'sigmoid', 'tanh', 'gelu', 'gelu_tanh'];

/** Sizes that hit edges: 1, primes, around register tiles. */
function dim(r, max) {
  return r.pick([1, 2, 3, 5, 7, 8, 13, 16, 17, 31, 33, 64].filter((d) => d <= max).concat([r.int(1, max)]));
}

function convGeometry(r) {
  const groups = r.pick([1, 1, 1, 2, 3]);
  const cg = r.int(1, 6),
    kg = r.int(1, 6);
  const kh = r.int(1, 5),
    kw = r.int(1, 5),
    dh = r.int(1, 2),
    dw = r.int(1, 2);
  const sh = r.int(1, 3),
    sw = r.int(1, 3);
  const pt = r.int(0, 2),
    pb = r.int(0, 2),
    pl = r.int(0, 2),
    pr = r.int(0, 2);
  const h = Math.max(1, dh * (kh - 1) + 1 - pt - pb + r.int(0, 12));
  const w = Math.max(1, dw * (kw - 1) + 1 - pl - pr + r.int(0, 12));
  const g = { n: r.int(0, 3), c: cg * groups, h, w, k: kg * groups, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups };
  // 3x3 geometries with many channels reach the Winograd and direct paths.
  if (r.chance(0.25))
    Object.assign(g, {
      c: 16 * r.int(1, 4),
      k: 16 * r.int(1, 4),
      kh: 3,
      kw: 3,
      dh: 1,
      dw: 1,
      groups: 1,
      sh: r.pick([1, 2]),
      sw: 0,
      pt: 1,
      pb: 1,
      pl: 1,
      pr: 1,
      h: r.int(3, 14),
      w: r.int(3, 14),
      n: r.int(1, 2),
    });
  if (g.sw === 0) g.sw = g.sh;
  const oh = Math.floor((g.h + g.pt + g.pb - g.dh * (g.kh - 1) - 1) / g.sh) + 1;
  const ow = Math.floor((g.w + g.pl + g.pr - g.dw * (g.kw - 1) - 1) / g.sw) + 1;
  return { g, oh, ow };
}

function poolGeometry(r, dilated) {
  const kh = r.int(1, 4),
    kw = r.int(1, 4);
  const g = {
    n: r.int(0, 2),
    c: r.int(1, 5),
    h: r.int(kh, 12),
    w: r.int(kw, 12),
    kh,
    kw,
    sh: r.int(1, 3),
    sw: r.int(1, 3),
    ph: r.int(0, Math.floor(kh / 2)),
    pw: r.int(0, Math.floor(kw / 2)),
    dh: dilated ? r.int(1, 2) : 1,
    dw: dilated ? r.int(1, 2) : 1,
    ceilMode: r.chance(0.5),
  };
  const out = (n, k, s, p, d) => {
    const span = n + 2 * p - d * (k - 1) - 1;
    let o = (g.ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    if (g.ceilMode && (o - 1) * s >= n + p) o--;
    return o;
  };
  const oh = out(g.h, kh, g.sh, g.ph, g.dh),
    ow = out(g.w, kw, g.sw, g.pw, g.dw);
  if (oh < 1 || ow < 1 || (dilated && (g.h + 2 * g.ph < g.dh * (kh - 1) + 1 || g.w + 2 * g.pw < g.dw * (kw - 1) + 1)))
    return null;
  return { g, oh, ow };
}

export const builders = {
  add: (r) => {
    const n = dim(r, 300);
    return { args: [new Float32Array(n), r.floats(n), r.floats(n), n], outputs: [0], exact: true };
  },
  mul: (r) => {
    const n = dim(r, 300);
    return { args: [new Float32Array(n), r.floats(n), r.floats(n), n], outputs: [0], exact: true };
  },
  scale: (r) => {
    const n = dim(r, 300);
    return { args: [new Float32Array(n), r.floats(n), r.next() * 4 - 2, n], outputs: [0], exact: true };
  },
  relu: (r) => {
    const n = dim(r, 300);
    return { args: [new Float32Array(n), r.floats(n), n], outputs: [0], exact: true };
  },
  reluBackward: (r) => {
    const n = dim(r, 300);
    return { args: [new Float32Array(n), r.floats(n), r.floats(n), n], outputs: [0], exact: true };
  },
  fill: (r) => {
    const n = dim(r, 300);
    return { args: [new Float32Array(n), r.next(), n], outputs: [0], exact: true };
  },
  sumSquares: (r) => {
    const n = dim(r, 3000);
    return { args: [r.floats(n), n], outputs: [], exact: false, returns: true };
  },
  sgemm: (r) => {
    const m = dim(r, 40),
      n = dim(r, 40),
      k = r.int(0, 70),
      ta = r.chance(0.5),
      tb = r.chance(0.5);
    const lda = (ta ? m : k) + r.int(0, 3) || 1,
      ldb = (tb ? k : n) + r.int(0, 3) || 1,
      ldc = n + r.int(0, 3);
    const a = r.floats(Math.max(1, (ta ? k : m) * lda)),
      b = r.floats(Math.max(1, (tb ? n : k) * ldb));
    return {
      args: [ta, tb, m, n, k, r.pick([1, 0.5, 0]), a, lda, b, ldb, r.pick([0, 1, 0.5]), r.floats(m * ldc), ldc],
      outputs: [11],
      exact: false,
    };
  },
  linearForward: (r) => {
    const batch = dim(r, 40),
      inF = dim(r, 60),
      outF = dim(r, 40);
    return {
      args: [
        new Float32Array(batch * outF),
        r.floats(batch * inF),
        r.floats(outF * inF),
        r.chance(0.5) ? r.floats(outF) : null,
        batch,
        inF,
        outF,
        r.pick(ACTS),
      ],
      outputs: [0],
      exact: false,
    };
  },
  dropoutForward: (r) => {
    const n = dim(r, 500);
    return {
      args: [
        new Float32Array(n),
        new Uint32Array(Math.ceil(n / 32)),
        r.floats(n),
        r.pick([0, 0.1, 0.5, 0.9, 1, r.next()]),
        r.int(0, 2 ** 31),
        4 * r.int(0, 1000),
        n,
      ],
      outputs: [0, 1],
      exact: true,
    };
  },
  dropoutBackward: (r) => {
    const n = dim(r, 500),
      mask = new Uint32Array(Math.ceil(n / 32));
    for (let i = 0; i < mask.length; i++) mask[i] = (r.next() * 2 ** 32) >>> 0;
    return { args: [new Float32Array(n), r.floats(n), mask, r.pick([0, 0.5, 0.9, 1]), n], outputs: [0], exact: true };
  },
  dropoutMask: (r) => {
    const n = dim(r, 2000);
    return {
      args: [new Uint32Array(Math.ceil(n / 32)), r.next(), r.int(0, 2 ** 31), 4 * r.int(0, 1000), n],
      outputs: [0],
      exact: true,
    };
  },
  dropoutBroadcastForward: (r) => {
    const outer = r.int(0, 6),
      mid = r.int(0, 9),
      inner = r.int(0, 6),
      n = outer * mid * inner;
    return {
      args: [
        new Float32Array(n),
        new Uint32Array(Math.ceil((outer * inner) / 32)),
        r.floats(n),
        r.next(),
        r.int(0, 2 ** 31),
        4 * r.int(0, 100),
        outer,
        mid,
        inner,
      ],
      outputs: [0, 1],
      exact: true,
    };
  },
  randnFill: (r) => {
    const n = dim(r, 500);
    return {
      args: [new Float32Array(n), r.next(), r.next() * 2, r.int(0, 2 ** 31), 4 * r.int(0, 100), n],
      outputs: [0],
      exact: false,
    };
  },
  uniformFill: (r) => {
    const n = dim(r, 500);
    return {
      args: [new Float32Array(n), -1, r.next() * 3, r.int(0, 2 ** 31), 4 * r.int(0, 100), n],
      outputs: [0],
      exact: true,
    };
  },
  softmaxCrossEntropy: (r) => {
    const rows = r.int(0, 20),
      classes = dim(r, 30);
    const targets = Int32Array.from({ length: rows }, () => (r.chance(0.1) ? -100 : r.int(0, classes - 1)));
    return {
      args: [
        new Float32Array(rows),
        new Float32Array(rows * classes),
        new Float32Array(rows),
        r.floats(rows * classes, -5, 5),
        targets,
        r.chance(0.5) ? r.floats(classes, 0.1, 2) : null,
        rows,
        classes,
        r.pick([0, 0.1]),
        -100,
      ],
      outputs: [0, 1, 2],
      exact: false,
    };
  },
  sgdStep: (r) => {
    const n = dim(r, 300),
      momentum = r.pick([0, 0.9]);
    return {
      args: [
        r.floats(n),
        momentum > 0 ? r.floats(n) : null,
        r.floats(n),
        0.1,
        r.pick([0, 0.01]),
        momentum,
        r.pick([0, 0.1]),
        momentum > 0 && r.chance(0.5),
        r.chance(0.5),
        r.chance(0.5),
        n,
      ],
      outputs: [0, 1],
      exact: false,
    };
  },
  adamStep: (r) => {
    const n = dim(r, 300);
    return {
      args: [
        r.floats(n),
        r.floats(n),
        r.floats(n, 0, 1),
        r.chance(0.5) ? r.floats(n, 0, 1) : null,
        r.floats(n),
        0.01,
        0.9,
        0.999,
        1e-8,
        r.pick([0, 0.01]),
        r.chance(0.5),
        r.int(1, 100),
        r.chance(0.5),
        n,
      ],
      outputs: [0, 1, 2, 3],
      exact: false,
    };
  },
  conv2dForward: (r) => {
    const { g, oh, ow } = convGeometry(r);
    if (oh < 1 || ow < 1) return null;
    const cg = g.c / g.groups;
    return {
      args: [
        new Float32Array(g.n * g.k * oh * ow),
        r.floats(g.n * g.c * g.h * g.w),
        r.floats(g.k * cg * g.kh * g.kw),
        r.chance(0.5) ? r.floats(g.k) : null,
        g,
      ],
      outputs: [0],
      exact: false,
    };
  },
  conv2dBackwardData: (r) => {
    const { g, oh, ow } = convGeometry(r);
    if (oh < 1 || ow < 1) return null;
    return {
      args: [
        new Float32Array(g.n * g.c * g.h * g.w),
        r.floats(g.n * g.k * oh * ow),
        r.floats((g.k * g.c * g.kh * g.kw) / g.groups),
        g,
      ],
      outputs: [0],
      exact: false,
    };
  },
  conv2dBackwardWeight: (r) => {
    const { g, oh, ow } = convGeometry(r);
    if (oh < 1 || ow < 1) return null;
    return {
      args: [
        new Float32Array((g.k * g.c * g.kh * g.kw) / g.groups),
        r.chance(0.5) ? new Float32Array(g.k) : null,
        r.floats(g.n * g.k * oh * ow),
        r.floats(g.n * g.c * g.h * g.w),
        g,
      ],
      outputs: [0, 1],
      exact: false,
    };
  },
  maxPool2dForward: (r) => {
    const p = poolGeometry(r, true);
    if (p === null) return null;
    const { g, oh, ow } = p,
      planes = g.n * g.c;
    return {
      args: [new Float32Array(planes * oh * ow), new Int32Array(planes * oh * ow), r.floats(planes * g.h * g.w), g],
      outputs: [0, 1],
      exact: true,
    };
  },
  avgPool2dForward: (r) => {
    const p = poolGeometry(r, false);
    if (p === null) return null;
    const { g, oh, ow } = p,
      planes = g.n * g.c;
    g.countIncludePad = r.chance(0.5);
    if (r.chance(0.3)) g.divisorOverride = r.int(1, 9);
    return { args: [new Float32Array(planes * oh * ow), r.floats(planes * g.h * g.w), g], outputs: [0], exact: false };
  },
  avgPool2dBackward: (r) => {
    const p = poolGeometry(r, false);
    if (p === null) return null;
    const { g, oh, ow } = p,
      planes = g.n * g.c;
    g.countIncludePad = r.chance(0.5);
    return { args: [new Float32Array(planes * g.h * g.w), r.floats(planes * oh * ow), g], outputs: [0], exact: false };
  },
  adaptiveAvgPool2dForward: (r) => {
    const g = { n: r.int(0, 2), c: r.int(1, 4), h: r.int(1, 13), w: r.int(1, 13), oh: r.int(1, 7), ow: r.int(1, 7) };
    return {
      args: [new Float32Array(g.n * g.c * g.oh * g.ow), r.floats(g.n * g.c * g.h * g.w), g],
      outputs: [0],
      exact: false,
    };
  },
  adaptiveAvgPool2dBackward: (r) => {
    const g = { n: r.int(0, 2), c: r.int(1, 4), h: r.int(1, 13), w: r.int(1, 13), oh: r.int(1, 7), ow: r.int(1, 7) };
    return {
      args: [new Float32Array(g.n * g.c * g.h * g.w), r.floats(g.n * g.c * g.oh * g.ow), g],
      outputs: [0],
      exact: false,
    };
  },
};

export const kernelNames = Object.keys(builders);

/** A valid case of kernel `name` (retries the geometries that come out empty). */
export function buildCase(r, name) {
  for (let tries = 0; tries < 20; tries++) {
    const c = builders[name](r);
    if (c !== null) return { name, ...c };
  }
  return null;
}
