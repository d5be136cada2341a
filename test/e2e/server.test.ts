// A server training its model in the same process keeps answering: HTTP requests (status and
// predictions from the model being trained) complete while fit() runs, and predict() between
// steps leaves the training mode alone.
import { once } from 'node:events';
import { Agent, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { manualSeed, nn, tensor } from '../../lib/index.js';
import { blobs } from '../helpers/train.js';

function fetchJson(port: number, path: string, agent: Agent): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get({ port, path, agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

it('answers HTTP requests, predictions included, while fit() trains', async () => {
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Linear(32, 64),
    new nn.ReLU(),
    new nn.Linear(64, 64),
    new nn.ReLU(),
    new nn.Linear(64, 4),
  );
  const { x, y } = blobs(2048, 32, 4, 1);
  let epoch = -1;
  const server = createServer((req, res) => {
    const body =
      req.url === '/predict'
        ? {
            prediction: Array.from(model.predict(tensor([Array.from(x.data.subarray(0, 32))])).data),
            training: model.training,
          }
        : { epoch };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  server.listen(0);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true });
  let training = true;
  const answered: string[] = [];
  const predictions: unknown[] = [];
  const client = (async () => {
    for (let i = 0; training; i++) {
      const path = i % 2 === 0 ? '/status' : '/predict';
      const r = await fetchJson(port, path, agent);
      if (!training) break;
      answered.push(path);
      if (path === '/predict') predictions.push(r);
    }
  })();
  try {
    const started = performance.now();
    let seconds = 0;
    while (performance.now() - started < 300) {
      await model.fit(x, y, {
        loss: 'crossEntropy',
        epochs: 1,
        batchSize: 32,
        verbose: 0,
        callbacks: [
          {
            onEpochEnd: (e: number) => {
              epoch = e;
            },
          },
        ],
      });
      seconds = (performance.now() - started) / 1000;
    }
    training = false;
    await client;
    // One request every few ms is the ideal; a loaded machine gets fewer, but never none.
    expect(answered.length).toBeGreaterThanOrEqual(Math.max(6, Math.floor(seconds * 20)));
    expect(predictions.length).toBeGreaterThan(0);
    // predict() ran between steps in eval mode and left the model in training mode
    for (const p of predictions) expect(p).toMatchObject({ training: true });
    expect(model.training).toBe(true);
  } finally {
    training = false;
    agent.destroy();
    server.close();
  }
});
