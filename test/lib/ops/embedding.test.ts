// ops.embedding and ops.embeddingDropout against PyTorch 1.13 (test/fixtures/seq-layers.json,
// written by scripts/fixtures/gen_seq_layers.py), finite-difference gradients, and the index checks.
import { describe, expect, it } from 'vitest';
import { Generator, noGrad, ops, Tensor } from '../../../lib/index.js';
import { embeddingWithRowScale, rowMask } from '../../../lib/ops/embedding.js';
import { expectClose } from '../../helpers/expect-close.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';
import { decode, type Encoded, loadFixture } from '../../helpers/fixtures.js';

interface EmbeddingCase {
  name: string;
  num: number;
  dim: number;
  options: {
    paddingIdx: number | null;
    maxNorm: number | null;
    normType?: number | 'inf' | null;
    scaleGradByFreq?: boolean;
  };
  torchPaddingIdx: number | null;
  indices: Encoded;
  weight: Encoded;
  weightAfter: Encoded;
  out: Encoded;
  dy: Encoded;
  dweight: Encoded;
}

interface Fixture {
  embedding: EmbeddingCase[];
  renormAnchor: number[];
  embeddingDropout: (EmbeddingCase & { p: number; keep: number[] })[];
}

const fixture = loadFixture<Fixture>('seq-layers.json');

function optionsOf(c: EmbeddingCase): ops.EmbeddingOptions {
  const o = c.options;
  return {
    paddingIdx: o.paddingIdx,
    maxNorm: o.maxNorm,
    // JSON has no Infinity: the fixture writes an infinite norm type as "inf".
    ...(o.normType === undefined || o.normType === null
      ? {}
      : { normType: o.normType === 'inf' ? Infinity : o.normType }),
    ...(o.scaleGradByFreq === undefined ? {} : { scaleGradByFreq: o.scaleGradByFreq }),
  };
}

describe('embedding against torch 1.13', () => {
  it.each(fixture.embedding.map((c) => [c.name, c] as const))(
    '%s: output, in-place renorm, weight gradient',
    (_name, c) => {
      const weight = decode(c.weight, true);
      const indices = decode(c.indices);
      const out = ops.embedding(indices, weight, optionsOf(c));
      expect(out.shape).toEqual(c.out.shape);
      expectClose(out.data, c.out.data, { atol: 1e-6, rtol: 1e-6, context: { case: c.name } });
      expectClose(weight.data, c.weightAfter.data, {
        atol: 1e-6,
        rtol: 1e-6,
        context: { case: c.name, what: 'weight after' },
      });
      out.backward(decode(c.dy));
      expectClose(weight.grad!.data, c.dweight.data, {
        atol: 1e-5,
        rtol: 1e-6,
        context: { case: c.name, what: 'dweight' },
      });
    },
  );

  it('renormalises [3, 4] to [0.6, 0.8] and leaves rows not looked up alone', () => {
    const weight = new Tensor(Float32Array.of(3, 4, 0.3, 0.4), [2, 2]);
    ops.embedding(new Tensor(Float32Array.of(0), [1]), weight, { maxNorm: 1 });
    expectClose(weight.data, fixture.renormAnchor, { atol: 1e-7 });
    const big = new Tensor(Float32Array.of(3, 4, 30, 40), [2, 2]);
    ops.embedding(new Tensor(Float32Array.of(0, 0), [2]), big, { maxNorm: 1 });
    expect(Array.from(big.data.subarray(2))).toEqual([30, 40]);
  });

  it('paddingIdx rows get zero gradient even when repeated, and the indices get none', () => {
    const weight = leaf([5, 3], 1);
    const indices = new Tensor(Float32Array.of(4, 4, 1, 4), [4], { requiresGrad: true });
    const out = ops.embedding(indices, weight, { paddingIdx: -1 });
    out.backward(new Tensor(new Float32Array(12).fill(1), [4, 3]));
    expect(Array.from(weight.grad!.data.subarray(12))).toEqual([0, 0, 0]);
    expect(Array.from(weight.grad!.data.subarray(3, 6))).toEqual([1, 1, 1]);
    expect(indices.grad).toBeNull();
  });
});

