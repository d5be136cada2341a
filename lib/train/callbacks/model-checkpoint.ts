/**
 * ModelCheckpoint: saves the model's state dict (safetensors, PyTorch's key names, written
 * atomically) at the end of every epoch, or only when the monitored value improves. The path
 * may hold placeholders filled from the epoch's logs, Python-format style as in Keras:
 * `ckpt-{epoch:02d}-{val_loss:.2f}.safetensors` (epoch counts from 1). Without saveWeightsOnly
 * the file's metadata also records the model's class and getConfig(), for rebuilding it.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { argTypeError } from '../../errors.js';
import { saveSafetensors } from '../../io/safetensors/file.js';
import type { Logs } from '../history.js';
import { Callback, type TrainingContext } from './callback.js';
import { checkMode, checkMonitor, direction, flag, type MonitorMode, resolveMonitor } from './monitor.js';

export interface ModelCheckpointOptions {
  /** Where to save; may contain {epoch}, {loss}, {val_loss:.4f}, {epoch:03d} ... */
  filepath: string;
  /** The logged value saveBestOnly compares (default 'val_loss'). */
  monitor?: string;
  /** Save only when the monitored value is the best so far (default false). */
  saveBestOnly?: boolean;
  /** Weights only; otherwise the metadata also holds the model's class and config (default false). */
  saveWeightsOnly?: boolean;
  mode?: MonitorMode;
  /** Print a line per save (default 0). */
  verbose?: 0 | 1;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g;

/** One placeholder's value under a Python format spec: '', 'd', '02d', '.2f', '.3e'. */
function formatValue(value: number, spec: string | undefined, path: string): string {
  if (spec === undefined || spec === '') return String(value);
  let m = /^(0?)(\d*)d$/.exec(spec);
  if (m) {
    const s = String(Math.trunc(value));
    return m[2] === '' ? s : s.padStart(Number(m[2]), m[1] === '0' ? '0' : ' ');
  }
  m = /^\.(\d+)([fe])$/.exec(spec);
  if (m)
    return m[2] === 'f'
      ? value.toFixed(Number(m[1]))
      : value.toExponential(Number(m[1])).replace(/e([+-])(\d)$/, 'e$10$2');
  throw new RangeError(
    `ModelCheckpoint: format "${spec}" in filepath "${path}" is not supported (use d, 02d, .2f or .3e)`,
  );
}

/** Fills {name} and {name:spec} placeholders from `values`. */
export function formatFilepath(path: string, values: Logs): string {
  return path.replace(PLACEHOLDER, (_all, name: string, spec: string | undefined) => {
    const v = values[name];
    if (v === undefined) throw new RangeError(`ModelCheckpoint: filepath "${path}" uses {${name}}, which has no value`);
    return formatValue(v, spec, path);
  });
}

export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: MonitorMode;
  readonly verbose: 0 | 1;
  best = Number.NaN;
  /** The files written, in order. */
  readonly saved: string[] = [];
  #key = '';
  #max = false;

  constructor(options: ModelCheckpointOptions) {
    super();
    if (typeof options !== 'object' || options === null) throw argTypeError('options', 'object with filepath', options);
    if (typeof options.filepath !== 'string' || options.filepath === '')
      throw argTypeError('filepath', 'non-empty string', options.filepath);
    this.filepath = options.filepath;
    this.monitor = checkMonitor(options.monitor);
    this.saveBestOnly = flag(options.saveBestOnly, 'saveBestOnly', false);
    this.saveWeightsOnly = flag(options.saveWeightsOnly, 'saveWeightsOnly', false);
    this.mode = checkMode(options.mode);
    this.verbose = options.verbose === 1 ? 1 : 0;
  }

  override setContext(context: TrainingContext): void {
    super.setContext(context);
    const known = ['epoch', ...context.params.metrics];
    for (const m of this.filepath.matchAll(PLACEHOLDER)) {
      if (!known.includes(m[1]!)) {
        throw new RangeError(
          `ModelCheckpoint: filepath "${this.filepath}" uses {${m[1]}}, which fit() does not log; it logs ${known.join(', ')}`,
        );
      }
      formatValue(0, m[2], this.filepath);
    }
    if (this.saveBestOnly) {
      this.#key = resolveMonitor('ModelCheckpoint', this.monitor, context.params);
      this.#max = direction(this.mode, this.#key) === 'max';
    }
  }

  onTrainBegin(): void {
    this.best = this.#max ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveBestOnly) {
      const current = logs[this.#key];
      if (current === undefined || !(this.#max ? current > this.best : current < this.best)) return;
      this.best = current;
    }
    const path = formatFilepath(this.filepath, { ...logs, epoch: epoch + 1 });
    const metadata: Record<string, string> = { epoch: String(epoch + 1), logs: JSON.stringify(logs) };
    if (!this.saveWeightsOnly) {
      metadata.model = this.model.constructor.name;
      metadata.config = JSON.stringify(this.model.getConfig());
    }
    await mkdir(dirname(path), { recursive: true });
    // saveSafetensors copies the tensors when called: later epochs cannot change this file.
    await saveSafetensors(path, this.model.stateDict(), metadata);
    this.saved.push(path);
    if (this.verbose > 0) this.context.note(`Epoch ${epoch + 1}: saved ${path}`);
  }
}
