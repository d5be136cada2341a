/**
 * This machine's ceilings, measured rather than assumed, so kernels can report "% of peak" and
 * "% of bandwidth":
 * - FMA peak: the addon's register-only FMA loop on the active ISA (no memory traffic at all).
 * - Streaming bandwidth: y = x * s (the `scale` kernel) over arrays far larger than the caches,
 *   counting 8 bytes per element (one read, one write).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { kernels, nativeAvailable } from '../lib/index.js';
import { timeIt, type TimeOptions } from './harness.js';

/** GFLOP/s of the FMA loop on `threads` threads (null when the addon is not loaded). */
export function fmaPeakGflops(threads: number, options: TimeOptions = {}): number | null {
  if (!nativeAvailable()) return null;
  const native = kernels('native');
  const before = native.numThreads();
  native.setNumThreads(threads);
  try {
    const iters = 200_000;
    let flops = 0;
    const stats = timeIt(() => {
      flops = native.fmaPeak(iters, threads);
    }, options);
    return flops / stats.median / 1e9;
  } finally {
    native.setNumThreads(before);
  }
}

/** GB/s of y = x * s over `floats` elements with the given backend and thread count. */
export function streamGBs(
  backend: 'native' | 'js',
  floats: number,
  threads: number,
  options: TimeOptions = {},
): number {
  const k = kernels(backend as 'native');
  const before = k.numThreads();
  k.setNumThreads(threads);
  try {
    const x = new Float32Array(floats).fill(1.5);
    const y = new Float32Array(floats);
    const stats = timeIt(() => k.scale(y, x, 0.5, floats), options);
    return (8 * floats) / stats.median / 1e9;
  } finally {
    k.setNumThreads(before);
  }
}

/** 16 Mi floats: 64 MiB per array, beyond any L3 here. */
export const STREAM_FLOATS = 16 * 1024 * 1024;

/** The CPU model (with its x86 family and model numbers where /proc/cpuinfo has them), so that
 * results from different machines are not mixed: "AMD EPYC (family 26, model 2)". */
export function cpuModel(): string {
  const name = cpus()[0]?.model.trim() ?? 'unknown CPU';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const family = /^cpu family\s*:\s*(\d+)/m.exec(info)?.[1];
    const model = /^model\s*:\s*(\d+)/m.exec(info)?.[1];
    return family !== undefined && model !== undefined ? `${name} (family ${family}, model ${model})` : name;
  } catch {
    return name;
  }
}
