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
    for (const c of curves)
      expect(
        c
          .match(/points="([^"]*)"/)![1]!
          .trim()
          .split(/\s+/),
      ).toHaveLength(3);
  }, 60_000);

  it('--task sequence trains the LSTM without dropout, with variational dropout and with zoneout', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dropnet-main-')), 'sequence.html');
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      lines.push(a.join(' '));
    });
    try {
      await main(['--task', 'sequence', '--epochs', '2', '--hidden', '8', '--out', out]);
    } finally {
      log.mockRestore();
    }
    const text = lines.join('\n');
    expect(text).toContain('network: LSTM over 8 steps of 8 values, hidden 8, last state → 10');
    for (const v of ['none', 'variational', 'zoneout'])
      expect(lines.filter((l) => new RegExp(`^${v}\\s+2\\s`).test(l))).toHaveLength(1);
    const html = readFileSync(out, 'utf8');
    for (const label of [
      'LSTM, no dropout',
      'variational dropout (input 0.25, recurrent 0.25)',
      'zoneout (cell 0.5, hidden 0.05)',
    ])
      expect(html).toContain(label);
    expect(html).toContain('Recurrent dropout on');
  }, 120_000);

  it('the sequence model reads each sample as rows and uses the regulariser it names', async () => {
    const { buildSequenceModel } = await import('../../../lib/cli/sequence.js');
    const m = buildSequenceModel('zoneout', { inputs: 64, classes: 10, hidden: 5, rowLength: 8 });
    expect(m.lstm.inputSize).toBe(8);
    expect(String(m.lstm)).toMatch(/zoneout/i);
    expect(
      String(buildSequenceModel('variational', { inputs: 64, classes: 10, hidden: 5, rowLength: 8 }).lstm),
    ).toMatch(/recurrentDropout=0.25/);
    expect(() => buildSequenceModel('none', { inputs: 60, classes: 10, hidden: 5, rowLength: 8 })).toThrow(
      'rows of 8 values, but a sample has 60',
    );
  });

  it('--task uncertainty trains the four networks and reports sparsity, learned rates and entropy', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dropnet-main-')), 'uncertainty.html');
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      lines.push(a.join(' '));
    });
    try {
      await main(['--task', 'uncertainty', '--epochs', '2', '--train-fraction', '0.3', '--out', out]);
    } finally {
      log.mockRestore();
    }
    const text = lines.join('\n');
    for (const v of ['dense', 'sparse-vd', 'concrete', 'mc-dropout'])
      expect(lines.filter((l) => new RegExp(`^${v}\\s+2\\s`).test(l))).toHaveLength(1);
    expect(text).toMatch(
      /Sparse variational dropout: test accuracy \d+\.\d% \(dense \d+\.\d%\) with \d+ of 50200 weights kept/,
    );
    expect(text).toMatch(/Concrete dropout learned p = \[0\.\d{3}, 0\.\d{3}, 0\.\d{3}\]/);
    expect(text).toMatch(/mean predictive entropy \d\.\d{3} nats on them against \d\.\d{3} on the correct ones/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Predictive entropy: wrong against correct digits');
    // The entropy figure: two survival curves of 41 thresholds.
    const figure = html.slice(html.indexOf('<section class="figure">'));
    const curves = figure.slice(0, figure.indexOf('</section>')).match(/<polyline[^>]*points="([^"]*)"/g) ?? [];
    expect(curves.length).toBe(2);
  }, 180_000);

  it('rejects unknown flags and bad values with a clear message', () => {
    expect(() => parseArgs(['--epochs', '0'])).toThrow('--epochs takes a positive integer but received 0');
    expect(() => parseArgs(['--variants', 'dropout,bogus'])).toThrow(
      '--variants takes a list of none, dropout, gaussian, alpha but received bogus',
    );
    expect(() => parseArgs(['--fast'])).toThrow('unknown option --fast (see --help)');
    expect(parseArgs(['--data', '/x', '--seed', '7'])).toMatchObject({ data: '/x', seed: 7 });
    expect(parseArgs([])).toMatchObject({
      task: 'dropout',
      variants: ['none', 'dropout', 'gaussian'],
      epochs: 80,
      hidden: 512,
    });
    expect(parseArgs(['--task', 'sequence'])).toMatchObject({
      task: 'sequence',
      variants: ['none', 'variational', 'zoneout'],
      epochs: 40,
      hidden: 64,
      out: 'reports/sequence-report.html',
    });
    expect(() => parseArgs(['--task', 'vision'])).toThrow(
      '--task takes one of dropout, sequence, uncertainty but received vision',
    );
    expect(() => parseArgs(['--task', 'sequence', '--variants', 'dropout'])).toThrow(
      '--variants takes a list of none, variational, zoneout for --task sequence but received dropout',
    );
    expect(() => parseArgs(['--task', 'sequence', '--export-onnx', 'm.onnx'])).toThrow(
      '--task sequence does not take it',
    );
    expect(() => parseArgs(['--out'])).toThrow('--out takes a file path but received undefined');
    expect(parseArgs(['--task', 'uncertainty'])).toMatchObject({
      epochs: 200,
      trainFraction: 0.75,
      batchSize: 64,
      variants: ['dense', 'sparse-vd', 'concrete', 'mc-dropout'],
    });
    expect(() => parseArgs(['--task', 'uncertainty', '--hidden', '10'])).toThrow(
      '--hidden: --task uncertainty trains networks of fixed widths',
    );
  });
});
