// The install step reuses a built addon only when its stamp matches this Node ABI, platform,
// architecture and native sources and the addon loads; otherwise it asks for a build.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { buildKey } from '../../scripts/install.mjs';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const stamp = join(root, 'build/Release/dropnet.stamp.json');
const saved = existsSync(stamp) ? readFileSync(stamp, 'utf8') : null;

afterAll(() => {
  if (saved === null) rmSync(stamp, { force: true });
  else writeFileSync(stamp, saved);
});

const check = async (env: Record<string, string> = {}): Promise<[number, string]> => {
  try {
    const { stdout } = await run(process.execPath, [join(root, 'scripts/install.mjs'), '--check'], {
      env: { ...process.env, ...env },
    });
    return [0, stdout.trim()];
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return [err.code, err.stdout.trim()];
  }
};

it('reuses the addon only when the stamp matches and the addon loads', async () => {
  const key = buildKey() as Record<string, string>;
  expect(key.abi).toBe(process.versions.modules);
  expect(key.sources).toMatch(/^[0-9a-f]{64}$/);

  rmSync(stamp, { force: true });
  expect(await check()).toEqual([1, 'dropnet: the addon needs a build: no build stamp']);

  writeFileSync(stamp, JSON.stringify(key));
  expect(await check()).toEqual([0, 'dropnet: the built addon is valid']);
  expect(await check({ DROPNET_FORCE_BUILD: '1' })).toEqual([
    1,
    'dropnet: the addon needs a build: DROPNET_FORCE_BUILD=1',
  ]);

  writeFileSync(stamp, JSON.stringify({ ...key, abi: '1' }));
  expect(await check()).toEqual([1, `dropnet: the addon needs a build: abi changed (1 -> ${key.abi})`]);
  writeFileSync(stamp, JSON.stringify({ ...key, sources: 'old' }));
  expect((await check())[1]).toMatch(/^dropnet: the addon needs a build: sources changed \(old -> [0-9a-f]{64}\)$/);
}, 120_000);
