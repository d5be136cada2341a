/**
 * The steady state of a training step (part of `npm run bench -- train`): after 20 warm-up steps,
 * `steps` more, the event loop turning after each one as it does in fit(). Per step: minor page
 * faults against the pages of the arrays the step's storage handed out (op outputs, gradients,
 * temporaries: memoryInfo().allocatedBytes), GC pause time (perf_hooks 'gc' entries), the part
 * the pool served and its fresh blocks; over the run: RSS growth.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as turn } from 'node:timers/promises';
import { losses, manualSeed, memoryInfo, type nn, optim, randn } from '../lib/index.js';
import type { Row } from './harness.js';

/** Sums the duration of GC pauses while it is open, and keeps the longest. */
export class GcTimer {
  ms = 0;
  maxMs = 0;
  readonly #observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.#add(e.duration);
  });

  #add(ms: number): void {
    this.ms += ms;
    this.maxMs = Math.max(this.maxMs, ms);
  }

  constructor() {
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  /** Stops observing; returns the total after the last entries arrive. */
  async close(): Promise<number> {
    await turn();
    for (const e of this.#observer.takeRecords()) this.#add(e.duration);
    this.#observer.disconnect();
    return this.ms;
  }
}

export interface SteadyCase {
  model: string;
  batch: number;
  build: () => nn.Module;
  sample: number[];
}

export async function steadyState(c: SteadyCase, steps: number): Promise<Row> {
  manualSeed(0);
  const model = c.build();
  model.train();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = randn([c.batch, ...c.sample]);
  const y = Int32Array.from({ length: c.batch }, (_, i) => (i * 7) % 10);
  const step = (): void => {
    const loss = losses.crossEntropy(model.call(x), y);
    opt.zeroGrad({ setToNone: false }); // as fit() and PyTorch 1.13's default: grads kept, written in place
    loss.backward();
    opt.step();
  };
  for (let i = 0; i < 20; i++) {
    step();
    await turn();
  }
  const before = memoryInfo();
  const gc = new GcTimer();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    step();
    await turn();
  }
  const seconds = (performance.now() - t0) / 1000;
  const gcMs = await gc.close();
  const after = memoryInfo();
  const faults = (after.minorPageFaults - before.minorPageFaults) / steps;
  const outPages = (after.allocatedBytes - before.allocatedBytes) / 4096 / steps;
  const poolPages = (after.servedBytes - before.servedBytes) / 4096 / steps;
  return {
    model: c.model,
    batch: c.batch,
    steps,
    'ms/step': (seconds * 1000) / steps,
    'faults/step': faults,
    'out pages/step': outPages,
    'pool pages/step': poolPages,
    'faults %': outPages > 0 ? (100 * faults) / outPages : 'n/a',
    'gc ms/step': gcMs / steps,
    'fresh blocks': after.freshAllocations - before.freshAllocations,
    'RSS growth MB': (after.rss - before.rss) / 2 ** 20,
    pool: after.pool,
  };
}
