// summary()'s dropout advice for sequence models: element dropout straight after an embedding
// suggests EmbeddingDropout or LockedDropout; those (and whole-vector dropouts) draw no advice there.
import { describe, expect, it } from 'vitest';
import { nn } from '../../../../lib/index.js';

const codes = (m: nn.Module, inputShape: number[]): string[] =>
  nn.summarize(m, { inputShape }).advice.map((a) => `${a.layer}:${a.code}`);

describe('dropout advice after embeddings', () => {
  it('suggests EmbeddingDropout or LockedDropout for plain Dropout after an Embedding', () => {
    const model = new nn.Sequential(
      new nn.Embedding(50, 8),
      new nn.Dropout(0.1),
      new nn.Linear(8, 8),
      new nn.ReLU(),
      new nn.Linear(8, 2),
    );
    expect(codes(model, [-1, 6])).toEqual(['1:after-embedding']);
    const message = nn.summarize(model, { inputShape: [-1, 6] }).advice[0]!.message;
    expect(message).toMatch(/^1 Dropout\(p=0\.1\) drops single elements of embedding vectors \(0 Embedding\(50, 8\)\)/);
    expect(message).toContain('nn.EmbeddingDropout');
    expect(message).toContain('nn.LockedDropout');
  });

  it('says nothing about LockedDropout or SpatialDropout1d on the embedded sequence', () => {
    const locked = new nn.Sequential(
      new nn.Embedding(50, 8),
      new nn.LockedDropout(0.65, { batchFirst: true }),
      new nn.Linear(8, 8),
      new nn.ReLU(),
      new nn.Linear(8, 2),
    );
    expect(codes(locked, [-1, 6]).filter((c) => c.endsWith('after-embedding'))).toEqual([]);
    const spatial = new nn.Sequential(
      new nn.Embedding(50, 8),
      new nn.SpatialDropout1d(0.2),
      new nn.Linear(8, 8),
      new nn.ReLU(),
      new nn.Linear(8, 2),
    );
    expect(codes(spatial, [-1, 6])).toEqual([]);
  });

  it('treats EmbeddingDropout as an embedding: no input-rate advice on it, and advice for Dropout after it', () => {
    const emb = new nn.EmbeddingDropout(new nn.Embedding(50, 8), 0.3);
    const model = new nn.Sequential(emb, new nn.Dropout(0.1), new nn.Linear(8, 8), new nn.ReLU(), new nn.Linear(8, 2));
    expect(codes(model, [-1, 6])).toEqual(['1:after-embedding']);
    const clean = new nn.Sequential(
      new nn.EmbeddingDropout(new nn.Embedding(50, 8), 0.3),
      new nn.Linear(8, 8),
      new nn.ReLU(),
      new nn.Linear(8, 2),
    );
    expect(codes(clean, [-1, 6])).toEqual([]);
    // It is still listed among the dropout layers, with its rate.
    expect(nn.summarize(clean, { inputShape: [-1, 6] }).dropoutLayers).toEqual([
      { name: '0', layer: 'EmbeddingDropout(p=0.3, Embedding(50, 8))', rate: 0.3, training: true },
    ]);
  });
});
