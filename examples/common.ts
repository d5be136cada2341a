/**
 * What the examples share until dropnet has losses and optimizers of its own: a cross-entropy
 * built from ops, a plain SGD step, synthetic classification data and batching.
 */
import { Generator, noGrad, ops, type Parameter, randn, type Tensor, tensor } from '../lib/index.js';

/** Mean cross-entropy of logits [N, C] against class indices [N]: -mean(logSoftmax(logits)[i, y_i]). */
export function crossEntropy(logits: Tensor, targets: Tensor): Tensor {
  return ops.neg(ops.mean(ops.gather(ops.logSoftmax(logits, 1), 1, targets.reshape([-1, 1]))));
}

/** p -= lr * p.grad for every parameter, outside the tape. */
export function sgdStep(parameters: readonly Parameter[], lr: number): void {
  noGrad(() => {
    for (const p of parameters) {
      if (p.grad === null) continue;
      const g = p.grad.data;
      for (let i = 0; i < p.size; i++) p.data[i]! -= lr * g[i]!;
    }
  });
}

export interface Dataset {
  x: Tensor;
  y: Tensor;
}

/**
 * A classification task in `features` dimensions: a point's label is which of `classes` fixed
 * random directions it points along most (learnable, and not linearly trivial for a small
 * hidden layer). Returns a training and a test set drawn from the same task.
 */
export function syntheticClasses(
  features: number,
  classes: number,
  sizes: { train: number; test: number },
  seed: number,
): { train: Dataset; test: Dataset } {
  const gen = new Generator(seed);
  const directions = randn([classes, features], { generator: gen });
  const draw = (n: number): Dataset => {
    const x = randn([n, features], { generator: gen });
    const scores = ops.matmul(x, ops.transpose(directions));
    const labels = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (scores.data[i * classes + c]! > scores.data[i * classes + best]!) best = c;
      labels[i] = best;
    }
    return { x, y: tensor(labels, [n]) };
  };
  return { train: draw(sizes.train), test: draw(sizes.test) };
}

/** Consecutive batches of `size` rows (the last may be smaller). */
export function* batches(data: Dataset, size: number): Iterable<Dataset> {
  const [n, features] = data.x.shape as readonly [number, number];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    yield {
      x: tensor(data.x.data.subarray(start * features, end * features), [end - start, features]),
      y: tensor(data.y.data.subarray(start, end), [end - start]),
    };
  }
}

/** The fraction of rows whose largest logit is the label. */
export function accuracy(logits: Tensor, labels: Tensor): number {
  const [n, c] = logits.shape as readonly [number, number];
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (logits.data[i * c + j]! > logits.data[i * c + best]!) best = j;
    if (best === labels.data[i]) right++;
  }
  return right / n;
}
