// Helpers the tfjs-format save tests share.
import { expect } from 'vitest';
import type { ModelArtifacts } from '../../../lib/tfjs/save.js';
import type { Lib } from './compare.js';

/** Expects equal lengths and |a - b| <= atol + rtol |b| everywhere. */
export function close(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i]! - b[i]!), `index ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(
      atol + rtol * Math.abs(b[i]!),
    );
}

/** Deterministic weights: vectors positive, matrices of both signs. */
export function values(shape: number[], k: number, positive = false): number[] {
  const n = shape.reduce((p, d) => p * d, 1);
  return Array.from({ length: n }, (_, i) =>
    positive ? 0.2 + 0.5 * Math.abs(Math.sin((i + 1) * (k + 1.7))) : Math.sin((i + 1) * (k + 1.3) * 0.77) * 0.6,
  );
}

/** The artifacts a model's save() hands to a tf.io.withSaveHandler of `io` (either library's). */
export async function artifactsOf(save: (h: unknown) => Promise<unknown>, io: Lib['io']): Promise<ModelArtifacts> {
  let out: ModelArtifacts | null = null;
  await save(
    io.withSaveHandler(async (a) => {
      out = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } } as never;
    }),
  );
  return out!;
}
