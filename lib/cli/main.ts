/**
 * `npm start`: the main job. For now a short demonstration of what runs the kernels and how the
 * native kernels compare with the reference backend on the same inputs (same results, measured
 * speed).
 */
import { backendInfo, kernels, nativeAvailable } from '../index.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, reps: number): number {
  const samples: number[] = [];
  for (let s = 0; s < 7; s++) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e3 / reps);
  }
  return median(samples);
}

const info = backendInfo();
console.log(`dropnet ${info.version}`);
console.log(`backend ${info.backend}, isa ${info.isa} (available: ${info.available.join(', ')}), threads ${info.threads}\n`);

const n = 1 << 20;
const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
const b = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
const js = kernels('js');

if (!nativeAvailable()) {
  console.log('The native addon is not loaded: every kernel runs on the reference backend.');
  process.exit(0);
}
const native = kernels('native');
const rows: string[] = [];
for (const [name, run] of [
  ['add', (k: typeof js, out: Float32Array) => k.add(out, a, b, n)],
  ['mul', (k: typeof js, out: Float32Array) => k.mul(out, a, b, n)],
  ['relu', (k: typeof js, out: Float32Array) => k.relu(out, a, n)],
  ['reluBackward', (k: typeof js, out: Float32Array) => k.reluBackward(out, b, a, n)],
] as const) {
  const outJs = new Float32Array(n);
  const outNative = new Float32Array(n);
  run(js, outJs);
  run(native, outNative);
  const same = outJs.every((v, i) => Object.is(v, outNative[i]));
  const tJs = time(() => run(js, outJs), 3);
  const tNative = time(() => run(native, outNative), 20);
  rows.push(`${name.padEnd(13)} ${tNative.toFixed(0).padStart(8)} µs ${tJs.toFixed(0).padStart(8)} µs ${(tJs / tNative).toFixed(1).padStart(7)}x   ${same ? 'identical' : 'DIFFERENT'}`);
}
console.log(`element-wise kernels on ${n} floats (median per call)`);
console.log(`${'kernel'.padEnd(13)} ${'native'.padStart(11)} ${'reference'.padStart(11)} ${'speed-up'.padStart(8)}   results`);
for (const r of rows) console.log(r);
