/**
 * model.fitDataset and model.evaluateDataset, with tfjs's contract: the dataset yields
 * `{ xs, ys }` batches; an epoch is one pass over it (a new iterator per epoch), or
 * `batchesPerEpoch` batches from one iterator kept across epochs; batch logs are the batch's own
 * loss and metrics, epoch logs their means weighted by batch size, then `val_*` from
 * validationData (a dataset, or [x, y] evaluated in batches of validationBatchSize, 32).
 *
 * Each batch is one training step of the model's own fit() on that batch alone (one epoch, one
 * batch, no shuffle): the same optimizer, loss, regularizers and metrics as model.fit, and no
 * second training loop to keep in step with it. A first call on the first batch with no epoch to
 * run reads what fit will log (and the optimizer) before any callback runs.
 */
import { nonNegativeInt, positiveInt } from '../args.js';
import { argTypeError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { Callback, type TrainingContext, type TrainingParams } from '../train/callbacks/callback.js';
import { History, type Logs } from '../train/history.js';
import { Progress, stdoutPrinter } from '../train/progress.js';
import { Dataset, type DataIterator } from './data.js';
import type { Result } from './data-iter.js';
import { dispose } from './engine.js';
import { scalar, Tensor } from './tensor.js';

/** What fitDataset needs of a model: tfjs's public surface. */
export interface DatasetModel {
  fit(x: Tensor, y: Tensor, args?: Record<string, unknown>): Promise<History>;
  evaluate(x: Tensor, y: Tensor, args?: { batchSize?: number }): Tensor | Tensor[];
  stopTraining: boolean;
  readonly module: Module;
}

export interface ModelFitDatasetArgs {
  epochs: number;
  batchesPerEpoch?: number;
  initialEpoch?: number;
  verbose?: 0 | 1 | 2;
  callbacks?: unknown;
  validationData?: Dataset | [Tensor, Tensor];
  validationBatchSize?: number;
  validationBatches?: number;
  yieldEvery?: unknown;
  classWeight?: unknown;
}

const FIT_KEYS = [
  'epochs',
  'batchesPerEpoch',
  'initialEpoch',
  'verbose',
  'callbacks',
  'validationData',
  'validationBatchSize',
  'validationBatches',
  'yieldEvery',
  'classWeight',
];
const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onYield'];

/** Receives the inner fit's context (what it logs, the optimizer). */
class Probe extends Callback {
  seen: TrainingContext | null = null;

  override setContext(context: TrainingContext): void {
    super.setContext(context);
    this.seen = context;
  }
}

/** `{ xs, ys }` of a batch, as tfjs's standardizeDataIteratorOutput demands. */
function xsYs(value: unknown, fn: string): [Tensor, Tensor] {
  const v = value as { xs?: unknown; ys?: unknown } | null;
  if (typeof v !== 'object' || v === null || v.xs === undefined || v.ys === undefined || v.xs === null || v.ys === null)
    throw new Error(
      `A Dataset iterator for ${fn}() is expected to generate objects of the form \`{xs: xVal, ys: yVal}\`, where the two values may be \`tf.Tensor\`, an array of Tensors, or a map of string to Tensor.  The provided Dataset instead generates ${String(value)}`,
    );
  const one = (t: unknown, name: string): Tensor => {
    if (t instanceof Tensor) return t;
    if (Array.isArray(t) && t.length === 1 && t[0] instanceof Tensor) return t[0];
    throw new Error(
      `dropnet/tfjs: ${fn}(): ${name} of a batch must be one tf.Tensor (models with several inputs or outputs are not supported); batch the dataset (dataset.batch(n)) so that ${name} is a tensor`,
    );
  };
  return [one(v.xs, 'xs'), one(v.ys, 'ys')];
}

/** Calls tfjs-style callbacks (objects of hooks, tf.CustomCallback, tf.callbacks.earlyStopping). */
function callbackList(value: unknown): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.map((c, i) => {
    if (typeof c !== 'object' || c === null)
      throw argTypeError(`callbacks[${i}]`, `callback object (with ${HOOKS.join(', ')})`, c);
    const hooks = c as Record<string, unknown>;
    for (const h of HOOKS)
      if (hooks[h] !== undefined && typeof hooks[h] !== 'function')
        throw argTypeError(`callbacks[${i}].${h}`, 'function', hooks[h]);
    return hooks;
  });
}

async function call(list: Record<string, unknown>[], hook: string, ...args: unknown[]): Promise<void> {
  for (const c of list) {
    const f = c[hook];
    if (typeof f === 'function') await (f as (...a: unknown[]) => unknown).apply(c, args);
  }
}

