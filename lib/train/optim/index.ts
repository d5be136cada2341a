export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { clipGradNorm, clipGradValue } from './clip.js';
export {
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamLike,
  type ParamsInput,
  type ParamState,
} from './optimizer.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export {
  CosineAnnealingLR,
  ExponentialLR,
  LRScheduler,
  OneCycleLR,
  ReduceLROnPlateau,
  StepLR,
  type OneCycleOptions,
  type ReduceLROnPlateauOptions,
} from './schedulers.js';
export { SGD, type SGDOptions } from './sgd.js';