describe('embedding gradients by finite differences', () => {
  const ids = [0, 2, 2, 5, 1, 2, 0, 4];
  it('plain lookup', () => {
    const indices = new Tensor(Float32Array.from(ids), [2, 4]);
    expect(gradcheck((w) => ops.embedding(indices, w!), [leaf([6, 3], 3)])).toBe(18);
  });

  it('paddingIdx: its row gets 0 (by definition), the others their true gradient', () => {
    const weight = leaf([6, 3], 3);
    const y = ops.embedding(new Tensor(Float32Array.from(ids), [2, 4]), weight, { paddingIdx: 2 });
    y.backward(new Tensor(new Float32Array(y.size).fill(1), y.shape));
    expect(Array.from(weight.grad!.data.subarray(6, 9))).toEqual([0, 0, 0]);
    // Finite differences through indices that do not reach the padding row.
    const others = new Tensor(
      Float32Array.from(ids, (v) => (v === 2 ? 3 : v)),
      [2, 4],
    );
    expect(gradcheck((w) => ops.embedding(others, w!, { paddingIdx: 2 }), [leaf([6, 3], 3)])).toBe(18);
  });

  it('scaleGradByFreq: the true gradient divided by the index frequency (not a derivative, by design)', () => {
    const indices = new Tensor(Float32Array.from(ids), [2, 4]);
    const plain = leaf([6, 3], 4);
    expect(gradcheck((w) => ops.embedding(indices, w!), [plain])).toBe(18);
    const scaled = leaf([6, 3], 4);
    gradcheck((w) => ops.embedding(indices, w!, { scaleGradByFreq: true }), [scaled], { atol: Infinity });
    const counts = [2, 1, 3, 0, 1, 1];
    for (let i = 0; i < 18; i++) {
      const c = counts[Math.floor(i / 3)]!;
      expect(scaled.grad!.data[i]).toBeCloseTo(c === 0 ? 0 : plain.grad!.data[i]! / c, 6);
    }
  });
});

describe('embedding index checks', () => {
  const weight = new Tensor(new Float32Array(12), [4, 3]);
  it('rejects an index out of range naming the position and the value', () => {
    const ids = new Tensor(Float32Array.of(0, 1, 2, 3, 4, 0), [2, 3]);
    expect(() => ops.embedding(ids, weight)).toThrow(
      new RangeError('Expected integer in [0, 3] for indices at [1, 1] but received 4 of type number'),
    );
    expect(() => ops.embedding(new Tensor(Float32Array.of(-1), [1]), weight)).toThrow(
      new RangeError('Expected integer in [0, 3] for indices at [0] but received -1 of type number'),
    );
  });

  it('rejects non-integer and NaN indices', () => {
    expect(() => ops.embedding(new Tensor(Float32Array.of(1, 1.5), [2]), weight)).toThrow(
      new RangeError('Expected integer in [0, 3] for indices at [1] but received 1.5 of type number'),
    );
    expect(() => ops.embedding(new Tensor(Float32Array.of(Number.NaN), []), weight)).toThrow(
      new RangeError('Expected integer in [0, 3] for indices at [] but received NaN of type number'),
    );
  });

  it('rejects bad weights and options, and options it does not take', () => {
    const ids = new Tensor(Float32Array.of(1), [1]);
    expect(() => ops.embedding(ids, new Tensor(new Float32Array(4), [4]))).toThrow(
      'embedding: expected weight of shape [numEmbeddings, embeddingDim] but received [4]',
    );
    expect(() => ops.embedding(ids, weight, { paddingIdx: 4 })).toThrow(
      new RangeError('Expected integer in [-4, 3] or null for paddingIdx but received 4 of type number'),
    );
    expect(() => ops.embedding(ids, weight, { maxNorm: -1 })).toThrow(RangeError);
    expect(() => ops.embedding(ids, weight, { normType: 0 })).toThrow(RangeError);
    expect(() => ops.embedding(ids, weight, { padding_idx: 0 } as never)).toThrow(
      new TypeError(
        'embedding: unknown option "padding_idx"; the options are paddingIdx, maxNorm, normType, scaleGradByFreq',
      ),
    );
    expect(() => ops.embedding([1] as never, weight)).toThrow(TypeError);
  });
});

