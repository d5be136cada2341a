/** Reference loss kernels: the formulas of native/kernels/loss/softmax_xent.h in double. */
import type { LossKernels } from './backend.js';
import * as check from './check.js';

export const referenceLoss: LossKernels = {
  softmaxCrossEntropy(loss, dlogits, wsum, logits, targets, weight, rows, classes, labelSmoothing, ignoreIndex) {
    check.expectArgs(
      arguments,
      10,
      'softmaxCrossEntropy(loss, dlogits, wsum, logits, targets, weight, rows, classes, labelSmoothing, ignoreIndex)',
    );
    check.f32(loss, 'loss');
    check.f32(dlogits, 'dlogits');
    check.f32(wsum, 'wsum');
    check.f32(logits, 'logits');
    check.i32(targets, 'targets');
    const w = check.f32OrNull(weight, 'weight');
    check.size(rows, 'rows');
    check.int(classes, 'classes', 1, 2147483647);
    const eps = check.finite(labelSmoothing, 'labelSmoothing', 0, 1);
    check.int(ignoreIndex, 'ignoreIndex', -2147483648, 2147483647);
    const total = check.checkedMul(rows, classes, 'rows * classes');
    check.expectLength(loss, rows, 'loss');
    check.expectLength(wsum, rows, 'wsum');
    check.expectLength(targets, rows, 'targets');
    check.expectLength(dlogits, total, 'dlogits');
    check.expectLength(logits, total, 'logits');
    if (w !== null) check.expectLength(w, classes, 'weight');
    for (let r = 0; r < rows; r++) {
      const y = targets[r]!;
      if (y !== ignoreIndex && (y < 0 || y >= classes)) {
        throw new RangeError(
          `Expected class index in [0, ${classes - 1}] for targets[${r}] but received ${y} of type number`,
        );
      }
    }
    check.expectDisjoint(dlogits, 'dlogits', logits, 'logits');
    check.expectDisjoint(loss, 'loss', logits, 'logits');
    check.expectDisjoint(wsum, 'wsum', logits, 'logits');
    check.expectDisjoint(loss, 'loss', dlogits, 'dlogits');
    check.expectDisjoint(wsum, 'wsum', dlogits, 'dlogits');
    check.expectDisjoint(loss, 'loss', wsum, 'wsum');
    const wc = (c: number) => (w === null ? 1 : w[c]!);
    let wtotal = 0;
    if (eps !== 0) for (let c = 0; c < classes; c++) wtotal += wc(c);
    for (let r = 0; r < rows; r++) {
      const base = r * classes;
      const y = targets[r]!;
      if (y === ignoreIndex) {
        loss[r] = 0;
        wsum[r] = 0;
        dlogits.fill(0, base, base + classes);
        continue;
      }
      let zmax = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) zmax = Math.max(zmax, logits[base + c]!);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(logits[base + c]! - zmax);
      const lse = zmax + Math.log(sum);
      const hard = (1 - eps) * wc(y);
      const soft = eps / classes;
      let smooth = 0;
      for (let c = 0; c < classes; c++) {
        const z = logits[base + c]!;
        if (eps !== 0) smooth += wc(c) * (lse - z);
        const p = Math.exp(z - lse);
        let g = hard * (p - (c === y ? 1 : 0));
        if (eps !== 0) g += soft * (wtotal * p - wc(c));
        dlogits[base + c] = g;
      }
      loss[r] = hard * (lse - logits[base + y]!) + soft * smooth;
      wsum[r] = wc(y);
    }
  },
};
