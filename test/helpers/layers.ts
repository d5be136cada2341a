/**
 * Test-only stand-ins for layers that other parts of dropnet provide (dropout, batch norm,
 * embedding): just enough behaviour for Module's mode checks and summary()'s dropout guidance,
 * which read a layer's `category` and `dropoutRate` and never its class.
 */
import { Module, type ModuleCategory } from '../../lib/nn/module.js';
import { Parameter } from '../../lib/nn/parameter.js';
import { ops, type Shape, Tensor, zeros } from '../../lib/index.js';

/** Drops every other element in training (scaled by 2), the identity in eval: deterministic on purpose. */
export class FakeDropout extends Module {
  declare readonly '~shapes': { readonly kind: 'same' };
  constructor(readonly p: number) {
    super();
  }
  override get category(): ModuleCategory {
    return 'dropout';
  }
  override get dropoutRate(): number {
    return this.p;
  }
  override get layerName(): string {
    return `FakeDropout(p=${this.p})`;
  }
  override computeOutputShape(s: Shape): Shape {
    return s;
  }
  override forward<S extends Shape>(x: Tensor<S>): Tensor<S> {
    if (!this.training) return x;
    const mask = new Float32Array(x.size).map((_, i) => (i % 2 === 0 ? 0 : 2));
    return ops.mul(x, new Tensor(mask, x.shape)) as Tensor<S>;
  }
}

/** Per-feature scale and shift with a running-mean buffer (not updated): the shape of a batch norm. */
export class FakeBatchNorm extends Module {
  declare readonly '~shapes': { readonly kind: 'same' };
  weight: Parameter;
  bias: Parameter;
  declare runningMean: Tensor;
  constructor(readonly features: number) {
    super();
    this.weight = new Parameter(new Tensor(new Float32Array(features).fill(1), [features]));
    this.bias = new Parameter(zeros([features]));
    this.registerBuffer('runningMean', zeros([features]));
  }
  override get category(): ModuleCategory {
    return 'batchnorm';
  }
  override computeOutputShape(s: Shape): Shape {
    return s;
  }
  override forward(x: Tensor): Tensor {
    return ops.add(ops.mul(x, this.weight), this.bias);
  }
}

/** Rows of a table picked by integer ids: the shape of an embedding. */
export class FakeEmbedding extends Module {
  weight: Parameter;
  constructor(
    readonly count: number,
    readonly dim: number,
  ) {
    super();
    this.weight = new Parameter(
      new Tensor(
        new Float32Array(count * dim).map((_, i) => i / 10),
        [count, dim],
      ),
    );
  }
  override get category(): ModuleCategory {
    return 'embedding';
  }
  override computeOutputShape(s: Shape): Shape {
    return [...s, this.dim];
  }
  override forward(ids: Tensor): Tensor {
    const rows = ids.size;
    const out = new Float32Array(rows * this.dim);
    for (let r = 0; r < rows; r++)
      out.set(this.weight.data.subarray(ids.data[r]! * this.dim, (ids.data[r]! + 1) * this.dim), r * this.dim);
    return new Tensor(out, [...ids.shape, this.dim]);
  }
}
