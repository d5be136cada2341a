// The spec's H3 on Concrete dropout's synthetic regression (scripts/concrete-regression.ts, the
// reference notebook's setup and schedule: 2000 epochs at N = 10, 2 at N = 10,000), with a
// network 32 wide instead of 1024 so that it runs in seconds (about 20 s on a loaded machine).
// The full-width numbers are in docs/learned-dropout.md.
import { expect, it } from 'vitest';
import { checkH3, concreteRegression } from '../../scripts/concrete-regression.js';

it('the input-layer rate stays in [0.03, 0.12] and the hidden rates fall by more than 0.1 from N = 10 to N = 10,000', () => {
  const small = concreteRegression(10, { width: 32 });
  const large = concreteRegression(10000, { width: 32 });
  expect(small.p).toHaveLength(5);
  expect(checkH3(small, large)).toEqual([]);
  // The dropout term dominates at N = 10 (dr = 2/N): the hidden rates climb towards 0.5.
  for (const p of small.p.slice(1)) expect(p).toBeGreaterThan(0.3);
}, 120_000);
