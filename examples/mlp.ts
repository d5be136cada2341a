/**
 * A PyTorch-style MLP classifier:
 *
 *   model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 2))
 *
 * trained with a hand-written SGD step on synthetic data.
 * Run: node --import ./scripts/register-ts.mjs examples/mlp.ts
 */
import { pathToFileURL } from 'node:url';
import { manualSeed, nn } from '../lib/index.js';
import { accuracy, batches, crossEntropy, sgdStep, syntheticClasses } from './common.js';

export interface RunOptions {
  epochs?: number;
  samples?: number;
  log?: (line: string) => void;
}

export function buildModel() {
  return new nn.Sequential(new nn.Linear(20, 64), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(64, 2));
}

export function main(options: RunOptions = {}): { losses: number[]; accuracy: number } {
  const { epochs = 20, samples = 512, log = () => undefined } = options;
  manualSeed(0);
  const model = buildModel();
  const { train, test } = syntheticClasses(20, 2, { train: samples, test: 256 }, 1);
  log(model.summary({ inputShape: [-1, 20] }));

  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    model.train();
    let total = 0;
    for (const batch of batches(train, 32)) {
      const loss = crossEntropy(model.call(batch.x), batch.y);
      model.zeroGrad();
      loss.backward();
      sgdStep(model.parameters(), 0.1);
      total += loss.item() * batch.y.size;
    }
    losses.push(total / samples);
    log(`epoch ${epoch + 1}: loss ${losses[epoch]!.toFixed(4)}`);
  }
  // predict() runs in eval mode without gradients and restores the mode afterwards.
  const acc = accuracy(model.predict(test.x), test.y);
  log(`test accuracy ${(acc * 100).toFixed(1)}%`);
  return { losses, accuracy: acc };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  main({ log: console.log });
