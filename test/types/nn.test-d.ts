// Compile-time shape checks: each `@ts-expect-error` line must fail to type-check (tsc reports
// an unused directive otherwise), and each expectTypeOf must hold. Run by `npx vitest run`
// (typecheck is enabled for test/**/*.test-d.ts) and by `tsc -p tsconfig.test.json`.
import { describe, expectTypeOf, it } from 'vitest';
import { nn, type Shape, type Tensor, tensor, zeros } from '../../lib/index.js';

declare const batch: Tensor<readonly [number, 784]>;
declare const anyShape: Tensor;

describe('Linear', () => {
  it('maps [B, 784] to [B, 256], keeping the batch type', () => {
    const fc = new nn.Linear(784, 256);
    expectTypeOf(fc).toEqualTypeOf<nn.Linear<784, 256>>();
    expectTypeOf(fc.forward(batch)).toEqualTypeOf<Tensor<readonly [number, 256]>>();
    expectTypeOf(fc.forward(zeros([64, 784]))).toEqualTypeOf<Tensor<readonly [64, 256]>>();
    expectTypeOf(fc.call(zeros([64, 784]))).toEqualTypeOf<Tensor<readonly [64, 256]>>();
    expectTypeOf(fc.predict(zeros([2, 3, 784]))).toEqualTypeOf<Tensor<readonly [2, 3, 256]>>();
    expectTypeOf(fc.weight.shape).toEqualTypeOf<readonly [256, 784]>();
  });

  it('rejects another input width', () => {
    const fc = new nn.Linear(784, 256);
    // @ts-expect-error 785 features into Linear(784→256)
    fc.forward(zeros([64, 785]));
    // @ts-expect-error also through call
    fc.call(zeros([64, 785]));
    // @ts-expect-error and predict
    fc.predict(tensor([1, 2, 3], [1, 3]));
  });

  it('accepts shapes it cannot know at compile time', () => {
    const fc = new nn.Linear(784, 256);
    expectTypeOf(fc.forward(anyShape)).toEqualTypeOf<Tensor<readonly [...number[], 256]>>();
    const n: number = 10;
    const dynamic = new nn.Linear(n, 3);
    expectTypeOf(dynamic.forward(zeros([4, 785]))).toEqualTypeOf<Tensor<readonly [4, 3]>>();
  });
});

describe('Sequential', () => {
  it('checks consecutive layers', () => {
    // @ts-expect-error Linear(128→10) cannot follow Linear(784→256)
    new nn.Sequential(new nn.Linear(784, 256), new nn.Linear(128, 10));
    // @ts-expect-error shape-preserving layers in between do not hide the mismatch
    new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.GELU(), new nn.Linear(128, 10));
    // @ts-expect-error nested Sequentials are checked too
    new nn.Sequential(new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU()), new nn.Linear(9, 2));
    const ok = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
    expectTypeOf(ok.forward(batch)).toEqualTypeOf<Tensor<readonly [number, 10]>>();
    expectTypeOf(ok.call(zeros([32, 784]))).toEqualTypeOf<Tensor<readonly [32, 10]>>();
  });

  it('rejects an input the first layer cannot take', () => {
    const ok = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
    // @ts-expect-error 785 features into a model that starts with Linear(784→256)
    ok.forward(zeros([32, 785]));
    const deep = new nn.Sequential(new nn.Tanh(), new nn.Sequential(new nn.Linear(3, 5)));
    // @ts-expect-error the first weighted layer may sit inside a nested Sequential
    deep.forward(zeros([2, 4]));
    expectTypeOf(deep.forward(zeros([2, 3]))).toEqualTypeOf<Tensor<readonly [2, 5]>>();
  });

  it('stops checking where sizes are unknown (Flatten, hand-written modules, number sizes)', () => {
    class Custom extends nn.Module {
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const flat = new nn.Sequential(new nn.Flatten(), new nn.Linear(12, 2), new Custom(), new nn.Linear(7, 3));
    expectTypeOf(flat.forward(zeros([2, 3, 4]))).toEqualTypeOf<Tensor<readonly [...number[], 3]>>();
    const n: number = 5;
    new nn.Sequential(new nn.Linear(4, n), new nn.Linear(8, 3));
    const layers: nn.Module[] = [new nn.Linear(1, 2)];
    expectTypeOf(new nn.Sequential(...layers).forward(anyShape)).toEqualTypeOf<Tensor<Shape>>();
  });

  it('indexes layers with their types and stays assignable to nn.Sequential', () => {
    const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    expectTypeOf(seq.at(0)).toEqualTypeOf<nn.Linear<3, 4>>();
    expectTypeOf(seq.at(2).weight.shape).toEqualTypeOf<readonly [2, 4]>();
    expectTypeOf(seq.at(-1)).toEqualTypeOf<nn.Module>();
    expectTypeOf(seq[0]).toEqualTypeOf<nn.Module | undefined>();
    const general: nn.Sequential = seq;
    const module: nn.Module = general;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expectTypeOf(module.forward).toEqualTypeOf<(input: Tensor, ...more: any[]) => Tensor>();
  });
});

describe('Module subclasses', () => {
  it('may declare a forward of several inputs, and call() takes them', () => {
    class Pair extends nn.Module {
      forward(a: Tensor, b: Tensor): Tensor {
        return a.add(b);
      }
    }
    const m = new Pair();
    expectTypeOf(m.call).parameters.toEqualTypeOf<[a: Tensor, b: Tensor]>();
    // @ts-expect-error: the second input is missing
    m.call(zeros([1]));
  });
});

describe('shape-preserving layers and Module', () => {
  it('pass any shape through', () => {
    expectTypeOf(new nn.ReLU().forward(zeros([2, 3, 5]))).toEqualTypeOf<Tensor<readonly [2, 3, 5]>>();
    expectTypeOf(new nn.Softmax(1).call(zeros([4, 10]))).toEqualTypeOf<Tensor<readonly [4, 10]>>();
    expectTypeOf(new nn.Identity().forward(batch)).toEqualTypeOf<typeof batch>();
  });

  it('a subclass writes forward by hand; train() returns the subclass', () => {
    class Net extends nn.Module {
      fc1 = new nn.Linear(20, 64);
      fc2 = new nn.Linear(64, 2);
      forward(x: Tensor<readonly [number, 20]>): Tensor<readonly [number, 2]> {
        return this.fc2.call(this.fc1.call(x));
      }
    }
    const net = new Net();
    expectTypeOf(net.train()).toEqualTypeOf<Net>();
    expectTypeOf(net.eval().fc1).toEqualTypeOf<nn.Linear<20, 64>>();
    expectTypeOf(net.call(zeros([8, 20]))).toEqualTypeOf<Tensor<readonly [number, 2]>>();
    // @ts-expect-error call has forward's parameter types
    net.call(zeros([8, 21]));
    // @ts-expect-error train takes a boolean
    net.train('yes');
  });
});
