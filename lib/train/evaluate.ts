/**
 * evaluate(): the loss and metrics of a model over a dataset, batch by batch, in eval mode without
 * recording gradients. Each batch runs through model.predict, which switches every module to
 * eval and restores its mode before returning, so no mode change outlives a batch: the event
 * loop turns between batches, and other code that runs then (a request calling the same model,
 * a training step) finds the modes it left. Values are averaged over samples.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { DataLoader } from '../data/dataloader.js';
import type { Dataset } from '../data/dataset.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { Tensor } from '../tensor.js';
import { type CheckedOptions, checkOptions, type EvaluateOptions, type FitTargets } from './fit-options.js';
import { arrayInput, prepareData } from './fit-data.js';
import type { Logs } from './history.js';
import type { Loss } from './losses/resolve.js';
import type { Metric } from './metrics.js';
import { Regularization } from './regularization.js';
import { EventLoopYielder } from './yielder.js';

/** Throws the signal's reason (an AbortError DOMException unless abort() was given another). */
export function throwIfAborted(signal: AbortSignal | null): void {
  if (signal !== null && signal.aborted) throw signal.reason;
}

/** A loss output that is not a scalar tensor cannot be trained on: say so with the loss's name. */
export function checkLossValue(value: unknown, loss: Loss): Tensor {
  if (typeof value !== 'object' || value === null || typeof (value as Tensor).item !== 'function') {
    throw new TypeError(`the loss ${loss.lossName} returned ${String(value)}; expected a scalar Tensor`);
  }
  const t = value as Tensor;
  if (t.size !== 1) {
    throw new ShapeError(
      `the loss ${loss.lossName} returned shape ${formatShape(t.shape)}; expected a scalar (use reduction 'mean' or 'sum')`,
    );
  }
  return t;
}

export interface EvaluationRun {
  loss: Loss | null;
  metrics: readonly Metric[];
  batchSize: number;
  signal: AbortSignal | null;
  yielder: EventLoopYielder;
  /** The model's regularization terms, added to the loss at the KL weight of `epoch`. */
  regularization?: { terms: Regularization; epoch: number };
}

/** Loss and metrics of `model` over `data`, averaged over samples; keys prefixed with `prefix`. */
export async function evaluationLoop(model: Module, data: Dataset, run: EvaluationRun, prefix = ''): Promise<Logs> {
  const { loss, metrics, signal, yielder } = run;
  for (const m of metrics) m.reset();
  let total = 0;
  let samples = 0;
  const predict = model.predict as (x: Tensor, options: { batchSize: number }) => Tensor;
  for (const batch of new DataLoader(data, { batchSize: run.batchSize, shuffle: false })) {
    throwIfAborted(signal);
    const n = batch.x.shape[0]!;
    const out = predict(batch.x, { batchSize: Infinity });
    if (loss !== null)
      total +=
        checkLossValue(
          noGrad(() => loss(out, batch.y)),
          loss,
        ).item() * n;
    samples += n;
    for (const m of metrics) m.update(out, batch.y);
    if (yielder.due()) await yielder.turn();
  }
  throwIfAborted(signal);
  const logs: Logs = {};
  if (loss !== null) logs[`${prefix}loss`] = total / samples;
  const reg = run.regularization;
  if (loss !== null && reg !== undefined && reg.terms.active) {
    // The terms depend on the parameters only, not on the data or the mode: computed once.
    const parts = noGrad(() => reg.terms.parts(reg.epoch));
    logs[`${prefix}loss`]! += parts.total.item();
    if (reg.terms.hasKl) logs[`${prefix}kl`] = parts.kl!.item();
  }
  for (const m of metrics) logs[`${prefix}${m.name}`] = m.result();
  return logs;
}

/**
 * model.evaluate(x, y, options) or model.evaluate(dataset, options): { loss, ...metrics }.
 * The data are checked as fit() checks them, before the first batch.
 */
export async function evaluateModel(model: Module, args: readonly unknown[]): Promise<Logs> {
  const first = arrayInput(args);
  const dataFirst = !(first instanceof Tensor);
  const [x, y, rawOptions] = dataFirst ? [first, undefined, args[1]] : [first, args[1], args[2]];
  const o: CheckedOptions = checkOptions(rawOptions as EvaluateOptions | undefined, 'evaluate');
  if (o.loss === null && o.metrics.length === 0) {
    throw new TypeError(
      "evaluate needs a loss or metrics: pass { loss: 'crossEntropy' } and/or { metrics: ['accuracy'] }",
    );
  }
  const { train } = prepareData(model, x, y as FitTargets | undefined, o.loss, 0, undefined, 'evaluate');
  throwIfAborted(o.signal);
  const yielder = new EventLoopYielder(o.yieldEveryMs);
  const run: EvaluationRun = { loss: o.loss, metrics: o.metrics, batchSize: o.batchSize, signal: o.signal, yielder };
  if (o.loss !== null) {
    // The loss includes the model's regularization terms, as fit() trains it.
    const klWeight = typeof o.klWeight === 'function' ? undefined : o.klWeight;
    run.regularization = { terms: Regularization.forEvaluate(model, o.datasetSize, klWeight), epoch: 0 };
  }
  return evaluationLoop(model, train, run);
}