describe('embedding dropout (row masks)', () => {
  it.each(fixture.embeddingDropout.map((c) => [c.name, c] as const))(
    'matches torch for a given row mask: %s',
    (_name, c) => {
      const weight = decode(c.weight, true);
      const scale = Float32Array.from(c.keep, (k) => k / (1 - c.p));
      const out = embeddingWithRowScale(decode(c.indices), weight, scale, {
        paddingIdx: c.options.paddingIdx,
        maxNorm: c.options.maxNorm,
      });
      expectClose(out.data, c.out.data, { atol: 1e-6, rtol: 1e-6, context: { case: c.name } });
      expectClose(weight.data, c.weightAfter.data, { atol: 1e-6, rtol: 1e-6 });
      out.backward(decode(c.dy));
      expectClose(weight.grad!.data, c.dweight.data, {
        atol: 1e-5,
        rtol: 1e-6,
        context: { case: c.name, what: 'dweight' },
      });
    },
  );

  it('draws one bit per vocabulary row at the stream position: the op equals the lookup with that mask', () => {
    const weight = leaf([50, 4], 5);
    const ids = new Tensor(
      Float32Array.from({ length: 40 }, (_, i) => (i * 7) % 50),
      [8, 5],
    );
    const g = new Generator(11);
    const got = ops.embeddingDropout(ids, weight, { p: 0.3, training: true, generator: g });
    expect(g.offset).toBe(52);
    const want = embeddingWithRowScale(ids, weight, rowMask(50, 0.3, new Generator(11).seed, 0));
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
  });

  it('zeroes every occurrence of a dropped id and scales kept rows by 1/(1-p)', () => {
    const weight = leaf([20, 3], 6);
    const ids = new Tensor(
      Float32Array.from({ length: 60 }, (_, i) => (i * 13) % 20),
      [6, 10],
    );
    const plain = noGrad(() => ops.embedding(ids, weight));
    const out = noGrad(() => ops.embeddingDropout(ids, weight, { p: 0.5, training: true, seed: 3 }));
    const fate = new Map<number, boolean>();
    for (let i = 0; i < 60; i++) {
      const id = ids.data[i]!;
      const row = Array.from(out.data.subarray(i * 3, i * 3 + 3));
      const kept = row.some((v) => v !== 0);
      if (fate.has(id)) expect(fate.get(id), `token ${id}`).toBe(kept);
      fate.set(id, kept);
      const want = Array.from(plain.data.subarray(i * 3, i * 3 + 3), (v) => (kept ? Math.fround(v * 2) : 0));
      expect(row).toEqual(want);
    }
    const dropped = [...fate.values()].filter((k) => !k).length;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(20);
  });

  it('is the plain lookup in eval and at p = 0, without drawing; p = 1 zeroes without drawing', () => {
    const weight = leaf([5, 2], 7);
    const ids = new Tensor(Float32Array.of(1, 3, 4), [3]);
    const g = new Generator(1);
    const plain = ops.embedding(ids, weight);
    expect(Array.from(ops.embeddingDropout(ids, weight, { p: 0.5, training: false, generator: g }).data)).toEqual(
      Array.from(plain.data),
    );
    expect(Array.from(ops.embeddingDropout(ids, weight, { p: 0, training: true, generator: g }).data)).toEqual(
      Array.from(plain.data),
    );
    const zero = ops.embeddingDropout(ids, weight, { p: 1, training: true, generator: g });
    expect(Array.from(zero.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(g.offset).toBe(0);
    zero.backward(new Tensor(new Float32Array(6).fill(1), [3, 2]));
    expect(Array.from(weight.grad!.data)).toEqual(new Array(10).fill(0));
  });

  it('rejects bad rates, a missing training flag and unknown options', () => {
    const weight = new Tensor(new Float32Array(6), [3, 2]);
    const ids = new Tensor(Float32Array.of(1), [1]);
    expect(() => ops.embeddingDropout(ids, weight, { p: 1.5, training: true })).toThrow(
      new RangeError('Expected number in [0, 1] for p but received 1.5 of type number'),
    );
    expect(() => ops.embeddingDropout(ids, weight, { p: -0.1, training: true })).toThrow(RangeError);
    expect(() => ops.embeddingDropout(ids, weight, { p: 0.1 } as never)).toThrow(
      new TypeError('Expected boolean for training but received undefined'),
    );
    expect(() => ops.embeddingDropout(ids, weight, { p: 0.1, training: true, rate: 0.1 } as never)).toThrow(TypeError);
  });

  it('has finite-difference gradients with the mask fixed by seed', () => {
    const weight = leaf([7, 3], 8);
    const ids = new Tensor(Float32Array.of(0, 3, 3, 6, 2, 5), [2, 3]);
    expect(gradcheck((w) => ops.embeddingDropout(ids, w!, { p: 0.4, training: true, seed: 21 }), [weight])).toBe(21);
  });
});
