// tf.layers.simpleRNN / lstm / gru / bidirectional / timeDistributed / repeatVector / embedding on
// dropnet/tfjs against @tensorflow/tfjs: the same model built in both, tfjs's weights copied into
// dropnet/tfjs with setWeights, predict compared; shapes, weight shapes and errors compared too.
import { describe, expect, it } from 'vitest';
import { real, tf, type Lib } from './compare.js';

type Model = ReturnType<Lib['sequential']>;
type AnyTensor = ReturnType<Lib['tensor']>;

/** Deterministic inputs: (n, steps, features) floats in [-1, 1]. */
function seqValues(n: number, steps: number, features: number): number[][][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: steps }, (_, t) => Array.from({ length: features }, (_, f) => Math.sin(i * 1.7 + t * 0.9 + f * 2.3))),
  );
}

/** Builds `build` in both libraries, copies tfjs's weights into dropnet/tfjs, compares predict(x). */
function expectSamePredict(build: (lib: Lib) => Model, x: (lib: Lib) => AnyTensor, atol = 2e-5): number[] {
  const want = build(real as unknown as Lib);
  const got = build(tf);
  const wWeights = want.getWeights();
  const gWeights = got.getWeights();
  expect(gWeights.map((w) => w.shape), 'weight shapes').toEqual(wWeights.map((w) => w.shape));
  got.setWeights(wWeights.map((w) => tf.tensor(Array.from(w.dataSync() as Float32Array), w.shape)));
  const yw = want.predict(x(real as unknown as Lib)) as AnyTensor;
  const yg = got.predict(x(tf)) as AnyTensor;
  expect(yg.shape).toEqual(yw.shape);
  const a = Array.from(yg.dataSync());
  const b = Array.from(yw.dataSync());
  a.forEach((v, i) => expect(Math.abs(v - b[i]!), `output ${i}: ${v} vs tfjs ${b[i]}`).toBeLessThanOrEqual(atol + 1e-5 * Math.abs(b[i]!)));
  // And back: dropnet/tfjs's weights are tfjs's arrays.
  got.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(wWeights[i]!.dataSync())));
  return a;
}

const x3 = (n: number, steps: number, f: number) => (lib: Lib) => lib.tensor3d(seqValues(n, steps, f));

describe('recurrent layers: tfjs weights give tfjs outputs', () => {
  for (const kind of ['simpleRNN', 'lstm', 'gru'] as const) {
    for (const returnSequences of [false, true]) {
      it(`${kind} (defaults) returnSequences ${returnSequences}`, () => {
        expectSamePredict(
          (lib) => {
            const m = lib.sequential();
            m.add(lib.layers[kind]({ units: 5, inputShape: [4, 3], returnSequences }));
            return m;
          },
          x3(3, 4, 3),
        );
      });
    }
  }
  it('lstm: sigmoid gates, goBackwards, unitForgetBias, no bias; gru: relu', () => {
    expectSamePredict(
      (lib) => {
        const m = lib.sequential();
        m.add(lib.layers.lstm({ units: 4, inputShape: [5, 2], recurrentActivation: 'sigmoid', goBackwards: true, unitForgetBias: true, returnSequences: true }));
        m.add(lib.layers.gru({ units: 3, activation: 'relu', useBias: false, goBackwards: true }));
        return m;
      },
      x3(2, 5, 2),
    );
  });
});
