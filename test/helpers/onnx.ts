/**
 * ONNX Runtime as the oracle for exported models: onnxruntime-web's WebAssembly build, which
 * runs in Node from the registry package (one thread, no workers). `expectOnnxMatches` exports
 * a model, loads the bytes into an InferenceSession (a file the runtime rejects fails here),
 * and compares the runtime's output with dropnet's eval-mode output at each batch size.
 */
import * as ort from 'onnxruntime-web';
import { expect } from 'vitest';
import { io, noGrad, randn, type Tensor } from '../../lib/index.js';
import type { OnnxExportOptions } from '../../lib/io/index.js';
import { Generator } from '../../lib/random.js';
import { expectClose } from './expect-close.js';

ort.env.wasm.numThreads = 1;

export const RTOL = 1e-5;
export const ATOL = 1e-6;

export async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes);
}

export async function runSession(s: ort.InferenceSession, x: Tensor): Promise<{ data: Float32Array; dims: number[] }> {
  const out = await s.run({ input: new ort.Tensor('float32', x.data.slice(), [...x.shape]) });
  const y = out.output;
  if (y === undefined) throw new Error('the session has no output named "output"');
  return { data: y.data as Float32Array, dims: [...y.dims] };
}

interface Callable {
  eval(): unknown;
  train(mode?: boolean): unknown;
  call: (x: Tensor) => Tensor;
}

interface MatchOptions extends OnnxExportOptions {
  /** Batch sizes to run (default 1 and 5). */
  batches?: readonly number[];
  /** Makes an input of one batch size (default: standard normal). */
  makeInput?: (shape: number[], generator: Generator) => Tensor;
  /** The module to compare with, when `model` is not one (a Keras model's `.module`). */
  reference?: Callable;
}

/** Exports `model`, checks ONNX Runtime against dropnet at each batch size; returns the op types. */
export async function expectOnnxMatches(
  model: object,
  sample: readonly number[],
  options: MatchOptions = {},
): Promise<string[]> {
  const { batches = [1, 5], makeInput, reference = model as Callable, ...exportOptions } = options;
  const exported = io.onnxModel(model, { inputShape: [-1, ...sample], ...exportOptions });
  const s = await session(io.toOnnx(model, { inputShape: [-1, ...sample], ...exportOptions }));
  const generator = new Generator(1234);
  for (const n of batches) {
    const shape = [n, ...sample];
    const x = makeInput === undefined ? randn(shape, { generator }) : makeInput(shape, generator);
    reference.eval();
    const want = noGrad(() => reference.call(x));
    const got = await runSession(s, x);
    expect(got.dims, `output shape at batch ${n}`).toEqual([...want.shape]);
    expectClose(got.data, want.data, { rtol: RTOL, atol: ATOL, context: { batch: n } });
  }
  return exported.graph.nodes.map((node) => node.opType);
}

/** The forward's arguments in a test: the input, then e.g. an initial state (a Tensor or [h0, c0]). */
export type ForwardArgs = (Tensor | Tensor[])[];

interface OutputsOptions extends OnnxExportOptions {
  /** Sizes of the first dimension to run (default 1 and 5). */
  batches?: readonly number[];
  /** The forward's arguments at one size of the first dimension (default: one standard normal input). */
  makeArgs?: (n: number, generator: Generator) => ForwardArgs;
}

/**
 * Exports a model with several inputs or outputs (a recurrent layer's input and initial state;
 * its [output, [hN, cN]]), feeds the graph inputs in order from the forward's arguments, and
 * compares every graph output with dropnet's eval result, flattened depth first, at each size.
 * Returns the op types.
 */
export async function expectOnnxOutputsMatch(
  model: { eval(): unknown; call: (...args: never[]) => unknown },
  sample: readonly number[],
  options: OutputsOptions = {},
): Promise<string[]> {
  const { batches = [1, 5], makeArgs, ...exportOptions } = options;
  const opts = { inputShape: [-1, ...sample], ...exportOptions };
  const graph = io.onnxModel(model, opts).graph;
  const s = await session(io.toOnnx(model, opts));
  const generator = new Generator(4321);
  for (const n of batches) {
    const args = makeArgs === undefined ? [randn([n, ...sample], { generator })] : makeArgs(n, generator);
    const feeds = args.flat();
    expect(
      graph.inputs.map((i) => i.name),
      'graph inputs',
    ).toHaveLength(feeds.length);
    const ortFeeds = Object.fromEntries(
      graph.inputs.map((input, i) => [
        input.name,
        new ort.Tensor('float32', feeds[i]!.data.slice(), [...feeds[i]!.shape]),
      ]),
    );
    model.eval();
    const want = [noGrad(() => (model.call as (...a: ForwardArgs) => unknown)(...args))].flat(2) as Tensor[];
    const got = await s.run(ortFeeds);
    expect(
      graph.outputs.map((o) => o.name),
      'graph outputs',
    ).toHaveLength(want.length);
    graph.outputs.forEach(({ name }, i) => {
      const y = got[name]!;
      expect([...y.dims], `${name} shape at size ${n}`).toEqual([...want[i]!.shape]);
      expectClose(y.data as Float32Array, want[i]!.data, {
        rtol: RTOL,
        atol: ATOL,
        context: { output: name, size: n },
      });
    });
  }
  return graph.nodes.map((node) => node.opType);
}
