/**
 * Alpha dropout (Klambauer et al. 2017, PyTorch's F.alpha_dropout / F.feature_alpha_dropout),
 * for self-normalizing (SELU) networks: a dropped unit takes SELU's negative saturation value
 * α' = -λα instead of 0, and the result is mapped by a·y + b so that an input of mean 0 and
 * variance 1 keeps them:
 *
 *   a = ((1 - p)(1 + p α'^2))^(-1/2),   b = -a α' p
 *   kept: a x + b          dropped: a α' + b          gradient: a where kept, 0 where dropped
 *
 * The mask is drawn like dropout's (Philox, bit-packed, 1 bit per mask element held for
 * backward); the affine map runs here. As in dropout, a dropped element's value does not depend
 * on x (a NaN in x does not leak through a dropped unit; PyTorch computes 0 * x there).
 */
import { record } from '../../autograd/record.js';
import { activeBackend } from '../../backend/index.js';
import { formatShape, ShapeError } from '../../errors.js';
import type { Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { expectTensor } from '../check.js';
import { optionsObject, probability, type StreamOptions, streamOf, trainingFlag } from './args.js';
import { droppedAll, maskWords } from './dropout.js';

/** SELU's limit at -infinity, -scale * alpha: the value dropped units take. */
export const ALPHA_PRIME = -1.7580993408473766;

export interface AlphaDropoutOptions extends StreamOptions {
  /** Probability that an element (a channel, for featureAlphaDropout) is dropped, in [0, 1] (default 0.5). */
  p?: number;
  /** Required: true drops; false returns x unchanged. */
  training: boolean;
}

/** The affine map's coefficients for rate p < 1: [a, b]. */
export function alphaCoefficients(p: number): [number, number] {
  const a = 1 / Math.sqrt((1 - p) * (1 + p * ALPHA_PRIME * ALPHA_PRIME));
  return [a, -a * ALPHA_PRIME * p];
}

/** Alpha dropout with one mask bit per run of `mid` consecutive elements (`groups` runs). */
function alphaDropoutRuns<S extends Shape>(
  x: Tensor<S>,
  p: number,
  training: boolean,
  generator: Generator,
  groups: number,
  mid: number,
  name: string,
): Tensor<S> {
  const n = x.size;
  if (!training || p === 0 || n === 0) return x;
  if (p === 1) return droppedAll(x, name);
  const backend = activeBackend();
  const [a, b] = alphaCoefficients(p);
  const dropped = a * ALPHA_PRIME + b;
  const mask = new Uint32Array(maskWords(groups));
  backend.dropoutMask(mask, p, generator.seed, generator.reserve(groups), groups);
  const xd = x.data;
  const out = new Float32Array(n);
  if (mid === 1) {
    // Element-wise: walk each mask word's bits in order.
    for (let base = 0; base < n; base += 32) {
      let word = mask[base >>> 5]!;
      for (let i = base, end = Math.min(base + 32, n); i < end; i++, word >>>= 1)
        out[i] = (word & 1) !== 0 ? a * xd[i]! + b : dropped;
    }
  } else {
    for (let o = 0; o < groups; o++) {
      const from = o * mid;
      if (((mask[o >>> 5]! >>> (o & 31)) & 1) === 0) out.fill(dropped, from, from + mid);
      else for (let i = from; i < from + mid; i++) out[i] = a * xd[i]! + b;
    }
  }
  return record(new Tensor(out, x.shape), name, [x], (g) => {
    const gx = new Float32Array(n);
    if (mid === 1) {
      for (let base = 0; base < n; base += 32) {
        let word = mask[base >>> 5]!;
        for (let i = base, end = Math.min(base + 32, n); i < end; i++, word >>>= 1)
          if ((word & 1) !== 0) gx[i] = a * g[i]!;
      }
    } else {
      for (let o = 0; o < groups; o++) {
        const from = o * mid;
        if (((mask[o >>> 5]! >>> (o & 31)) & 1) === 1) for (let i = from; i < from + mid; i++) gx[i] = a * g[i]!;
      }
    }
    return [gx];
  });
}

/** Alpha dropout of each element (PyTorch's F.alpha_dropout); the identity unless training. */
export function alphaDropout<S extends Shape>(x: Tensor<S>, options: AlphaDropoutOptions): Tensor<S> {
  expectTensor(x, 'x');
  const o = optionsObject(options);
  const p = probability(o.p === undefined ? 0.5 : o.p);
  const training = trainingFlag(o.training);
  return alphaDropoutRuns(x, p, training, streamOf(o), x.size, 1, 'alphaDropout');
}

/**
 * Alpha dropout of whole channels: x is (N, C, *) and each (sample, channel) is kept or
 * dropped as a whole (PyTorch's F.feature_alpha_dropout, which reads the first two dimensions
 * as N and C whatever the rank: give an unbatched input a batch dimension of 1).
 */
export function featureAlphaDropout<S extends Shape>(x: Tensor<S>, options: AlphaDropoutOptions): Tensor<S> {
  expectTensor(x, 'x');
  const o = optionsObject(options);
  const p = probability(o.p === undefined ? 0.5 : o.p);
  const training = trainingFlag(o.training);
  const generator = streamOf(o);
  if (x.rank < 2)
    throw new ShapeError(
      `featureAlphaDropout: expected input (N, C, *) of rank >= 2 but received ${formatShape(x.shape)}`,
    );
  const groups = x.shape[0]! * x.shape[1]!;
  return alphaDropoutRuns(x, p, training, generator, groups, groups === 0 ? 0 : x.size / groups, 'featureAlphaDropout');
}
