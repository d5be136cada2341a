// The round trip of scripts/torch-distributed-roundtrip.ts: dropnet's weights continue training
// in PyTorch's DistributedDataParallel (two processes, gloo, loopback) and come back. Runs where
// /usr/bin/python3 (or $PYTHON) has PyTorch; elsewhere it is reported as skipped, with the reason.
import { describe, expect, it } from 'vitest';
import { roundTrip, torchUnavailable } from '../../scripts/torch-distributed-roundtrip.js';

const reason = torchUnavailable();
if (reason !== null) console.warn(`torch.distributed round trip skipped: ${reason}`);

describe.skipIf(reason !== null)('torch.distributed round trip', () => {
  it('two gloo ranks train on their shards in step, and dropnet reproduces the trained network', async () => {
    const r = await roundTrip({ worldSize: 2, epochs: 2 });
    expect(r.backend).toBe('gloo');
    expect(r.world_size).toBe(2);
    // Each rank saw half of the 512 samples per epoch (DistributedSampler), together all of them.
    expect(r.samples_per_rank).toBe(2 * 256);
    expect(r.samples_all_ranks).toBe(2 * 512);
    expect(r.replica_max_abs_difference).toBe(0);
    expect(r.weightChange).toBeGreaterThan(1e-3);
    expect(r.loss_after).toBeLessThan(r.loss_before);
    expect(r.outputMaxAbsDifference).toBeLessThan(1e-5);
  }, 180_000);
});
