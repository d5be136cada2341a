/**
 * fit()'s progress output, Keras-style. verbose 1 on a terminal: a bar per epoch with the running
 * loss, metrics and ETA, redrawn in place at most every 100 ms (cut to the terminal's width), then
 * finished with the epoch's time and validation values, written whole. verbose 1 elsewhere (a log file, a pipe) and verbose 2: one line
 * per epoch. verbose 0: nothing. All output goes through a Printer, so tests can capture it.
 */
import { performance } from 'node:perf_hooks';
import type { Logs } from './history.js';

/** Where progress goes: process.stdout by default. */
export interface Printer {
  /** Whether lines can be redrawn in place (a terminal). */
  readonly isTTY: boolean;
  /** The terminal width, if known. */
  readonly columns?: number | undefined;
  write(text: string): void;
}

export const stdoutPrinter: Printer = {
  get isTTY() {
    return process.stdout.isTTY === true;
  },
  get columns() {
    return process.stdout.columns;
  },
  write(text: string) {
    process.stdout.write(text);
  },
};

export type Verbosity = 0 | 1 | 2;

const REDRAW_MS = 100;
const BAR = 30;

/** 4 decimals as Keras, exponent form outside [1e-3, 1e5). */
export function formatLogValue(v: number): string {
  const a = Math.abs(v);
  if (!Number.isFinite(v)) return String(v);
  if (v === 0 || (a >= 1e-3 && a < 1e5)) return v.toFixed(4);
  return v.toExponential(4);
}

export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m ${Math.round(seconds - m * 60)}s`;
}

function formatLogs(logs: Logs, skip: readonly string[] = ['batch', 'size']): string {
  return Object.entries(logs)
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => ` - ${k}: ${formatLogValue(v)}`)
    .join('');
}

export class Progress {
  readonly #printer: Printer;
  readonly #verbose: Verbosity;
  readonly #epochs: number;
  readonly #steps: number;
  readonly #bar: boolean;
  #start = 0;
  #lastDraw = 0;
  /** Whether a bar is on screen without its newline. */
  #open = false;

  constructor(printer: Printer, verbose: Verbosity, epochs: number, steps: number) {
    this.#printer = printer;
    this.#verbose = verbose;
    this.#epochs = epochs;
    this.#steps = steps;
    this.#bar = verbose === 1 && printer.isTTY;
  }

  epochBegin(epoch: number): void {
    this.#start = performance.now();
    this.#lastDraw = 0;
    if (this.#bar) this.#printer.write(`Epoch ${epoch + 1}/${this.#epochs}\n`);
  }

  /** After batch `done` (1-based) of the epoch, with the running logs. */
  batchEnd(done: number, logs: Logs): void {
    if (!this.#bar) return;
    const now = performance.now();
    if (done < this.#steps && now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    const elapsed = (now - this.#start) / 1000;
    const eta = done === 0 ? 0 : (elapsed / done) * (this.#steps - done);
    this.#draw(`${this.#barText(done)} - ETA: ${formatDuration(eta)}${formatLogs(logs)}`);
  }

  epochEnd(epoch: number, logs: Logs, steps: number): void {
    if (this.#verbose === 0) return;
    const seconds = (performance.now() - this.#start) / 1000;
    const timing = `${formatDuration(seconds)} ${formatDuration(seconds / Math.max(steps, 1))}/step`;
    if (this.#bar) {
      // The epoch's final line is written whole, as Keras does: the terminal wraps it if it is wide,
      // and it is never redrawn, so its validation values are not cut off.
      this.#draw(`${this.#barText(steps)} - ${timing}${formatLogs(logs)}`, true);
      this.#printer.write('\n');
      this.#open = false;
    } else {
      this.#printer.write(`Epoch ${epoch + 1}/${this.#epochs} - ${timing}${formatLogs(logs)}\n`);
    }
  }

  /** A one-line notice (early stopping, restored weights ...), after any open bar. */
  note(text: string): void {
    if (this.#verbose === 0) return;
    this.close();
    this.#printer.write(`${text}\n`);
  }

  /** Ends an open bar with its newline (after an error or an abort). */
  close(): void {
    if (this.#open) this.#printer.write('\n');
    this.#open = false;
  }

  #barText(done: number): string {
    const steps = this.#steps;
    const width = String(steps).length;
    const filled = steps === 0 ? BAR : Math.floor((done / steps) * BAR);
    const body =
      done >= steps
        ? '='.repeat(BAR)
        : `${'='.repeat(Math.max(filled - 1, 0))}>${'.'.repeat(BAR - Math.max(filled, 1))}`;
    return `${String(done).padStart(width)}/${steps} [${body}]`;
  }

  /** Redraws the bar's line; the live bar is cut to the terminal width (a wrapped line could not be redrawn in place). */
  #draw(line: string, whole = false): void {
    const columns = this.#printer.columns;
    const cut = !whole && columns !== undefined && columns > 10 && line.length >= columns;
    const text = cut ? line.slice(0, columns - 1) : line;
    // Carriage return, the line, then clear whatever a longer previous line left.
    this.#printer.write(`\r${text}\x1b[K`);
    this.#open = true;
  }
}
