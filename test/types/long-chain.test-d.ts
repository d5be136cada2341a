// A 64-layer chain: beyond the compiler's limit of 50 for non-tail-recursive type
// instantiation, so it proves the chain types stay tail-recursive and eager.
import { describe, expectTypeOf, it } from 'vitest';
import { nn, type Tensor, zeros } from '../../lib/index.js';

describe('long chains', () => {
  it('type-check in both directions', () => {
    const model = new nn.Sequential(
      new nn.Linear(8, 9),
      new nn.ReLU(),
      new nn.Linear(9, 10),
      new nn.ReLU(),
      new nn.Linear(10, 11),
      new nn.ReLU(),
      new nn.Linear(11, 12),
      new nn.ReLU(),
      new nn.Linear(12, 13),
      new nn.ReLU(),
      new nn.Linear(13, 14),
      new nn.ReLU(),
      new nn.Linear(14, 15),
      new nn.ReLU(),
      new nn.Linear(15, 16),
      new nn.ReLU(),
      new nn.Linear(16, 17),
      new nn.ReLU(),
      new nn.Linear(17, 18),
      new nn.ReLU(),
      new nn.Linear(18, 19),
      new nn.ReLU(),
      new nn.Linear(19, 20),
      new nn.ReLU(),
      new nn.Linear(20, 21),
      new nn.ReLU(),
      new nn.Linear(21, 22),
      new nn.ReLU(),
      new nn.Linear(22, 23),
      new nn.ReLU(),
      new nn.Linear(23, 24),
      new nn.ReLU(),
      new nn.Linear(24, 25),
      new nn.ReLU(),
      new nn.Linear(25, 26),
      new nn.ReLU(),
      new nn.Linear(26, 27),
      new nn.ReLU(),
      new nn.Linear(27, 28),
      new nn.ReLU(),
      new nn.Linear(28, 29),
      new nn.ReLU(),
      new nn.Linear(29, 30),
      new nn.ReLU(),
      new nn.Linear(30, 31),
      new nn.ReLU(),
      new nn.Linear(31, 32),
      new nn.ReLU(),
      new nn.Linear(32, 33),
      new nn.ReLU(),
      new nn.Linear(33, 34),
      new nn.ReLU(),
      new nn.Linear(34, 35),
      new nn.ReLU(),
      new nn.Linear(35, 36),
      new nn.ReLU(),
      new nn.Linear(36, 37),
      new nn.ReLU(),
      new nn.Linear(37, 38),
      new nn.ReLU(),
      new nn.Linear(38, 39),
      new nn.ReLU(),
      new nn.Linear(39, 40),
      new nn.ReLU(),
    );
    expectTypeOf(model.forward(zeros([2, 8]))).toEqualTypeOf<Tensor<readonly [2, 40]>>();
    // @ts-expect-error the input width is checked against the first layer
    model.forward(zeros([2, 9]));
    // @ts-expect-error a mismatch after 64 layers is still found
    new nn.Sequential(model, new nn.Linear(41, 2));
  });
});
