// The modules behind dropnet/tfjs's recurrent layers: gradients by finite differences on both
// paths (the steps as ops, with the columns and hardSigmoid ops; the fused op on tfjs's
// layout), and the wrappers' shapes. Values against tfjs: recurrent-layers.test.ts.
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../lib/index.js';
import { Linear } from '../../../lib/nn/linear.js';
import { initializer } from '../../../lib/tfjs/initializers.js';
import {
  type CellKind,
  type CellOptions,
  RepeatVector,
  reverseSteps,
  TfBidirectional,
  TfRecurrent,
  TimeDistributed,
} from '../../../lib/tfjs/recurrent-modules.js';
import { gradcheck, leaf } from '../../helpers/gradcheck.js';

const inits = {
  kernel: initializer('glorotNormal', 'kernelInitializer', 'glorotNormal'),
  recurrent: initializer('orthogonal', 'recurrentInitializer', 'orthogonal'),
  bias: initializer('randomUniform', 'biasInitializer', 'zeros'),
  unitForgetBias: false,
};

function cell(kind: CellKind, options: Partial<CellOptions> = {}): TfRecurrent {
  const m = new TfRecurrent(
    kind,
    3,
    {
      units: 2,
      activation: 'tanh',
      recurrentActivation: 'hardSigmoid',
      useBias: true,
      dropout: 0,
      recurrentDropout: 0,
      returnSequences: true,
      goBackwards: false,
      ...options,
    },
    inits,
  );
  return m.eval();
}

describe('TfRecurrent gradients (finite differences)', () => {
  const cases: [CellKind, Partial<CellOptions>, 'steps' | 'fused'][] = [
    ['LSTM', {}, 'steps'],
    ['LSTM', { goBackwards: true, returnSequences: false }, 'steps'],
    ['GRU', {}, 'steps'],
    ['SimpleRNN', { activation: 'sigmoid' }, 'steps'],
    ['LSTM', { recurrentActivation: 'sigmoid' }, 'fused'],
    ['SimpleRNN', { goBackwards: true }, 'fused'],
  ];
  for (const [kind, options, path] of cases) {
    it(`${kind} ${JSON.stringify(options)} on the ${path} path: input, kernel, recurrentKernel, bias`, () => {
      const m = cell(kind, options);
      // Small inputs keep hardSigmoid's pre-activations inside its linear part (no kink at +-2.5).
      const x = leaf([2, 3, 3], 5, -0.5, 0.5);
      const n = gradcheck((t) => m.forward(t!), [x, m.kernel, m.recurrentKernel, m.bias!]);
      expect(m.lastPath).toBe(path);
      expect(n).toBe(x.size + m.kernel.size + m.recurrentKernel.size + m.bias!.size);
    });
  }
});

describe('wrappers', () => {
  it('reverseSteps reverses axis 1 and its gradient', () => {
    const x = leaf([2, 3, 2], 3);
    const y = reverseSteps(x);
    expect(Array.from(y.data.slice(0, 6))).toEqual([
      ...x.data.slice(4, 6),
      ...x.data.slice(2, 4),
      ...x.data.slice(0, 2),
    ]);
    expect(gradcheck((t) => reverseSteps(t!), [x])).toBe(12);
  });

  it('RepeatVector: (B, F) to (B, n, F), gradient summed over the copies', () => {
    const r = new RepeatVector(3);
    const x = leaf([2, 4], 4);
    expect(r.forward(x).shape).toEqual([2, 3, 4]);
    expect(r.computeOutputShape([-1, 4])).toEqual([-1, 3, 4]);
    expect(gradcheck((t) => r.forward(t!), [x])).toBe(8);
    expect(() => r.forward(new Tensor(new Float32Array(8), [2, 2, 2]))).toThrow(/RepeatVector/);
  });

  it('TimeDistributed applies the layer to every step', () => {
    const lin = new Linear(4, 2);
    const td = new TimeDistributed(lin);
    const x = leaf([2, 3, 4], 6);
    const y = td.forward(x);
    expect(y.shape).toEqual([2, 3, 2]);
    const step = lin.forward(new Tensor(x.data.slice(4, 8), [1, 4]));
    expect(Array.from(y.data.slice(2, 4))).toEqual(Array.from(step.data));
    expect(td.computeOutputShape([-1, 3, 4])).toEqual([-1, 3, 2]);
    expect(gradcheck((t) => td.forward(t!), [x, lin.weight])).toBe(24 + 8);
  });

  it('TfBidirectional concatenates forward and (re-reversed) backward outputs', () => {
    const f = cell('GRU');
    const b = cell('GRU', { goBackwards: true });
    const bi = new TfBidirectional(f, b, 'concat').eval();
    const x = leaf([2, 3, 3], 8);
    const y = bi.forward(x);
    expect(y.shape).toEqual([2, 3, 4]);
    const back = reverseSteps(b.forward(x));
    expect(Array.from(y.data.slice(2, 4))).toEqual(Array.from(back.data.slice(0, 2)));
    expect(bi.computeOutputShape([-1, 3, 3])).toEqual([-1, 3, 4]);
  });
});
