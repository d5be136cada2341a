/** Small training problems and a captured printer for the fit() tests. */
import { Generator, manualSeed, nn, type Printer, Tensor } from '../../lib/index.js';

/**
 * A classification task: `classes` Gaussian blobs in `features` dimensions, centres drawn from a
 * seeded generator, labels cycling through the classes (so every prefix is balanced).
 */
export function blobs(
  n: number,
  features: number,
  classes: number,
  seed: number,
  spread = 0.5,
): { x: Tensor; y: Int32Array } {
  const gen = new Generator(seed);
  const centres = new Float32Array(classes * features);
  gen.normal(centres);
  const noise = new Float32Array(n * features);
  gen.normal(noise);
  const x = new Float32Array(n * features);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let f = 0; f < features; f++)
      x[i * features + f] = 2 * centres[c * features + f]! + spread * noise[i * features + f]!;
  }
  return { x: new Tensor(x, [n, features]), y };
}

/** features -> hidden (ReLU) -> classes, with seeded weights. */
export function mlp(features: number, hidden: number, classes: number, seed = 0): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(features, hidden), new nn.ReLU(), new nn.Linear(hidden, classes));
}

export function capturePrinter(isTTY = false): Printer & { text: string } {
  return {
    isTTY,
    columns: 120,
    text: '',
    write(t: string) {
      this.text += t;
    },
  };
}

/** The model's weights, copied, by state-dict name. */
export function weightsOf(model: nn.Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, Array.from(t.data)]));
}
