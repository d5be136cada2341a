/**
 * Train in dropnet, serve with ONNX Runtime: the MLP of examples/mlp.ts is trained, exported with
 * a dynamic batch, loaded into an ONNX Runtime InferenceSession and asked for predictions at
 * batch 1 and 64, which are compared with dropnet's own (eval mode: dropout is the identity).
 *
 * onnxruntime-web (WebAssembly, runs in Node and browsers) is used here because it installs
 * without downloads; a server would use onnxruntime-node, whose API is the same.
 *
 * Run: node --import ./scripts/register-ts.mjs examples/serve-onnx.ts [model.onnx]
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-web';
import { io, manualSeed, nn, type Tensor } from '../lib/index.js';
import { syntheticClasses } from './common.js';

/** A predict function over an ONNX file: rows of `features` floats in, one row of logits per input row out. */
export async function loadOnnx(
  path: string,
): Promise<(rows: Float32Array, n: number, features: number) => Promise<Float32Array>> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(new Uint8Array(await readFile(path)));
  return async (rows, n, features) => {
    const out = await session.run({ input: new ort.Tensor('float32', rows, [n, features]) });
    return out.output!.data as Float32Array;
  };
}

export async function main(
  options: { path?: string; log?: (line: string) => void } = {},
): Promise<{ path: string; maxAbsDifference: number[] }> {
  const { path = join(mkdtempSync(join(tmpdir(), 'dropnet-serve-')), 'mlp.onnx'), log = () => undefined } = options;
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(20, 64), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(64, 2));
  const { train, test } = syntheticClasses(20, 2, { train: 512, test: 64 }, 1);
  await model.fit(train.x, train.y, { loss: 'crossEntropy', optimizer: 'adam', epochs: 5, batchSize: 32, verbose: 0 });

  // The file: weights as initializers under their state-dict names, input "input" [batch, 20], output "output" [batch, 2].
  await io.exportOnnx(model, path, { inputShape: [-1, 20] });
  log(`exported ${path}`);

  const predict = await loadOnnx(path);
  const maxAbsDifference: number[] = [];
  for (const n of [1, 64]) {
    const x: Tensor = test.x;
    const rows = x.data.slice(0, n * 20);
    const served = await predict(rows, n, 20);
    const ours = model.predict(x).data.subarray(0, n * 2);
    let worst = 0;
    served.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - ours[i]!));
    });
    maxAbsDifference.push(worst);
    log(`batch ${n}: ONNX Runtime and dropnet differ by at most ${worst.toExponential(2)}`);
  }
  return { path, maxAbsDifference };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = process.argv[2];
  await main({ ...(path === undefined ? {} : { path }), log: console.log });
}
