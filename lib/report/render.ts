/**
 * The training report: one self-contained HTML file (inline SVG and CSS, no scripts, no external
 * assets) with the learning curves of each run and a table of final numbers.
 *
 * Each run gets a loss chart (log scale, so gaps stay visible as losses shrink) and an accuracy
 * chart side by side, in the run's own colour everywhere, training solid and validation dashed,
 * with the area between them shaded: the generalization gap. Charts of the same quantity share
 * their y range. With several runs, two overview charts overlay every run's curves.
 *
 * The generalization gap has one definition throughout: validation loss minus training loss (at
 * the last epoch in the table). A positive gap means the model does worse on unseen data.
 */
import { argRangeError, argTypeError } from '../errors.js';
import { type ChartSpec, lineChart, type Series } from './chart.js';
import { escapeHtml, formatPercent, formatValue } from './format.js';

export interface History {
  epoch: readonly number[];
  trainLoss?: readonly number[];
  valLoss?: readonly number[];
  trainAcc?: readonly number[];
  valAcc?: readonly number[];
}

export interface Run {
  name: string;
  history: History;
}

export interface ReportInput {
  title: string;
  runs: readonly Run[];
  /** One sentence saying what the run shows, shown first (plain text). */
  lead?: string;
  /** The run's configuration, shown as a table (label → value, plain text). */
  config?: Readonly<Record<string, string>>;
  /** Paragraphs of plain text shown under the title (escaped, never interpreted as HTML). */
  notes?: string | readonly string[];
  /** Further charts, each figure under its heading with a caption, after the final numbers. */
  figures?: readonly Figure[];
}

export interface Figure {
  heading: string;
  charts: readonly ChartSpec[];
  caption?: string;
}

const CURVES = ['trainLoss', 'valLoss', 'trainAcc', 'valAcc'] as const;
const PALETTE = ['#1f5fa8', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#0b7285', '#e67700', '#495057'];

function checkInput(input: unknown): ReportInput {
  if (typeof input !== 'object' || input === null) throw argTypeError('report', 'object with title and runs', input);
  const { title, runs, notes } = input as ReportInput;
  if (typeof title !== 'string') throw argTypeError('title', 'string', title);
  if (!Array.isArray(runs)) throw argTypeError('runs', 'array of { name, history }', runs);
  runs.forEach((run: unknown, r) => {
    if (typeof run !== 'object' || run === null) throw argTypeError(`runs[${r}]`, '{ name, history }', run);
    const { name, history } = run as Run;
    if (typeof name !== 'string') throw argTypeError(`runs[${r}].name`, 'string', name);
    if (typeof history !== 'object' || history === null) throw argTypeError(`runs[${r}].history`, 'object', history);
    if (!Array.isArray(history.epoch))
      throw argTypeError(`runs[${r}].history.epoch`, 'array of numbers', history.epoch);
    for (const key of ['epoch', ...CURVES] as const) {
      const values = history[key];
      if (values === undefined) continue;
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'number')) {
        throw argTypeError(`runs[${r}].history.${key}`, 'array of numbers', values);
      }
      if (values.length !== history.epoch.length) {
        throw argRangeError(`runs[${r}].history.${key}`, `${history.epoch.length} values (one per epoch)`, values);
      }
    }
  });
  if (
    notes !== undefined &&
    typeof notes !== 'string' &&
    !(Array.isArray(notes) && notes.every((n) => typeof n === 'string'))
  ) {
    throw argTypeError('notes', 'string or array of strings', notes);
  }
  const { lead, config } = input as ReportInput;
  if (lead !== undefined && typeof lead !== 'string') throw argTypeError('lead', 'string', lead);
  if (
    config !== undefined &&
    (typeof config !== 'object' || config === null || Object.values(config).some((v) => typeof v !== 'string'))
  ) {
    throw argTypeError('config', 'object of strings', config);
  }
  const { figures } = input as ReportInput;
  if (
    figures !== undefined &&
    !(
      Array.isArray(figures) &&
      figures.every(
        (f: Figure) => typeof f === 'object' && f !== null && typeof f.heading === 'string' && Array.isArray(f.charts),
      )
    )
  ) {
    throw argTypeError('figures', 'array of { heading, charts, caption? }', figures);
  }
  return input as ReportInput;
}

