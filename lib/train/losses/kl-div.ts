/**
 * Kullback-Leibler divergence with PyTorch's convention: the input holds log-probabilities, the
 * target probabilities (or log-probabilities with logTarget). Per element: t (log t - x), 0 where
 * t = 0. 'mean' divides by the number of elements, which is not the KL divergence of the rows;
 * 'batchmean' divides by the batch size and is (as PyTorch's documentation says) the one to use.
 */
import { argTypeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkReduction, expectLogits, expectSameShape } from './common.js';
import { elementwiseLoss } from './elementwise.js';

export type KlDivReduction = 'mean' | 'batchmean' | 'sum' | 'none';

export interface KlDivOptions {
  reduction?: KlDivReduction;
  /** The target holds log-probabilities (default false). */
  logTarget?: boolean;
}

export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  expectLogits(input, 'input');
  const t = expectSameShape(input, target, 'klDiv');
  const reduction = checkReduction<KlDivReduction>(options.reduction, ['mean', 'batchmean', 'sum', 'none']);
  const logTarget = options.logTarget ?? false;
  if (typeof logTarget !== 'boolean') throw argTypeError('logTarget', 'boolean', logTarget);
  const divisor =
    reduction === 'none'
      ? null
      : reduction === 'sum'
        ? 1
        : reduction === 'mean'
          ? input.size
          : input.rank === 0
            ? 1
            : input.shape[0]!;
  const fn = logTarget
    ? {
        value: (x: number, y: number) => Math.exp(y) * (y - x),
        dx: (_x: number, y: number) => -Math.exp(y),
        dt: (x: number, y: number) => Math.exp(y) * (y - x + 1),
      }
    : {
        // xlogy: 0 log 0 = 0, so zero targets add nothing.
        value: (x: number, y: number) => (y === 0 ? 0 : y * (Math.log(y) - x)),
        dx: (_x: number, y: number) => -y,
        // At t = 0 PyTorch's gradient is NaN (xlogy's 0 / 0); kept so, for parity.
        dt: (x: number, y: number) => (y === 0 ? Number.NaN : Math.log(y) + 1 - x),
      };
  return elementwiseLoss('klDiv', input, t, fn, null, divisor);
}
