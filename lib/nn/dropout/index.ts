/** Dropout that learns its own rate: sparse variational, variational and Concrete dropout. */
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
