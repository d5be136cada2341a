// ModelCheckpoint: files named from the logs, the state dict in safetensors with metadata,
// saveBestOnly, and placeholders checked before training.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callbacks, io } from '../../../../lib/index.js';
import { contextFor } from '../../../helpers/callbacks.js';
import { expectRejects, expectThrows } from '../../../helpers/errors.js';
import { blobs, mlp, weightsOf } from '../../../helpers/train.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dropnet-ckpt-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('formatFilepath', () => {
  it('fills Python-style placeholders', () => {
    expect(
      callbacks.formatFilepath('m-{epoch:03d}-{val_loss:.2f}-{loss}.st', { epoch: 7, val_loss: 0.12345, loss: 0.5 }),
    ).toBe('m-007-0.12-0.5.st');
    expect(callbacks.formatFilepath('{lr:.2e}/{epoch:3d}', { lr: 0.000123, epoch: 4 })).toBe('1.23e-04/  4');
    expectThrows(
      () => callbacks.formatFilepath('{epoch:x}', { epoch: 1 }),
      RangeError,
      'ModelCheckpoint: format "x" in filepath "{epoch:x}" is not supported (use d, 02d, .2f or .3e)',
    );
  });
});

describe('ModelCheckpoint', () => {
  it('saves the state dict every epoch, with the epoch, logs, model class and config as metadata', async () => {
    const dir = tempDir();
    const { x, y } = blobs(16, 2, 2, 1);
    const model = mlp(2, 3, 2);
    const ckpt = new callbacks.ModelCheckpoint({
      filepath: join(dir, 'sub', 'ckpt-{epoch:02d}-{loss:.3f}.safetensors'),
    });
    const h = await model.fit(x, y, { loss: 'crossEntropy', epochs: 3, batchSize: 8, verbose: 0, callbacks: [ckpt] });
    expect(readdirSync(join(dir, 'sub')).sort()).toEqual(
      h.history.loss.map((l, e) => `ckpt-0${e + 1}-${l.toFixed(3)}.safetensors`),
    );
    const last = await io.loadSafetensors(ckpt.saved[2]!);
    expect(Object.fromEntries([...last.tensors].map(([k, t]) => [k, Array.from(t.data)]))).toEqual(weightsOf(model));
    expect(last.metadata).toEqual({
      epoch: '3',
      logs: JSON.stringify({ loss: h.history.loss[2] }),
      model: 'Sequential',
      config: JSON.stringify(model.getConfig()),
    });
  });

  it('with saveBestOnly, saves only epochs that improve the monitored value', async () => {
    const dir = tempDir();
    const model = mlp(2, 3, 2);
    const ckpt = new callbacks.ModelCheckpoint({
      filepath: join(dir, 'best-{epoch}.safetensors'),
      saveBestOnly: true,
      saveWeightsOnly: true,
    });
    ckpt.setContext(contextFor(model, ['loss', 'val_loss']));
    ckpt.onTrainBegin();
    for (const [e, v] of [1, 0.5, 0.7, 0.4, 0.4].entries()) await ckpt.onEpochEnd(e, { loss: 0, val_loss: v });
    expect(ckpt.saved.map((p) => p.slice(dir.length + 1))).toEqual([
      'best-1.safetensors',
      'best-2.safetensors',
      'best-4.safetensors',
    ]);
    expect((await io.loadSafetensors(ckpt.saved[0]!)).metadata).toEqual({
      epoch: '1',
      logs: '{"loss":0,"val_loss":1}',
    });
  });

  it('rejects placeholders fit() does not log, before training', async () => {
    const { x, y } = blobs(4, 2, 2, 2);
    const ckpt = new callbacks.ModelCheckpoint({ filepath: 'm-{val_acc}.safetensors' });
    await expectRejects(
      mlp(2, 3, 2).fit(x, y, { loss: 'crossEntropy', verbose: 0, callbacks: [ckpt] }),
      RangeError,
      'ModelCheckpoint: filepath "m-{val_acc}.safetensors" uses {val_acc}, which fit() does not log; it logs epoch, loss',
    );
    expectThrows(
      () => new callbacks.ModelCheckpoint({ filepath: '' }),
      TypeError,
      'Expected non-empty string for filepath but received "" of type string',
    );
  });
});
