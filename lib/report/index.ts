/** The self-contained HTML training report. */
export { lineChart, type ChartSpec, type Series } from './chart.js';
export { escapeHtml, niceTicks } from './format.js';
export { renderReport, type Figure, type History, type ReportInput, type Run } from './render.js';
