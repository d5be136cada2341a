// examples/dropout-sweep.ts: independent trainings on a pool of worker threads give the same
// numbers as the same job trained on the calling thread. (Most of the time here is each worker
// compiling lib/ from TypeScript source; the trainings themselves take well under a second.)
import { describe, expect, it } from 'vitest';
import { sweep, trainOne } from '../../examples/dropout-sweep.js';

describe('dropout-rate sweep over worker threads', () => {
  it('runs every rate on its own worker, with the result of a training on this thread', async () => {
    const rates = [0, 0.5];
    const results = await sweep(rates, { workers: 2, epochs: 2 });
    expect(results.map((r) => r.p)).toEqual(rates);
    const threads = new Set(results.map((r) => r.threadId));
    expect(threads.has(0), 'no job ran on the main thread').toBe(false);
    expect(threads.size).toBe(2);
    const here = await trainOne({ p: 0.5, epochs: 2, seed: 1 });
    expect([results[1]!.valLoss, results[1]!.valAccuracy]).toEqual([here.valLoss, here.valAccuracy]);
    expect(results[0]!.valLoss).not.toBe(results[1]!.valLoss);
  }, 120_000);
});
