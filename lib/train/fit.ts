/**
 * fit(): the training loop behind model.fit, Keras's semantics over PyTorch's pieces.
 *
 * Every option and the data are checked before anything trains (fit-options.ts, fit-data.ts).
 * Then, per epoch: the DataLoader yields batches in an order that is a function of (seed, epoch)
 * only, each step is forward, loss, zeroGrad, backward, (clipping,) optimizer step; the running
 * loss and metrics go to the progress bar and batch callbacks; a validation pass follows.
 *
 * The event loop: kernels and the tape run synchronously, so each step blocks for its own
 * duration, and between steps the loop takes a turn (setImmediate) once `yieldEveryMs` of work
 * has passed since the last one. A server in the same process answers between steps; the model's
 * weights are never seen half-updated, since a step completes before the turn.
 *
 * Modes: fit() calls model.train() once at the start (so onTrainBegin may set some submodule back
 * to eval, e.g. frozen batch norm) and leaves the model in training mode, as a PyTorch loop does.
 * Validation batches run through predict, which restores every module's mode.
 *
 * Abort: the signal is checked at every batch boundary (and before training); fit() then rejects
 * with the signal's reason (an AbortError unless abort() was given another), as fetch() does.
 * model.history holds the epochs that finished, with `aborted: true`. No further callbacks run.
 */
import { DataLoader } from '../data/dataloader.js';
import type { Dataset } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import { add } from '../ops/arithmetic.js';
import { Tensor } from '../tensor.js';
import { CallbackList, type TrainingContext, type TrainingParams } from './callbacks/callback.js';
import { checkLossValue, evaluationLoop, throwIfAborted } from './evaluate.js';
import { type CheckedOptions, checkOptions, type FitOptions, resolveOptimizer } from './fit-options.js';
import { arrayInput, prepareData } from './fit-data.js';
import { History, type Logs } from './history.js';
import { clipGradNorm, clipGradValue } from './optim/clip.js';
import type { Optimizer } from './optim/optimizer.js';
import { Progress } from './progress.js';
import { Regularization } from './regularization.js';
import { EventLoopYielder } from './yielder.js';

/** What Module.fit hands over: the model's own hooks for history and stopping. */
export interface FitHost {
  setHistory(history: History): void;
}

function logKeys(metrics: readonly { name: string }[], validation: boolean, kl: boolean): string[] {
  const base = ['loss', ...(kl ? ['kl'] : []), ...metrics.map((m) => m.name)];
  return validation ? [...base, ...base.map((k) => `val_${k}`)] : base;
}

/** Splits fit's arguments: (x, y, options) or (dataset, options). */
function splitArgs(args: readonly unknown[]): [unknown, unknown, unknown] {
  // Nested arrays are x (with y), as Keras takes them; a Dataset comes alone.
  const first = arrayInput(args);
  return first instanceof Tensor ? [first, args[1], args[2]] : [first, undefined, args[1]];
}

// Models inside a fit() call: a second concurrent call would interleave steps and modes.
const training = new WeakSet<Module>();

export async function fitModel(model: Module, args: readonly unknown[], host: FitHost): Promise<History> {
  if (training.has(model))
    throw new Error(`fit: ${model.layerName} is already training (an earlier fit() call has not finished)`);
  training.add(model);
  try {
    return await fitChecked(model, args, host);
  } finally {
    training.delete(model);
  }
}

