// Temporary files left by writers that were killed are swept by the next write to the same
// target; those of running writers (or recently touched ones) are kept.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io } from '../../../lib/index.js';

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropnet-sweep-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function leftover(target: string, pid: number, ageMs: number): string {
  const file = path.join(dir, `.${path.basename(target)}.${pid}.${'ab12cd34ef56'}.tmp`);
  fs.writeFileSync(file, new Uint8Array(1024));
  const t = (Date.now() - ageMs) / 1000;
  fs.utimesSync(file, t, t);
  return file;
}

describe.each([
  ['writeFileAtomicSync', async (p: string, d: Uint8Array) => io.writeFileAtomicSync(p, d)],
  ['writeFileAtomic', (p: string, d: Uint8Array) => io.writeFileAtomic(p, d)],
] as const)('%s sweeps temporary files whose writer is gone', (_name, write) => {
  it('removes a dead writer’s old file, keeps a live writer’s, a fresh one and other targets’', async () => {
    const target = path.join(dir, 'model.safetensors');
    const dead = leftover(target, deadPid(), 2 * io.STALE_MS);
    const live = leftover(target, process.ppid, 2 * io.STALE_MS);
    const fresh = path.join(dir, `.model.safetensors.${deadPid()}.0123456789ab.tmp`);
    fs.writeFileSync(fresh, 'x');
    const other = leftover(path.join(dir, 'other.bin'), deadPid(), 2 * io.STALE_MS);
    await write(target, Uint8Array.of(1, 2, 3));
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(fresh)).toBe(true);
    expect(fs.existsSync(other)).toBe(true);
    expect(fs.readFileSync(target)).toEqual(Buffer.from([1, 2, 3]));
  });
});

describe('sweepTempFilesSync', () => {
  it('returns how many it removed and rejects a bad path', () => {
    const target = path.join(dir, 'c.bin');
    const [a, b] = [deadPid(), deadPid()];
    leftover(target, a, 2 * io.STALE_MS);
    leftover(target, b, 2 * io.STALE_MS);
    expect(io.sweepTempFilesSync(target)).toBe(a === b ? 1 : 2);
    expect(io.sweepTempFilesSync(target)).toBe(0);
    expect(() => io.sweepTempFilesSync('' as string)).toThrow(TypeError);
  });
});
