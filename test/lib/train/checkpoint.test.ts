// Checkpoints: a round trip of model, optimizer and random streams; a failed load changes
// nothing; a save killed midway leaves the previous checkpoint loadable.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultGenerator, Generator, io, manualSeed, nn, optim, rand, Tensor } from '../../../lib/index.js';

class Seeded extends nn.Module {
  fc = new nn.Linear(3, 2);
  noise = new Generator(99);
  override forward(x: Tensor): Tensor {
    return this.fc.forward(x);
  }
}

function trainStep(model: nn.Module, opt: optim.Optimizer<object>): void {
  for (const p of model.parameters()) p.grad = new Tensor(rand([...p.shape]).data, p.shape);
  opt.step();
}

describe('checkpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dropnet-ckpt-'));

  it('restores weights, optimizer state and every random stream', async () => {
    manualSeed(5);
    const model = new Seeded();
    const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
    trainStep(model, opt);
    model.noise.reserve(12);
    const path = join(dir, 'a.safetensors');
    await io.checkpoint.save(path, { model, optimizer: opt, epoch: 3, extra: { loader: { epoch: 3 } } });
    const weights = model.fc.weight.data.slice();
    const defaultOffset = defaultGenerator.offset;
    // Continue the original: one more step.
    trainStep(model, opt);
    const continued = model.fc.weight.data.slice();

    manualSeed(123); // scramble the default stream
    const model2 = new Seeded();
    const opt2 = new optim.Adam(model2.parameters(), { lr: 0.01 });
    const restored = await io.checkpoint.load(path, { model: model2, optimizer: opt2 });
    expect(restored).toEqual({ epoch: 3, extra: { loader: { epoch: 3 } } });
    expect(model2.fc.weight.data).toEqual(weights);
    expect(defaultGenerator.offset).toBe(defaultOffset);
    expect(model2.noise.offset).toBe(12);
    expect(model2.noise.seed).toBe(99n);
    trainStep(model2, opt2);
    expect(model2.fc.weight.data).toEqual(continued);
  });

  it('changes nothing when the file does not fit the model or the optimizer', async () => {
    const model = new nn.Sequential(new nn.Linear(4, 3));
    const path = join(dir, 'b.safetensors');
    await io.checkpoint.save(path, { model, optimizer: new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }) });
    const other = new nn.Sequential(new nn.Linear(4, 5));
    const before = other.at(0)!.stateDict();
    await expect(io.checkpoint.load(path, { model: other })).rejects.toThrow();
    expect((other.at(0) as nn.Linear).weight.data).toEqual(before.weight!.data);

    const same = new nn.Sequential(new nn.Linear(4, 3));
    const w0 = (same.at(0) as nn.Linear).weight.data.slice();
    const twoGroups = new optim.SGD(
      [{ params: [(same.at(0) as nn.Linear).weight] }, { params: [(same.at(0) as nn.Linear).bias!] }],
      { lr: 0.1 },
    );
    await expect(io.checkpoint.load(path, { model: same, optimizer: twoGroups })).rejects.toThrow(RangeError);
    expect((same.at(0) as nn.Linear).weight.data).toEqual(w0);

    const plain = join(dir, 'plain.safetensors');
    await io.saveSafetensors(plain, { w: new Tensor(new Float32Array(2), [2]) });
    await expect(io.checkpoint.load(plain, { model: same })).rejects.toThrow('is not a dropnet checkpoint');
  });

  it('leaves the previous checkpoint loadable when a save is killed midway', async () => {
    const path = join(dir, 'kill.safetensors');
    const root = join(import.meta.dirname, '..', '..', '..');
    const script = join(dir, 'saver.ts');
    // A model of 4M floats (16 MB): each save takes long enough to be cut off in the middle.
    writeFileSync(
      script,
      `
      import { io, nn } from ${JSON.stringify(join(root, 'lib', 'index.ts'))};
      const model = new nn.Linear(2048, 2048);
      for (let epoch = 0; ; epoch++) {
        await io.checkpoint.save(${JSON.stringify(path)}, { model, epoch });
        if (epoch === 0) process.stdout.write('saved\\n');
      }`,
    );
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', join(root, 'scripts', 'register-ts.mjs'), script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 30 + 40 * round));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const model = new nn.Linear(2048, 2048);
      const restored = await io.checkpoint.load(path, { model });
      expect(restored.epoch).toBeGreaterThanOrEqual(0);
    }
    // Three children that each compile the library on start: minutes on a loaded machine.
  }, 240_000);
});

describe('model.save and model.loadWeights', () => {
  it('round-trip a state dict through safetensors with PyTorch names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dropnet-save-'));
    const path = join(dir, 'model.safetensors');
    manualSeed(3);
    const a = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    await a.save(path, { note: 'test' });
    const { tensors, metadata } = await io.loadSafetensors(path);
    expect([...tensors.keys()].sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    expect(metadata).toEqual({ note: 'test' });
    manualSeed(4);
    const b = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    await b.loadWeights(path);
    expect((b.at(2) as nn.Linear).weight.data).toEqual((a.at(2) as nn.Linear).weight.data);
    const wrong = new nn.Sequential(new nn.Linear(4, 5));
    await expect(wrong.loadWeights(path)).rejects.toThrow();
  });
});
