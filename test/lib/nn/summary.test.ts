// summary(): the table (layers, output shapes, parameter counts, modes), totals, and the dropout
// guidance: each warning's condition, its absence for good placements, execution order.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nn, type Tensor } from '../../../lib/index.js';
import { FakeBatchNorm, FakeDropout, FakeEmbedding } from '../../helpers/layers.js';

afterEach(() => vi.restoreAllMocks());

const codes = (m: nn.Module, inputShape?: number[]): string[] =>
  nn.summarize(m, inputShape ? { inputShape } : {}).advice.map((a) => `${a.layer}:${a.code}`);

describe('summary table', () => {
  it('lists layers with output shapes, parameters and modes', () => {
    const model = new nn.Sequential(new nn.Linear(20, 64), new nn.ReLU(), new FakeDropout(0.3), new nn.Linear(64, 2));
    model.at(3).eval();
    expect(model.summary({ inputShape: [-1, 20] })).toBe(
      [
        'Sequential summary (input [*, 20])',
        '-----------------------------------------------------',
        'Layer                   Output shape   Params   Mode',
        '-----------------------------------------------------',
        '0  Linear(20→64)        [*, 64]         1,344   train',
        '1  ReLU                 [*, 64]             0   train',
        '2  FakeDropout(p=0.3)   [*, 64]             0   train',
        '3  Linear(64→2)         [*, 2]            130   eval',
        '-----------------------------------------------------',
        'Total params: 1,474',
        'Trainable params: 1,474',
        'Non-trainable params: 0',
        'Dropout: 2: FakeDropout(p=0.3)',
        '  warning: 2 FakeDropout(p=0.3) feeds the output layer (3 Linear(64→2)) directly: the output sees a different random subset of its inputs at every step, which makes the training loss noisy; keep the rate low here, or remove it, unless validation improves with it.',
      ].join('\n'),
    );
    expect(model.training).toBe(true);
    expect(model.at(3).training).toBe(false);
  });

  it('counts frozen parameters and buffers, nests, and says when shapes are unknown', () => {
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Sequential(new FakeBatchNorm(4), new nn.Tanh()));
    model.at(0).parameters()[1]!.requiresGrad = false;
    const s = nn.summarize(model);
    expect(s.rows.map((r) => [r.name, r.depth, r.params, r.outputShape])).toEqual([
      ['0', 1, 16, null],
      ['1', 1, 8, null],
      ['1.0', 2, 8, null],
      ['1.1', 2, 0, null],
    ]);
    expect([s.totalParams, s.trainableParams, s.bufferElements]).toEqual([24, 20, 4]);
    const text = model.summary();
    expect(text).toContain('Non-trainable params: 4\nBuffer elements: 4\n');
    expect(text).toContain('Output shapes: call build(inputShape) or summary({ inputShape }) to trace them.');
    expect(text).toContain('  1.0  FakeBatchNorm   ?');
    model.build([-1, 3]);
    expect(nn.summarize(model).rows.map((r) => r.outputShape)).toEqual([
      [-1, 4],
      [-1, 4],
      [-1, 4],
      [-1, 4],
    ]);
  });

  it('printSummary prints it', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const model = new nn.Sequential(new nn.Linear(2, 2));
    model.printSummary({ inputShape: [5, 2] });
    expect(log).toHaveBeenCalledWith(model.summary({ inputShape: [5, 2] }));
  });
});

