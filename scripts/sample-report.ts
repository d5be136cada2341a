// Renders a report from made-up learning curves, to look at the layout:
//   node --import ./scripts/register-ts.mjs scripts/sample-report.ts /tmp/report.html
import * as fs from 'node:fs';
import { report } from '../lib/index.js';

/** Curves shaped like real ones: training keeps improving, validation levels off by `gap`. */
function history(epochs: number, gap: number, noise: number): report.History {
  const epoch = Array.from({ length: epochs }, (_, i) => i + 1);
  const wobble = (i: number) => noise * Math.sin(i * 2.3 + gap * 10);
  const trainLoss = epoch.map(
    (e, i) => 2.2 * Math.exp(-e / 3) + 0.01 + 0.12 * (1 - gap) * Math.exp(-e / 10) + wobble(i) / 4,
  );
  const valLoss = epoch.map((e, i) => 2.2 * Math.exp(-e / 3) + 0.1 + gap * 0.012 * e + wobble(i));
  const trainAcc = epoch.map(
    (e, i) => 1 - 0.88 * Math.exp(-e / 3.5) - 0.03 * (1 - gap) * Math.exp(-e / 10) + wobble(i) / 8,
  );
  const valAcc = epoch.map(
    (e, i) => 0.985 - 0.88 * Math.exp(-e / 3.5) - gap * 0.05 * (1 - Math.exp(-e / 6)) - gap * 0.001 * e + wobble(i) / 2,
  );
  const clamp = (v: number) => Math.min(1, v);
  return { epoch, trainLoss, valLoss, trainAcc: trainAcc.map(clamp), valAcc: valAcc.map(clamp) };
}

const html = report.renderReport({
  title: 'Digits: dropout against overfitting',
  runs: [
    { name: 'no dropout', history: history(30, 1, 0.01) },
    { name: 'dropout p=0.2', history: history(30, 0.45, 0.012) },
    { name: 'dropout p=0.5', history: history(30, 0.1, 0.015) },
  ],
  notes: [
    'Made-up curves, to check the layout of the report.',
    'MLP 64-128-10 on the UCI digits, 80/20 split, Adam lr=1e-3.',
  ],
});
fs.writeFileSync(process.argv[2] ?? '/tmp/report.html', html);
console.log(`wrote ${process.argv[2] ?? '/tmp/report.html'} (${html.length} bytes)`);
