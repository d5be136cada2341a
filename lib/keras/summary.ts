/**
 * The Keras-style summary table: Layer (type), Output Shape (None for the batch), Param #, and
 * the totals, followed by the dropout section of nn's summary (its guidance names layers by
 * their index in model.layers). Batch normalization counts its moving mean and variance as
 * non-trainable parameters, as Keras does (in nn they are buffers).
 */
import { summarize } from '../nn/summary.js';
import type { Module } from '../nn/module.js';
import type { Shape } from '../shape.js';

export interface KerasLayerInfo {
  name: string;
  className: string;
  module: Module;
}

const grouped = (n: number): string => n.toLocaleString('en-US');

function kerasShape(shape: Shape | null): string {
  if (shape === null) return '?';
  const dims = shape.map((d, i) => (i === 0 && d < 0 ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

function statistics(m: Module): number {
  return m
    .namedBuffers()
    .filter(([n]) => n.endsWith('running_mean') || n.endsWith('running_var'))
    .reduce((s, [, b]) => s + b.size, 0);
}

export function kerasSummary(
  modelName: string,
  root: Module,
  inputShape: Shape,
  layers: readonly KerasLayerInfo[],
  lineLength = 65,
): string {
  const s = summarize(root, { inputShape: [-1, ...inputShape] });
  const rows = layers.map((l, i) => {
    const row = s.rows.find((r) => r.depth === 1 && r.name === String(i));
    const stats = statistics(l.module);
    return {
      cells: [`${l.name} (${l.className})`, kerasShape(row?.outputShape ?? null), grouped((row?.params ?? 0) + stats)],
      stats,
    };
  });
  const stats = rows.reduce((a, r) => a + r.stats, 0);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r.cells[c]!.length)));
  widths[0] = Math.max(widths[0]!, lineLength - widths[1]! - widths[2]! - 6);
  const line = (cells: string[]): string =>
    ` ${cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  const width = widths.reduce((a, b) => a + b, 0) + 5;
  const total = s.totalParams + stats;
  const trainable = s.trainableParams;
  const out = [
    `Model: "${modelName}"`,
    '_'.repeat(width),
    line(header),
    '='.repeat(width),
    ...rows.map((r) => line(r.cells)),
    '='.repeat(width),
    `Total params: ${grouped(total)}`,
    `Trainable params: ${grouped(trainable)}`,
    `Non-trainable params: ${grouped(total - trainable)}`,
    '_'.repeat(width),
  ];
  const byIndex = (name: string): KerasLayerInfo | undefined => layers[Number(name.split('.')[0])];
  const dropouts = s.dropoutLayers.map((d) => {
    const l = byIndex(d.name);
    return `${l?.name ?? d.name} (${l?.className ?? d.layer}${d.rate === undefined ? '' : `, rate ${d.rate}`})`;
  });
  out.push(`Dropout: ${dropouts.length === 0 ? 'none' : dropouts.join(', ')}`);
  for (const a of s.advice) out.push(`  warning (${byIndex(a.layer)?.name ?? a.layer}): layer ${a.message}`);
  return out.join('\n');
}
