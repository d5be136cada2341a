/**
 * A Module subclass written the PyTorch way: layers assigned in the constructor, forward by
 * hand. The PyTorch original:
 *
 *   class SimpleModelWithDropout(nn.Module):
 *       def __init__(self):
 *           super().__init__()
 *           self.fc1 = nn.Linear(16, 32)
 *           self.dropout = nn.Dropout(0.5)
 *           self.fc2 = nn.Linear(32, 3)
 *       def forward(self, x):
 *           return self.fc2(self.dropout(torch.relu(self.fc1(x))))
 *
 * Run: node --import ./scripts/register-ts.mjs examples/simple-model-with-dropout.ts
 */
import { pathToFileURL } from 'node:url';
import { manualSeed, nn, ops, type Tensor } from '../lib/index.js';
import { accuracy, batches, crossEntropy, sgdStep, syntheticClasses } from './common.js';

export class SimpleModelWithDropout extends nn.Module {
  fc1 = new nn.Linear(16, 32);
  dropout = new nn.Dropout(0.5);
  fc2 = new nn.Linear(32, 3);

  forward(x: Tensor<readonly [number, 16]>): Tensor<readonly [number, 3]> {
    // `.call` is PyTorch's self.fc1(x): it builds the layer on first use and checks its input.
    const h = ops.relu(this.fc1.call(x));
    return this.fc2.call(this.dropout.call(h));
  }
}

export function main(options: { epochs?: number; samples?: number; log?: (line: string) => void } = {}): {
  losses: number[];
  accuracy: number;
} {
  const { epochs = 30, samples = 600, log = () => undefined } = options;
  manualSeed(0);
  const model = new SimpleModelWithDropout();
  const { train, test } = syntheticClasses(16, 3, { train: samples, test: 300 }, 3);
  log(String(model));

  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    model.train();
    let total = 0;
    for (const batch of batches(train, 50)) {
      const logits = model.call(batch.x as Tensor<readonly [number, 16]>);
      const loss = crossEntropy(logits, batch.y);
      model.zeroGrad();
      loss.backward();
      sgdStep(model.parameters(), 0.2);
      total += loss.item() * batch.y.size;
    }
    losses.push(total / samples);
    log(`epoch ${epoch + 1}: loss ${losses[epoch]!.toFixed(4)}`);
  }
  model.eval();
  const acc = accuracy(model.predict(test.x as Tensor<readonly [number, 16]>), test.y);
  log(`test accuracy ${(acc * 100).toFixed(1)}%`);
  return { losses, accuracy: acc };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  main({ log: console.log });
