// What tensorflow/tfjs-examples programs use that dropnet/tfjs does not support: each runs on
// @tensorflow/tfjs and is a dropnet/tfjs error naming the API (docs/tfjs.md, "Not supported"),
// never a crash or a silent difference. translation's seq2seq encoder and decoder (returnState,
// initialState), cart-pole's policy gradient through model.predict, a VAE trained with
// optimizer.minimize over model.apply.
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';

type T = ReturnType<Lib['tensor']>;

/** Runs `program` on tfjs (must succeed) and on dropnet/tfjs (must throw matching `error`). */
function tfjsOnly(program: (tf: Lib) => unknown, error: RegExp): void {
  expect(() => program(real as unknown as Lib)).not.toThrow();
  expect(() => program(tf)).toThrow(error);
}

describe('tfjs programs dropnet/tfjs rejects by name', () => {
  it("translation's encoder: an LSTM with returnState", () => {
    tfjsOnly((tf) => {
      const input = tf.input({ shape: [3, 4] });
      return tf.layers.lstm({ units: 8, returnState: true }).apply(input);
    }, /^dropnet\/tfjs: tf\.layers\.lstm: returnState .* is not supported/);
  });

  it("translation's inputs: tf.input with a null (variable-length) number of steps", () => {
    tfjsOnly(
      (tf) => tf.input({ shape: [null, 4] as never }),
      /^dropnet\/tfjs: tf\.input with a null \(variable-length\) dimension \[null, 4\] is not supported/,
    );
  });

  it("translation's decoder: an LSTM applied with initialState", () => {
    tfjsOnly((tf) => {
      const input = tf.input({ shape: [3, 4] });
      const h = tf.input({ shape: [8] });
      const c = tf.input({ shape: [8] });
      return tf.layers.lstm({ units: 8, returnSequences: true }).apply(input, { initialState: [h, c] } as never);
    }, /^dropnet\/tfjs: lstm\.apply with initialState is not supported/);
  });

  it("cart-pole's policy gradient: tf.variableGrads of a loss through model.predict", () => {
    tfjsOnly((tf) => {
      const model = tf.sequential();
      model.add(tf.layers.dense({ units: 4, activation: 'elu', inputShape: [4] }));
      model.add(tf.layers.dense({ units: 1 }));
      const { grads } = tf.variableGrads(() =>
        tf.tidy(() => {
          const logits = model.predict(tf.ones([2, 4])) as T;
          return tf.losses.sigmoidCrossEntropy(tf.ones([2, 1]), logits);
        }),
      );
      tf.train.adam(0.05).applyGradients(grads);
    }, /dropnet\/tfjs: the weights of a LayersModel are not tf\.Variables/);
  });

  it('optimizer.minimize over model.apply on tensors', () => {
    tfjsOnly((tf) => {
      const model = tf.sequential();
      model.add(tf.layers.dense({ units: 1, inputShape: [2] }));
      tf.train.adam(0.01).minimize(() => (model.apply(tf.ones([3, 2])) as T).square().mean() as never);
    }, /^dropnet\/tfjs: model\.apply \(nested models, minimize over a model\) is not supported/);
  });
});
