/** Text and number formatting for the HTML report: escaping, axis ticks, compact numbers. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A coordinate with one decimal: stable text, and finer than a pixel. */
export function coord(v: number): string {
  const s = (Math.round(v * 10) / 10).toFixed(1);
  return s === '-0.0' ? '0.0' : s;
}

export interface Ticks {
  lo: number;
  hi: number;
  step: number;
  values: number[];
}

/**
 * Round-number ticks (1, 2 or 5 times a power of ten) covering [min, max] with about `count`
 * intervals; the axis runs from the first tick to the last.
 */
export function niceTicks(min: number, max: number, count = 5, integer = false): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return niceTicks(0, 1, count, integer);
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, count, integer);
  }
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  let step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const values: number[] = [];
  // Multiplying the index (not accumulating) keeps 0.1 + 0.2 drift out of the labels.
  for (let i = 0; lo + i * step <= hi + step * 1e-9; i++) values.push(roundTo(lo + i * step, step));
  return { lo, hi, step, values };
}

function roundTo(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(digits, 12)));
}

/** A tick label: as few digits as the step needs. */
export function tickLabel(v: number, step: number): string {
  const digits = Math.max(
    0,
    -Math.floor(Math.log10(step) + 1e-9),
    v !== 0 && Math.abs(v) < 1 ? -Math.floor(Math.log10(Math.abs(v)) + 1e-9) : 0,
  );
  return v.toFixed(Math.min(digits, 10));
}

/** A value for the table: 4 significant digits, or a dash when missing. */
export function formatValue(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

/** An accuracy in [0, 1] as a percentage with one decimal. */
export function formatPercent(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return `${(v * 100).toFixed(1)}%`;
}
