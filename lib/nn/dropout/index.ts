/**
 * The dropout family's layers, one file per kind (the math of each is in ops/dropout/):
 *   noise-layer.ts        NoiseLayer: the base (a random stream, shape kept, category 'dropout')
 *   bernoulli.ts          BernoulliDropout: the base of the layers that zero units with probability p
 *   dropout.ts            Dropout, Dropout1d/2d/3d (PyTorch)
 *   spatial.ts            SpatialDropout1d/2d/3d (Keras, channels last)
 *   alpha.ts              AlphaDropout, FeatureAlphaDropout (SELU networks)
 *   gaussian.ts           GaussianDropout, GaussianNoise (Keras)
 *   locked.ts             LockedDropout: one mask per sequence
 *   embedding-dropout.ts  EmbeddingDropout: whole vocabulary rows
 *   drop-connect.ts       DropConnect: dropped weights of a Linear
 *   svdo.ts, variational.ts, concrete.ts   dropout that learns its own rate
 *   mc-dropout.ts         Monte Carlo dropout prediction
 *   advice.ts             dropout placement advice for summary()
 */
export { type DropoutAdvice, type DropoutAdviceCode, HIDDEN_RATE_LIMIT, INPUT_RATE_LIMIT } from './advice.js';
export { NoiseLayer, type NoiseLayerOptions } from './noise-layer.js';
export { BernoulliDropout } from './bernoulli.js';
export { Dropout, Dropout1d, Dropout2d, Dropout3d, type DropoutLayerOptions } from './dropout.js';
export { SpatialDropout1d, SpatialDropout2d, SpatialDropout3d, type SpatialDropoutLayerOptions } from './spatial.js';
export { AlphaDropout, FeatureAlphaDropout } from './alpha.js';
export { GaussianDropout, GaussianNoise } from './gaussian.js';
export { LockedDropout, type LockedDropoutLayerOptions } from './locked.js';
export { EmbeddingDropout } from './embedding-dropout.js';
export { DropConnect, type DropConnectOptions } from './drop-connect.js';
export {
  Conv2dSVDO,
  LinearSVDO,
  prunedStateDict,
  sparsity,
  type Conv2dSVDOOptions,
  type LayerSparsity,
  type SparseVariational,
  type SparseVdOptions,
  type SparsityReport,
} from './svdo.js';
export { VariationalDropout, type VariationalDropoutOptions } from './variational.js';
export { ConcreteDropout, SpatialConcreteDropout, type ConcreteDropoutOptions } from './concrete.js';
export { isStochastic, mcDropoutPredict, type McDropoutOptions, type McDropoutResult } from './mc-dropout.js';
