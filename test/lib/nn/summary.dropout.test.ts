// summary() of models with the real dropout layers: the dropout section lists them with their
// rates and modes, and the placement guidance reads them (DropConnect counts as a weighted
// layer, not as dropout; GaussianNoise is listed but has no rate to warn about).
import { describe, expect, it } from 'vitest';
import { nn } from '../../../lib/index.js';
import { FakeBatchNorm } from '../../helpers/layers.js';

const codes = (m: nn.Module, inputShape: number[]): string[] =>
  nn.summarize(m, { inputShape }).advice.map((a) => `${a.layer}:${a.code}`);

describe('summary with nn.Dropout', () => {
  it('shows the dropout section of the textbook MLP', () => {
    const model = new nn.Sequential(
      new nn.Linear(784, 256),
      new nn.ReLU(),
      new nn.Dropout(0.5),
      new nn.Linear(256, 10),
    );
    expect(model.summary({ inputShape: [-1, 784] })).toBe(
      [
        'Sequential summary (input [*, 784])',
        '---------------------------------------------------',
        'Layer                Output shape    Params   Mode',
        '---------------------------------------------------',
        '0  Linear(784→256)   [*, 256]       200,960   train',
        '1  ReLU              [*, 256]             0   train',
        '2  Dropout(p=0.5)    [*, 256]             0   train',
        '3  Linear(256→10)    [*, 10]          2,570   train',
        '---------------------------------------------------',
        'Total params: 203,530',
        'Trainable params: 203,530',
        'Non-trainable params: 0',
        'Dropout: 2: Dropout(p=0.5)',
        '  warning: 2 Dropout(p=0.5) feeds the output layer (3 Linear(256→10)) directly: the output sees a different random subset of its inputs at every step, which makes the training loss noisy; keep the rate low here, or remove it, unless validation improves with it.',
      ].join('\n'),
    );
    // Tracing ran in eval mode without drawing and left the model in training mode.
    expect(model.training).toBe(true);
  });

  it('reads the rates and modes of every dropout layer', () => {
    const model = new nn.Sequential(
      new nn.Dropout(0.3),
      new nn.Linear(8, 8),
      new nn.ReLU(),
      new nn.AlphaDropout(0.6),
      new nn.Linear(8, 8),
      new nn.GaussianNoise(0.1),
      new nn.GaussianDropout(0.2),
      new nn.Linear(8, 8),
      new nn.DropConnect(8, 2),
    );
    model.at(3).eval();
    const s = nn.summarize(model, { inputShape: [-1, 8] });
    expect(s.dropoutLayers.map((d) => [d.name, d.rate, d.training])).toEqual([
      ['0', 0.3, true],
      ['3', 0.6, false],
      ['5', undefined, true],
      ['6', 0.2, true],
    ]);
    expect(codes(model, [-1, 8])).toEqual(['0:input-rate', '3:hidden-rate']);
    expect(model.summary()).toContain(
      'Dropout: 0: Dropout(p=0.3), 3: AlphaDropout(p=0.6) (eval), 5: GaussianNoise(stddev=0.1), 6: GaussianDropout(rate=0.2)',
    );
  });

  it('flags channel dropout before batch norm and after the output layer', () => {
    const bn = new nn.Sequential(new nn.Linear(4, 4), new nn.Dropout(0.1), new FakeBatchNorm(4), new nn.Linear(4, 2));
    expect(codes(bn, [-1, 4])).toEqual(['1:before-batchnorm']);
    const after = new nn.Sequential(
      new nn.Conv2d(3, 4, 3),
      new nn.Flatten(),
      new nn.Linear(16, 2),
      new nn.Dropout(0.1),
    );
    expect(codes(after, [-1, 3, 4, 4])).toEqual(['3:after-output']);
    const conv = new nn.Sequential(
      new nn.Conv2d(3, 4, 3),
      new nn.Dropout2d(0.1),
      new nn.Flatten(),
      new nn.Linear(16, 8),
      new nn.Linear(8, 2),
    );
    expect(codes(conv, [-1, 3, 4, 4])).toEqual([]);
  });
});
