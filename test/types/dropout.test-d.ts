// Compile-time shapes through the dropout family: every dropout layer passes any shape
// through (so typed chains keep checking across it), DropConnect checks its input width as
// Linear does. Each `@ts-expect-error` line must fail to type-check.
import { describe, expectTypeOf, it } from 'vitest';
import { nn, ops, type Tensor, zeros } from '../../lib/index.js';

declare const batch: Tensor<readonly [number, 784]>;

describe('dropout layers in typed chains', () => {
  it('pass the shape through, so a mismatch after them still fails', () => {
    const model = new nn.Sequential(
      new nn.Linear(784, 256),
      new nn.ReLU(),
      new nn.Dropout(0.5),
      new nn.Linear(256, 10),
    );
    expectTypeOf(model.forward(batch)).toEqualTypeOf<Tensor<readonly [number, 10]>>();
    // @ts-expect-error Linear(128→10) cannot follow Linear(784→256), dropout in between or not
    new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(128, 10));
    const { Linear: L, AlphaDropout: AD, GaussianNoise: GN, GaussianDropout: GD } = nn;
    // @ts-expect-error nor through the other members of the family
    new nn.Sequential(new L(8, 4), new AD(), new GN(0.1), new GD(0.2), new L(5, 2));
    new nn.Sequential(new L(8, 4), new AD(), new GN(0.1), new GD(0.2), new L(4, 2));
  });

  it('keep the exact tensor type', () => {
    const x = zeros([2, 3, 4, 5]);
    expectTypeOf(new nn.Dropout().forward(x)).toEqualTypeOf<Tensor<readonly [2, 3, 4, 5]>>();
    expectTypeOf(new nn.Dropout2d(0.1).call(x)).toEqualTypeOf<Tensor<readonly [2, 3, 4, 5]>>();
    expectTypeOf(new nn.SpatialDropout2d(0.1).predict(x)).toEqualTypeOf<Tensor<readonly [2, 3, 4, 5]>>();
    expectTypeOf(new nn.FeatureAlphaDropout().forward(x)).toEqualTypeOf<Tensor<readonly [2, 3, 4, 5]>>();
    expectTypeOf(ops.dropout(x, { p: 0.5, training: true })).toEqualTypeOf<Tensor<readonly [2, 3, 4, 5]>>();
    expectTypeOf(ops.dropout2d(x, { training: false })).toEqualTypeOf<Tensor<readonly [2, 3, 4, 5]>>();
    // @ts-expect-error the training flag is required
    ops.dropout(x, { p: 0.5 });
    // @ts-expect-error Gaussian dropout has no default rate
    ops.gaussianDropout(x, { training: true });
  });

  it('check DropConnect like Linear', () => {
    const ok = new nn.Sequential(new nn.DropConnect(784, 256, { p: 0.5 }), new nn.ReLU(), new nn.Linear(256, 10));
    expectTypeOf(ok.forward(batch)).toEqualTypeOf<Tensor<readonly [number, 10]>>();
    // @ts-expect-error DropConnect(128→10) cannot follow Linear(784→256)
    new nn.Sequential(new nn.Linear(784, 256), new nn.DropConnect(128, 10));
    // @ts-expect-error 785 features into DropConnect(784→256)
    new nn.DropConnect(784, 256).forward(zeros([1, 785]));
  });
});
