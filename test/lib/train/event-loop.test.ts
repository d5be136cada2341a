// fit() leaves the event loop free: a 5 ms interval keeps ticking through a fit that takes
// hundreds of milliseconds (the tight latency numbers live in `npm run bench -- train`), and
// abort() from a timer stops it at the next batch boundary.
import { describe, expect, it } from 'vitest';
import { manualSeed, nn } from '../../../lib/index.js';
import { blobs } from '../../helpers/train.js';

function model(): nn.Sequential {
  manualSeed(1);
  return new nn.Sequential(
    new nn.Linear(32, 64),
    new nn.ReLU(),
    new nn.Linear(64, 64),
    new nn.ReLU(),
    new nn.Linear(64, 4),
  );
}

const { x, y } = blobs(2048, 32, 4, 1);

/** Runs fit for at least `ms` milliseconds while counting 5 ms interval ticks. */
async function ticksDuring(
  yieldEveryMs: number,
  ms: number,
): Promise<{ ticks: number; elapsed: number; epochs: number }> {
  const m = model();
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
  }, 5);
  const start = performance.now();
  let epochs = 0;
  try {
    while (performance.now() - start < ms) {
      await m.fit(x, y, { loss: 'crossEntropy', epochs: 1, batchSize: 32, verbose: 0, yieldEveryMs });
      epochs++;
    }
  } finally {
    clearInterval(timer);
  }
  return { ticks, elapsed: performance.now() - start, epochs };
}

describe('fit and the event loop', () => {
  it('lets a 5 ms interval tick throughout training', async () => {
    const { ticks, elapsed } = await ticksDuring(5, 300);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    // Ideally elapsed / 5 (60 or more); the bound leaves room for a loaded machine.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 5 / 4));
  });

  it('blocks the interval when told never to yield (so the ticks above are fit yielding)', async () => {
    const { ticks, epochs } = await ticksDuring(Infinity, 1);
    expect(epochs).toBe(1);
    // One epoch with no turns: the interval can only fire when fit has returned, or
    // when a callback-free await happens at the start (none here).
    expect(ticks).toBeLessThanOrEqual(1);
  });

  it('aborts at the next batch boundary when a timer calls abort()', async () => {
    const m = model();
    const controller = new AbortController();
    let batches = 0;
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    const run = m.fit(x, y, {
      loss: 'crossEntropy',
      epochs: 1000,
      batchSize: 32,
      verbose: 0,
      signal: controller.signal,
      callbacks: [
        {
          onBatchEnd: () => {
            batches++;
          },
        },
      ],
    });
    const error = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(batches).toBeGreaterThan(0);
    expect(m.history!.aborted).toBe(true);
  });
});