describe('dropout guidance', () => {
  it('is silent for the textbook placement', () => {
    const model = new nn.Sequential(
      new FakeDropout(0.2),
      new nn.Linear(8, 8),
      new nn.ReLU(),
      new FakeDropout(0.5),
      new nn.Linear(8, 8),
      new nn.ReLU(),
      new nn.Linear(8, 2),
    );
    expect(codes(model, [-1, 8])).toEqual([]);
    expect(model.summary()).toContain('Dropout: 0: FakeDropout(p=0.2), 3: FakeDropout(p=0.5)');
  });

  it('flags dropout before or after the output layer', () => {
    expect(
      codes(
        new nn.Sequential(
          new nn.Linear(4, 4),
          new nn.ReLU(),
          new FakeDropout(0.3),
          new nn.Linear(4, 2),
          new nn.Softmax(1),
        ),
      ),
    ).toEqual(['2:before-output']);
    // At a low rate (the README's models: 0.2, Dropout → ReLU → Linear) dropout before the output is not scolded.
    expect(
      codes(new nn.Sequential(new nn.Linear(4, 4), new nn.ReLU(), new FakeDropout(0.2), new nn.Linear(4, 2))),
    ).toEqual([]);
    expect(
      codes(new nn.Sequential(new nn.Linear(4, 4), new nn.Dropout(0.2), new nn.ReLU(), new nn.Linear(4, 2))),
    ).toEqual([]);
    expect(codes(new nn.Sequential(new nn.Linear(4, 2), new nn.Sigmoid(), new FakeDropout(0.1)))).toEqual([
      '2:after-output',
    ]);
  });

  it('flags rates above 0.2 on inputs and 0.5 on hidden layers', () => {
    const model = new nn.Sequential(
      new nn.Identity(),
      new FakeDropout(0.25),
      new nn.Linear(4, 4),
      new FakeDropout(0.6),
      new nn.Linear(4, 4),
      new FakeDropout(0.5),
      new nn.Linear(4, 4),
      new nn.Linear(4, 1),
    );
    expect(codes(model)).toEqual(['1:input-rate', '3:hidden-rate']);
    const s = nn.summarize(model);
    expect(s.advice[0]!.message).toBe(
      '1 FakeDropout(p=0.25) drops 0.25 of the inputs: above 0.2, input dropout throws away much of the raw signal (Srivastava et al. 2014 used 0.2 on inputs).',
    );
    expect(s.advice[1]!.message).toBe(
      "3 FakeDropout(p=0.6) drops 0.6 of a hidden layer's units: above 0.5 more units are dropped than kept, which slows training and tends to underfit (0.5 is the usual maximum).",
    );
  });

  it('flags dropout right before batch norm (through an activation) and on embedding outputs', () => {
    const bn = new nn.Sequential(
      new nn.Linear(4, 4),
      new FakeDropout(0.1),
      new nn.ReLU(),
      new FakeBatchNorm(4),
      new nn.Linear(4, 4),
      new nn.Linear(4, 1),
    );
    expect(codes(bn)).toEqual(['1:before-batchnorm']);
    expect(nn.summarize(bn).advice[0]!.message).toMatch(
      /^1 FakeDropout\(p=0.1\) comes right before batch norm \(3 FakeBatchNorm\): batch norm learns its statistics/,
    );
    const emb = new nn.Sequential(
      new FakeEmbedding(10, 4),
      new FakeDropout(0.1),
      new nn.Linear(4, 4),
      new nn.Linear(4, 1),
    );
    expect(codes(emb, [-1, 3])).toEqual(['1:after-embedding']);
  });

  it('follows execution order in hand-written models, and is never an error', () => {
    class Net extends nn.Module {
      // Declared out of order: the output layer first.
      fc2 = new nn.Linear(8, 2);
      dropout = new FakeDropout(0.5);
      fc1 = new nn.Linear(4, 8);
      forward(x: Tensor): Tensor {
        return this.fc2.call(this.dropout.call(this.fc1.call(x)));
      }
    }
    expect(codes(new Net(), [-1, 4])).toEqual(['dropout:before-output']);
    expect(nn.summarize(new Net(), { inputShape: [-1, 4] }).rows.map((r) => r.name)).toEqual(['fc2', 'dropout', 'fc1']);
    // Without a trace the declared order (fc2, dropout, fc1) is all there is, and fc1 reads as the output layer.
    const untraced = nn.summarize(new Net());
    expect(untraced.advice).toHaveLength(1);
    expect(untraced.advice[0]!.message).toMatch(
      /^dropout FakeDropout\(p=0.5\) feeds the output layer \(fc1 Linear\(4→8\)\)/,
    );
  });
});
