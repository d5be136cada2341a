/**
 * Tensor storage (lib/backend/storage.ts): pooled arrays under the native backend, plain ones
 * otherwise; a pooled block is never handed out while JavaScript still reaches it (random
 * survivors, some held only through a view, a subarray or the bare ArrayBuffer, checked across
 * forced collections); worker threads training at once; memoryInfo().
 */
import { dirname, join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeBackend } from '../../../lib/backend/index.js';
import { copyData, newData, newDataUninit, setPoolMinElements } from '../../../lib/backend/storage.js';
import { memoryInfo, ops, randn, type Tensor, zeros } from '../../../lib/index.js';
import { STEPS, train } from './fixtures/storage-worker.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pooled = activeBackend().name === 'native' && process.env.DROPNET_POOL !== '0';

// A full collection without --expose-gc on the command line (vitest's workers do not take it):
// the flag set at run time gives every new context a gc() that collects the whole isolate.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A small deterministic generator for the test's own choices. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pattern = (id: number, i: number): number => id * 0.5 + (i % 17);

/** A tensor from one of several paths, each taking its storage from the pool. */
function make(kind: number, n: number): Tensor {
  const x = randn([n]);
  switch (kind % 5) {
    case 0:
      return ops.relu(x);
    case 1:
      return ops.add(x, x);
    case 2:
      return ops.mul(x, 3);
    case 3:
      return zeros([n]);
    default:
      return x.clone();
  }
}

type Trained = { losses: number[]; reuses: number };

/** Starts a worker on the fixture; resolves once it has loaded, with its start signal and result. */
function startWorker(): Promise<{ go: () => Promise<Trained> }> {
  const file = join(root, 'test', 'lib', 'backend', 'fixtures', 'storage-worker.ts');
  const w = new Worker(file, { execArgv: ['--import', join(root, 'scripts', 'register-ts.mjs')] });
  return new Promise((resolve, reject) => {
    w.once('error', reject);
    w.once('message', () =>
      resolve({
        go: () =>
          new Promise<Trained>((done) => {
            w.once('message', (m: Trained) => void w.terminate().then(() => done(m)));
            w.postMessage('go');
          }),
      }),
    );
  });
}

// The pool serves arrays of 32 MiB and up by default; these tests lower that to 16 KiB so that
// they churn many blocks quickly.
const MIN = 4096;

