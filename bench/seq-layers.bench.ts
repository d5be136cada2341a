/**
 * `npm run bench -- seq-layers`: layer norm forward and forward + backward (the kernels, native
 * and the TypeScript reference) and the embedding lookup (nn.Embedding.forward), for the rows of
 * a 35-step batch of 20 (700) at widths 256 and 650, 1 and N threads; against PyTorch measured in
 * the same run when torch imports. Medians.
 */
import { kernels, nativeAvailable, nn, noGrad, Tensor } from '../lib/index.js';
import { type BenchArgs, fmt, type Row, table, timeIt, timeOptions, writeResults } from './harness.js';
import { runTorch, torchStatus } from './torch.js';

const SHAPES: [number, number][] = [
  [700, 256],
  [700, 650],
  [20, 256],
];
const VOCAB = 10000;

interface TorchRow {
  threads: number;
  rows: number;
  n: number;
  layernorm_forward_s: number;
  layernorm_forward_backward_s: number;
  embedding_forward_s: number;
}

const ms = (s: number): string => fmt(s * 1e3);

export function run(args: BenchArgs): void {
  const options = timeOptions(args);
  const out: Row[] = [];
  const status = torchStatus();
  const torch = status.ok
    ? runTorch<{ rows: TorchRow[] }>('seq_layers.py', {
        shapes: SHAPES,
        vocab: VOCAB,
        threads: args.threads,
        quick: args.quick,
      }).rows
    : [];
  if (!status.ok) console.log(`PyTorch not measured: ${status.reason}`);
  const backends = nativeAvailable() ? (['native', 'js'] as const) : (['js'] as const);
  for (const threads of args.threads) {
    for (const [rows, n] of SHAPES) {
      const x = Float32Array.from({ length: rows * n }, (_, i) => Math.sin(i) * 2);
      const w = new Float32Array(n).fill(1.1);
      const b = new Float32Array(n).fill(0.1);
      const y = new Float32Array(rows * n);
      const dx = new Float32Array(rows * n);
      const dw = new Float32Array(n);
      const db = new Float32Array(n);
      const row: Row = { threads, rows, n };
      for (const name of backends) {
        const k = name === 'native' ? kernels('native') : kernels('js');
        if (name === 'native') k.setNumThreads(threads);
        const fwd = timeIt(() => k.layerNormForward(y, x, w, b, rows, n, 1e-5), options).median;
        const both = timeIt(() => {
          k.layerNormForward(y, x, w, b, rows, n, 1e-5);
          k.layerNormBackward(dx, dw, db, x, x, w, rows, n, 1e-5);
        }, options).median;
        row[`${name} LN fwd ms`] = ms(fwd);
        row[`${name} LN fwd+bwd ms`] = ms(both);
      }
      const emb = new nn.Embedding(VOCAB, n);
      const ids = new Tensor(
        Float32Array.from({ length: rows }, (_, i) => (i * 7919) % VOCAB),
        [rows],
      );
      row['Embedding fwd ms'] = ms(timeIt(() => noGrad(() => emb.forward(ids)), options).median);
      const t = torch.find((r) => r.threads === threads && r.rows === rows && r.n === n);
      if (t !== undefined) {
        row['torch LN fwd ms'] = ms(t.layernorm_forward_s);
        row['torch LN fwd+bwd ms'] = ms(t.layernorm_forward_backward_s);
        row['torch Embedding fwd ms'] = ms(t.embedding_forward_s);
      }
      out.push(row);
    }
  }
  console.log(table(out));
  console.log(`wrote ${writeResults('seq-layers', { torch: status.version, rows: out })}`);
}
