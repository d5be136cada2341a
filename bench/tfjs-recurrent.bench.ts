/**
 * `npm run bench -- tfjs-recurrent`: dropnet/tfjs's recurrent layers against pure-JS
 * @tensorflow/tfjs (its CPU backend) on the same model: predict and one fit batch of an lstm
 * (tfjs's default hardSigmoid gates: the steps as dropnet ops), an lstm with sigmoid gates
 * (dropnet's fused kernel) and a gru, units 64, batch 32, 20 steps, 32 features. The least
 * time of the samples (the machine may be shared), in ms. Threads: dropnet's default.
 */
import * as real from '@tensorflow/tfjs';
import * as tf from '../lib/tfjs/index.js';
import { type BenchArgs, fmt, type Row, table, writeResults } from './harness.js';

type Lib = typeof tf;
const [B, T, I, U] = [32, 20, 32, 64];

async function measure(
  lib: Lib,
  layer: (lib: Lib) => ReturnType<Lib['layers']['lstm']>,
  samples: number,
): Promise<[number, number]> {
  const m = lib.sequential();
  m.add(layer(lib));
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const x = lib.randomNormal([B, T, I]);
  const y = lib.randomNormal([B, U]);
  let predict = Infinity;
  for (let i = 0; i <= samples; i++) {
    const t0 = performance.now();
    (m.predict(x) as ReturnType<Lib['tensor']>).dataSync();
    if (i > 0) predict = Math.min(predict, performance.now() - t0);
  }
  const batches: number[] = [];
  let start = 0;
  await m.fit(x, y, {
    epochs: samples + 1,
    batchSize: B,
    callbacks: {
      onBatchBegin: () => {
        start = performance.now();
      },
      onBatchEnd: () => {
        batches.push(performance.now() - start);
      },
    },
  });
  return [predict, Math.min(...batches.slice(1))];
}

export async function run(args: BenchArgs): Promise<void> {
  real.env().set('IS_TEST', true);
  await real.setBackend('cpu');
  const samples = args.quick ? 1 : 5;
  const cases: [string, (lib: Lib) => ReturnType<Lib['layers']['lstm']>][] = [
    ['lstm (hardSigmoid: steps)', (lib) => lib.layers.lstm({ units: U, inputShape: [T, I] })],
    [
      'lstm sigmoid (fused)',
      (lib) => lib.layers.lstm({ units: U, inputShape: [T, I], recurrentActivation: 'sigmoid' }),
    ],
    ['gru (steps)', (lib) => lib.layers.gru({ units: U, inputShape: [T, I] })],
  ];
  const out: Row[] = [];
  for (const [name, layer] of cases) {
    const [dp, df] = await measure(tf, layer, samples);
    const [rp, rf] = await measure(real as unknown as Lib, layer, samples);
    out.push({
      layer: name,
      'dropnet/tfjs predict ms': fmt(dp),
      'dropnet/tfjs fit batch ms': fmt(df),
      'tfjs predict ms': fmt(rp),
      'tfjs fit batch ms': fmt(rf),
      'predict speed-up': fmt(rp / dp),
      'fit speed-up': fmt(rf / df),
    });
  }
  console.log(table(out));
  console.log(`wrote ${writeResults('tfjs-recurrent', { B, T, I, U, rows: out })}`);
}
