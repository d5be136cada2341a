/**
 * Giving the event loop its turns during long work on the main thread. Kernels and the autograd
 * tape run synchronously, so a training loop blocks for the whole of each step; between steps it
 * asks `due()` and awaits `turn()` when it says so: a setImmediate, a macrotask, so timers, I/O
 * callbacks and incoming requests all run before the loop continues (a resolved promise would
 * only let other microtasks in).
 *
 * The budget bounds the time between two turns, not the time before the next one starts: due()
 * measures the step that just ended (the time since the previous due() or turn) and says yes
 * when another step of that length would take the time since the last turn past `budgetMs`.
 * Asking only whether the budget was already spent would let every turn come up to one step
 * late (a 5 ms budget with 3 ms steps gave turns 6 ms apart, 9 ms and more whenever a step ran
 * long or the collector paused inside it).
 */
import { performance } from 'node:perf_hooks';

export class EventLoopYielder {
  readonly budgetMs: number;
  #last = performance.now();
  #stepStart = this.#last;
  /** How many turns were given (for tests and benchmarks). */
  turns = 0;

  /** budgetMs: 0 yields after every step; Infinity never. */
  constructor(budgetMs: number) {
    this.budgetMs = budgetMs;
  }

  /**
   * Whether to turn now: called once after each step, it takes the time since the previous call
   * (or turn) as that step's length and says yes when the time since the last turn plus one
   * more such step would exceed the budget.
   */
  due(): boolean {
    if (this.budgetMs === Infinity) return false;
    const now = performance.now();
    const step = now - this.#stepStart;
    this.#stepStart = now;
    return now - this.#last + step > this.budgetMs || this.budgetMs === 0;
  }

  /** Lets the event loop run once (timers, I/O, other requests), then resumes. */
  async turn(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.turns++;
    this.#last = performance.now();
    this.#stepStart = this.#last;
  }
}
