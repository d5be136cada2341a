/**
 * Safetensors files. Loading reads the 8-byte prefix, checks the header length against the limit
 * and the file size, reads and checks the header, and only then reads the data: a hostile file
 * cannot make the loader allocate more than the file holds. Saving is atomic (writeFileAtomic).
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { argTypeError } from '../../errors.js';
import { writeFileAtomic, writeFileAtomicSync } from '../atomic.js';
import { checkLoadOptions, decodeTensors, type LoadOptions, type SafetensorsContents } from './decode.js';
import { encodeSafetensors, encodeSafetensorsChunks, type NamedTensors } from './encode.js';
import { SafetensorsError } from './error.js';
import { parseHeader, readHeaderLength } from './header.js';

function checkPath(path: unknown): string {
  if (typeof path !== 'string' || path === '') throw argTypeError('path', 'non-empty string', path);
  return path;
}

function shortRead(got: number, wanted: number, at: number): SafetensorsError {
  return new SafetensorsError(
    'TRUNCATED',
    `file ended after ${got} of ${wanted} bytes at offset ${at} (it shrank while being read)`,
  );
}

function readFullySync(fd: number, length: number, position: number): Uint8Array {
  const buf = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw shortRead(done, length, position);
    done += n;
  }
  return buf;
}

async function readFully(handle: fsp.FileHandle, length: number, position: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw shortRead(done, length, position);
    done += bytesRead;
  }
  return buf;
}

/** Loads a safetensors file; every tensor becomes float32. Throws SafetensorsError for a bad file. */
export function loadSafetensorsSync(path: string, options?: LoadOptions): SafetensorsContents {
  checkPath(path);
  const opts = checkLoadOptions(options);
  const fd = fs.openSync(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const n = readHeaderLength(readFullySync(fd, Math.min(8, size), 0), size, opts.maxHeaderBytes);
    const header = parseHeader(readFullySync(fd, n, 8), size - 8 - n);
    return decodeTensors(header, readFullySync(fd, size - 8 - n, 8 + n), opts);
  } finally {
    fs.closeSync(fd);
  }
}

/** Loads a safetensors file; every tensor becomes float32. Throws SafetensorsError for a bad file. */
export async function loadSafetensors(path: string, options?: LoadOptions): Promise<SafetensorsContents> {
  checkPath(path);
  const opts = checkLoadOptions(options);
  const handle = await fsp.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const n = readHeaderLength(await readFully(handle, Math.min(8, size), 0), size, opts.maxHeaderBytes);
    const header = parseHeader(await readFully(handle, n, 8), size - 8 - n);
    return decodeTensors(header, await readFully(handle, size - 8 - n, 8 + n), opts);
  } finally {
    await handle.close();
  }
}

/**
 * Saves float32 tensors (a Map, or an object such as a state dict) with optional string metadata,
 * atomically. The tensors are written straight from their storage, so they must not change
 * during the call (it is synchronous, so only other threads could change them).
 */
export function saveSafetensorsSync(path: string, tensors: NamedTensors, metadata?: Record<string, string>): void {
  checkPath(path);
  writeFileAtomicSync(path, encodeSafetensorsChunks(tensors, metadata));
}

/**
 * Saves float32 tensors with optional string metadata, atomically. The tensors are copied when the
 * call is made: training may go on while the file is written, and the file holds the values of
 * that moment.
 */
export async function saveSafetensors(
  path: string,
  tensors: NamedTensors,
  metadata?: Record<string, string>,
): Promise<void> {
  checkPath(path);
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
