/**
 * summary(): the model's layers with output shapes, parameter counts and modes, and a dropout
 * section with placement guidance. Output shapes come from running the model once on zeros of
 * the input shape (predict: eval mode, no gradients, modes restored), recording what each
 * module call returns; a size of -1 (the batch) runs as 1 and is shown as `*`.
 */
import { formatShape } from '../errors.js';
import type { Shape } from '../shape.js';
import { zeros } from '../tensor.js';
import { dropoutAdvice, type DropoutAdvice, isDropout, type LayerAt } from './dropout/advice.js';
import { traceShapes } from './invoke.js';
import type { Module } from './module.js';
import { checkBuildShape } from './shape-check.js';

export interface SummaryOptions {
  /** The input shape to trace output shapes with (-1 for any size); default: the shape built for. */
  inputShape?: Shape;
}

export interface SummaryRow {
  /** Path in the model ("0", "fc1", "1.0"). */
  name: string;
  depth: number;
  layer: string;
  /** null when not traced (no input shape, or not reached through call()). */
  outputShape: Shape | null;
  /** Elements of the module's parameters, its submodules' included. */
  params: number;
  trainableParams: number;
  training: boolean;
}

export interface Summary {
  model: string;
  inputShape: Shape | null;
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  bufferElements: number;
  dropoutLayers: { name: string; layer: string; rate: number | undefined; training: boolean }[];
  advice: DropoutAdvice[];
}

function count(tensors: readonly { size: number }[]): number {
  return tensors.reduce((s, t) => s + t.size, 0);
}

export function summarize(model: Module, options: SummaryOptions = {}): Summary {
  const inputShape = options.inputShape !== undefined ? checkBuildShape(options.inputShape) : model.inputShape;
  let shapes = new Map<Module, Shape>();
  if (inputShape !== null) {
    if (!model.built) model.build(inputShape);
    const concrete = inputShape.map((d) => (d < 0 ? 1 : d));
    shapes = traceShapes(() => model.predict(zeros(concrete)));
    if (inputShape[0] === -1) {
      for (const [m, s] of shapes) if (s[0] === 1) shapes.set(m, [-1, ...s.slice(1)]);
    }
  }
  const rows: SummaryRow[] = [];
  const visit = (m: Module, name: string, depth: number): void => {
    if (depth > 0) {
      const params = m.parameters();
      rows.push({
        name,
        depth,
        layer: m.layerName,
        outputShape: shapes.get(m) ?? null,
        params: count(params),
        trainableParams: count(params.filter((p) => p.requiresGrad)),
        training: m.training,
      });
    }
    for (const [child, c] of m.namedChildren()) visit(c, name === '' ? child : `${name}.${child}`, depth + 1);
  };
  visit(model, '', 0);

  // Leaf layers in execution order when the trace saw them all, else in definition order.
  let leaves: LayerAt[] = model
    .namedModules()
    .filter(([n, m]) => n !== '' && m.children().length === 0)
    .map(([name, module]) => ({ name, module }));
  if (leaves.every((l) => shapes.has(l.module))) {
    const order = [...shapes.keys()];
    leaves = [...leaves].sort((a, b) => order.indexOf(a.module) - order.indexOf(b.module));
  }
  const params = model.parameters();
  return {
    model: model.layerName,
    inputShape,
    rows,
    totalParams: count(params),
    trainableParams: count(params.filter((p) => p.requiresGrad)),
    bufferElements: count(model.buffers()),
    dropoutLayers: leaves
      .filter((l) => isDropout(l.module))
      .map((l) => ({
        name: l.name,
        layer: l.module.layerName,
        rate: l.module.dropoutRate,
        training: l.module.training,
      })),
    advice: dropoutAdvice(leaves),
  };
}

const grouped = (n: number): string => n.toLocaleString('en-US');

export function formatSummary(s: Summary): string {
  const header = ['Layer', 'Output shape', 'Params', 'Mode'];
  const body = s.rows.map((r) => [
    `${'  '.repeat(r.depth - 1)}${r.name}  ${r.layer}`,
    r.outputShape === null ? '?' : formatShape(r.outputShape),
    grouped(r.params),
    r.training ? 'train' : 'eval',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('   ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
  const out = [
    `${s.model} summary${s.inputShape === null ? '' : ` (input ${formatShape(s.inputShape)})`}`,
    rule,
    line(header),
    rule,
    ...body.map(line),
    rule,
    `Total params: ${grouped(s.totalParams)}`,
    `Trainable params: ${grouped(s.trainableParams)}`,
    `Non-trainable params: ${grouped(s.totalParams - s.trainableParams)}`,
  ];
  if (s.bufferElements > 0) out.push(`Buffer elements: ${grouped(s.bufferElements)}`);
  if (s.inputShape === null)
    out.push('Output shapes: call build(inputShape) or summary({ inputShape }) to trace them.');
  const layers = s.dropoutLayers.map((d) => `${d.name}: ${d.layer}${d.training ? '' : ' (eval)'}`);
  out.push(`Dropout: ${layers.length === 0 ? 'none' : layers.join(', ')}`);
  for (const a of s.advice) out.push(`  warning: ${a.message}`);
  return out.join('\n');
}

/** PyTorch's print(model): the module, its extraRepr, and its children indented, one per line. */
export function formatTree(module: Module): string {
  const children = module.namedChildren();
  const head = `${module.constructor.name}(${module.extraRepr()}`;
  if (children.length === 0) return `${head})`;
  const lines = children.map(([name, m]) => `  (${name}): ${m.toString().split('\n').join('\n  ')}`);
  return `${head}\n${lines.join('\n')}\n)`;
}
