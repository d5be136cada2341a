/**
 * A line chart as inline SVG: axes with round-number ticks and grid lines, one polyline per
 * series (one point per finite value), an optional shaded band between two series, a legend.
 * Pure: the same spec always gives the same text.
 */
import { coord, escapeHtml, niceTicks, tickLabel, type Ticks } from './format.js';

export interface Series {
  label: string;
  color: string;
  xs: readonly number[];
  ys: readonly number[];
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** Shade the area between series[a] and series[b] (e.g. the train/validation gap). */
  band?: { between: [number, number]; color: string };
  /** Clamp the y axis to this range (e.g. [0, 1] for accuracy). */
  yRange?: [number, number];
  /** Span at least this y range, so that charts side by side share their axis (default: the data's). */
  yDomain?: [number, number];
  /** 'log' (for losses: their gaps stay visible as the losses shrink; values <= 0 are left out) or 'linear' (default). */
  yScale?: 'linear' | 'log';
  /** Draw the series legend above the plot (default true). */
  legend?: boolean;
  width?: number;
  height?: number;
}

const M = { left: 58, right: 14, top: 40, bottom: 46 };

function finitePoints(s: Series): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < s.xs.length; i++) {
    const x = s.xs[i]!;
    const y = s.ys[i];
    if (y !== undefined && Number.isFinite(x) && Number.isFinite(y)) out.push([x, y]);
  }
  return out;
}

/**
 * The x axis spans exactly the epochs trained (no empty margin before epoch 1), with ticks on
 * round multiples and the first epoch labelled too when it is not crowded.
 */
function epochTicks(min: number, max: number): Ticks {
  const t = niceTicks(min, max, 6, true);
  if (!(min < max)) return t;
  const values = t.values.filter((v) => v >= min && v <= max);
  if (values[0] === undefined || values[0] - min >= t.step / 2) values.unshift(min);
  return { lo: min, hi: max, step: t.step, values };
}

/** Ticks for a log axis: 1, 2 and 5 times powers of ten inside [min, max] (both > 0), at least two. */
function logTicks(min: number, max: number): Ticks {
  const lo = 10 ** Math.floor(Math.log10(min));
  const values: number[] = [];
  for (let decade = lo; decade <= max * 10; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * decade).toPrecision(6));
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) values.push(v);
    }
  }
  if (values.length < 2) return { lo: min, hi: max, step: 1, values: [min, max].map((v) => Number(v.toPrecision(2))) };
  // step 1: tickLabel then takes each label's digits from its own value (0.02, 0.5, 2).
  return { lo: min, hi: max, step: 1, values };
}

export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 520;
  const height = spec.height ?? 320;
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const log = spec.yScale === 'log';
  const points = spec.series.map((s) => finitePoints(s).filter(([, y]) => !log || y > 0));
  const all = points.flat();
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xt = epochTicks(Math.min(...xs), Math.max(...xs));
  let yMin = Math.min(...ys, ...(spec.yDomain === undefined ? [] : [spec.yDomain[0]]));
  let yMax = Math.max(...ys, ...(spec.yDomain === undefined ? [] : [spec.yDomain[1]]));
  if (spec.yRange !== undefined) {
    yMin = Math.max(yMin, spec.yRange[0]);
    yMax = Math.min(yMax, spec.yRange[1]);
  }
  const yt = log && yMin > 0 && Number.isFinite(yMax) && yMax > yMin ? logTicks(yMin, yMax) : niceTicks(yMin, yMax, 5);
  const ty = log && yt.lo > 0 ? Math.log10 : (y: number) => y;
  if (spec.yRange !== undefined) {
    yt.lo = Math.max(yt.lo, spec.yRange[0]);
    yt.hi = Math.min(yt.hi, spec.yRange[1]);
    yt.values = yt.values.filter((v) => v >= yt.lo - 1e-12 && v <= yt.hi + 1e-12);
  }
  const sx = (x: number) => M.left + ((x - xt.lo) / (xt.hi - xt.lo)) * plotW;
  const sy = (y: number) => M.top + plotH - ((ty(y) - ty(yt.lo)) / (ty(yt.hi) - ty(yt.lo))) * plotH;
  const pts = (p: [number, number][]) => p.map(([x, y]) => `${coord(sx(x))},${coord(sy(y))}`).join(' ');

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(spec.title)}">`,
  );
  parts.push(`<text class="title" x="${M.left}" y="20">${escapeHtml(spec.title)}</text>`);
  // Grid and ticks.
  for (const v of yt.values) {
    const y = coord(sy(v));
    parts.push(`<line class="grid" x1="${M.left}" y1="${y}" x2="${width - M.right}" y2="${y}"/>`);
    parts.push(
      `<text class="tick" x="${M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickLabel(v, yt.step)}</text>`,
    );
  }
  for (const v of xt.values) {
    const x = coord(sx(v));
    parts.push(`<line class="grid" x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + plotH}"/>`);
    parts.push(
      `<text class="tick" x="${x}" y="${M.top + plotH + 16}" text-anchor="middle">${tickLabel(v, xt.step)}</text>`,
    );
  }
  parts.push(`<rect class="frame" x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}"/>`);
  parts.push(
    `<text class="axis" x="${coord(M.left + plotW / 2)}" y="${height - 8}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text class="axis" transform="translate(14 ${coord(M.top + plotH / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`,
  );
  if (all.length === 0) {
    parts.push(
      `<text class="empty" x="${coord(M.left + plotW / 2)}" y="${coord(M.top + plotH / 2)}" text-anchor="middle">no data</text>`,
    );
  }
  // Curves are clipped to the plot (plus a few pixels, so a line at the edge keeps its full width).
  parts.push(
    `<svg x="${M.left - 3}" y="${M.top - 3}" width="${plotW + 6}" height="${plotH + 6}" viewBox="${M.left - 3} ${M.top - 3} ${plotW + 6} ${plotH + 6}" overflow="hidden">`,
  );
  if (spec.band !== undefined) {
    const [a, b] = spec.band.between;
    const pa = points[a] ?? [];
    const pb = points[b] ?? [];
    if (pa.length > 1 && pb.length > 1) {
      parts.push(
        `<polygon class="band" fill="${escapeHtml(spec.band.color)}" points="${pts([...pa, ...[...pb].reverse()])}"/>`,
      );
    }
  }
  spec.series.forEach((s, i) => {
    const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<polyline class="series" data-series="${escapeHtml(s.label)}" stroke="${escapeHtml(s.color)}"${dash} points="${pts(points[i]!)}"/>`,
    );
  });
  parts.push('</svg>');
  // Legend, right-aligned above the plot.
  let lx = width - M.right;
  for (let i = spec.legend === false ? -1 : spec.series.length - 1; i >= 0; i--) {
    const s = spec.series[i]!;
    const w = 30 + 6.6 * s.label.length;
    lx -= w;
    const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<line class="key" x1="${coord(lx)}" y1="16" x2="${coord(lx + 22)}" y2="16" stroke="${escapeHtml(s.color)}"${dash}/>`,
    );
    parts.push(`<text class="legend" x="${coord(lx + 26)}" y="20">${escapeHtml(s.label)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
