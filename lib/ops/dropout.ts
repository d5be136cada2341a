/**
 * The dropout family's ops, one file per kind in ops/dropout/; this file is their one import path:
 *   dropout.ts       dropout, dropout1d/2d/3d, spatialDropout1d/2d/3d: Bernoulli masks, inverted
 *   alpha.ts         alphaDropout, featureAlphaDropout (SELU networks)
 *   gaussian.ts      gaussianDropout, gaussianNoise (Keras)
 *   locked.ts        lockedDropout: one mask per sequence
 *   drop-connect.ts  dropConnectLinear: a Linear with dropped weights
 *   args.ts          the checks they share: rate, training flag, stream, noise shape
 * Only what code outside ops/dropout/ uses is listed. The learned-rate ops (concrete.ts, variational.ts) and embedding dropout (embedding.ts) sit
 * beside this file, in ops/.
 */
export {
  optionsObject,
  probability,
  resolveNoiseShape,
  type StreamOptions,
  streamOf,
  trainingFlag,
} from './dropout/args.js';
export {
  dropout,
  dropout1d,
  dropout2d,
  dropout3d,
  maskWords,
  spatialDropout1d,
  spatialDropout2d,
  spatialDropout3d,
  type ChannelDropoutOptions,
  type DataFormat,
  type DropoutOptions,
  type SpatialDropoutOptions,
} from './dropout/dropout.js';
export { ALPHA_PRIME, alphaDropout, featureAlphaDropout, type AlphaDropoutOptions } from './dropout/alpha.js';
export {
  gaussianDropout,
  gaussianNoise,
  gaussianRate,
  noiseStddev,
  type GaussianDropoutOptions,
  type GaussianNoiseOptions,
} from './dropout/gaussian.js';
export { lockedDropout, type LockedDropoutOptions } from './dropout/locked.js';
export { dropConnectLinear, type DropConnectOptions } from './dropout/drop-connect.js';
