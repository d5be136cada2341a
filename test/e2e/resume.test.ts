// Resuming from a checkpoint in a new process gives bit-identical weights to an uninterrupted
// run: the model, the optimizer's state, the dropout masks' random stream and the data order all
// continue exactly. Three processes: 4 epochs straight; 2 epochs then a checkpoint; a fresh
// process that loads the checkpoint and trains epochs 2 and 3.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'dropnet-resume-'));
const ckpt = join(dir, 'ckpt.safetensors');

const script = `
import { createHash } from 'node:crypto';
import { io, manualSeed, nn, optim, randn } from ${JSON.stringify(join(root, 'lib', 'index.ts'))};
const [mode] = process.argv.slice(2);
manualSeed(11);
const x = randn([96, 12]);
const y = Int32Array.from({ length: 96 }, (_, i) => (i * 5) % 4);
const model = new nn.Sequential(new nn.Linear(12, 32), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(32, 4));
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
const fit = (initialEpoch, epochs) =>
  model.fit(x, y, { loss: 'crossEntropy', optimizer, epochs, initialEpoch, batchSize: 16, seed: 3, verbose: 0 });
if (mode === 'straight') await fit(0, 4);
if (mode === 'first') {
  await fit(0, 2);
  await io.checkpoint.save(${JSON.stringify(ckpt)}, { model, optimizer, epoch: 2 });
  await fit(2, 4); // the same process carrying on, for comparison
}
if (mode === 'resume') {
  manualSeed(999); // a new process starts from another random state: the checkpoint must restore it
  const { epoch } = await io.checkpoint.load(${JSON.stringify(ckpt)}, { model, optimizer });
  await fit(epoch, 4);
}
const hash = createHash('sha256');
for (const [name, t] of Object.entries(model.stateDict())) hash.update(name).update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
process.stdout.write(hash.digest('hex'));
`;

function run(mode: string): string {
  const file = join(dir, 'train.ts');
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, ['--import', join(root, 'scripts', 'register-ts.mjs'), file, mode], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return r.stdout.trim();
}

describe('checkpoint resume in a new process', () => {
  it('reproduces the uninterrupted run bit for bit', () => {
    const straight = run('straight');
    const first = run('first');
    const resumed = run('resume');
    expect(straight).toMatch(/^[0-9a-f]{64}$/);
    expect(first).toBe(straight);
    expect(resumed).toBe(straight);
  }, 120_000);
});