function values(out: Tensor | Tensor[]): number[] {
  return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync()[0]!);
}

/** Trains `model` on `dataset` (tfjs's model.fitDataset); resolves with the History. */
export async function fitDataset(model: DatasetModel, dataset: unknown, args: ModelFitDatasetArgs): Promise<History> {
  if (!(dataset instanceof Dataset)) throw argTypeError('dataset', 'tf.data Dataset', dataset);
  if (typeof args !== 'object' || args === null)
    throw new Error('For fitDataset(), the 2nd argument (config) is required, but it is not provided in this call.');
  for (const key of Object.keys(args)) {
    if (key === 'validationSplit')
      throw new Error('`validationSplit` is not supported by `fitDataset()`. Use validationData instead.');
    if (!FIT_KEYS.includes(key))
      throw new RangeError(`fitDataset: unknown option "${key}"; the options are ${FIT_KEYS.join(', ')}`);
  }
  if (args.classWeight !== undefined)
    throw new Error('dropnet/tfjs: fitDataset option classWeight is not supported; remove it (see docs/tfjs.md)');
  const epochs = positiveInt(args.epochs, 'epochs', 'fitDataset');
  const perEpoch =
    args.batchesPerEpoch === undefined ? null : positiveInt(args.batchesPerEpoch, 'batchesPerEpoch', 'fitDataset');
  const initialEpoch =
    args.initialEpoch === undefined ? 0 : nonNegativeInt(args.initialEpoch, 'initialEpoch', 'fitDataset');
  const vd = args.validationData;
  if (vd !== undefined && !(vd instanceof Dataset) && !(Array.isArray(vd) && vd.length === 2))
    throw argTypeError('validationData', 'tf.data Dataset or [xVal, yVal]', vd);
  const validate = async (): Promise<number[]> =>
    vd instanceof Dataset
      ? values(
          await evaluateDataset(
            model,
            vd,
            args.validationBatches === undefined ? {} : { batches: args.validationBatches },
          ),
        )
      : values(model.evaluate(vd![0], vd![1], { batchSize: args.validationBatchSize ?? 32 }));
  const list = callbackList(args.callbacks);

  // The first batch: what fit will log, and the optimizer, before any callback runs.
  let iterator: DataIterator<unknown> = await dataset.iterator();
  let peeked: Result<unknown> | null = await iterator.next();
  const probe = new Probe();
  if (!peeked.done) {
    const [x, y] = xsYs(peeked.value, 'fitDataset');
    await model.fit(x, y, { epochs: 1, initialEpoch: 1, verbose: 0, callbacks: [probe] });
  }
  const names = probe.seen?.params.metrics ?? ['loss'];
  const params: TrainingParams = {
    epochs,
    initialEpoch,
    steps: perEpoch ?? dataset.size ?? 0,
    samples: 0,
    batchSize: 0,
    verbose: args.verbose ?? 0,
    metrics: vd === undefined ? [...names] : [...names, ...names.map((n) => `val_${n}`)],
    validation: vd !== undefined,
  };
  const progress = new Progress(
    stdoutPrinter,
    params.steps > 0 ? params.verbose : params.verbose && 2,
    epochs,
    params.steps,
  );
  const context: TrainingContext = {
    model: model.module,
    optimizer: probe.seen?.optimizer as never,
    params,
    note: (t) => progress.note(t),
  };
  for (const c of list) {
    if (c instanceof Callback) c.setContext(context);
    else if (typeof c.setModel === 'function') (c.setModel as (m: unknown) => void).call(c, model);
  }

  const history = new History();
  await call(list, 'onTrainBegin', {});
  model.stopTraining = false;
  for (let epoch = initialEpoch; epoch < epochs; epoch++) {
    await call(list, 'onEpochBegin', epoch, {});
    progress.epochBegin(epoch);
    if (perEpoch === null && peeked === null) iterator = await dataset.iterator();
    const sums: Logs = {};
    let samples = 0;
    let step = 0;
    let finished = false;
    for (;;) {
      const r = peeked ?? (await iterator.next());
      peeked = null;
      if (r.done) {
        if (perEpoch !== null)
          console.warn(
            `You provided \`batchesPerEpoch\` as ${perEpoch}, but your dataset iterator ran out of data after ${step} batches; interrupting training. Make sure that your dataset can generate at least \`batchesPerEpoch * epochs\` batches (in this case, ${perEpoch * epochs} batches). You may need to use the repeat() function when building your dataset.`,
          );
        finished = perEpoch === null;
        break;
      }
      const [x, y] = xsYs(r.value, 'fitDataset');
      const size = x.shape[0] ?? 1;
      const stopBefore = model.stopTraining;
      await call(list, 'onBatchBegin', step, { batch: step, size });
      const h = await model.fit(x, y, { epochs: 1, batchSize: size, shuffle: false, verbose: 0 });
      if (stopBefore || model.stopTraining) model.stopTraining = true;
      dispose(r.value);
      const logs: Logs = { batch: step, size };
      for (const n of names) {
        logs[n] = h.history[n]![0]!;
        sums[n] = (sums[n] ?? 0) + logs[n] * size;
      }
      samples += size;
      await call(list, 'onBatchEnd', step, logs);
      await call(list, 'onYield', epoch, step, logs);
      step++;
      progress.batchEnd(step, logs);
      if (perEpoch !== null && step >= perEpoch) {
        finished = true;
        break;
      }
      if (model.stopTraining) break;
    }
    // As tfjs: the validation values first, then the weighted means of the batch logs.
    const epochLogs: Logs = {};
    if (finished && vd !== undefined) (await validate()).forEach((v, i) => (epochLogs[`val_${names[i]}`] = v));
    for (const n of names) if (samples > 0) epochLogs[n] = sums[n]! / samples;
    progress.epochEnd(epoch, epochLogs, step);
    await call(list, 'onEpochEnd', epoch, epochLogs);
    history.record(epoch, epochLogs);
    if (model.stopTraining) break;
  }
  await call(list, 'onTrainEnd', {});
  return history;
}

