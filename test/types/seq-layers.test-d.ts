// Compile-time shapes of the sequence layers: an Embedding gives [..., embeddingDim], which the
// next Linear checks; LayerNorm and LockedDropout keep the shape.
import { describe, expectTypeOf, it } from 'vitest';
import { nn, type Tensor, zeros } from '../../lib/index.js';

describe('sequence layers', () => {
  it('Embedding gives [..., D] and chains into Linear(D, *)', () => {
    const emb = new nn.Embedding(100, 16);
    expectTypeOf(emb).toEqualTypeOf<nn.Embedding<100, 16>>();
    expectTypeOf(emb.forward(zeros([2, 5]))).toEqualTypeOf<Tensor<readonly [...number[], 16]>>();
    expectTypeOf(emb.weight.shape).toEqualTypeOf<readonly [100, 16]>();
    const model = new nn.Sequential(
      emb,
      new nn.LockedDropout(0.3, { batchFirst: true }),
      new nn.LayerNorm(16),
      new nn.Linear(16, 4),
    );
    expectTypeOf(model.forward(zeros([2, 5]))).toEqualTypeOf<Tensor<readonly [...number[], 4]>>();
    // @ts-expect-error a 16-wide embedding into Linear(8→4)
    new nn.Sequential(new nn.Embedding(100, 16), new nn.Linear(8, 4));
    // @ts-expect-error the same through EmbeddingDropout
    new nn.Sequential(new nn.EmbeddingDropout(new nn.Embedding(100, 16), 0.1), new nn.Linear(8, 4));
  });

  it('LayerNorm keeps the shape', () => {
    expectTypeOf(new nn.LayerNorm(8).forward(zeros([3, 8]))).toEqualTypeOf<Tensor<readonly [3, 8]>>();
  });
});
