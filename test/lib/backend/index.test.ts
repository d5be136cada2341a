// Backend selection: DROPNET_BACKEND, DROPNET_ISA, DROPNET_NUM_THREADS and DROPNET_CONV_ALGO as a fresh process
// sees them, backendInfo(), kernels(), and the loader's gathered failure message.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendInfo, getNumThreads, kernels, nativeAvailable, setNumThreads } from '../../../lib/index.js';
import { loadFailureMessage, loadNative } from '../../../lib/backend/native.js';

const root = join(import.meta.dirname, '..', '..', '..');
const version = (await import('../../../package.json', { with: { type: 'json' } })).default.version;

/** Runs a snippet in a new process (through the TS loader) with extra environment variables. */
function probe(
  env: Record<string, string>,
  code = 'console.log(JSON.stringify(m.backendInfo()))',
): { out: string; err: string; status: number | null } {
  const script = `const m = await import(${JSON.stringify(join(root, 'lib', 'index.ts'))}); ${code}`;
  const clean = { ...process.env };
  for (const key of [
    'DROPNET_BACKEND',
    'DROPNET_ISA',
    'DROPNET_NUM_THREADS',
    'DROPNET_ADDON_PATH',
    'DROPNET_CONV_ALGO',
  ])
    delete clean[key];
  const r = spawnSync(
    process.execPath,
    ['--import', join(root, 'scripts', 'register-ts.mjs'), '--input-type=module', '-e', script],
    {
      env: { ...clean, ...env },
      encoding: 'utf8',
    },
  );
  return { out: r.stdout, err: r.stderr, status: r.status };
}

describe('backendInfo()', () => {
  it('describes the active backend', () => {
    const info = backendInfo();
    expect(info.version).toBe(version);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    if (nativeAvailable() && process.env.DROPNET_BACKEND !== 'js') {
      expect(info.backend).toBe('native');
      expect(info.available).toContain('scalar');
      expect(info.available).toContain(info.isa);
    } else {
      expect(info).toMatchObject({ backend: 'js', isa: 'js', available: ['js'] });
    }
  });

  it('reports js under DROPNET_BACKEND=js', () => {
    const info = JSON.parse(probe({ DROPNET_BACKEND: 'js' }).out);
    expect(info).toMatchObject({ backend: 'js', isa: 'js' });
  });

  it.skipIf(!nativeAvailable())('reports scalar under DROPNET_ISA=scalar and the best ISA by default', () => {
    expect(JSON.parse(probe({ DROPNET_ISA: 'scalar' }).out)).toMatchObject({ backend: 'native', isa: 'scalar' });
    const best = kernels('native').availableIsas().at(-1);
    expect(JSON.parse(probe({}).out)).toMatchObject({ backend: 'native', isa: best });
  });

  it.skipIf(!nativeAvailable() || process.arch !== 'x64')('caps at avx2 under DROPNET_ISA=avx2', () => {
    const available = kernels('native').availableIsas();
    const want = available.includes('avx2') ? 'avx2' : 'scalar';
    expect(JSON.parse(probe({ DROPNET_ISA: 'avx2' }).out).isa).toBe(want);
  });

  it.skipIf(!nativeAvailable())(
    'takes DROPNET_CONV_ALGO, and an unknown algorithm fails the import with the list of names',
    () => {
      const g = {
        n: 1,
        c: 16,
        h: 8,
        w: 8,
        k: 16,
        kh: 3,
        kw: 3,
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
      const code = `console.log(JSON.stringify(m.kernels('native').convPlan(${JSON.stringify(g)})))`;
      expect(JSON.parse(probe({}, code).out)).toEqual({
        forward: 'winograd_f2x3',
        backwardData: 'winograd_f2x3',
        backwardWeight: 'winograd_f2x3',
      });
      expect(JSON.parse(probe({ DROPNET_CONV_ALGO: 'forward=im2col' }, code).out)).toEqual({
        forward: 'im2col',
        backwardData: 'winograd_f2x3',
        backwardWeight: 'winograd_f2x3',
      });
      const bad = probe({ DROPNET_CONV_ALGO: 'fft' }, code);
      expect(bad.status).not.toBe(0);
      expect(bad.err).toContain(
        "RangeError: DROPNET_CONV_ALGO: unknown algorithm 'fft' (expected one of im2col, pointwise, direct,",
      );
    },
  );

  it('takes DROPNET_NUM_THREADS and warns once about bad values', () => {
    expect(JSON.parse(probe({ DROPNET_NUM_THREADS: '3' }).out).threads).toBe(3);
    const bad = probe({ DROPNET_NUM_THREADS: 'lots', DROPNET_ISA: 'sse9' });
    expect(bad.err).toContain('DROPNET_NUM_THREADS must be an integer in [1, 256] but is "lots"; ignoring it.');
    expect(bad.err).toContain('DROPNET_ISA must be one of scalar, avx2, avx512, neon but is "sse9"; ignoring it.');
    expect(JSON.parse(bad.out).threads).toBeGreaterThanOrEqual(1);
  });

  it('falls back to the reference backend with one warning when the addon cannot load', () => {
    const r = probe({ DROPNET_ADDON_PATH: '/nonexistent/dropnet.node' });
    expect(JSON.parse(r.out)).toMatchObject({ backend: 'js', isa: 'js' });
    expect(r.err.match(/DROPNET_NATIVE_UNAVAILABLE/g)?.length).toBe(1);
    expect(r.err).toContain('/nonexistent/dropnet.node: ');
    expect(r.err).toContain('Possible solutions:');
    expect(r.err).toContain('Using the reference backend');
  });

  it('throws the load error when DROPNET_BACKEND=native and the addon cannot load', () => {
    const r = probe({ DROPNET_ADDON_PATH: '/nonexistent/dropnet.node', DROPNET_BACKEND: 'native' });
    expect(r.status).not.toBe(0);
    expect(r.err).toContain('dropnet: could not load the native addon (dropnet.node).');
  });
});

describe('loadNative()', () => {
  it('gathers every attempt into one message with possible solutions', () => {
    const result = loadNative(['/nope/a.node', '/nope/b.node']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain('/nope/a.node: ');
    expect(result.error.message).toContain('/nope/b.node: ');
    expect(result.error.message).toContain('Possible solutions:');
    expect(result.error.message).toBe(
      loadFailureMessage(
        result.error.message
          .split('\n')
          .filter((l) => l.startsWith('  - /nope'))
          .map((l) => l.slice(4)),
      ),
    );
  });
});

describe('kernels()', () => {
  it('returns the reference backend for js and the active one without a name', () => {
    expect(kernels('js').name).toBe('js');
    expect(kernels().name).toBe(backendInfo().backend);
    expect(() => kernels('gpu' as never)).toThrow(
      new RangeError(`Expected 'native' or 'js' for name but received "gpu" of type string`),
    );
  });
});

describe('setNumThreads()', () => {
  it('round-trips and rejects bad counts', () => {
    const before = getNumThreads();
    try {
      setNumThreads(1);
      expect(getNumThreads()).toBe(1);
      setNumThreads(2);
      expect(getNumThreads()).toBe(2);
    } finally {
      setNumThreads(before);
    }
    expect(() => setNumThreads(0)).toThrow(
      new RangeError('Expected integer in [1, 256] for n but received 0 of type number'),
    );
    expect(() => setNumThreads('4' as never)).toThrow(
      new TypeError('Expected integer in [1, 256] for n but received "4" of type string'),
    );
  });
});
