// Broadcasting index maps against a naive multi-index computation, and shape rules.
import { describe, expect, it } from 'vitest';
import { broadcastIndex, broadcastShapes, reduceThrough } from '../../../lib/ops/broadcast.js';

function naiveIndex(from: number[], to: number[]): number[] {
  const n = to.reduce((p, d) => p * d, 1);
  const out: number[] = [];
  for (let flat = 0; flat < n; flat++) {
    let rem = flat;
    const coord = new Array<number>(to.length);
    for (let d = to.length - 1; d >= 0; d--) {
      coord[d] = rem % to[d]!;
      rem = Math.floor(rem / to[d]!);
    }
    let src = 0;
    for (let i = 0; i < from.length; i++) {
      const c = from[i] === 1 ? 0 : coord[to.length - from.length + i]!;
      src = src * from[i]! + c;
    }
    out.push(src);
  }
  return out;
}

describe('broadcastShapes', () => {
  it.each([
    [[2, 3], [3], [2, 3]],
    [
      [2, 1],
      [1, 3],
      [2, 3],
    ],
    [
      [5, 1, 4],
      [3, 1],
      [5, 3, 4],
    ],
    [[], [2, 2], [2, 2]],
    [[1], [0], [0]],
  ])('%j with %j gives %j', (a, b, want) => {
    expect(broadcastShapes(a, b, 'op')).toEqual(want);
    expect(broadcastShapes(b, a, 'op')).toEqual(want);
  });

  it('names the op and the clashing dimension', () => {
    expect(() => broadcastShapes([2, 3], [4], 'add')).toThrow(
      'add: shapes [2, 3] and [4] cannot be broadcast together (dimension 1: 3 vs 4)',
    );
  });
});

describe('broadcastIndex', () => {
  it.each([
    [[3], [2, 3]],
    [
      [2, 1],
      [2, 5],
    ],
    [
      [1, 5],
      [3, 5],
    ],
    [
      [5, 1, 4],
      [5, 3, 4],
    ],
    [
      [3, 1],
      [5, 3, 4],
    ],
    [[], [2, 3]],
    [
      [1, 1, 1],
      [2, 3, 1],
    ],
    [
      [7, 1],
      [2, 7, 3],
    ],
  ])('%j into %j matches the naive map', (from, to) => {
    expect(Array.from(broadcastIndex(from, to)!)).toEqual(naiveIndex(from, to));
  });

  it('is null for equal shapes; reduceThrough sums over shared elements', () => {
    expect(broadcastIndex([2, 3], [2, 3])).toBeNull();
    const index = broadcastIndex([3], [2, 3])!;
    expect(Array.from(reduceThrough(Float32Array.of(1, 2, 3, 10, 20, 30), index, 3))).toEqual([11, 22, 33]);
  });
});
