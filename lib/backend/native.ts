/**
 * The one file that loads the addon. It tries each place a build can put `dropnet.node`, keeps
 * every attempt's error, and on failure builds one message with the attempts and what to do
 * about them. It never throws at import: index.ts decides whether a missing addon is fatal.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend, ConvPlan } from './backend.js';

/** What the addon exports beyond the Backend contract (bench-only probes). */
export interface NativeAddon extends Omit<Backend, 'name'> {
  hardwareThreads(): number;
  /** Runs a register-only FMA loop `iters` times on each of `threads` threads; returns the flops done. */
  fmaPeak(iters: number, threads: number): number;
  /** The algorithm each convolution pass last ran on this thread (null before any call). */
  convLastRun(): { [P in keyof ConvPlan]: ConvPlan[P] | null };
  /**
   * Forces convolution algorithms (as DROPNET_CONV_ALGO does): '' for none, one name for every
   * pass, or 'forward=direct,backward_weight=im2col'. Returns the spec normalised; an unknown
   * name or pass is a RangeError.
   */
  setConvAlgo(spec: string): string;
  /**
   * How this thread's last sgemm product ran: "single_block" (one cache block on one task, set up
   * without the general blocking arithmetic), "blocked" (the general loops) or "narrow" (few
   * columns, on ISAs with a kernel vectorised along M); "none" before any. All give the same
   * bits; tests use it to know which one they covered.
   */
  gemmLastPath(): 'none' | 'single_block' | 'blocked' | 'narrow';
  /** A Float32Array of n elements on a block of the storage pool; zero-filled when zero is true. */
  allocFloat32(n: number, zero: boolean): Float32Array;
  /** The storage pool's counters. */
  storageStats(): StorageStats;
  /** Frees the blocks the storage pool keeps; returns the bytes freed. */
  storageTrim(): number;
}

/** The storage pool's counters (native/runtime/storage_pool.h). */
export interface StorageStats {
  bytesInUse: number;
  blocksInUse: number;
  bytesPooled: number;
  blocksPooled: number;
  freshAllocations: number;
  freshBytes: number;
  reuses: number;
  servedBytes: number;
  poolLimit: number;
}

export type NativeBackend = Backend & NativeAddon & { readonly name: 'native'; readonly path: string };

export type LoadResult = { ok: true; backend: NativeBackend } | { ok: false; error: Error };

// lib/backend/native.ts and dist/backend/native.js both sit two levels below the package root.
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The places a build puts the addon, in the order they are tried; DROPNET_ADDON_PATH, when set,
 * is the only one (to test a particular build, e.g. a sanitizer build in another directory).
 */
export function candidatePaths(root: string = packageRoot): string[] {
  if (process.env.DROPNET_ADDON_PATH) return [process.env.DROPNET_ADDON_PATH];
  return [join(root, 'build', 'Release', 'dropnet.node'), join(root, 'build', 'Debug', 'dropnet.node')];
}

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? text;
}

/** Tries every candidate; gathers the errors of all of them when none loads. */
export function loadNative(paths: string[] = candidatePaths()): LoadResult {
  const require = createRequire(import.meta.url);
  const attempts: string[] = [];
  for (const path of paths) {
    try {
      const addon = require(path) as NativeAddon;
      return { ok: true, backend: Object.freeze({ ...addon, name: 'native' as const, path }) as NativeBackend };
    } catch (e) {
      attempts.push(`${path}: ${errorText(e)}`);
    }
  }
  return { ok: false, error: new Error(loadFailureMessage(attempts)) };
}

export function loadFailureMessage(attempts: string[]): string {
  return [
    'dropnet: could not load the native addon (dropnet.node).',
    'Attempts:',
    ...attempts.map((a) => `  - ${a}`),
    'Possible solutions:',
    '  - Build it from source: run "npm rebuild dropnet" (or "npm run build:native" in a checkout);',
    '    this needs Python 3, make and a C++17 compiler (g++ >= 9 or clang >= 10).',
    '  - Build it with CMake instead: "npm run build:cmake" (needs cmake >= 3.19).',
    '  - If the addon was built for another Node.js or CPU architecture, rebuild it on this machine.',
    '  - Set DROPNET_BACKEND=js to use the pure-TypeScript reference backend (slower) without this warning.',
  ].join('\n');
}
