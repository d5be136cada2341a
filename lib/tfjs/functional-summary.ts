/**
 * summary() of a tf.model(): tfjs's functional table, one row per layer with the layers it
 * receives its inputs from, then the parameter totals (moving statistics counted as
 * non-trainable, as tfjs does).
 */
import type { SymbolicTensor } from './functional.js';
import { type Layer, layerWeights } from './layers.js';

const grouped = (n: number): string => n.toLocaleString('en-US');

export function graphSummary(name: string, layers: readonly Layer[], nodes: readonly SymbolicTensor[]): string[] {
  let total = 0;
  let trainable = 0;
  const rows = layers.map((l) => {
    const slots = l.module === null ? [] : layerWeights(l.module);
    const params = slots.reduce((n, s) => n + s.get().size, 0);
    total += params;
    trainable += slots.filter((s) => s.trainable).reduce((n, s) => n + s.get().size, 0);
    const from = nodes.filter((t) => t.sourceLayer === l).flatMap((t) => t.inputs.map((x) => x.sourceLayer.name));
    return [`${l.name} (${l.getClassName()})`, JSON.stringify(l.outputShape ?? []), grouped(params), from.join(', ')];
  });
  const header = ['Layer (type)', 'Output shape', 'Param #', 'Receives inputs'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)) + 2);
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('')
      .trimEnd();
  const width = widths.reduce((a, b) => a + b, 0);
  return [
    `Model: "${name}"`,
    '_'.repeat(width),
    line(header),
    '='.repeat(width),
    ...rows.map(line),
    '='.repeat(width),
    `Total params: ${grouped(total)}`,
    `Trainable params: ${grouped(trainable)}`,
    `Non-trainable params: ${grouped(total - trainable)}`,
    '_'.repeat(width),
  ];
}
