/**
 * Losses by name, for fit() and for the Keras-style facade: PyTorch's names (crossEntropy,
 * cross_entropy, CrossEntropyLoss ...) and Keras's (categoricalCrossentropy,
 * sparse_categorical_crossentropy, mse ...). A resolved loss is a function (output, target) =>
 * scalar tensor that also says what it expects, so fit() can check targets before training and
 * pick the right accuracy. Keras's classification losses take probabilities unless
 * `fromLogits: true`; PyTorch's crossEntropy always takes logits.
 */
import { didYouMean } from '../../args.js';
import { argTypeError, invalidArg } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './binary.js';
import type { Target } from './common.js';
import { crossEntropy, nllLoss } from './cross-entropy.js';
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from './keras.js';
import { klDiv } from './kl-div.js';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from './regression.js';

/** What a loss expects the model to output. */
export type OutputKind = 'logits' | 'probabilities' | 'logProbabilities' | 'values';

/**
 * What a loss expects as target: class indices; class indices or class probabilities (shaped as
 * the output); class probabilities / one-hot rows; binary labels (0/1 per output element);
 * values of the output's shape; or anything (a user's function).
 */
export type TargetKind = 'classIndices' | 'classIndicesOrProbabilities' | 'probabilities' | 'binary' | 'values' | 'any';

/** A loss function that says what it expects. */
export interface Loss {
  (output: Tensor, target: Target): Tensor;
  /** The name used in messages and logs. */
  readonly lossName: string;
  readonly output: OutputKind;
  readonly target: TargetKind;
}

/** Any function from (output, target) to a scalar tensor. */
export type LossFunction = (output: Tensor, target: never) => Tensor;

export interface ResolveLossOptions {
  /** For Keras's classification losses: the model outputs logits (default false: probabilities). */
  fromLogits?: boolean;
}

interface Entry {
  fn: (output: Tensor, target: never) => Tensor;
  output: OutputKind;
  target: TargetKind;
  /** Keras losses on probabilities: their logits form under fromLogits. */
  logits?: (output: Tensor, target: never) => Tensor;
}

const ENTRIES = {
  crossEntropy: { fn: crossEntropy, output: 'logits', target: 'classIndicesOrProbabilities' },
  nllLoss: { fn: nllLoss, output: 'logProbabilities', target: 'classIndices' },
  binaryCrossEntropy: { fn: binaryCrossEntropy, output: 'probabilities', target: 'binary' },
  binaryCrossEntropyWithLogits: { fn: binaryCrossEntropyWithLogits, output: 'logits', target: 'binary' },
  mseLoss: { fn: mseLoss, output: 'values', target: 'values' },
  l1Loss: { fn: l1Loss, output: 'values', target: 'values' },
  huberLoss: { fn: huberLoss, output: 'values', target: 'values' },
  smoothL1Loss: { fn: smoothL1Loss, output: 'values', target: 'values' },
  klDiv: { fn: klDiv, output: 'logProbabilities', target: 'probabilities' },
  categoricalCrossentropy: {
    fn: categoricalCrossentropy,
    output: 'probabilities',
    target: 'probabilities',
    logits: (o: Tensor, t: Tensor) => categoricalCrossentropy(o, t, { fromLogits: true }),
  },
  sparseCategoricalCrossentropy: {
    fn: sparseCategoricalCrossentropy,
    output: 'probabilities',
    target: 'classIndices',
    logits: (o: Tensor, t: Target) => sparseCategoricalCrossentropy(o, t, { fromLogits: true }),
  },
  binaryCrossentropy: {
    fn: binaryCrossentropy,
    output: 'probabilities',
    target: 'binary',
    logits: (o: Tensor, t: Tensor) => binaryCrossentropy(o, t, { fromLogits: true }),
  },
} satisfies Record<string, Entry>;

