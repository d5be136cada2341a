/**
 * Giving the event loop its turns during long work on the main thread. Kernels and the autograd
 * tape run synchronously, so a training loop blocks for the whole of each step; between steps it
 * asks `due()` and, once `budgetMs` has passed since the last turn, awaits `turn()`: a
 * setImmediate, a macrotask, so timers, I/O callbacks and incoming requests all run before the
 * loop continues (a resolved promise would only let other microtasks in).
 */
import { performance } from 'node:perf_hooks';

export class EventLoopYielder {
  readonly budgetMs: number;
  #last = performance.now();
  /** How many turns were given (for tests and benchmarks). */
  turns = 0;

  /** budgetMs: 0 yields after every step; Infinity never. */
  constructor(budgetMs: number) {
    this.budgetMs = budgetMs;
  }

  /** Whether the budget since the last turn is spent. */
  due(): boolean {
    return this.budgetMs !== Infinity && performance.now() - this.#last >= this.budgetMs;
  }

  /** Lets the event loop run once (timers, I/O, other requests), then resumes. */
  async turn(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.turns++;
    this.#last = performance.now();
  }
}
