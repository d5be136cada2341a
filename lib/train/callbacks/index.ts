/** Callbacks for fit() (`callbacks.*`), Keras's names and semantics. */
export { Callback, CallbackList, type CallbackHooks, type TrainingContext, type TrainingParams } from './callback.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export {
  LearningRateScheduler,
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  type Schedule,
} from './learning-rate.js';
export { formatFilepath, ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
export type { MonitorMode } from './monitor.js';
export { TerminateOnNaN } from './terminate-on-nan.js';
