// summary()'s dropout advice for sequence models: element dropout straight after an embedding
// suggests EmbeddingDropout or LockedDropout; those (and whole-vector dropouts) draw no advice there.
import { describe, expect, it, vi } from 'vitest';
import { nn, type Tensor } from '../../../../lib/index.js';

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

describe('dropout advice on recurrent layers', () => {
  class Tagger extends nn.Module {
    readonly emb = new nn.Embedding(20, 4);
    readonly rnn: nn.LSTM;
    readonly out = new nn.Linear(6, 3);
    constructor(options: nn.LSTMOptions) {
      super();
      this.rnn = new nn.LSTM({ inputSize: 4, hiddenSize: 6, batchFirst: true, ...options });
    }
    override forward(ids: Tensor): Tensor {
      const [h] = this.rnn.forward(this.emb.call(ids));
      return this.out.call(h);
    }
  }

  it("warns that PyTorch's inter-layer dropout does nothing with one layer, and names the in-layer options", () => {
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const one = new Tagger({ dropout: 0.3 });
      expect(codes(one, [-1, 5])).toEqual(['rnn:recurrent-one-layer']);
      const message = nn.summarize(one, { inputShape: [-1, 5] }).advice[0]!.message;
      expect(message).toMatch(/^rnn LSTM\(4→6\) has dropout 0\.3 but one layer/);
      expect(message).toContain('recurrentDropout');
      expect(codes(new Tagger({ dropout: 0.3, numLayers: 2 }), [-1, 5])).toEqual([]);
      expect(codes(new Tagger({ recurrentDropout: 0.3 }), [-1, 5])).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});
