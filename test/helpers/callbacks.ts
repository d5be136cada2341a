/** Driving a callback by hand: a context as fit() would give it, and scripted epoch logs. */
import { type callbacks, type nn, optim } from '../../lib/index.js';

export function contextFor(
  model: nn.Module,
  metrics: string[],
  notes: string[] = [],
  optimizer = new optim.SGD(model.parameters(), { lr: 1 }),
): callbacks.TrainingContext {
  return {
    model,
    optimizer: optimizer as never,
    params: {
      epochs: 10,
      initialEpoch: 0,
      steps: 1,
      samples: 1,
      batchSize: 1,
      verbose: 0,
      metrics,
      validation: metrics.some((m) => m.startsWith('val_')),
    },
    note: (t) => notes.push(t),
  };
}
