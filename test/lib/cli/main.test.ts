// The main job end to end on the bundled digits: the per-epoch table, and a report that holds a
// loss and an accuracy curve per run, training and validation, for both variants.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { parseArgs } from '../../../lib/cli/args.js';

describe('npm start', () => {
  it('trains with and without dropout, prints the table and writes the report', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dropnet-main-')), 'report.html');
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      lines.push(a.join(' '));
    });
    try {
      const path = await main(['--epochs', '3', '--variants', 'none,dropout', '--hidden', '64', '--out', out]);
      expect(path).toBe(out);
    } finally {
      log.mockRestore();
    }
    const text = lines.join('\n');
    expect(text).toContain('variant   epoch  train loss  train acc  val loss  val acc  samples/s');
    expect(lines.filter((l) => /^none\s+3\s/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /^dropout\s+3\s/.test(l))).toHaveLength(1);
    expect(text).toContain(`report: ${out}`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('no dropout');
    expect(html).toContain('Dropout(0.5)');
    // One loss and one accuracy chart per run, each with a training and a validation curve of 3 points.
    const curves = html.match(/<polyline[^>]*points="([^"]*)"/g) ?? [];
    expect(curves.length).toBeGreaterThanOrEqual(8);
    for (const c of curves) expect(c.match(/points="([^"]*)"/)![1]!.trim().split(/\s+/)).toHaveLength(3);
  }, 60_000);

  it('rejects unknown flags and bad values with a clear message', () => {
    expect(() => parseArgs(['--epochs', '0'])).toThrow('--epochs takes a positive integer but received 0');
    expect(() => parseArgs(['--variants', 'dropout,bogus'])).toThrow('--variants takes a list of none, dropout, gaussian, alpha but received bogus');
    expect(() => parseArgs(['--fast'])).toThrow('unknown option --fast (see --help)');
    expect(parseArgs(['--data', '/x', '--seed', '7'])).toMatchObject({ data: '/x', seed: 7 });
  });
});
