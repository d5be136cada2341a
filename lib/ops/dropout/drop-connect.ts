/**
 * DropConnect (Wan et al. 2013): a linear map whose WEIGHTS are dropped, each (out, in) pair
 * kept with probability 1 - p per call, kept ones scaled by 1/(1-p) (inverted, like dropout);
 * the bias is never dropped. Outside training (or at p = 0) it is exactly `linear`, with the
 * full weights and no rescaling.
 *
 *   y = x (W ⊙ M / (1-p))^T + b     dx = g (W ⊙ M / (1-p))     dW = (g^T x) ⊙ M / (1-p)     db = Σ g
 *
 * What is materialised: the mask is bit-packed (out * in bits, drawn with dropoutMask, all the
 * graph keeps). The masked weight W ⊙ M / (1-p) IS written out, once per call, into a buffer of
 * the weight's size (the caller's reusable `scratch`, or a new one), because the GEMM kernels
 * take plain matrices: masking while packing W inside the GEMM would avoid that pass and is
 * not done. Backward writes it again from the mask (another call may have reused the scratch
 * since), then runs the two GEMMs; dW is masked in place. The extra passes cost O(out * in)
 * against the GEMMs' O(batch * out * in).
 */
import { record } from '../../autograd/record.js';
import { activeBackend } from '../../backend/index.js';
import { argTypeError, formatShape, ShapeError } from '../../errors.js';
import { Tensor } from '../../tensor.js';
import { expectTensor } from '../check.js';
import { optionsObject, probability, type StreamOptions, streamOf, trainingFlag } from './args.js';
import { maskWords } from './dropout.js';
import { gemm, linear } from '../matmul.js';

export interface DropConnectOptions extends StreamOptions {
  /** Probability that a weight is dropped, in [0, 1] (default 0.5). */
  p?: number;
  /** Required: true drops weights; false is plain `linear`. */
  training: boolean;
}

/**
 * x (..., in) times a dropped-out weight (out, in), plus bias (out): (..., out). `scratch`, a
 * Float32Array of the weight's size, is reused for the masked weight instead of allocating one.
 */
export function dropConnectLinear(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: DropConnectOptions,
  scratch?: Float32Array,
): Tensor {
  expectTensor(x, 'x');
  expectTensor(weight, 'weight');
  if (bias !== null && bias !== undefined) expectTensor(bias, 'bias');
  if (scratch !== undefined && !(scratch instanceof Float32Array))
    throw argTypeError('scratch', 'Float32Array or undefined', scratch);
  const o = optionsObject(options);
  const p = probability(o.p === undefined ? 0.5 : o.p);
  const training = trainingFlag(o.training);
  const generator = streamOf(o);
  if (!training || p === 0) return linear(x, weight, bias);
  if (weight.rank !== 2)
    throw new ShapeError(
      `dropConnectLinear: expected weight of shape [out, in] but received ${formatShape(weight.shape)}`,
    );
  const [outF, inF] = weight.shape as readonly [number, number];
  const size = outF * inF;
  const buffer = scratch !== undefined && scratch.length === size ? scratch : new Float32Array(size);
  const backend = activeBackend();
  // p = 1 keeps nothing: an all-zero mask, no draws.
  const mask = new Uint32Array(maskWords(size));
  if (p < 1) backend.dropoutMask(mask, p, generator.seed, generator.reserve(size), size);
  const masked = (): Float32Array => {
    // dropoutBackward computes exactly w * keep * 1/(1-p) (zeros at p = 1).
    backend.dropoutBackward(buffer, weight.data, mask, p, size);
    return buffer;
  };
  // linear checks x and bias against the weight's shape and records nothing on this leaf copy.
  const y = linear(x.detach(), new Tensor(masked(), weight.shape), bias?.detach() ?? null);
  const m = x.shape.slice(0, -1).reduce((a, d) => a * d, 1);
  return record(new Tensor(y.data, y.shape), 'dropConnectLinear', [x, weight, bias], (g, needs) => {
    let gb: Float32Array | null = null;
    if (needs[2]) {
      const acc = new Float64Array(outF);
      for (let r = 0; r < m; r++) for (let j = 0, at = r * outF; j < outF; j++, at++) acc[j]! += g[at]!;
      gb = Float32Array.from(acc);
    }
    let gw: Float32Array | null = null;
    if (needs[1]) {
      gw = gemm(true, false, outF, inF, m, g, x.data);
      backend.dropoutBackward(gw, gw, mask, p, size);
    }
    return [needs[0] ? gemm(false, false, m, inF, outF, g, masked()) : null, gw, gb];
  });
}
