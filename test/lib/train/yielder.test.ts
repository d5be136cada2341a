// The yielder's budget bounds the time between turns: it turns before a step of the length it
// just measured would overrun the budget. The clock is faked, so the decisions are exact.
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventLoopYielder } from '../../../lib/train/yielder.js';

let now = 1000;
function clock(): void {
  now = 1000;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('EventLoopYielder', () => {
  it('turns before the next step of the measured length would pass the budget', async () => {
    clock();
    const y = new EventLoopYielder(10);
    now += 4; // a 4 ms step: 4 spent, 8 after the next
    expect(y.due()).toBe(false);
    now += 4; // 8 spent, 12 after the next: turn now, not after it
    expect(y.due()).toBe(true);
    await y.turn();
    expect(y.turns).toBe(1);
    now += 2; // after the turn the count starts again
    expect(y.due()).toBe(false);
    now += 9; // a long step: 11 spent
    expect(y.due()).toBe(true);
  });

  it('measures each step from the previous call, not from the last turn', async () => {
    clock();
    const y = new EventLoopYielder(10);
    for (let i = 0; i < 4; i++) {
      now += 1;
      expect(y.due()).toBe(false); // 1 ms steps: due only once 9 are spent
    }
    now += 1;
    expect(y.due()).toBe(false); // 5 + 1 = 6
    now += 4; // a 4 ms step after 5: 9 + 4 > 10
    expect(y.due()).toBe(true);
  });

  it('yields after every step with a budget of 0 and never with Infinity', () => {
    clock();
    const every = new EventLoopYielder(0);
    const never = new EventLoopYielder(Infinity);
    for (let i = 0; i < 3; i++) {
      now += 1000;
      expect(every.due()).toBe(true);
      expect(never.due()).toBe(false);
    }
  });
});
