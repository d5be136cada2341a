/**
 * The storage pool through the binding (allocFloat32, storageStats, storageTrim), and the proof
 * that AddressSanitizer still sees through it: a driver built with -fsanitize=address reads a
 * block after giving it back, and the sanitizer stops it (free blocks are poisoned).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { kernels, nativeAvailable } from '../../lib/backend/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe.runIf(nativeAvailable())('storage pool binding', () => {
  const k = () => kernels('native');

  it('allocates Float32Arrays of the length asked for, zeroed when asked, and counts them', () => {
    const before = k().storageStats();
    const a = k().allocFloat32(10_000, true);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(10_000);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(40_000);
    expect(a.every((v) => v === 0)).toBe(true);
    const b = k().allocFloat32(0, false);
    expect(b.length).toBe(0);
    const after = k().storageStats();
    expect(after.blocksInUse).toBeGreaterThanOrEqual(before.blocksInUse + 2);
    // Size classes: at most 1/8 over the request, whole 64-byte lines.
    const served = after.servedBytes - before.servedBytes;
    expect(served).toBeGreaterThanOrEqual(40_000 + 64);
    expect(served).toBeLessThanOrEqual(40_000 * 1.125 + 64 + 64);
    a[9999] = 5;
    expect(a[9999]).toBe(5);
  });

  it('rejects arguments it does not take', () => {
    expect(() => k().allocFloat32(-1, true)).toThrow(RangeError);
    expect(() => k().allocFloat32(1.5, true)).toThrow(RangeError);
    expect(() => k().allocFloat32(2 ** 31 + 1, true)).toThrow(RangeError);
    expect(() => k().allocFloat32('8' as unknown as number, true)).toThrow(TypeError);
    expect(() => k().allocFloat32(8, 1 as unknown as boolean)).toThrow(TypeError);
    expect(() => (k().allocFloat32 as (...a: unknown[]) => unknown)(8)).toThrow(TypeError);
    expect(() => (k().storageStats as (...a: unknown[]) => unknown)(1)).toThrow(TypeError);
  });

  it('trims the blocks it keeps', () => {
    const freed = k().storageTrim();
    expect(freed).toBeGreaterThanOrEqual(0);
    expect(k().storageStats().bytesPooled).toBe(0);
    expect(k().storageStats().blocksPooled).toBe(0);
  });
});

describe('storage pool under AddressSanitizer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dropnet-asan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reuses a block given back, and a deliberate use after free is reported (use-after-poison)', () => {
    const exe = join(dir, 'storage_uaf');
    execFileSync('g++', [
      '-std=c++17',
      '-O1',
      '-g',
      '-fsanitize=address',
      '-fno-omit-frame-pointer',
      join(root, 'test', 'native', 'fixtures', 'storage_uaf.cc'),
      join(root, 'native', 'runtime', 'storage_pool.cc'),
      '-o',
      exe,
    ]);
    // The driver carries its own ASan runtime: a preloaded one (npm run test:asan) is not needed.
    const env = { ...process.env, LD_PRELOAD: '', ASAN_OPTIONS: 'detect_leaks=0' };
    const ok = spawnSync(exe, ['reuse'], { encoding: 'utf8', env });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^reused 0 20480\n$/);
    const bad = spawnSync(exe, ['use-after-free'], { encoding: 'utf8', env });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('ERROR: AddressSanitizer: use-after-poison');
    expect(bad.stderr).toContain('storage_uaf.cc');
    expect(bad.stdout).not.toContain('read');
  }, 120_000);
});
