// The PyTorch-style examples run, train, and generalize on small synthetic data.
import { describe, expect, it } from 'vitest';
import * as mlp from '../../examples/mlp.js';
import * as simple from '../../examples/simple-model-with-dropout.js';

describe('examples', () => {
  it('mlp: the loss falls and the test accuracy beats chance (2 classes)', () => {
    const lines: string[] = [];
    const { losses, accuracy } = mlp.main({ epochs: 6, samples: 256, log: (l) => lines.push(l) });
    expect(losses).toHaveLength(6);
    expect(losses.every(Number.isFinite)).toBe(true);
    // The epoch loss is measured in training mode, on networks thinned by Dropout(0.5), so it
    // falls more slowly than the loss of the full network would.
    expect(losses[5]!).toBeLessThan(0.7 * losses[0]!);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
    expect(accuracy).toBeGreaterThan(0.8);
    expect(lines[0]).toContain('Sequential summary (input [*, 20])');
    expect(lines.at(-1)).toMatch(/^test accuracy \d+\.\d%$/);
  });

  it('SimpleModelWithDropout: the loss falls and the test accuracy beats chance (3 classes)', () => {
    const { losses, accuracy } = simple.main({ epochs: 6, samples: 300 });
    expect(losses[5]!).toBeLessThan(0.6 * losses[0]!);
    expect(accuracy).toBeGreaterThan(0.6);
    const model = new simple.SimpleModelWithDropout();
    expect(model.namedChildren().map(([n]) => n)).toEqual(['fc1', 'dropout', 'fc2']);
    expect(Object.keys(model.stateDict())).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  });

  it('the MLP keeps the PyTorch layer indices', () => {
    expect(Object.keys(mlp.buildModel().stateDict())).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
  });
});
