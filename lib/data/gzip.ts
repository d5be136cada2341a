/**
 * Bounded gunzip for untrusted files. A gzip stream can expand about a thousand-fold, so output
 * is never decompressed blindly: `gunzipPrefix` inflates growing prefixes of the input until it
 * has the few bytes a format header needs (each attempt's output is bounded by its input), and
 * `gunzipExact` inflates the whole stream with the output capped at one byte more than the header
 * says it holds, so a bomb fails after `expected + 1` bytes instead of exhausting memory.
 */
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** How gunzip failed: the stream ended early, held more than allowed, or is corrupt. */
export type GunzipFailure = { kind: 'truncated' | 'too-large' | 'corrupt'; message: string };

function failure(e: unknown): GunzipFailure {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'Z_BUF_ERROR') return { kind: 'truncated', message: err.message };
  if (err.code === 'ERR_BUFFER_TOO_LARGE') return { kind: 'too-large', message: err.message };
  return { kind: 'corrupt', message: err.message };
}

/** At least `need` decompressed bytes from the start (fewer only if the whole stream is shorter). */
export function gunzipPrefix(bytes: Uint8Array, need: number): Uint8Array | GunzipFailure {
  for (let k = 256; ; k *= 4) {
    const input = bytes.subarray(0, Math.min(k, bytes.length));
    try {
      // Z_SYNC_FLUSH returns what a truncated stream decodes to instead of failing.
      const out = zlib.gunzipSync(input, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 1100 * input.length + need });
      if (out.length >= need || input.length === bytes.length) return out;
    } catch (e) {
      return failure(e);
    }
  }
}

/** The whole stream, failing as 'too-large' once it exceeds `expected` bytes. */
export function gunzipExactSync(bytes: Uint8Array, expected: number): Uint8Array | GunzipFailure {
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: Math.max(1, expected + 1) });
  } catch (e) {
    return failure(e);
  }
}

const gunzipAsync = promisify(zlib.gunzip) as (buf: Uint8Array, options: zlib.ZlibOptions) => Promise<Buffer>;

/** As gunzipExactSync, decompressing on the libuv thread pool. */
export async function gunzipExact(bytes: Uint8Array, expected: number): Promise<Uint8Array | GunzipFailure> {
  try {
    return await gunzipAsync(bytes, { maxOutputLength: Math.max(1, expected + 1) });
  } catch (e) {
    return failure(e);
  }
}
