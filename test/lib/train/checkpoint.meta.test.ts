// A checkpoint whose metadata is malformed is rejected before anything changes: the model, the
// optimizer and every random stream keep their state, and the error names the field.
import { mkdtempSync } from 'node:fs';
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

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('checkpoint metadata is validated before the load changes anything', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dropnet-ckpt-meta-'));

  async function corrupted(name: string, edit: (meta: Json) => void): Promise<string> {
    manualSeed(5);
    const model = new Seeded();
    const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
    for (const p of model.parameters()) p.grad = new Tensor(rand([...p.shape]).data, p.shape);
    opt.step();
    const good = join(dir, `${name}.good.safetensors`);
    await io.checkpoint.save(good, { model, optimizer: opt, epoch: 2 });
    const { tensors, metadata } = await io.loadSafetensors(good);
    const meta = JSON.parse(metadata!['dropnet.checkpoint']!) as Json;
    edit(meta);
    const path = join(dir, `${name}.safetensors`);
    await io.saveSafetensors(path, Object.fromEntries(tensors), { 'dropnet.checkpoint': JSON.stringify(meta) });
    return path;
  }

  it.each([
    ['a negative RNG seed', (m: Json) => (m.rng.default.seed = '-1'), /rng\.default\.seed/],
    ['an RNG seed of 2^64', (m: Json) => (m.rng.default.seed = (2n ** 64n).toString()), /rng\.default\.seed/],
    ['a non-numeric RNG seed', (m: Json) => (m.rng.default.seed = 'abc'), /rng\.default\.seed/],
    ['a negative RNG offset', (m: Json) => (m.rng.default.offset = -4), /rng\.default\.offset/],
    ['an RNG offset off the block grid', (m: Json) => (m.rng.default.offset = 6), /rng\.default\.offset/],
    [
      'a module stream with a bad offset',
      (m: Json) => (m.rng.modules['#noise'].offset = 'x'),
      /rng\.modules\["#noise"\]\.offset/,
    ],
    ['an optimizer step of -1', (m: Json) => (m.optimizer.scalars['0'].step = -1), /optimizer\.scalars\.0\.step/],
    ['an optimizer step of 1.5', (m: Json) => (m.optimizer.scalars['0'].step = 1.5), /optimizer\.scalars\.0\.step/],
    [
      'a bad optimizer parameter index',
      (m: Json) => (m.optimizer.scalars['-1'] = { step: 1 }),
      /optimizer parameter index/,
    ],
    ['an epoch of "lots"', (m: Json) => (m.epoch = 'lots'), /epoch but received "lots"/],
    ['an epoch of -1', (m: Json) => (m.epoch = -1), /epoch/],
    ['extra of null', (m: Json) => (m.extra = null), /extra/],
    ['paramGroups not an array', (m: Json) => (m.optimizer.paramGroups = {}), /optimizer\.paramGroups/],
  ])('%s', async (name, edit, message) => {
    const path = await corrupted(name.replace(/\W+/g, '-'), edit);
    manualSeed(777);
    defaultGenerator.reserve(8);
    const model = new Seeded();
    model.noise.reserve(16);
    const opt = new optim.Adam(model.parameters(), { lr: 0.5 });
    const weights = model.fc.weight.data.slice();
    const optState = JSON.stringify(opt.stateDict());
    const [seed, offset] = [defaultGenerator.seed, defaultGenerator.offset];
    await expect(io.checkpoint.load(path, { model, optimizer: opt })).rejects.toThrow(message);
    expect(model.fc.weight.data).toEqual(weights);
    expect(JSON.stringify(opt.stateDict())).toBe(optState);
    expect([defaultGenerator.seed, defaultGenerator.offset]).toEqual([seed, offset]);
    expect([model.noise.seed, model.noise.offset]).toEqual([99n, 16]);
  });

  it('metadata that is not JSON is a clear error', async () => {
    const path = join(dir, 'notjson.safetensors');
    await io.saveSafetensors(
      path,
      { 'model.fc.weight': new Tensor(new Float32Array(6), [2, 3]) },
      { 'dropnet.checkpoint': '{oops' },
    );
    await expect(io.checkpoint.load(path, { model: new Seeded() })).rejects.toThrow(/metadata is not JSON/);
  });
});
