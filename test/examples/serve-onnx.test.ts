// examples/serve-onnx.ts (the first recipe of docs/scale.md): a trained model served by ONNX
// Runtime at batch 1 and 64 gives dropnet's predictions.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/serve-onnx.js';

describe('serve with ONNX Runtime', () => {
  it('exports the trained MLP and ONNX Runtime reproduces its outputs at batch 1 and 64', async () => {
    const lines: string[] = [];
    const { path, maxAbsDifference } = await main({ log: (l) => lines.push(l) });
    expect(existsSync(path)).toBe(true);
    expect(maxAbsDifference).toHaveLength(2);
    for (const d of maxAbsDifference) expect(d).toBeLessThan(1e-5);
    expect(lines[0]).toBe(`exported ${path}`);
    expect(lines[2]).toMatch(/^batch 64: ONNX Runtime and dropnet differ by at most /);
  });
});