function last(values: readonly number[] | undefined): number | undefined {
  return values === undefined || values.length === 0 ? undefined : values[values.length - 1];
}

/** The range of `keys` over every run (finite values; positive ones only for a log axis). */
function sharedRange(
  runs: readonly Run[],
  keys: readonly (typeof CURVES)[number][],
  positive: boolean,
): [number, number] | undefined {
  const values = runs
    .flatMap((r) => keys.flatMap((k) => r.history[k] ?? []))
    .filter((v) => Number.isFinite(v) && (!positive || v > 0));
  return values.length === 0 ? undefined : [Math.min(...values), Math.max(...values)];
}

interface Shared {
  loss: [number, number] | undefined;
  acc: [number, number] | undefined;
}

function runCharts(run: Run, color: string, shared: Shared): string {
  const h = run.history;
  const pair = (train: readonly number[] | undefined, val: readonly number[] | undefined): Series[] => [
    ...(train === undefined ? [] : [{ label: 'training', color, xs: h.epoch, ys: train }]),
    ...(val === undefined ? [] : [{ label: 'validation', color, xs: h.epoch, ys: val, dashed: true }]),
  ];
  const band = { between: [0, 1] as [number, number], color };
  const loss = pair(h.trainLoss, h.valLoss);
  const acc = pair(h.trainAcc, h.valAcc);
  return [
    lineChart({
      title: `${run.name}: loss (log scale)`,
      xLabel: 'epoch',
      yLabel: 'loss',
      series: loss,
      yScale: 'log',
      ...(shared.loss === undefined ? {} : { yDomain: shared.loss }),
      ...(loss.length === 2 ? { band } : {}),
    }),
    lineChart({
      title: `${run.name}: accuracy`,
      xLabel: 'epoch',
      yLabel: 'accuracy',
      series: acc,
      yRange: [0, 1],
      ...(shared.acc === undefined ? {} : { yDomain: shared.acc }),
      ...(acc.length === 2 ? { band } : {}),
    }),
  ].join('\n');
}

function overview(runs: readonly Run[], shared: Shared): string {
  const series = (train: 'trainLoss' | 'trainAcc', val: 'valLoss' | 'valAcc'): Series[] =>
    runs.flatMap((run, i) => {
      const color = PALETTE[i % PALETTE.length]!;
      const out: Series[] = [];
      const t = run.history[train];
      const v = run.history[val];
      if (t !== undefined) out.push({ label: `${run.name} training`, color, xs: run.history.epoch, ys: t });
      if (v !== undefined)
        out.push({ label: `${run.name} validation`, color, xs: run.history.epoch, ys: v, dashed: true });
      return out;
    });
  const legend = runs
    .map(
      (run, i) =>
        `<li><span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>${escapeHtml(run.name)}</li>`,
    )
    .join('');
  return [
    '<section class="overview"><h2>All runs</h2>',
    `<ul class="legend">${legend}<li class="hint">solid: training · dashed: validation</li></ul>`,
    '<div class="row">',
    lineChart({
      title: 'Loss (log scale)',
      xLabel: 'epoch',
      yLabel: 'loss',
      series: series('trainLoss', 'valLoss'),
      legend: false,
      yScale: 'log',
      ...(shared.loss === undefined ? {} : { yDomain: shared.loss }),
    }),
    lineChart({
      title: 'Accuracy',
      xLabel: 'epoch',
      yLabel: 'accuracy',
      series: series('trainAcc', 'valAcc'),
      yRange: [0, 1],
      legend: false,
      ...(shared.acc === undefined ? {} : { yDomain: shared.acc }),
    }),
    '</div></section>',
  ].join('\n');
}

