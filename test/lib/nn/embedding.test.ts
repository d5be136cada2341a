// nn.Embedding: PyTorch's constructor (options object or positional order), init N(0, 1), the
// padding row, state-dict key, shapes in a Sequential, and errors that name the layer.
import { describe, expect, it } from 'vitest';
import { Generator, nn, Tensor } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';

const ids = (values: number[], shape: number[]) => new Tensor(Float32Array.from(values), shape);

describe('nn.Embedding', () => {
  it('starts from N(0, 1) with the padding row zero, under PyTorch names', () => {
    const emb = new nn.Embedding(400, 50, { paddingIdx: 3, generator: new Generator(2) });
    expect(Object.keys(emb.stateDict())).toEqual(['weight']);
    expect(emb.weight.shape).toEqual([400, 50]);
    const w = emb.weight.data;
    expect(Array.from(w.subarray(150, 200))).toEqual(new Array(50).fill(0));
    let s = 0;
    let q = 0;
    for (const v of w) {
      s += v;
      q += v * v;
    }
    const n = w.length - 50;
    // Mean 0 and variance 1 within 5 standard errors (n = 19,950).
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(q / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(emb.paddingIdx).toBe(3);
  });

  it('normalises a negative paddingIdx as PyTorch (V + idx)', () => {
    const emb = new nn.Embedding(7, 3, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(6);
    expect(Array.from(emb.weight.data.subarray(18))).toEqual([0, 0, 0]);
    expect(() => new nn.Embedding(7, 3, { paddingIdx: -8 })).toThrow(
      new RangeError('Expected integer in [-7, 6] or null for paddingIdx but received -8 of type number'),
    );
    expect(() => new nn.Embedding(7, 3, { paddingIdx: 7 })).toThrow(RangeError);
  });

  it("takes PyTorch's positional order as well as the options object", () => {
    const a = new nn.Embedding(10, 4, 0, 1.5, 1, true);
    expect([a.paddingIdx, a.maxNorm, a.normType, a.scaleGradByFreq]).toEqual([0, 1.5, 1, true]);
    const b = new nn.Embedding(10, 4, null, null, 2, false, false);
    expect([b.paddingIdx, b.maxNorm, b.normType, b.scaleGradByFreq]).toEqual([null, null, 2, false]);
    const c = new nn.Embedding(10, 4, { paddingIdx: 0, maxNorm: 1.5, normType: 1, scaleGradByFreq: true });
    expect(c.getConfig()).toEqual({
      numEmbeddings: 10,
      embeddingDim: 4,
      paddingIdx: 0,
      maxNorm: 1.5,
      normType: 1,
      scaleGradByFreq: true,
    });
    expect(c.toString()).toBe('Embedding(10, 4, paddingIdx=0, maxNorm=1.5, normType=1, scaleGradByFreq=true)');
  });

  it('rejects arguments it does not take', () => {
    const E = nn.Embedding as unknown as new (...a: unknown[]) => nn.Embedding;
    expect(() => new E(10, 4, { padding_idx: 0 })).toThrow(
      new TypeError(
        'Embedding: unknown option "padding_idx"; the options are paddingIdx, maxNorm, normType, scaleGradByFreq, sparse, weight, generator',
      ),
    );
    expect(() => new E(10, 4, null, null, 2, false, false, 'extra')).toThrow(
      new TypeError(
        'Embedding: expected at most 7 arguments (numEmbeddings, embeddingDim, paddingIdx, maxNorm, normType, scaleGradByFreq, sparse) but received 8',
      ),
    );
    expect(() => new E(10, 4, {}, 1)).toThrow(TypeError);
    expect(() => new E(10, 4, 'a')).toThrow(
      new TypeError('Expected integer in [-10, 9] or null for paddingIdx but received "a" of type string'),
    );
    expect(() => new E(10, 4, { sparse: true })).toThrow(
      new RangeError('Expected false (gradients are dense) for sparse but received true of type boolean'),
    );
    expect(() => new E(0, 4)).toThrow(
      new RangeError('Expected integer in [1, 16777216] for numEmbeddings but received 0 of type number'),
    );
    expect(() => new E(2 ** 24 + 1, 4)).toThrow(RangeError);
    expect(() => new E(10, 2.5)).toThrow(RangeError);
    expect(() => new E('10', 4)).toThrow(TypeError);
  });

  it('looks up (*) ids to (*, D) and chains into Linear in a Sequential', () => {
    const emb = new nn.Embedding(5, 3, {
      weight: new Tensor(
        Float32Array.from({ length: 15 }, (_, i) => i),
        [5, 3],
      ),
    });
    const out = emb.call(ids([4, 0, 2, 2], [2, 2]));
    expect(out.shape).toEqual([2, 2, 3]);
    expect(Array.from(out.data)).toEqual([12, 13, 14, 0, 1, 2, 6, 7, 8, 6, 7, 8]);
    expect(emb.call(ids([1], [])).shape).toEqual([3]);
    const model = new nn.Sequential(new nn.Embedding(5, 3), new nn.Linear(3, 2));
    expect(model.build([-1, 7])).toEqual([-1, 7, 2]);
    expect(model.call(ids([1, 2, 3, 4, 0, 1, 2], [1, 7])).shape).toEqual([1, 7, 2]);
  });

  it('names the layer and the position of a bad id', () => {
    const emb = new nn.Embedding(5, 3);
    expect(() => emb.call(ids([0, 1, 2, 3, 4, 5], [2, 3]))).toThrow(
      new RangeError(
        'Expected integer in [0, 4] for the input of Embedding(5, 3) at [1, 2] but received 5 of type number',
      ),
    );
    expect(() => emb.call(ids([0.5], [1]))).toThrow(
      new RangeError(
        'Expected integer in [0, 4] for the input of Embedding(5, 3) at [0] but received 0.5 of type number',
      ),
    );
    expect(() => emb.forward([1, 2] as never)).toThrow(
      new TypeError('Expected Tensor for the input of Embedding(5, 3) but received Array(2)'),
    );
  });

  it('trains: the padding row stays zero and gets no gradient, maxNorm keeps looked-up rows within the norm', () => {
    const emb = new nn.Embedding(6, 4, { paddingIdx: 0, maxNorm: 1 });
    const out = emb.call(ids([0, 1, 2, 0, 5], [5]));
    out.backward(new Tensor(new Float32Array(20).fill(1), [5, 4]));
    expect(Array.from(emb.weight.grad!.data.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    for (const r of [1, 2, 5]) {
      const row = emb.weight.data.subarray(r * 4, r * 4 + 4);
      expect(Math.hypot(...row)).toBeLessThanOrEqual(1 + 1e-6);
    }
  });

  it('fromPretrained copies the table, frozen by default', () => {
    const table = new Tensor(Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]);
    const frozen = nn.Embedding.fromPretrained(table);
    expect(frozen.weight.requiresGrad).toBe(false);
    expect(frozen.weight.data).not.toBe(table.data);
    expectClose(frozen.call(ids([2], [1])).data, [5, 6]);
    const open = nn.Embedding.fromPretrained(table, { freeze: false, paddingIdx: 1 });
    expect(open.weight.requiresGrad).toBe(true);
    // A given table is kept as it is, padding row included (PyTorch's _weight).
    expectClose(open.weight.data, [1, 2, 3, 4, 5, 6]);
    expect(() => nn.Embedding.fromPretrained(new Tensor(new Float32Array(3), [3]))).toThrow(TypeError);
  });

  it('round-trips its state dict and shows in summary() as an embedding', () => {
    const a = new nn.Embedding(4, 2);
    const b = new nn.Embedding(4, 2);
    b.loadStateDict(a.stateDict());
    expect(Array.from(b.weight.data)).toEqual(Array.from(a.weight.data));
    const model = new nn.Sequential(new nn.Embedding(20, 8), new nn.Linear(8, 2));
    const s = nn.summarize(model, { inputShape: [-1, 5] });
    expect(s.rows[0]!.outputShape).toEqual([-1, 5, 8]);
    expect(s.rows[0]!.params).toBe(160);
  });
});