async function fitChecked(model: Module, args: readonly unknown[], host: FitHost): Promise<History> {
  const [x, y, rawOptions] = splitArgs(args);
  const o = checkOptions(rawOptions as FitOptions, 'fit');
  const loss = o.loss!;
  const data = prepareData(model, x, y, loss, o.validationSplit, o.validationData);
  const optimizer = resolveOptimizer(model, o.optimizer);
  const loader = new DataLoader(data.train, {
    batchSize: o.batchSize,
    shuffle: o.shuffle,
    ...(o.seed === undefined ? {} : { seed: o.seed }),
  });
  const regularization = Regularization.forFit(model, data.train.length, o.datasetSize, o.klWeight);
  const params: TrainingParams = {
    epochs: o.epochs,
    initialEpoch: o.initialEpoch,
    steps: loader.length,
    samples: data.train.length,
    batchSize: o.batchSize,
    verbose: o.verbose,
    metrics: logKeys(o.metrics, data.validation !== null, regularization.hasKl),
    validation: data.validation !== null,
  };
  const progress = new Progress(o.printer, o.verbose, o.epochs, loader.length);
  const context: TrainingContext = { model, optimizer, params, note: (text) => progress.note(text) };
  const callbacks = new CallbackList(o.callbacks);
  // Callbacks check their monitors against params.metrics here: before any training.
  callbacks.setContext(context);
  throwIfAborted(o.signal);

  const history = new History();
  host.setHistory(history);
  model.stopTraining = false;
  model.train();
  const yielder = new EventLoopYielder(o.yieldEveryMs);
  try {
    // The checks above ran synchronously (a scan of the data included): a turn before training.
    if (o.yieldEveryMs !== Infinity) await yielder.turn();
    await train(model, optimizer, loader, data.validation, o, callbacks, progress, history, yielder, regularization);
  } catch (error) {
    progress.close();
    if (o.signal !== null && o.signal.aborted && error === o.signal.reason) history.aborted = true;
    throw error;
  }
  return history;
}

async function train(
  model: Module,
  optimizer: Optimizer<object>,
  loader: DataLoader,
  validation: Dataset | null,
  o: CheckedOptions,
  callbacks: CallbackList,
  progress: Progress,
  history: History,
  yielder: EventLoopYielder,
  regularization: Regularization,
): Promise<void> {
  const loss = o.loss!;
  const { metrics, signal } = o;
  const parameters = optimizer.paramGroups.flatMap((g) => g.params);
  const batchHooks = callbacks.has('onBatchBegin') || callbacks.has('onBatchEnd');
  let last: Logs = {};
  await callbacks.trainBegin({});
  for (let epoch = o.initialEpoch; epoch < o.epochs; epoch++) {
    throwIfAborted(signal);
    loader.setEpoch(epoch);
    for (const m of metrics) m.reset();
    await callbacks.epochBegin(epoch, {});
    progress.epochBegin(epoch);
    let total = 0;
    let klTotal = 0;
    let samples = 0;
    let step = 0;
    let logs: Logs = {};
    for (const batch of loader) {
      throwIfAborted(signal);
      const n = batch.x.shape[0]!;
      if (batchHooks) await callbacks.batchBegin(step, { batch: step, size: n });
      const output = model.call(batch.x);
      let value = checkLossValue(loss(output, batch.y), loss);
      if (regularization.active) {
        // The model's KL terms and penalties join the loss: their gradients flow with it.
        const parts = regularization.parts(epoch);
        value = add(value.reshape([]), parts.total);
        if (parts.kl !== null) klTotal += parts.kl.item() * n;
      }
      // Zero-filled, not dropped: backward then adds the weight gradients into the same arrays
      // (no new storage per step; docs/memory.md).
      optimizer.zeroGrad({ setToNone: false });
      value.backward();
      if (o.clipGradNorm !== null) clipGradNorm(parameters, o.clipGradNorm);
      if (o.clipGradValue !== null) clipGradValue(parameters, o.clipGradValue);
      optimizer.step();
      total += value.item() * n;
      samples += n;
      for (const m of metrics) m.update(output, batch.y);
      step++;
      // Running means over the epoch so far, as Keras's batch logs.
      logs = { loss: total / samples };
      if (regularization.hasKl) logs.kl = klTotal / samples;
      for (const m of metrics) logs[m.name] = m.result();
      if (batchHooks) await callbacks.batchEnd(step - 1, { batch: step - 1, size: n, ...logs });
      progress.batchEnd(step, logs);
      if (model.stopTraining) break;
      if (yielder.due()) await yielder.turn();
    }
    throwIfAborted(signal);
    if (validation !== null) {
      const run = {
        loss,
        metrics,
        batchSize: o.batchSize,
        signal,
        yielder,
        regularization: { terms: regularization, epoch },
      };
      Object.assign(logs, await evaluationLoop(model, validation, run, 'val_'));
    }
    progress.epochEnd(epoch, logs, step);
    await callbacks.epochEnd(epoch, logs);
    history.record(epoch, logs);
    last = logs;
    if (model.stopTraining) break;
  }
  await callbacks.trainEnd(last);
}
