// nn.EmbeddingDropout: whole vocabulary rows dropped per call (every occurrence of a dropped id
// is zero, kept rows scaled by 1/(1-p)), the padding row stays zero, eval is the wrapped
// Embedding exactly without drawing, state-dict key `weight` shared with the Embedding.
import { describe, expect, it } from 'vitest';
import { Generator, nn, noGrad, Tensor } from '../../../../lib/index.js';
import { gradcheck } from '../../../helpers/gradcheck.js';

const ids = (values: number[], shape: number[]) => new Tensor(Float32Array.from(values), shape);

describe('nn.EmbeddingDropout', () => {
  it('shares the Embedding weight under the key a plain Embedding has', () => {
    const emb = new nn.Embedding(10, 4, { paddingIdx: 0 });
    const drop = new nn.EmbeddingDropout(emb, 0.1);
    expect(drop.weight).toBe(emb.weight);
    expect(drop.embedding).toBe(emb);
    const model = new nn.Sequential(drop, new nn.Linear(4, 2));
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '1.weight', '1.bias']);
    expect(model.parameters().length).toBe(3);
    expect(drop.toString()).toBe('EmbeddingDropout(p=0.1, 10, 4, paddingIdx=0)');
    expect(drop.dropoutRate).toBe(0.1);
    expect(drop.category).toBe('embedding');
  });

  it('drops every occurrence of a token id, keeps the padding row zero, and scales kept rows', () => {
    const emb = new nn.Embedding(12, 3, { paddingIdx: 0, generator: new Generator(3) });
    const drop = new nn.EmbeddingDropout(emb, 0.5, { seed: 8 });
    const x = ids(
      Array.from({ length: 48 }, (_, i) => (i * 5) % 12),
      [4, 12],
    );
    const plain = noGrad(() => emb.call(x));
    const out = noGrad(() => drop.call(x));
    const fate = new Map<number, boolean>();
    for (let i = 0; i < 48; i++) {
      const id = x.data[i]!;
      const row = Array.from(out.data.subarray(i * 3, i * 3 + 3));
      if (id === 0) {
        expect(row).toEqual([0, 0, 0]);
        continue;
      }
      const kept = row.some((v) => v !== 0);
      if (fate.has(id)) expect(fate.get(id), `token ${id}`).toBe(kept);
      fate.set(id, kept);
      expect(row).toEqual(Array.from(plain.data.subarray(i * 3, i * 3 + 3), (v) => (kept ? Math.fround(v * 2) : 0)));
    }
    expect([...fate.values()].some((k) => k)).toBe(true);
    expect([...fate.values()].some((k) => !k)).toBe(true);
  });

  it('draws a fresh mask per training call and nothing in eval', () => {
    const g = new Generator(5);
    const emb = new nn.Embedding(40, 2, { generator: new Generator(1) });
    const drop = new nn.EmbeddingDropout(emb, 0.5, { generator: g });
    const x = ids(
      Array.from({ length: 40 }, (_, i) => i),
      [40],
    );
    const a = noGrad(() => drop.call(x));
    const b = noGrad(() => drop.call(x));
    expect(g.offset).toBe(80);
    expect(Array.from(a.data)).not.toEqual(Array.from(b.data));
    drop.eval();
    expect(Array.from(noGrad(() => drop.call(x)).data)).toEqual(Array.from(noGrad(() => emb.call(x)).data));
    expect(g.offset).toBe(80);
  });

  it('p = 1 zeroes, p outside [0, 1] is a RangeError, and it takes only an Embedding', () => {
    const emb = new nn.Embedding(5, 2);
    const all = new nn.EmbeddingDropout(emb, 1);
    expect(Array.from(noGrad(() => all.call(ids([1, 2], [2]))).data)).toEqual([0, 0, 0, 0]);
    expect(() => new nn.EmbeddingDropout(emb, 1.5)).toThrow(
      new RangeError('Expected number in [0, 1] for p but received 1.5 of type number'),
    );
    expect(() => new nn.EmbeddingDropout(emb, -0.1)).toThrow(RangeError);
    expect(() => new nn.EmbeddingDropout(emb.weight as never, 0.1)).toThrow(
      new TypeError('Expected nn.Embedding for embedding but received Parameter'),
    );
    expect(() => new nn.EmbeddingDropout(emb, 0.1, { rate: 0.1 } as never)).toThrow(
      new TypeError('EmbeddingDropout: unknown option "rate"; the options are seed, generator'),
    );
    expect(() => all.call(ids([5], [1]))).toThrow(
      new RangeError(
        'Expected integer in [0, 4] for the input of EmbeddingDropout(p=1, Embedding(5, 2)) at [0] but received 5 of type number',
      ),
    );
  });

  it('has finite-difference gradients with the mask fixed by seed, none for the padding row', () => {
    const emb = new nn.Embedding(8, 3, { generator: new Generator(2) });
    const x = ids([1, 3, 3, 7, 2, 5], [2, 3]);
    const fn = (w: Tensor) => {
      const layer = new nn.EmbeddingDropout(emb, 0.4, { seed: 12 });
      layer.weight = w as nn.Parameter;
      return layer.call(x);
    };
    expect(gradcheck((w) => fn(w!), [new nn.Parameter(emb.weight)])).toBe(24);
    const padded = new nn.EmbeddingDropout(new nn.Embedding(8, 3, { paddingIdx: 3 }), 0.2, { seed: 1 });
    padded.call(ids([3, 3, 1], [3])).backward(new Tensor(new Float32Array(9).fill(1), [3, 3]));
    expect(Array.from(padded.weight.grad!.data.subarray(9, 12))).toEqual([0, 0, 0]);
  });
});
