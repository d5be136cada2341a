/** Command-line flags of the main job (`npm start -- --help`). */
import { SEQUENCE_VARIANTS } from './sequence.js';
import { UNCERTAINTY_VARIANTS } from './uncertainty.js';

export interface MainArgs {
  /** What the job trains: the MLP on dropout variants, or the LSTM on recurrent ones. */
  task: Task;
  epochs: number;
  variants: Variant[];
  /** A directory with MNIST-format IDX files (plain or gzipped); the bundled digits when absent. */
  data: string | null;
  /** Fraction of the samples used for training; the rest validates. */
  trainFraction: number;
  batchSize: number;
  hidden: number;
  seed: number;
  out: string;
  /** Where to write the trained model as ONNX (one file per variant when there are several), or null. */
  exportOnnx: string | null;
  help: boolean;
}

export const VARIANTS = ['none', 'dropout', 'gaussian', 'alpha'] as const;
export const TASKS = ['dropout', 'sequence', 'uncertainty'] as const;
export type Task = (typeof TASKS)[number];
/** The variants each task trains, and the ones it trains when --variants is not given. */
export const TASK_VARIANTS = {
  dropout: { all: VARIANTS, defaults: ['none', 'dropout', 'gaussian'] },
  sequence: { all: SEQUENCE_VARIANTS, defaults: SEQUENCE_VARIANTS },
  uncertainty: { all: UNCERTAINTY_VARIANTS, defaults: UNCERTAINTY_VARIANTS },
} as const;
export type DropoutVariant = (typeof VARIANTS)[number];
export type Variant = DropoutVariant | (typeof SEQUENCE_VARIANTS)[number] | (typeof UNCERTAINTY_VARIANTS)[number];

export const USAGE = `Usage: npm start -- [options]

Trains the same network on a small real dataset with and without dropout, prints a per-epoch
table, and writes an HTML report with the learning curves side by side.

Options:
  --task NAME         dropout: an MLP with the dropout family (default);
                      sequence: an LSTM reading each digit as 8 rows of 8 pixels, with recurrent dropout;
                      uncertainty: sparse variational and Concrete dropout, Monte Carlo entropy
  --epochs N          epochs per variant (default 80 for dropout, 40 for sequence, 200 for uncertainty)
  --variants LIST     comma-separated; dropout: ${VARIANTS.join(', ')} (default none,dropout,gaussian);
                      sequence: ${SEQUENCE_VARIANTS.join(', ')} (default all);
                      uncertainty: ${UNCERTAINTY_VARIANTS.join(', ')} (default all)
  --data DIR          an MNIST-format dataset (IDX files, plain or .gz) instead of the bundled digits
  --train-fraction F  fraction of the samples to train on, the rest validates (default 0.1:
                      a small training set makes overfitting, and what dropout does about it, visible;
                      0.75 for uncertainty)
  --batch-size N      samples per step (default 32; 64 for uncertainty)
  --hidden N          width of the two hidden layers (default 512), or of the LSTM's state (default 64);
                      uncertainty's networks have fixed widths and do not take it
  --seed N            seed for the weights, the split, the shuffles and the masks (default 1)
  --out PATH          where to write the report (default reports/<task>-report.html)
  --export-onnx PATH  also write the trained model as ONNX (PATH-<variant>.onnx for each of several variants)
  --help              this text`;

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`${flag} takes a positive integer but received ${String(value)}`);
  return n;
}

export function parseArgs(argv: readonly string[]): MainArgs {
  const given: Partial<MainArgs> = {};
  let variantsFlag = '--variants';
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--task': {
        const task = value();
        if (!(TASKS as readonly (string | undefined)[]).includes(task))
          throw new RangeError(`--task takes one of ${TASKS.join(', ')} but received ${String(task)}`);
        given.task = task as Task;
        break;
      }
      case '--epochs':
        given.epochs = positiveInt(flag, value());
        break;
      case '--variant':
      case '--variants':
        variantsFlag = flag;
        given.variants = (value() ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '') as Variant[];
        break;
      case '--data':
        given.data = value() ?? null;
        break;
      case '--train-fraction': {
        const f = Number(value());
        if (!(f > 0 && f < 1))
          throw new RangeError(`--train-fraction takes a number in (0, 1) but received ${argv[i]}`);
        given.trainFraction = f;
        break;
      }
      case '--batch-size':
        given.batchSize = positiveInt(flag, value());
        break;
      case '--hidden':
        given.hidden = positiveInt(flag, value());
        break;
      case '--seed':
        given.seed = positiveInt(flag, value());
        break;
      case '--out': {
        const path = value();
        if (path === undefined || path === '')
          throw new RangeError(`--out takes a file path but received ${String(path)}`);
        given.out = path;
        break;
      }
      case '--export-onnx': {
        const path = value();
        if (path === undefined || path === '' || path.startsWith('--'))
          throw new RangeError(`--export-onnx takes a file path but received ${String(path)}`);
        given.exportOnnx = path;
        break;
      }
      case '--help':
      case '-h':
        given.help = true;
        break;
      default:
        throw new RangeError(`unknown option ${flag} (see --help)`);
    }
  }
  const task = given.task ?? 'dropout';
  const { all, defaults } = TASK_VARIANTS[task];
  const variants = given.variants ?? [...defaults];
  const bad = variants.filter((v) => !(all as readonly string[]).includes(v));
  if (variants.length === 0 || bad.length > 0) {
    const forTask = task === 'dropout' ? '' : ` for --task ${task}`;
    throw new RangeError(
      `${variantsFlag} takes a list of ${all.join(', ')}${forTask} but received ${bad.join(', ') || 'nothing'}`,
    );
  }
  if (task !== 'dropout' && given.exportOnnx !== undefined)
    throw new RangeError(`--export-onnx exports the MLP of --task dropout; --task ${task} does not take it`);
  if (task === 'uncertainty' && given.hidden !== undefined)
    throw new RangeError('--hidden: --task uncertainty trains networks of fixed widths and does not take it');
  const perTask = {
    dropout: { epochs: 80, hidden: 512, trainFraction: 0.1, batchSize: 32 },
    sequence: { epochs: 40, hidden: 64, trainFraction: 0.1, batchSize: 32 },
    uncertainty: { epochs: 200, hidden: 0, trainFraction: 0.75, batchSize: 64 },
  }[task];
  return {
    task,
    variants,
    data: null,
    seed: 1,
    exportOnnx: null,
    help: false,
    out: `reports/${task}-report.html`,
    ...perTask,
    ...given,
  };
}
