// The memory API keeps tfjs's contract (tidy returns fn's result and disposes the rest;
// disposed tensors cannot be read; memory() counts what is not disposed), tf.util and the
// backend queries, side by side with @tensorflow/tfjs.
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';

describe('dropnet/tfjs memory API', () => {
  it.each([
    ['dropnet/tfjs', tf],
    ['@tensorflow/tfjs', real as unknown as Lib],
  ] as const)('%s: tidy, keep, dispose and memory() agree', (_n, lib) => {
    const before = lib.memory().numTensors;
    let kept: ReturnType<Lib['scalar']> | undefined;
    let inner: ReturnType<Lib['scalar']> | undefined;
    const result = lib.tidy(() => {
      inner = lib.scalar(2);
      kept = lib.keep(lib.scalar(3));
      return { sum: inner.add(kept), list: [lib.scalar(5)] };
    });
    expect(result.sum.dataSync()[0]).toBe(5);
    expect(result.list[0]!.dataSync()[0]).toBe(5);
    expect(kept!.dataSync()[0]).toBe(3);
    expect(() => inner!.dataSync()).toThrow('Tensor is disposed.');
    expect(inner!.isDisposed).toBe(true);
    expect(lib.memory().numTensors).toBe(before + 3);
    lib.dispose([result.sum, result.list, kept]);
    expect(lib.memory().numTensors).toBe(before);
    const t = lib.ones([2]);
    t.dispose();
    expect(() => t.dataSync()).toThrow('Tensor is disposed.');
    expect(lib.tidy('named', () => 7)).toBe(7);
  });

  it('tidy inside tidy hands the result to the outer scope', () => {
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => tf.tidy(() => tf.scalar(1).add(1)).mul(3));
    expect(out.dataSync()[0]).toBe(6);
    expect(tf.memory().numTensors).toBe(before + 1);
  });

  it('tf.util basics and the backend queries', async () => {
    expect(tf.util.sizeFromShape([2, 3, 4])).toBe(real.util.sizeFromShape([2, 3, 4]));
    expect(() => tf.util.assert(false, () => 'bad input')).toThrow('bad input');
    expect(() => real.util.assert(false, () => 'bad input')).toThrow('bad input');
    const idx = tf.util.createShuffledIndices(50);
    expect(idx).toBeInstanceOf(Uint32Array);
    expect([...idx].sort((a, b) => a - b)).toEqual([...real.util.createShuffledIndices(50)].sort((a, b) => a - b));
    const arr = Array.from({ length: 20 }, (_, i) => i);
    tf.util.shuffle(arr);
    expect([...arr].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(tf.util.flatten([[1, [2]], [3]])).toEqual(real.util.flatten([[1, [2]], [3]]));
    expect(await tf.setBackend('cpu')).toBe(true);
    expect(await tf.setBackend('tensorflow')).toBe(true);
    await expect(tf.setBackend('gpu-magic')).rejects.toThrow('setBackend: unknown backend "gpu-magic"');
    await tf.ready();
    expect(tf.getBackend()).toBe('dropnet');
    expect(tf.backend().name).toBe('dropnet');
  });

  it('refuses what is not a tensor, and a main-API tensor with a hint to wrap it', async () => {
    expect(() => tf.add(tf.ones([1]), {} as never)).toThrow(TypeError);
    const dn = await import('../../../lib/index.js');
    expect(() => tf.add(tf.ones([1]), dn.ones([1]) as never)).toThrow(
      'tf.Tensor (a dropnet tensor comes from the main API; wrap it with tf.fromDropnet)',
    );
    expect(tf.add(tf.ones([1]), tf.fromDropnet(dn.ones([1]))).dataSync()).toEqual(new Float32Array([2]));
  });
});
