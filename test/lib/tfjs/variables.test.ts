// tf.variable and tf.buffer / TensorBuffer on dropnet/tfjs and on @tensorflow/tfjs.
import { describe, expect, it } from 'vitest';
import { expectBothThrow, expectSame, real, tf, type Lib } from './compare.js';

describe('tf.variable', () => {
  it('holds a copy of the initial value, with tfjs fields', () => {
    const init = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const v = tf.variable(init, false, 'var_fields');
    init.dispose();
    expect(v).toBeInstanceOf(tf.Variable);
    expect(v).toBeInstanceOf(tf.Tensor);
    expect([v.name, v.trainable, v.dtype, v.shape]).toEqual(['var_fields', false, 'float32', [2, 2]]);
    expect(Array.from(v.dataSync())).toEqual([1, 2, 3, 4]);
    v.dispose();
  });

  it('assign replaces the values; ops read the new ones', () => {
    expectSame((lib) => {
      const v = lib.variable(lib.tensor1d([1, 2, 3]));
      v.assign(lib.tensor1d([4, 5, 6]));
      const r = v.mul(2);
      v.dispose();
      return r;
    });
  });

  it('assign with another shape or dtype throws as tfjs', () => {
    for (const wrong of [(lib: Lib) => lib.tensor1d([1, 2]), (lib: Lib) => lib.tensor1d([1, 2, 3], 'int32')]) {
      const msgs = expectBothThrow((lib) => {
        const v = lib.variable(lib.tensor1d([1, 2, 3]));
        try {
          v.assign(wrong(lib));
        } finally {
          v.dispose();
        }
      });
      expect(msgs.got).toBe(msgs.want);
    }
  });

  it('a name in use throws; dispose frees it', () => {
    const msgs = expectBothThrow((lib) => {
      const a = lib.variable(lib.scalar(1), true, 'var_twice');
      try {
        lib.variable(lib.scalar(2), true, 'var_twice');
      } finally {
        a.dispose();
      }
    });
    expect(msgs.got).toBe(msgs.want);
    tf.variable(tf.scalar(1), true, 'var_twice').dispose();
  });

  it('survives tf.tidy, as tfjs', () => {
    const v = tf.tidy(() => {
      tf.variable(tf.scalar(7), true, 'var_tidy');
      return tf.scalar(0);
    });
    v.dispose();
    const w = real.tidy(() => {
      real.variable(real.scalar(7), true, 'var_tidy');
      return real.scalar(0);
    });
    w.dispose();
    tf.disposeVariables();
    real.disposeVariables();
    // Registered variables are gone: the name is free again.
    tf.variable(tf.scalar(1), true, 'var_tidy').dispose();
  });

  it('rejects what it does not take', () => {
    expect(() => tf.variable([1, 2] as never)).toThrow(TypeError);
    expect(() => tf.variable(tf.scalar(1), 'yes' as never)).toThrow(TypeError);
  });
});

describe('tf.buffer / TensorBuffer', () => {
  it('set, get and toTensor as tfjs', () => {
    expectSame((lib) => {
      const b = lib.buffer([2, 3]);
      b.set(5, 1, 2);
      b.set(-1, 0, 1);
      expect(b.get(1, 2)).toBe(5);
      expect(b.strides).toEqual([3]);
      expect(b.values).toBeInstanceOf(Float32Array);
      return b.toTensor();
    });
    expectSame((lib) => {
      const b = lib.buffer([3], 'int32', new Int32Array([1, 2, 3]));
      b.set(9, 0);
      return b.toTensor();
    });
    expectSame((lib) =>
      lib
        .tensor2d([
          [1, 2],
          [3, 4],
        ])
        .bufferSync()
        .toTensor(),
    );
  });

  it('the location and size errors are tfjs ones', () => {
    for (const program of [
      (lib: Lib) => lib.buffer([2, 3]).get(2, 0),
      (lib: Lib) => lib.buffer([2, 3]).set(1, 0),
      (lib: Lib) => lib.buffer([2], 'float32', new Float32Array(3)),
    ]) {
      const msgs = expectBothThrow(program);
      expect(msgs.got).toBe(msgs.want);
    }
  });

  it('indexToLoc and locToIndex agree with tfjs', () => {
    const a = tf.buffer([2, 3, 4]);
    const b = real.buffer([2, 3, 4]);
    for (const i of [0, 5, 13, 23]) {
      expect(a.indexToLoc(i)).toEqual(b.indexToLoc(i));
      expect(a.locToIndex(a.indexToLoc(i))).toBe(i);
    }
  });
});
