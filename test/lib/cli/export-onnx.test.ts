// `npm start -- --export-onnx PATH`: the trained network, as ONNX Runtime runs it, equals the
// network the main job trained (retrained here with the same seed, which gives the same weights).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../../../lib/cli/args.js';
import { onnxPathFor } from '../../../lib/cli/export-onnx.js';
import { runExperiment } from '../../../lib/cli/experiment.js';
import { main } from '../../../lib/cli/main.js';
import { trainTestSplit } from '../../../lib/data/split.js';
import { loadDigits } from '../../../lib/data/digits.js';
import { noGrad } from '../../../lib/index.js';
import { expectClose } from '../../helpers/expect-close.js';
import { ATOL, RTOL, runSession, session } from '../../helpers/onnx.js';

const dir = mkdtempSync(join(tmpdir(), 'dropnet-cli-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function quiet<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    lines.push(a.join(' '));
  });
  try {
    return { result: await fn(), lines };
  } finally {
    log.mockRestore();
  }
}

describe('--export-onnx', () => {
  it('writes the trained model, which ONNX Runtime runs with the same outputs', async () => {
    const path = join(dir, 'model.onnx');
    const { lines } = await quiet(() =>
      main([
        '--epochs',
        '2',
        '--variants',
        'dropout',
        '--hidden',
        '32',
        '--out',
        join(dir, 'r.html'),
        '--export-onnx',
        path,
      ]),
    );
    expect(lines).toContain(`ONNX: ${path}`);
    const digits = await loadDigits();
    const { train, test } = trainTestSplit({ x: digits.images, y: digits.labels }, { testSize: 0.9, seed: 1 });
    const { model } = await runExperiment('dropout', train, test, {
      inputs: 64,
      classes: 10,
      hidden: 32,
      epochs: 2,
      batchSize: 32,
      seed: 1,
    });
    const x = test.x;
    const got = await runSession(await session(new Uint8Array(readFileSync(path))), x);
    model.eval();
    expect(got.dims).toEqual([x.shape[0], 10]);
    expectClose(got.data, noGrad(() => model.call(x)).data, { rtol: RTOL, atol: ATOL });
  }, 60_000);

  it('writes one file per variant when several are trained', async () => {
    const path = join(dir, 'sweep.onnx');
    await quiet(() =>
      main([
        '--epochs',
        '1',
        '--variants',
        'none,alpha',
        '--hidden',
        '16',
        '--out',
        join(dir, 'r2.html'),
        '--export-onnx',
        path,
      ]),
    );
    for (const variant of ['none', 'alpha']) {
      const file = join(dir, `sweep-${variant}.onnx`);
      expect(existsSync(file)).toBe(true);
      const s = await session(new Uint8Array(readFileSync(file)));
      expect(s.inputNames).toEqual(['input']);
    }
    expect(onnxPathFor('out/m', 'dropout', true)).toMatch(/out\/m-dropout\.onnx$/);
  }, 60_000);

  it('needs a path', () => {
    expect(parseArgs(['--export-onnx', 'a.onnx']).exportOnnx).toBe('a.onnx');
    expect(parseArgs([]).exportOnnx).toBeNull();
    expect(() => parseArgs(['--export-onnx'])).toThrow('--export-onnx takes a file path but received undefined');
    expect(() => parseArgs(['--export-onnx', '--epochs', '2'])).toThrow(
      '--export-onnx takes a file path but received --epochs',
    );
  });
});
