// Argument checks of the optimizer kernels: same errors, same texts, from both backends.
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable, type Backend } from '../../lib/index.js';

const f = (n: number) => new Float32Array(n);
const shared = new Float32Array(16);

type Case = [string, (k: Backend) => unknown, typeof TypeError | typeof RangeError, string];

const CASES: Case[] = [
  [
    'sgd arity',
    (k) => (k.sgdStep as (...a: unknown[]) => void)(f(1), null, f(1)),
    TypeError,
    'sgdStep(param, momentumBuffer, grad, lr, weightDecay, momentum, dampening, nesterov, maximize, init, n): expected 11 arguments but received 3',
  ],
  [
    'sgd negative lr',
    (k) => k.sgdStep(f(2), null, f(2), -0.1, 0, 0, 0, false, false, true, 2),
    RangeError,
    'Expected finite non-negative number for lr but received -0.1 of type number',
  ],
  [
    'sgd NaN lr',
    (k) => k.sgdStep(f(2), null, f(2), Number.NaN, 0, 0, 0, false, false, true, 2),
    RangeError,
    'Expected finite non-negative number for lr but received NaN of type number',
  ],
  [
    'sgd dampening 2',
    (k) => k.sgdStep(f(2), f(2), f(2), 0.1, 0, 0.9, 2, false, false, true, 2),
    RangeError,
    'Expected number in [0, 1] for dampening but received 2 of type number',
  ],
  [
    'sgd momentum without buffer',
    (k) => k.sgdStep(f(2), null, f(2), 0.1, 0, 0.9, 0, false, false, true, 2),
    TypeError,
    'Expected Float32Array for momentumBuffer but received null (momentum is not 0)',
  ],
  [
    'sgd buffer of wrong kind',
    (k) => k.sgdStep(f(2), new Float64Array(2) as never, f(2), 0.1, 0, 0.9, 0, false, false, true, 2),
    TypeError,
    'Expected Float32Array or null for momentumBuffer but received Float64Array(2)',
  ],
  [
    'sgd nesterov not boolean',
    (k) => k.sgdStep(f(2), null, f(2), 0.1, 0, 0, 0, 1 as never, false, true, 2),
    TypeError,
    'Expected boolean for nesterov but received 1 of type number',
  ],
  [
    'sgd short grad',
    (k) => k.sgdStep(f(4), null, f(3), 0.1, 0, 0, 0, false, false, true, 4),
    RangeError,
    'Expected Float32Array of at least 4 elements for grad but received Float32Array(3)',
  ],
  [
    'sgd empty buffer',
    (k) => k.sgdStep(f(4), f(0), f(4), 0.1, 0, 0.9, 0, false, false, true, 4),
    RangeError,
    'Expected Float32Array of at least 4 elements for momentumBuffer but received Float32Array(0)',
  ],
  [
    'sgd param aliases grad',
    (k) => k.sgdStep(shared.subarray(0, 8), null, shared.subarray(4, 12), 0.1, 0, 0, 0, false, false, true, 8),
    RangeError,
    'Expected param and grad not to overlap but they share memory',
  ],
  [
    'adam beta1 1.5',
    (k) => k.adamStep(f(2), f(2), f(2), null, f(2), 1e-3, 1.5, 0.999, 1e-8, 0, false, 1, false, 2),
    RangeError,
    'Expected number in [0, 1] for beta1 but received 1.5 of type number',
  ],
  [
    'adam step 0',
    (k) => k.adamStep(f(2), f(2), f(2), null, f(2), 1e-3, 0.9, 0.999, 1e-8, 0, false, 0, false, 2),
    RangeError,
    'Expected integer in [1, 9007199254740991] for step but received 0 of type number',
  ],
  [
    'adam m same as v',
    (k) => {
      const b = f(2);
      k.adamStep(f(2), b, b, null, f(2), 1e-3, 0.9, 0.999, 1e-8, 0, false, 1, false, 2);
    },
    RangeError,
    'Expected m and v not to overlap but they share memory',
  ],
  [
    'adam short vmax',
    (k) => k.adamStep(f(3), f(3), f(3), f(2), f(3), 1e-3, 0.9, 0.999, 1e-8, 0, false, 1, false, 3),
    RangeError,
    'Expected Float32Array of at least 3 elements for vmax but received Float32Array(2)',
  ],
  [
    'rmsprop eps string',
    (k) => k.rmspropStep(f(2), f(2), null, null, f(2), 1e-2, 0.99, '1e-8' as never, 0, 0, false, 2),
    TypeError,
    'Expected finite non-negative number for eps but received "1e-8" of type string',
  ],
  [
    'adagrad fractional step',
    (k) => k.adagradStep(f(2), f(2), f(2), 1e-2, 0, 0, 1e-10, 1.5, false, 2),
    RangeError,
    'Expected integer in [1, 9007199254740991] for step but received 1.5 of type number',
  ],
  [
    'sumSquares short',
    (k) => k.sumSquares(f(2), 3),
    RangeError,
    'Expected Float32Array of at least 3 elements for x but received Float32Array(2)',
  ],
];

const backends: [string, () => Backend][] = [['js', () => kernels('js')]];
if (nativeAvailable()) backends.push(['native', () => kernels('native')]);

for (const [name, get] of backends) {
  describe(`${name} optimizer kernel argument checks`, () => {
    it.each(CASES)('%s', (_label, call, error, message) => {
      let thrown: unknown;
      try {
        call(get());
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(error);
      expect((thrown as Error).message).toBe(message);
    });
  });
}