describe('tensor storage', () => {
  let previous = 0;
  beforeAll(() => {
    previous = setPoolMinElements(MIN);
  });
  afterAll(() => {
    setPoolMinElements(previous);
  });

  it('gives zeros from newData and every length asked for, pooled or plain', () => {
    for (const n of [0, 1, MIN - 1, MIN, 100_003]) {
      const z = newData(n);
      expect(z).toBeInstanceOf(Float32Array);
      expect(z.length).toBe(n);
      expect(z.every((v) => v === 0)).toBe(true);
      const u = newDataUninit(n);
      expect(u.length).toBe(n);
      const src = Float32Array.from({ length: n }, (_, i) => i * 0.25);
      const c = copyData(src);
      expect(c).toEqual(src);
      expect(c.buffer).not.toBe(src.buffer);
    }
  });

  // One of the two runs, by the mode this process is in (CI runs the suite in both).
  if (pooled) {
    it('takes large tensors from the pool and gives their blocks back after collection', async () => {
      const before = memoryInfo();
      // Tensors of one size class, dropped at once: after a collection and a turn the pool serves them again.
      for (let round = 0; round < 30; round++) {
        for (let j = 0; j < 8; j++) ops.relu(randn([256, 64]));
        if (round % 10 === 9) gc(); // a collection, whenever the engine would not start one itself
        await turn();
      }
      const after = memoryInfo();
      expect(after.pool).toBe('native');
      expect(after.servedBytes - before.servedBytes).toBeGreaterThanOrEqual(30 * 16 * 256 * 64 * 4);
      expect(after.reuses - before.reuses).toBeGreaterThan(0);
      // A tensor's storage is an external buffer: zeros() of a pooled size is all zeros.
      expect(zeros([300, 300]).data.every((v) => v === 0)).toBe(true);
    });
  } else {
    it('uses plain arrays when the pool is off (reference backend or DROPNET_POOL=0)', () => {
      const before = memoryInfo();
      ops.relu(randn([256, 64]));
      const after = memoryInfo();
      expect(after.pool).toBe('off');
      expect(after.servedBytes).toBe(0);
      expect(after.freshAllocations).toBe(before.freshAllocations);
    });
  }

  it('setPoolMinElements takes a non-negative integer', () => {
    expect(() => setPoolMinElements(-1)).toThrow(RangeError);
    expect(() => setPoolMinElements(1.5)).toThrow(RangeError);
    expect(setPoolMinElements(MIN)).toBe(MIN);
  });

  it('memoryInfo reports the process and takes no arguments', () => {
    const m = memoryInfo();
    expect(m.rss).toBeGreaterThan(0);
    expect(m.minorPageFaults).toBeGreaterThan(0);
    expect(m.bytesInUse).toBeGreaterThanOrEqual(0);
    expect(m.bytesPooled).toBeLessThanOrEqual(m.poolLimit === 0 ? 0 : m.poolLimit);
    expect(() => (memoryInfo as (...a: unknown[]) => unknown)(1)).toThrow(TypeError);
  });

  it('never hands out a block JavaScript still reaches: random survivors keep their contents across collections', async () => {
    const rand = lcg(7);
    const sizes = [4096, 5000, 8192, 30000];
    let kept: { id: number; hold: unknown }[] = [];
    let checked = 0;
    let corrupted = 0;
    let id = 0;
    const before = memoryInfo();
    for (let round = 0; round < 40; round++) {
      for (let j = 0; j < 16; j++) {
        const n = sizes[Math.floor(rand() * sizes.length)]!;
        const t = make(j, n);
        const myId = ++id;
        for (let i = 0; i < n; i++) t.data[i] = pattern(myId, i);
        if (rand() < 0.3) {
          // Kept through one of the ways JavaScript holds storage; the tensor itself is dropped.
          const how = Math.floor(rand() * 4);
          const hold = how === 0 ? t : how === 1 ? t.reshape([1, n]) : how === 2 ? t.data.subarray(1) : t.data.buffer;
          kept.push({ id: myId, hold });
        }
      }
      kept = kept.filter(() => rand() < 0.5 || kept.length < 40);
      gc();
      await turn(); // finalizers run: dropped blocks go back to the pool and are handed out again
      for (const k of kept) {
        const h = k.hold;
        const view =
          h instanceof ArrayBuffer ? new Float32Array(h) : h instanceof Float32Array ? h : (h as Tensor).data;
        const offset = h instanceof Float32Array ? 1 : 0;
        checked++;
        for (let i = 0; i < view.length; i++) {
          if (view[i] !== pattern(k.id, i + offset)) {
            corrupted++;
            break;
          }
        }
      }
    }
    const after = memoryInfo();
    expect(corrupted).toBe(0);
    expect(checked).toBeGreaterThan(500);
    // The pool path ran: most requests were served with blocks that earlier collections freed.
    if (pooled) expect(after.reuses - before.reuses).toBeGreaterThan(after.freshAllocations - before.freshAllocations);
  }, 120_000);

  it('trains in two worker threads and on the main thread at once, each with the same losses', async () => {
    const workers = await Promise.all([startWorker(), startWorker()]);
    const running = workers.map((w) => w.go());
    const main = await train();
    const others = await Promise.all(running);
    expect(main.losses).toHaveLength(STEPS);
    expect(main.losses[STEPS - 1]!).toBeLessThan(main.losses[0]!);
    for (const o of others) expect(o.losses).toEqual(main.losses);
    if (pooled) for (const r of [main, ...others]) expect(r.reuses).toBeGreaterThan(0);
  }, 180_000);
});
