/**
 * fit()'s options as tfjs takes them, checked; and its callbacks argument as tfjs takes it (one object of hooks, an array, a tf.CustomCallback
 * or tf.callbacks.earlyStopping) as dropnet callbacks; onYield runs after every batch.
 */
import { argTypeError } from '../errors.js';
import { Callback, type CallbackHooks, type TrainingContext } from '../train/callbacks/callback.js';
import type { Logs } from '../train/history.js';
import { Tensor } from './tensor.js';

export interface ModelFitArgs {
  epochs?: number;
  batchSize?: number;
  verbose?: 0 | 1 | 2;
  callbacks?: unknown;
  validationSplit?: number;
  validationData?: [Tensor | Tensor[], Tensor | Tensor[]] | [Tensor | Tensor[], Tensor | Tensor[], Tensor];
  shuffle?: boolean;
  initialEpoch?: number;
  classWeight?: unknown;
  yieldEvery?: unknown;
  stepsPerEpoch?: number;
  validationSteps?: number;
  validationBatchSize?: number;
  validationFreq?: number;
  sampleWeight?: unknown;
}

export const FIT_KEYS = [
  'epochs',
  'batchSize',
  'verbose',
  'callbacks',
  'validationSplit',
  'validationData',
  'shuffle',
  'initialEpoch',
  'classWeight',
  'yieldEvery',
  'stepsPerEpoch',
  'validationSteps',
  'validationBatchSize',
  'validationFreq',
  'sampleWeight',
];

/** Throws on options dropnet/tfjs does not take (naming them). */
export function checkFitArgs(args: ModelFitArgs): void {
  if (typeof args !== 'object' || args === null) throw argTypeError('fit args', 'object', args);
  for (const key of Object.keys(args))
    if (!FIT_KEYS.includes(key))
      throw new RangeError(`fit: unknown option "${key}"; the options are ${FIT_KEYS.join(', ')}`);
  for (const key of ['classWeight', 'sampleWeight', 'stepsPerEpoch', 'validationSteps'] as const) {
    if (args[key] !== undefined)
      throw new Error(`dropnet/tfjs: fit option ${key} is not supported; remove it (see docs/tfjs.md)`);
  }
  if (args.validationFreq !== undefined && args.validationFreq !== 1)
    throw new Error('dropnet/tfjs: fit option validationFreq other than 1 is not supported');
}

const HOOKS = [
  'onTrainBegin',
  'onTrainEnd',
  'onEpochBegin',
  'onEpochEnd',
  'onBatchBegin',
  'onBatchEnd',
  'onYield',
] as const;

/** tfjs's callbacks argument (one object of hooks, an array, a tf.CustomCallback or earlyStopping) as dropnet callbacks. */
export function toCallbacks(value: unknown, model: object): CallbackHooks[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((c: unknown, i) => {
    if (c instanceof Callback) return c;
    if (typeof c !== 'object' || c === null)
      throw argTypeError(`callbacks[${i}]`, `callback object (with ${HOOKS.join(', ')})`, c);
    const hooks = c as Record<string, unknown>;
    for (const h of HOOKS)
      if (hooks[h] !== undefined && typeof hooks[h] !== 'function')
        throw argTypeError(`callbacks[${i}].${h}`, 'function', hooks[h]);
    if (!HOOKS.some((h) => typeof hooks[h] === 'function'))
      throw argTypeError(`callbacks[${i}]`, `callback object with at least one of ${HOOKS.join(', ')}`, c);
    if (typeof (hooks as { setModel?: unknown }).setModel === 'function')
      (hooks as { setModel(m: object): void }).setModel(model);
    let epoch = 0;
    const call = (h: string, ...args: unknown[]): unknown =>
      typeof hooks[h] === 'function' ? (hooks[h] as (...a: unknown[]) => unknown).apply(c, args) : undefined;
    return {
      onTrainBegin: (logs: Logs) => call('onTrainBegin', logs) as void,
      onTrainEnd: (logs: Logs) => call('onTrainEnd', logs) as void,
      onEpochBegin: (e: number, logs: Logs) => {
        epoch = e;
        return call('onEpochBegin', e, logs) as void;
      },
      onEpochEnd: (e: number, logs: Logs) => call('onEpochEnd', e, logs) as void,
      onBatchBegin: (b: number, logs: Logs) => call('onBatchBegin', b, logs) as void,
      onBatchEnd: async (b: number, logs: Logs) => {
        await call('onBatchEnd', b, logs);
        await call('onYield', epoch, b, logs);
      },
    };
  });
}

/** tfjs's tf.CustomCallback: a callback from an object of hooks. */
export class CustomCallback extends Callback {
  constructor(args: Partial<Record<(typeof HOOKS)[number], (...a: never[]) => unknown>>) {
    super();
    for (const h of HOOKS) if (args[h] !== undefined) (this as unknown as Record<string, unknown>)[h] = args[h];
  }

  override setContext(context: TrainingContext): void {
    super.setContext(context);
  }
}

/** tfjs also takes inputs and targets as objects by layer name; dropnet/tfjs takes arrays. */
export function noDict(v: unknown, name: string): void {
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor))
    throw new Error(
      `dropnet/tfjs: ${name} as an object by name is not supported; pass an array in model.inputNames / outputNames order`,
    );
}
