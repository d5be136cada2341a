/** Reading the PyTorch fixtures written by scripts/fixtures/*.py (the tests never run Python). */
import { readFileSync } from 'node:fs';
import { Tensor } from '../../lib/index.js';

export interface Encoded {
  shape: number[];
  data: number[];
  requiresGrad?: boolean;
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function decode(e: Encoded, requiresGrad = e.requiresGrad ?? false): Tensor {
  return new Tensor(Float32Array.from(e.data), e.shape, { requiresGrad });
}