/** Other spellings: PyTorch's functional and module names, Keras's snake_case and short names. */
const ALIASES = {
  cross_entropy: 'crossEntropy',
  CrossEntropyLoss: 'crossEntropy',
  nll_loss: 'nllLoss',
  NLLLoss: 'nllLoss',
  binary_cross_entropy: 'binaryCrossEntropy',
  BCELoss: 'binaryCrossEntropy',
  binary_cross_entropy_with_logits: 'binaryCrossEntropyWithLogits',
  BCEWithLogitsLoss: 'binaryCrossEntropyWithLogits',
  mse_loss: 'mseLoss',
  MSELoss: 'mseLoss',
  mse: 'mseLoss',
  MSE: 'mseLoss',
  meanSquaredError: 'mseLoss',
  mean_squared_error: 'mseLoss',
  l1_loss: 'l1Loss',
  L1Loss: 'l1Loss',
  mae: 'l1Loss',
  MAE: 'l1Loss',
  meanAbsoluteError: 'l1Loss',
  mean_absolute_error: 'l1Loss',
  huber_loss: 'huberLoss',
  HuberLoss: 'huberLoss',
  huber: 'huberLoss',
  smooth_l1_loss: 'smoothL1Loss',
  SmoothL1Loss: 'smoothL1Loss',
  kl_div: 'klDiv',
  KLDivLoss: 'klDiv',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
} as const satisfies Record<string, keyof typeof ENTRIES>;

/** Every loss name resolveLoss takes, canonical or another spelling (a literal union, so typos do not compile). */
export type LossName = keyof typeof ENTRIES | keyof typeof ALIASES;

/** The canonical loss names resolveLoss accepts (each also under its PyTorch/Keras spellings). */
export const LOSS_NAMES = Object.keys(ENTRIES);

function named(
  fn: (output: Tensor, target: never) => Tensor,
  lossName: string,
  output: OutputKind,
  target: TargetKind,
): Loss {
  const loss = (o: Tensor, t: Target): Tensor => fn(o, t as never);
  return Object.assign(loss, { lossName, output, target });
}

function isLoss(value: unknown): value is Loss {
  return typeof value === 'function' && typeof (value as Loss).lossName === 'string';
}

/**
 * A loss from its name or a function. Names: PyTorch's (crossEntropy, nllLoss, mseLoss ...; also
 * cross_entropy, CrossEntropyLoss ...) and Keras's (categoricalCrossentropy,
 * sparseCategoricalCrossentropy, binaryCrossentropy, meanSquaredError / mse, meanAbsoluteError /
 * mae, snake_case too). A function is used as given: (output, target) => scalar tensor.
 */
export function resolveLoss(loss: LossName | LossFunction | Loss, options: ResolveLossOptions = {}): Loss {
  const fromLogits = options.fromLogits;
  if (fromLogits !== undefined && typeof fromLogits !== 'boolean')
    throw argTypeError('fromLogits', 'boolean', fromLogits);
  if (typeof loss === 'function') {
    if (fromLogits !== undefined)
      throw new RangeError('fromLogits applies to Keras loss names only, not to a loss function');
    return isLoss(loss) ? loss : named(loss, loss.name || 'loss', 'values', 'any');
  }
  const expected = `loss function or loss name (${LOSS_NAMES.join(', ')}, or their PyTorch/Keras spellings)`;
  if (typeof loss !== 'string') throw argTypeError('loss', expected, loss);
  const canonical: string | undefined = Object.hasOwn(ENTRIES, loss)
    ? loss
    : Object.hasOwn(ALIASES, loss)
      ? ALIASES[loss as keyof typeof ALIASES]
      : undefined;
  if (canonical === undefined)
    throw new RangeError(
      `${invalidArg('loss', expected, loss)}${didYouMean(loss, [...LOSS_NAMES, ...Object.keys(ALIASES)])}`,
    );
  const entry: Entry = ENTRIES[canonical as keyof typeof ENTRIES];
  if (fromLogits === undefined || fromLogits === false) {
    if (fromLogits === false && entry.output === 'logits') {
      throw new RangeError(`${canonical} takes logits; fromLogits: false does not apply to it`);
    }
    return named(entry.fn, canonical, entry.output, entry.target);
  }
  if (entry.logits === undefined) {
    if (entry.output === 'logits') return named(entry.fn, canonical, entry.output, entry.target);
    throw new RangeError(
      `fromLogits applies to Keras's categoricalCrossentropy, sparseCategoricalCrossentropy and binaryCrossentropy, not to ${canonical}`,
    );
  }
  return named(entry.logits, canonical, 'logits', entry.target);
}
