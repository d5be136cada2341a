// A real dataset end to end: the bundled UCI digits (1,797 8x8 images), an MLP 64-64-10 trained
// with fit() (Adam, lr 1e-2, 8 epochs, batch 32) on a seeded 80/20 split. Validation accuracy
// after 8 epochs: 97.2% on this machine (about half a second); the test asks for 93%.
import { expect, it } from 'vitest';
import { data, io, manualSeed, nn, optim } from '../../lib/index.js';

it('an MLP trained with fit() reaches over 93% validation accuracy on the digits in a few epochs', async () => {
  const digits = await io.loadDigits();
  const { train, test } = data.trainTestSplit({ x: digits.images, y: digits.labels }, { testSize: 0.2, seed: 7 });
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 10));
  const history = await model.fit(train.x, train.y, {
    loss: 'crossEntropy',
    optimizer: new optim.Adam(model.parameters(), { lr: 1e-2 }),
    metrics: ['accuracy'],
    epochs: 8,
    batchSize: 32,
    seed: 1,
    validationData: [test.x, test.y],
    verbose: 0,
  });
  const valAccuracy = history.history.valAccuracy!;
  expect(valAccuracy).toHaveLength(8);
  expect(valAccuracy.at(-1)!).toBeGreaterThanOrEqual(0.93);
  const again = await model.evaluate(test.x, test.y, { loss: 'crossEntropy', metrics: ['accuracy'] });
  expect(again.accuracy).toBe(valAccuracy.at(-1));
  expect(again.loss).toBeCloseTo(history.history.val_loss!.at(-1)!, 6);
});