/** Loss and metrics over a dataset of `{ xs, ys }` batches, weighted by batch size (tfjs's evaluateDataset). */
export async function evaluateDataset(
  model: DatasetModel,
  dataset: unknown,
  args: { batches?: number; verbose?: number } = {},
): Promise<Tensor | Tensor[]> {
  if (!(dataset instanceof Dataset)) throw argTypeError('dataset', 'tf.data Dataset', dataset);
  if (typeof args !== 'object' || args === null) throw argTypeError('evaluateDataset args', 'object { batches }', args);
  for (const key of Object.keys(args))
    if (key !== 'batches' && key !== 'verbose')
      throw new RangeError(`evaluateDataset: unknown option "${key}"; the options are batches, verbose`);
  if (args.verbose !== undefined && args.verbose > 0) throw new Error('Verbose mode is not implemented yet.');
  const batches = args.batches === undefined ? null : positiveInt(args.batches, 'batches', 'evaluateDataset');
  const it = await dataset.iterator();
  let sums: number[] = [];
  let n = 0;
  for (let b = 0; batches === null || b < batches; b++) {
    const r = await it.next();
    if (r.done) {
      if (batches !== null)
        console.warn(
          `Your dataset iterator ran out of data during evaluateDataset(). Interrupting evalution. Make sure that your dataset can generate at least \`batches\` batches (in this case, ${batches} batches). You may need to use the repeat() function when building your dataset.`,
        );
      break;
    }
    const [x, y] = xsYs(r.value, 'evaluateDataset');
    const size = x.shape[0] ?? 1;
    const v = values(model.evaluate(x, y, { batchSize: size }));
    sums = v.map((value, i) => (sums[i] ?? 0) + value * size);
    n += size;
    dispose(r.value);
  }
  if (n === 0) throw new Error('dropnet/tfjs: evaluateDataset: the dataset yielded no batch');
  const out = sums.map((s) => scalar(s / n));
  return out.length === 1 ? out[0]! : out;
}

/** tfjs's model.trainOnBatch: one step of fit on (x, y) as one batch; the loss, or [loss, ...metrics]. */
export async function trainOnBatch(
  model: Pick<DatasetModel, 'fit'>,
  x: Tensor | Tensor[],
  y: Tensor | Tensor[],
): Promise<number | number[]> {
  const first = Array.isArray(x) ? x[0] : x;
  if (!(first instanceof Tensor)) throw argTypeError('trainOnBatch x', 'tf.Tensor or array of tf.Tensor', x);
  const fit = model.fit as (x: unknown, y: unknown, args: Record<string, unknown>) => Promise<History>;
  const h = await fit.call(model, x, y, { epochs: 1, batchSize: first.shape[0] ?? 1, shuffle: false, verbose: 0 });
  const values = Object.values(h.history).map((v) => v![0]!);
  return values.length === 1 ? values[0]! : values;
}
