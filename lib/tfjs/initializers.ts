/**
 * tfjs's weight initializers by name (kernelInitializer, recurrentInitializer, biasInitializer,
 * embeddingsInitializer): the same distributions as tfjs's, drawn from dropnet's default
 * generator (reproducible under manualSeed(); the numbers differ from tfjs's).
 */
import { argRangeError } from '../errors.js';
import { defaultGenerator } from '../random.js';

/** Fills `data` (a weight of `shape`) given its fans. */
export type Init = (data: Float32Array, fanIn: number, fanOut: number, shape: readonly number[]) => void;

/** Initial weights come from dropnet's default generator: reproducible under manualSeed(). */
const initGenerator = defaultGenerator;

function truncated(data: Float32Array, stddev: number): void {
  const one = new Float32Array(1);
  for (let i = 0; i < data.length; i++) {
    do initGenerator.normal(one);
    while (Math.abs(one[0]!) > 2);
    data[i] = one[0]! * stddev;
  }
}

function varianceScaling(scale: number, mode: 'fanIn' | 'fanOut' | 'fanAvg', distribution: 'normal' | 'uniform'): Init {
  return (data, fanIn, fanOut) => {
    const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const s = scale / Math.max(1, n);
    if (distribution === 'normal') truncated(data, Math.sqrt(s));
    else {
      const limit = Math.sqrt(3 * s);
      initGenerator.uniform(data, -limit, limit);
    }
  };
}

/**
 * tfjs's orthogonal (gain 1) for a 2-D weight [rows, cols]: orthonormal columns when rows >= cols,
 * else orthonormal rows, by Gram-Schmidt (run twice) over N(0, 1) draws.
 */
function orthogonal(data: Float32Array, _fanIn: number, _fanOut: number, shape: readonly number[]): void {
  const rows = shape.length < 2 ? 1 : shape.slice(0, -1).reduce((p, d) => p * d, 1);
  const cols = shape[shape.length - 1] ?? 1;
  const tall = rows >= cols;
  const [n, k] = tall ? [rows, cols] : [cols, rows];
  const draws = new Float32Array(n * k);
  initGenerator.normal(draws);
  const v = Float64Array.from(draws);
  for (let j = 0; j < k; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let q = 0; q < j; q++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[j * n + i]! * v[q * n + i]!;
        for (let i = 0; i < n; i++) v[j * n + i]! -= dot * v[q * n + i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[j * n + i]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) v[j * n + i]! /= norm;
  }
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) data[r * cols + c] = tall ? v[c * n + r]! : v[r * n + c]!;
}

const INITIALIZERS: Record<string, Init> = {
  glorotNormal: varianceScaling(1, 'fanAvg', 'normal'),
  glorotUniform: varianceScaling(1, 'fanAvg', 'uniform'),
  heNormal: varianceScaling(2, 'fanIn', 'normal'),
  heUniform: varianceScaling(2, 'fanIn', 'uniform'),
  leCunNormal: varianceScaling(1, 'fanIn', 'normal'),
  leCunUniform: varianceScaling(1, 'fanIn', 'uniform'),
  orthogonal,
  zeros: (data) => data.fill(0),
  ones: (data) => data.fill(1),
  randomNormal: (data) => {
    initGenerator.normal(data);
    for (let i = 0; i < data.length; i++) data[i] = data[i]! * 0.05;
  },
  randomUniform: (data) => initGenerator.uniform(data, -0.05, 0.05),
  truncatedNormal: (data) => truncated(data, 0.05),
};

/** The initializer tfjs names by `value` (a name, snake_case name or { className }), `fallback` when absent. */
export function initializer(value: unknown, name: string, fallback: string): Init {
  const v = value ?? fallback;
  if (typeof v === 'object' && v !== null && typeof (v as { className?: unknown }).className === 'string') {
    return initializer(
      (v as { className: string }).className.replace(/^./, (c) => c.toLowerCase()),
      name,
      fallback,
    );
  }
  const key = typeof v === 'string' ? v.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) : v;
  if (typeof key !== 'string' || !Object.hasOwn(INITIALIZERS, key)) {
    throw argRangeError(name, `initializer name (${Object.keys(INITIALIZERS).join(', ')})`, value);
  }
  return INITIALIZERS[key]!;
}

/** Fills a [fanIn-ish, ..., out] weight in tfjs's layout (kernel [in, out], recurrent [units, G * units]). */
export function fillTfjs(init: Init, data: Float32Array, shape: readonly number[]): void {
  const fanOut = shape[shape.length - 1] ?? 1;
  const fanIn = shape.length < 2 ? fanOut : shape.slice(0, -1).reduce((p, d) => p * d, 1);
  init(data, fanIn, fanOut, shape);
}
