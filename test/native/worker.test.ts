// The addon is context-aware: it loads and runs inside worker_threads, several at once, and the
// workers terminate cleanly while the main thread keeps using it.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { kernels, nativeAvailable } from '../../lib/index.js';

const addonPath = nativeAvailable() ? kernels('native').path : '';

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.path);
const n = 100003;
const a = new Float32Array(n).map((_, i) => i % 7 - 3);
const out = new Float32Array(n);
let sum = 0;
for (let r = 0; r < 20; r++) { addon.relu(out, a, n); for (let i = 0; i < n; i++) sum += out[i]; }
parentPort.postMessage({ isa: addon.isa(), sum });
`;

function runWorker(): Promise<{ isa: string; sum: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerSource, { eval: true, workerData: { path: addonPath } });
    w.once('message', (m) => {
      void w.terminate().then(() => resolve(m as { isa: string; sum: number }));
    });
    w.once('error', reject);
  });
}

describe.skipIf(!nativeAvailable())('native addon in worker_threads', () => {
  it('loads and computes in three workers at once while the main thread computes too', async () => {
    const pending = [runWorker(), runWorker(), runWorker()];
    const n = 1 << 20;
    const x = new Float32Array(n).fill(2);
    const y = new Float32Array(n);
    kernels('native').scale(y, x, 3, n);
    const results = await Promise.all(pending);
    // relu of (i % 7 - 3) over 100003 elements, 20 rounds: positives 1, 2, 3 per 7 elements.
    let expected = 0;
    for (let i = 0; i < 100003; i++) expected += Math.max(0, (i % 7) - 3);
    for (const r of results) {
      expect(r.isa).toBe(kernels('native').isa());
      expect(r.sum).toBe(expected * 20);
    }
    expect(y[n - 1]).toBe(6);
  });
});
