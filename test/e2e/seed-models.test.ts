// The seed models, written the way their users write them: the PyTorch ones with positional
// arguments only (as a PyTorch user types them, e.g. Conv2d(1, 8, 3, 1, 1), SGD(params, 0.1, 0.9)),
// the Keras one by name. Each trains a few steps on the bundled digits and its loss falls.
import { expect, it } from 'vitest';
import { io, layers, losses, manualSeed, nn, optim, sequential, type Tensor, tensor } from '../../lib/index.js';

const digits = await io.loadDigits();
const N = 256;
const x = tensor(Array.from(digits.images.data.subarray(0, N * 64)), [N, 64]);
const y = digits.labels.slice(0, N);
const labels = tensor(Array.from(y), [N]);

/** Full-batch steps of `opt` on the model; the losses before and after. */
function train(model: nn.Module, input: Tensor, opt: optim.Optimizer<object>, steps: number): [number, number] {
  const losses_: number[] = [];
  model.train();
  for (let i = 0; i < steps; i++) {
    const loss = losses.crossEntropy(model.call(input), labels);
    losses_.push(loss.item());
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }
  return [losses_[0]!, losses_.at(-1)!];
}

it('the MLP with Dropout, PyTorch positionals, SGD(params, lr, momentum)', () => {
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Linear(64, 64, true),
    new nn.ReLU(false),
    new nn.Dropout(0.2, false),
    new nn.Linear(64, 10),
  );
  const opt = new optim.SGD(model.parameters(), 0.1, 0.9);
  expect(opt.defaults).toMatchObject({ lr: 0.1, momentum: 0.9 });
  const [first, last] = train(model, x, opt, 20);
  expect(last).toBeLessThan(0.6 * first);
});

it('the CNN, PyTorch positionals (Conv2d stride/padding, MaxPool2d stride, BatchNorm2d eps), Adam(params, lr)', () => {
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 8, 3, 1, 1),
    new nn.BatchNorm2d(8, 1e-5, 0.1),
    new nn.ReLU(),
    new nn.MaxPool2d(2, 2),
    new nn.Dropout2d(0.1),
    new nn.Flatten(1),
    new nn.Linear(8 * 4 * 4, 10),
  );
  expect(model.summary({ inputShape: [-1, 1, 8, 8] })).toContain('[*, 8, 4, 4]');
  const opt = new optim.Adam(model.parameters(), 0.01, [0.9, 0.999]);
  const [first, last] = train(model, x.reshape(N, 1, 8, 8), opt, 15);
  expect(last).toBeLessThan(0.6 * first);
});

it('SimpleModelWithDropout: a Module subclass with PyTorch positionals', () => {
  class SimpleModelWithDropout extends nn.Module {
    fc1 = new nn.Linear(64, 32);
    dropout = new nn.Dropout(0.5);
    fc2 = new nn.Linear(32, 10, true);
    forward(input: Tensor): Tensor {
      return this.fc2.call(this.dropout.call(this.fc1.call(input).relu()));
    }
  }
  manualSeed(0);
  const model = new SimpleModelWithDropout();
  const [first, last] = train(model, x, new optim.RMSprop(model.parameters(), 0.01), 20);
  expect(last).toBeLessThan(0.6 * first);
});

it('the Keras model, by name', async () => {
  manualSeed(0);
  const model = sequential([
    layers.dense({ units: 64, activation: 'relu', inputShape: [64] }),
    layers.dropout({ rate: 0.2 }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, labels, { epochs: 10, batchSize: 32, verbose: 0 });
  const loss = history.history.loss!;
  expect(loss.at(-1)!).toBeLessThan(0.7 * loss[0]!);
});
