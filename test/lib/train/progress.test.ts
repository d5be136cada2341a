// Progress output through a captured printer: a bar redrawn in place on a terminal, one line
// per epoch elsewhere, nothing at verbose 0; value and duration formats.
import { describe, expect, it } from 'vitest';
import { formatDuration, formatLogValue, Progress, type Printer } from '../../../lib/train/progress.js';

function capture(isTTY: boolean): Printer & { text: string } {
  return {
    isTTY,
    columns: 200,
    text: '',
    write(t: string) {
      this.text += t;
    },
  };
}

describe('Progress', () => {
  it('draws a bar on a terminal and finishes it with timing and values', () => {
    const p = capture(true);
    const progress = new Progress(p, 1, 3, 4);
    progress.epochBegin(0);
    progress.batchEnd(1, { loss: 2 });
    progress.batchEnd(2, { loss: 1.5 }); // throttled: within 100 ms of the last draw
    progress.epochEnd(0, { loss: 1.25, val_loss: 1.5 }, 4);
    expect(p.text.startsWith('Epoch 1/3\n\r1/4 [======>.......................] - ETA: ')).toBe(true);
    expect(p.text).not.toContain('2/4');
    expect(p.text).toMatch(/\r4\/4 \[={30}\] - \d+ms \d+ms\/step - loss: 1\.2500 - val_loss: 1\.5000\x1b\[K\n$/);
  });

  it('on an 80-column terminal, cuts the live bar but writes the epoch line whole', () => {
    const p = { ...capture(true), columns: 80 };
    const progress = new Progress(p, 1, 1, 100);
    progress.epochBegin(0);
    const logs = { loss: 0.123456, accuracy: 0.9, val_loss: 0.234567, val_accuracy: 0.85 };
    progress.batchEnd(1, { loss: 0.5, accuracy: 0.5 });
    progress.epochEnd(0, logs, 100);
    const draws = p.text
      .split('\r')
      .slice(1)
      .map((d) => d.replace(/\x1b\[K\n?$/, ''));
    expect(draws).toHaveLength(2);
    // The live bar: cut to 79 characters, so the terminal never wraps it.
    expect(draws[0]!.length).toBe(79);
    expect(draws[0]!).toMatch(/^ {2}1\/100 \[>\.{29}\] - ETA: /);
    // The final line is longer than 80 columns and complete, validation values included.
    expect(draws[1]!.length).toBeGreaterThan(80);
    expect(draws[1]!).toMatch(/ - loss: 0\.1235 - accuracy: 0\.9000 - val_loss: 0\.2346 - val_accuracy: 0\.8500$/);
    expect(p.text.endsWith('val_accuracy: 0.8500\x1b[K\n')).toBe(true);
  });

  it('writes one line per epoch when not on a terminal, and at verbose 2', () => {
    for (const [tty, verbose] of [
      [false, 1],
      [true, 2],
    ] as const) {
      const p = capture(tty);
      const progress = new Progress(p, verbose, 2, 5);
      progress.epochBegin(1);
      progress.batchEnd(5, { loss: 3 });
      progress.epochEnd(1, { loss: 0.123456, accuracy: 0.5 }, 5);
      expect(p.text).toMatch(/^Epoch 2\/2 - \d+ms \d+ms\/step - loss: 0\.1235 - accuracy: 0\.5000\n$/);
    }
  });

  it('writes nothing at verbose 0', () => {
    const p = capture(true);
    const progress = new Progress(p, 0, 1, 1);
    progress.epochBegin(0);
    progress.batchEnd(1, { loss: 1 });
    progress.epochEnd(0, { loss: 1 }, 1);
    progress.note('x');
    expect(p.text).toBe('');
  });

  it('closes an open bar before a note', () => {
    const p = capture(true);
    const progress = new Progress(p, 1, 1, 3);
    progress.epochBegin(0);
    progress.batchEnd(1, { loss: 1 });
    progress.note('stopping');
    expect(p.text.endsWith('\x1b[K\nstopping\n')).toBe(true);
  });

  it('formats values and durations', () => {
    expect([
      formatLogValue(0.5),
      formatLogValue(1234.5),
      formatLogValue(1e-5),
      formatLogValue(Number.NaN),
      formatLogValue(0),
    ]).toEqual(['0.5000', '1234.5000', '1.0000e-5', 'NaN', '0.0000']);
    expect([formatDuration(0.0123), formatDuration(3.4), formatDuration(125)]).toEqual(['12ms', '3s', '2m 5s']);
  });
});
