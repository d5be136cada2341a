/** Command-line flags of the main job (`npm start -- --help`). */

export interface MainArgs {
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
export type Variant = (typeof VARIANTS)[number];

export const USAGE = `Usage: npm start -- [options]

Trains the same network on a small real dataset with and without dropout, prints a per-epoch
table, and writes an HTML report with the learning curves side by side.

Options:
  --epochs N          epochs per variant (default 80)
  --variants LIST     comma-separated: ${VARIANTS.join(', ')} (default none,dropout,gaussian)
  --data DIR          an MNIST-format dataset (IDX files, plain or .gz) instead of the bundled digits
  --train-fraction F  fraction of the samples to train on, the rest validates (default 0.1:
                      a small training set makes overfitting, and what dropout does about it, visible)
  --batch-size N      samples per step (default 32)
  --hidden N          width of the two hidden layers (default 512)
  --seed N            seed for the weights, the split, the shuffles and the masks (default 1)
  --out PATH          where to write the report (default reports/dropout-report.html)
  --export-onnx PATH  also write the trained model as ONNX (PATH-<variant>.onnx for each of several variants)
  --help              this text`;

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isSafeInteger(n) || n < 1) throw new RangeError(`${flag} takes a positive integer but received ${String(value)}`);
  return n;
}

export function parseArgs(argv: readonly string[]): MainArgs {
  const args: MainArgs = {
    epochs: 80, variants: ['none', 'dropout', 'gaussian'], data: null, trainFraction: 0.1, batchSize: 32,
    hidden: 512, seed: 1, out: 'reports/dropout-report.html', exportOnnx: null, help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--epochs': args.epochs = positiveInt(flag, value()); break;
      case '--variant':
      case '--variants': {
        const list = (value() ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
        const bad = list.filter((v) => !(VARIANTS as readonly string[]).includes(v));
        if (list.length === 0 || bad.length > 0) throw new RangeError(`${flag} takes a list of ${VARIANTS.join(', ')} but received ${bad.join(', ') || 'nothing'}`);
        args.variants = list as Variant[];
        break;
      }
      case '--data': args.data = value() ?? null; break;
      case '--train-fraction': {
        const f = Number(value());
        if (!(f > 0 && f < 1)) throw new RangeError(`--train-fraction takes a number in (0, 1) but received ${argv[i]}`);
        args.trainFraction = f;
        break;
      }
      case '--batch-size': args.batchSize = positiveInt(flag, value()); break;
      case '--hidden': args.hidden = positiveInt(flag, value()); break;
      case '--seed': args.seed = positiveInt(flag, value()); break;
      case '--out': args.out = value() ?? args.out; break;
      case '--export-onnx': {
        const path = value();
        if (path === undefined || path === '' || path.startsWith('--')) throw new RangeError(`--export-onnx takes a file path but received ${String(path)}`);
        args.exportOnnx = path;
        break;
      }
      case '--help':
      case '-h': args.help = true; break;
      default: throw new RangeError(`unknown option ${flag} (see --help)`);
    }
  }
  return args;
}
