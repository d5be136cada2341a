/**
 * Atomic file replacement: the target path holds either the old contents or the complete new
 * contents, never a mix, even if the process dies or the machine loses power mid-write.
 *
 * The bytes go to a temporary file in the target's directory (rename is atomic only within one
 * file system), created exclusively under a random name; the file is fsynced before the rename
 * (so the rename cannot land before the data) and the directory after it (so the new name
 * survives a crash). On any error the temporary file is removed and the target is untouched. A
 * process killed mid-write leaves its temporary file behind: `.<name>.<pid>.<random>.tmp`; the
 * next write to the same target removes such files when their writer is gone (no process with
 * that pid on this machine, and the file untouched for STALE_MS, so a writer on another machine
 * sharing the directory, which keeps its file's mtime moving, is left alone).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { argTypeError } from '../errors.js';

/** What to write: one byte array, or chunks written in order (e.g. a header and tensor views). */
export type AtomicData = Uint8Array | Iterable<Uint8Array>;

function tempPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/** A temporary file unmodified for this long, whose pid is not running here, is abandoned. */
export const STALE_MS = 60_000;

function tempPattern(target: string): RegExp {
  const escaped = path.basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]{12}\\.tmp$`);
}

function pidRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: it runs, as another user
  }
}

/** The temporary files of `target` left by writers that are gone (best effort: errors are ignored). */
function staleTemps(target: string, entries: string[], mtimeOf: (file: string) => number | undefined): string[] {
  const re = tempPattern(target);
  const stale: string[] = [];
  for (const name of entries) {
    const m = re.exec(name);
    if (m === null || pidRunning(Number(m[1]))) continue;
    const file = path.join(path.dirname(target), name);
    const mtime = mtimeOf(file);
    if (mtime !== undefined && Date.now() - mtime >= STALE_MS) stale.push(file);
  }
  return stale;
}

/** Removes the temporary files of `target` whose writer is gone. Returns how many it removed. */
export function sweepTempFilesSync(target: string): number {
  checkTarget(target);
  let entries: string[];
  try {
    entries = fs.readdirSync(path.dirname(target));
  } catch {
    return 0;
  }
  let removed = 0;
  const mtimeOf = (f: string) => {
    try {
      return fs.statSync(f).mtimeMs;
    } catch {
      return undefined;
    }
  };
  for (const file of staleTemps(target, entries, mtimeOf)) {
    try {
      fs.rmSync(file);
      removed++;
    } catch {
      /* another process swept it first */
    }
  }
  return removed;
}

function checkTarget(target: unknown): string {
  if (typeof target !== 'string' || target === '') throw argTypeError('path', 'non-empty string', target);
  return target;
}

function* chunksOf(data: AtomicData | AsyncIterable<Uint8Array>, name = 'data'): Generator<Uint8Array> {
  if (data instanceof Uint8Array) {
    yield data;
    return;
  }
  if (
    typeof data !== 'object' ||
    data === null ||
    typeof (data as Iterable<Uint8Array>)[Symbol.iterator] !== 'function'
  ) {
    throw argTypeError(name, 'Uint8Array or iterable of Uint8Array', data);
  }
  let i = 0;
  for (const chunk of data as Iterable<unknown>) {
    if (!(chunk instanceof Uint8Array)) throw argTypeError(`${name} chunk ${i}`, 'Uint8Array', chunk);
    yield chunk;
    i++;
  }
}

/** Keeps the mode of the file being replaced; a new file gets the default (0o666 minus umask). */
function modeOf(stat: fs.Stats | undefined): number {
  return stat === undefined ? 0o666 : stat.mode & 0o7777;
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * fsync on a directory makes a rename durable on Linux and macOS; Windows cannot open a
 * directory for it, and some file systems refuse it, which costs only durability, not atomicity.
 */
function ignorableDirSyncError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'EACCES' || code === 'ENOTSUP';
}

/** Writes `data` to `target` atomically (see the module comment). */
export function writeFileAtomicSync(target: string, data: AtomicData): void {
  checkTarget(target);
  sweepTempFilesSync(target);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(target);
  } catch (e) {
    if (!isMissing(e)) throw e;
  }
  const tmp = tempPathFor(target);
  const fd = fs.openSync(tmp, 'wx', modeOf(stat));
  try {
    try {
      for (const chunk of chunksOf(data)) {
        let done = 0;
        while (done < chunk.length) done += fs.writeSync(fd, chunk, done, chunk.length - done);
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dir = fs.openSync(path.dirname(target), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  } catch (e) {
    if (!ignorableDirSyncError(e)) throw e;
  }
}

async function* asyncChunksOf(data: AtomicData | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function'
  ) {
    let i = 0;
    for await (const chunk of data as AsyncIterable<unknown>) {
      if (!(chunk instanceof Uint8Array)) throw argTypeError(`data chunk ${i}`, 'Uint8Array', chunk);
      yield chunk;
      i++;
    }
    return;
  }
  yield* chunksOf(data);
}

/** Writes `data` (bytes, or sync or async chunks) to `target` atomically (see the module comment). */
export async function writeFileAtomic(target: string, data: AtomicData | AsyncIterable<Uint8Array>): Promise<void> {
  checkTarget(target);
  sweepTempFilesSync(target); // a directory listing and a stat per leftover: cheap next to the write
  let stat: fs.Stats | undefined;
  try {
    stat = await fsp.stat(target);
  } catch (e) {
    if (!isMissing(e)) throw e;
  }
  const tmp = tempPathFor(target);
  const handle = await fsp.open(tmp, 'wx', modeOf(stat));
  try {
    try {
      for await (const chunk of asyncChunksOf(data)) {
        let done = 0;
        while (done < chunk.length) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, target);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  try {
    const dir = await fsp.open(path.dirname(target), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (e) {
    if (!ignorableDirSyncError(e)) throw e;
  }
}