function table(runs: readonly Run[]): string {
  const rows = runs.map((run) => {
    const h = run.history;
    let best: number | undefined;
    let bestEpoch: number | undefined;
    (h.valAcc ?? []).forEach((v, i) => {
      if (Number.isFinite(v) && (best === undefined || v > best)) {
        best = v;
        bestEpoch = h.epoch[i];
      }
    });
    const tAcc = last(h.trainAcc);
    const vAcc = last(h.valAcc);
    const tLoss = last(h.trainLoss);
    const vLoss = last(h.valLoss);
    const gap = tLoss !== undefined && vLoss !== undefined ? formatValue(vLoss - tLoss) : '–';
    const cells = [
      escapeHtml(run.name),
      String(h.epoch.length),
      formatValue(last(h.trainLoss)),
      formatValue(last(h.valLoss)),
      formatPercent(tAcc),
      formatPercent(vAcc),
      best === undefined ? '–' : `${formatPercent(best)} (epoch ${bestEpoch})`,
      gap,
    ];
    return `<tr>${cells.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`;
  });
  const head = [
    'run',
    'epochs',
    'train loss',
    'val loss',
    'train acc',
    'val acc',
    'best val acc',
    'gap (val − train loss)',
  ];
  return `<div class="table-wrap"><table><thead><tr>${head.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212529; margin: 24px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 28px 0 8px; }
p.note { color: #495057; margin: 4px 0; }
.row { display: flex; flex-wrap: wrap; gap: 16px; }
svg.chart { background: #fff; border: 1px solid #dee2e6; border-radius: 6px; }
svg .title { font-weight: 600; font-size: 13px; fill: #212529; }
svg .tick, svg .legend, svg .empty { font-size: 11px; fill: #495057; }
svg .axis { font-size: 12px; fill: #343a40; }
svg .grid { stroke: #e9ecef; stroke-width: 1; }
svg .frame { fill: none; stroke: #adb5bd; stroke-width: 1; }
svg .series { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
svg .key { stroke-width: 2; }
svg .band { opacity: 0.13; stroke: none; }
p.lead { font-size: 15px; margin: 8px 0 12px; }
p.caption { color: #495057; font-size: 13px; margin: 6px 0 0; }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; margin-top: 8px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 12px; border-bottom: 1px solid #dee2e6; text-align: right; }
table.config th, table.config td { text-align: left; padding: 3px 12px 3px 0; }
@media (max-width: 700px) { th, td { padding: 4px 6px; font-size: 12px; } thead th { white-space: normal; } svg.chart { max-width: 100%; height: auto; } }
th[scope=row], thead th:first-child { text-align: left; }
thead th { font-weight: 600; background: #f1f3f5; }
ul.legend { list-style: none; padding: 0; margin: 4px 0 10px; display: flex; flex-wrap: wrap; gap: 16px; }
ul.legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
ul.legend .hint { color: #868e96; }
`;

/** The report as a complete HTML document. Pure and deterministic. */
export function renderReport(input: ReportInput): string {
  const { title, runs, notes, lead, config, figures = [] } = checkInput(input);
  const paragraphs = notes === undefined ? [] : typeof notes === 'string' ? [notes] : notes;
  const shared: Shared = {
    loss: sharedRange(runs, ['trainLoss', 'valLoss'], true),
    acc: sharedRange(runs, ['trainAcc', 'valAcc'], false),
  };
  const configTable =
    config === undefined
      ? []
      : [
          '<h2>Configuration</h2>',
          `<table class="config"><tbody>${Object.entries(config)
            .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
            .join('')}</tbody></table>`,
        ];
  const caption =
    '<p class="caption">Solid: training; dashed: validation. The shaded band between them is the generalization gap: ' +
    'where validation loss lies above training loss (or validation accuracy below training accuracy), the model does worse on data it has not seen.</p>';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...(lead === undefined ? [] : [`<p class="lead">${escapeHtml(lead)}</p>`]),
    ...paragraphs.map((p) => `<p class="note">${escapeHtml(p)}</p>`),
    '<h2>Final numbers</h2>',
    table(runs),
    '<p class="caption">gap: validation loss minus training loss at the last epoch (the generalization gap; smaller is better).</p>',
    ...configTable,
    ...figures.map(
      (f) =>
        `<section class="figure"><h2>${escapeHtml(f.heading)}</h2>\n<div class="row">\n${f.charts.map((c) => lineChart(c)).join('\n')}\n</div>\n` +
        `${f.caption === undefined ? '' : `<p class="caption">${escapeHtml(f.caption)}</p>`}</section>`,
    ),
    ...(runs.length > 1 ? [overview(runs, shared)] : []),
    ...runs.map(
      (run, i) =>
        `<section class="run"><h2>${escapeHtml(run.name)}</h2>\n<div class="row">\n${runCharts(run, PALETTE[i % PALETTE.length]!, shared)}\n</div>\n${caption}</section>`,
    ),
    '</body></html>',
    '',
  ].join('\n');
}
