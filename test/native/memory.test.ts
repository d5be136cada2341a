/**
 * Native memory stays bounded: a convolution whose GEMM depth is 4,194,304 (a 2048x2048 kernel)
 * once took an im2col block of that many rows times the micro-kernel's width per thread (256 MiB
 * and more, kept after the call). Its columns now go in bands (native/kernels/conv/conv2d.cc), so
 * the peak resident set stays within 64 MiB of what it was before the call. Measured in a child
 * process (its own high-water mark); Linux only (/proc/self/status).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable, type NativeBackend } from '../../lib/backend/index.js';
import type { Conv2dGeometry } from '../../lib/backend/conv-geometry.js';
import { expectClose } from '../helpers/expect-close.js';
import { testedIsas, withIsa, withThreads } from '../helpers/isa.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MiB = 1 << 20;

describe('native memory', () => {
  it.runIf(nativeAvailable() && existsSync('/proc/self/clear_refs'))(
    'the 2048x2048-kernel convolution keeps its peak RSS within 64 MiB and gives it back',
    () => {
      const r = spawnSync(
        process.execPath,
        [join(root, 'test', 'native', 'fixtures', 'conv-rss.mjs'), kernels('native').path],
        {
          cwd: root,
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(r.status, r.stderr).toBe(0);
      const m = JSON.parse(r.stdout) as { base: number; peak: number; after: number; values: number[] };
      expect(m.values).toHaveLength(32);
      expect(m.peak - m.base).toBeLessThan(64 * MiB);
      expect(m.after - m.base).toBeLessThan(16 * MiB);
      // Every output sums 1e-6 over the 15 taps that meet the image.
      for (const v of m.values) expect(v).toBeCloseTo(15e-6, 9);
    },
    90_000,
  );
});

// Under AddressSanitizer (npm run test:asan preloads libasan) a capped address space fails
// the sanitizer's own shadow and bookkeeping mappings first, so this check runs in the plain builds.
const underAsan = (process.env.LD_PRELOAD ?? '').includes('libasan');

describe('native allocation failure', () => {
  for (const threads of [1, 2]) {
    it.runIf(nativeAvailable() && !underAsan && existsSync('/usr/bin/prlimit') && existsSync('/proc/self/status'))(
      `is a RangeError, on the caller and in pool tasks, and the process goes on (${threads} thread${threads > 1 ? 's' : ''})`,
      () => {
        // The child caps its own address space (prlimit) just above its use, then calls kernels
        // whose buffers no longer fit: before, std::bad_alloc on a pool thread aborted the process.
        const r = spawnSync(
          process.execPath,
          [join(root, 'test', 'native', 'fixtures', 'oom.mjs'), kernels('native').path, String(threads)],
          {
            cwd: root,
            encoding: 'utf8',
            timeout: 60_000,
            env: { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' },
          },
        );
        expect(r.signal, r.stderr).toBeNull();
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout.trim().split('\n')).toEqual([
          'RangeError conv2dBackwardWeight: out of memory (native allocation failed)',
          'RangeError conv2dForward: out of memory (native allocation failed)',
          'ok',
        ]);
      },
      90_000,
    );
  }
});

// c/groups x kh x kw = 2 x 512 x 160 = 163,840 rows of im2col columns: times any micro-kernel's
// width (8 and up) that passes the 1 Mi-float band limit, so all three passes take the banded
// path; they must agree with the reference backend on every ISA and give the same bits on 1 and
// 2 threads.
describe.runIf(nativeAvailable())('convolution with columns in bands', () => {
  const g: Conv2dGeometry = {
    n: 1,
    c: 2,
    h: 520,
    w: 168,
    k: 3,
    kh: 512,
    kw: 160,
    sh: 1,
    sw: 1,
    pt: 1,
    pb: 1,
    pl: 1,
    pr: 1,
    dh: 1,
    dw: 1,
    groups: 1,
  };
  const oh = 11,
    ow = 11;
  const rnd = (n: number, seed: number) => {
    const a = new Float32Array(n);
    let s = seed;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      a[i] = (s / 2 ** 32 - 0.5) * 2;
    }
    return a;
  };
  const x = rnd(g.n * g.c * g.h * g.w, 1),
    w = rnd(g.k * g.c * g.kh * g.kw, 2),
    b = rnd(g.k, 3),
    dy = rnd(g.k * oh * ow, 4);
  const js = kernels('js');
  const ref = { out: new Float32Array(g.k * oh * ow), dx: new Float32Array(x.length), dw: new Float32Array(w.length) };
  js.conv2dForward(ref.out, x, w, b, g);
  js.conv2dBackwardData(ref.dx, dy, w, g);
  js.conv2dBackwardWeight(ref.dw, null, dy, x, g);
  const run = (k: NativeBackend) => {
    const r = {
      out: new Float32Array(ref.out.length),
      dx: new Float32Array(ref.dx.length),
      dw: new Float32Array(ref.dw.length),
    };
    k.conv2dForward(r.out, x, w, b, g);
    k.conv2dBackwardData(r.dx, dy, w, g);
    k.conv2dBackwardWeight(r.dw, null, dy, x, g);
    return r;
  };
  for (const { isa, skip } of testedIsas()) {
    it.skipIf(skip !== '')(
      `${isa}: matches the reference, the same bits on 1 and 2 threads`,
      () => {
        withIsa(isa, (k) => {
          const one = withThreads(1, () => run(k));
          const two = withThreads(2, () => run(k));
          // Sums of up to 163,840 products of magnitude <= 1 in float32.
          expectClose(one.out, ref.out, { atol: 2e-2, rtol: 1e-3, context: { isa, what: 'out' } });
          expectClose(one.dx, ref.dx, { atol: 1e-4, rtol: 1e-4, context: { isa, what: 'dx' } });
          expectClose(one.dw, ref.dw, { atol: 1e-3, rtol: 1e-4, context: { isa, what: 'dweight' } });
          expect(Buffer.from(two.out.buffer).equals(Buffer.from(one.out.buffer))).toBe(true);
          expect(Buffer.from(two.dx.buffer).equals(Buffer.from(one.dx.buffer))).toBe(true);
          expect(Buffer.from(two.dw.buffer).equals(Buffer.from(one.dw.buffer))).toBe(true);
        });
      },
      60_000,
    );
  }
});
