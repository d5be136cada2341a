import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io, tensor } from '../../../lib/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let dir = '';

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropnet-atomic-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const bytes = (...v: number[]) => Uint8Array.from(v);

function tempFiles(): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

describe.each([
  ['writeFileAtomicSync', async (p: string, d: io.AtomicData) => io.writeFileAtomicSync(p, d)],
  ['writeFileAtomic', (p: string, d: io.AtomicData) => io.writeFileAtomic(p, d)],
] as const)('%s', (_name, write) => {
  it('creates, then replaces, a file and leaves no temporary file', async () => {
    const target = path.join(dir, 'a.bin');
    await write(target, bytes(1, 2, 3));
    expect([...fs.readFileSync(target)]).toEqual([1, 2, 3]);
    await write(target, [bytes(4), bytes(), bytes(5, 6)]);
    expect([...fs.readFileSync(target)]).toEqual([4, 5, 6]);
    expect(fs.readdirSync(dir)).toEqual(['a.bin']);
  });

  it('keeps the mode of the file it replaces', async () => {
    const target = path.join(dir, 'secret.bin');
    fs.writeFileSync(target, 'old');
    fs.chmodSync(target, 0o600);
    await write(target, bytes(7));
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
  });

  it('leaves the old file intact and removes the temporary file when the data fails midway', async () => {
    const target = path.join(dir, 'keep.bin');
    fs.writeFileSync(target, 'old contents');
    function* failing(): Generator<Uint8Array> {
      yield bytes(1, 2, 3);
      throw new Error('source failed');
    }
    await expect(write(target, failing())).rejects.toThrow('source failed');
    await expect(write(target, [bytes(1), 'x' as never])).rejects.toThrow(
      new TypeError('Expected Uint8Array for data chunk 1 but received "x" of type string'),
    );
    await expect(write(target, 42 as never)).rejects.toThrow(
      new TypeError('Expected Uint8Array or iterable of Uint8Array for data but received 42 of type number'),
    );
    expect(fs.readFileSync(target, 'utf8')).toBe('old contents');
    expect(tempFiles()).toEqual([]);
  });

  it('fails cleanly when the target is a directory or its directory does not exist', async () => {
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'inside'), 'x');
    await expect(write(sub, bytes(1))).rejects.toMatchObject({
      code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/),
    });
    expect(fs.readFileSync(path.join(sub, 'inside'), 'utf8')).toBe('x');
    await expect(write(path.join(dir, 'missing', 'f.bin'), bytes(1))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(fs.readdirSync(dir)).toEqual(['sub']);
  });

  it('rejects a path that is not a non-empty string', async () => {
    await expect(write('', bytes(1))).rejects.toThrow(
      new TypeError('Expected non-empty string for path but received "" of type string'),
    );
    await expect(write(3 as never, bytes(1))).rejects.toThrow(
      new TypeError('Expected non-empty string for path but received 3 of type number'),
    );
  });
});

describe('writeFileAtomic under concurrency', () => {
  it('lets simultaneous writers each land whole: the file is one of their contents, never a mix', async () => {
    const target = path.join(dir, 'race.bin');
    const contents = Array.from({ length: 6 }, (_, i) => new Uint8Array(256 * 1024).fill(i + 1));
    await Promise.all(contents.map((c) => io.writeFileAtomic(target, [c.subarray(0, 1000), c.subarray(1000)])));
    const got = fs.readFileSync(target);
    expect(got.length).toBe(256 * 1024);
    expect(new Set(got).size).toBe(1);
    expect(tempFiles()).toEqual([]);
  });
});

function runSlowWriter(
  target: string,
  mode: 'sync' | 'async',
): Promise<{ tempSize: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', './scripts/register-ts.mjs', 'test/lib/io/fixtures/slow-writer.ts', target, mode],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    let tempSize = -1;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('paused') && tempSize < 0) {
        const tmp = tempFiles();
        tempSize = tmp.length === 1 ? fs.statSync(path.join(dir, tmp[0]!)).size : -2;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (tempSize === -1) reject(new Error(`writer exited before pausing: ${out} ${err}`));
      else resolve({ tempSize, signal });
    });
  });
}

describe('a process killed in the middle of a save', () => {
  it.each(['sync', 'async'] as const)('(%s) leaves the old file intact and loadable', async (mode) => {
    const target = path.join(dir, 'model.safetensors');
    const old = { '0.weight': tensor([1, 2, 3, 4, 5, 6], [2, 3]), '0.bias': tensor([0.5, -0.5], [2]) };
    io.saveSafetensorsSync(target, old);
    const before = fs.readFileSync(target);

    const { tempSize, signal } = await runSlowWriter(target, mode);
    expect(signal).toBe('SIGKILL');
    // Half the new contents had reached the temporary file when the process died.
    expect(tempSize).toBe(8 << 20);
    expect(fs.readFileSync(target).equals(before)).toBe(true);
    const loaded = io.loadSafetensorsSync(target);
    expect([...loaded.tensors.get('0.weight')!.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...loaded.tensors.get('0.bias')!.data]).toEqual([0.5, -0.5]);
    // The dead process's temporary file stays behind, named after the target.
    expect(tempFiles()).toEqual([expect.stringMatching(/^\.model\.safetensors\.\d+\.[0-9a-f]{12}\.tmp$/)]);
  });
});
