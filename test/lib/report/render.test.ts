import { describe, expect, it } from 'vitest';
import { report } from '../../../lib/index.js';

function history(epochs: number, shift = 0): report.History {
  const epoch = Array.from({ length: epochs }, (_, i) => i + 1);
  return {
    epoch,
    trainLoss: epoch.map((e) => 1 / e + shift),
    valLoss: epoch.map((e) => 1.2 / e + 0.1 + shift),
    trainAcc: epoch.map((e) => 1 - 0.5 / e),
    valAcc: epoch.map((e) => 0.9 - 0.5 / e),
  };
}

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

function polylines(html: string): { series: string; points: string[] }[] {
  return [...html.matchAll(/<polyline class="series" data-series="([^"]*)"[^>]* points="([^"]*)"/g)].map((m) => ({
    series: m[1]!,
    points: m[2] === '' ? [] : m[2]!.split(' '),
  }));
}

describe('renderReport', () => {
  const one = report.renderReport({ title: 'One run', runs: [{ name: 'mlp', history: history(12) }], notes: 'a note' });

  it('is a standalone HTML document: no scripts, no external resources', () => {
    expect(one.startsWith('<!doctype html>')).toBe(true);
    expect(one).toContain('<meta charset="utf-8">');
    expect(one).not.toMatch(/<script|<link|<img|src=|href=|@import|url\(/i);
  });

  it('draws a loss and an accuracy chart per run, one polyline per curve with a point per epoch', () => {
    expect(count(one, /<svg [^>]*class="chart"/g)).toBe(2);
    const lines = polylines(one);
    expect(lines.map((l) => l.series)).toEqual(['training', 'validation', 'training', 'validation']);
    for (const l of lines) expect(l.points).toHaveLength(12);
    // The generalization gap: a shaded band between training and validation in each chart.
    expect(count(one, /<polygon class="band"/g)).toBe(2);
    expect(one).toContain('stroke-dasharray="6 4"');
  });

  it('labels the axes and puts ticks on round numbers', () => {
    expect(count(one, />epoch</g)).toBe(2);
    expect(one).toContain('>loss</text>');
    expect(one).toContain('>accuracy</text>');
    const ticks = [...one.matchAll(/<text class="tick"[^>]*>([^<]*)</g)].map((m) => m[1]!);
    expect(ticks).toContain('0.5');
    expect(ticks).toContain('12');
    for (const t of ticks) expect(t).toMatch(/^-?\d+(\.\d{1,3})?$/);
  });

  it('adds overview charts when there are several runs', () => {
    const html = report.renderReport({
      title: 'T',
      runs: [
        { name: 'a', history: history(5) },
        { name: 'b', history: history(8, 0.1) },
      ],
    });
    expect(count(html, /<svg [^>]*class="chart"/g)).toBe(2 + 2 * 2);
    const lines = polylines(html);
    expect(lines.filter((l) => l.series === 'a validation').map((l) => l.points.length)).toEqual([5, 5]);
    expect(lines.filter((l) => l.series === 'b training').map((l) => l.points.length)).toEqual([8, 8]);
  });

  it('tabulates the final numbers, the best validation accuracy and the gap', () => {
    const row = /<tr><th scope="row">mlp<\/th>(.*?)<\/tr>/.exec(one)![1]!;
    const cells = [...row.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);
    // Epoch 12: train loss 1/12, val loss 1.2/12 + 0.1, train acc 1 - 0.5/12, val acc 0.9 - 0.5/12.
    // The gap is validation loss minus training loss: 0.2 - 0.08333.
    expect(cells).toEqual(['12', '0.08333', '0.2', '95.8%', '85.8%', '85.8% (epoch 12)', '0.1167']);
    expect(one).toContain('<th scope="col">gap (val − train loss)</th>');
    expect(one).toContain('gap: validation loss minus training loss at the last epoch');
    // A narrow window scrolls the table instead of squeezing the page.
    expect(one).toContain('<div class="table-wrap"><table>');
  });

  it('gives every run one colour, training solid and validation dashed, and captions the band', () => {
    const html = report.renderReport({
      title: 'T',
      runs: [
        { name: 'a', history: history(5) },
        { name: 'b', history: history(5, 0.1) },
      ],
    });
    const strokes = [
      ...html.matchAll(/<polyline class="series" data-series="([^"]*)" stroke="([^"]*)"( stroke-dasharray="6 4")?/g),
    ].map((m) => [m[1], m[2], m[3] !== undefined]);
    const a = strokes.filter(([s]) => s === 'training' || s === 'validation' || String(s).startsWith('a ')).slice(0, 2);
    expect(new Set(strokes.filter(([s]) => String(s).startsWith('a ')).map(([, c]) => c)).size).toBe(1);
    expect(new Set(strokes.filter(([s]) => String(s).startsWith('b ')).map(([, c]) => c)).size).toBe(1);
    for (const [series, , dashed] of strokes) expect(dashed).toBe(String(series).endsWith('validation'));
    expect(a.length).toBe(2);
    expect(
      count(
        html,
        /<p class="caption">Solid: training; dashed: validation\. The shaded band between them is the generalization gap/g,
      ),
    ).toBe(2);
  });

  it('draws losses on a log axis, with the same y range in every loss chart', () => {
    const html = report.renderReport({
      title: 'T',
      runs: [
        { name: 'a', history: history(20) },
        { name: 'b', history: history(20, 1) },
      ],
    });
    expect(html).toContain('a: loss (log scale)');
    const charts = html
      .split('<svg xmlns')
      .slice(1)
      .filter((c) => /loss \(log scale\)/i.test(c));
    expect(charts).toHaveLength(3);
    const ticksOf = (c: string) => [...c.matchAll(/<text class="tick" x="52"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(ticksOf(charts[0]!)).toEqual(['0.05', '0.1', '0.2', '0.5', '1', '2']);
    for (const c of charts) expect(ticksOf(c)).toEqual(ticksOf(charts[0]!));
  });

  it('shows the lead sentence and the configuration', () => {
    const html = report.renderReport({
      title: 'T',
      runs: [{ name: 'a', history: history(3) }],
      lead: 'Dropout <halved> the gap.',
      config: { epochs: '3' },
    });
    expect(html).toContain('<p class="lead">Dropout &lt;halved&gt; the gap.</p>');
    expect(html).toContain(
      '<table class="config"><tbody><tr><th scope="row">epochs</th><td>3</td></tr></tbody></table>',
    );
    expect(() => report.renderReport({ title: 'T', runs: [], config: { epochs: 3 as never } })).toThrow(
      new TypeError('Expected object of strings for config but received object'),
    );
  });

  it('escapes names, titles and notes: no HTML injection', () => {
    const evil = '<script>alert("x")</script>&';
    const html = report.renderReport({
      title: evil,
      runs: [{ name: `"><img src=x onerror=alert(1)>`, history: history(3) }],
      notes: [evil],
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;');
    expect(html).toContain('data-series="training"');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;: loss');
  });

  it('is deterministic', () => {
    const input = { title: 'x', runs: [{ name: 'r', history: history(7) }] };
    expect(report.renderReport(input)).toBe(report.renderReport(structuredClone(input)));
  });

  it('copes with missing curves, NaN values and an empty history', () => {
    const epoch = [1, 2, 3, 4];
    const html = report.renderReport({
      title: 't',
      runs: [
        { name: 'no val', history: { epoch, trainLoss: [4, 3, 2, 1] } },
        { name: 'diverged', history: { epoch, trainLoss: [1, NaN, 2, 3], trainAcc: [0.5, 0.6, NaN, 0.7] } },
        { name: 'empty', history: { epoch: [] } },
      ],
    });
    const lines = polylines(html);
    expect(lines.find((l) => l.series === 'diverged training')!.points).toHaveLength(3);
    expect(html).toContain('>no data</text>');
    expect(html).not.toContain('NaN');
  });

  it('rejects malformed input with the library message format', () => {
    expect(() =>
      report.renderReport({ title: 't', runs: [{ name: 'r', history: { epoch: [1, 2], trainLoss: [1] } }] }),
    ).toThrow(new RangeError('Expected 2 values (one per epoch) for runs[0].history.trainLoss but received Array(1)'));
    expect(() => report.renderReport({ title: 't', runs: [{ name: 3 as never, history: { epoch: [] } }] })).toThrow(
      new TypeError('Expected string for runs[0].name but received 3 of type number'),
    );
    expect(() =>
      report.renderReport({ title: 't', runs: [{ name: 'r', history: { epoch: [1], valAcc: ['1'] as never } }] }),
    ).toThrow(TypeError);
    expect(() => report.renderReport({ title: 't', runs: {} as never })).toThrow(
      new TypeError('Expected array of { name, history } for runs but received object'),
    );
  });
});

describe('niceTicks', () => {
  it('picks 1, 2 or 5 times a power of ten and covers the range', () => {
    expect(report.niceTicks(0.03, 0.97)).toEqual({ lo: 0, hi: 1, step: 0.2, values: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(report.niceTicks(1, 30, 6, true)).toEqual({ lo: 0, hi: 30, step: 5, values: [0, 5, 10, 15, 20, 25, 30] });
    expect(report.niceTicks(1, 3, 6, true).step).toBe(1);
    expect(report.niceTicks(0.1, 0.3).values).toEqual([0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(report.niceTicks(5, 5).values.length).toBeGreaterThan(1);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(report.escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
