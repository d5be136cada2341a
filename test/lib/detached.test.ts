/**
 * Tensors whose storage was detached (transferred) or shrunk (a resizable ArrayBuffer) give the
 * documented TypeError in every op, TypeScript ops included, never NaN read from past the end.
 */
import { describe, expect, it } from 'vitest';

/** Node 20's resizable ArrayBuffer (lib ES2023 has no types for it). */
type Resizable = ArrayBuffer & { resize(byteLength: number): void };
const ResizableBuffer = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => Resizable;
import { losses, ops, Tensor, tensor } from '../../lib/index.js';

function detached(shape: number[]): Tensor {
  const t = tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5), shape);
  structuredClone(t.data.buffer, { transfer: [t.data.buffer as ArrayBuffer] });
  return t;
}

function shrunk(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const buf = new ResizableBuffer(n * 4, { maxByteLength: n * 4 });
  const t = tensor(new Float32Array(buf).fill(0.5), shape);
  buf.resize(4);
  return t;
}

const cases: [string, (x: Tensor) => unknown][] = [
  ['sum', (x) => ops.sum(x)],
  ['sum over a dim', (x) => ops.sum(x, 1)],
  ['mean', (x) => ops.mean(x)],
  ['transpose', (x) => ops.transpose(x, 0, 1)],
  ['gather', (x) => ops.gather(x, 1, tensor([[0], [1]]))],
  ['toArray', (x) => x.toArray()],
  ['softmax', (x) => ops.softmax(x, 1)],
  ['add', (x) => ops.add(x, 1)],
  ['reshape', (x) => ops.reshape(x, [4])],
  ['concat', (x) => ops.concat([x, x], 0)],
  [
    'mseLoss (output)',
    (x) =>
      losses.mseLoss(
        x,
        tensor([
          [0, 0],
          [0, 0],
        ]),
      ),
  ],
  [
    'mseLoss (target)',
    (x) =>
      losses.mseLoss(
        tensor([
          [0, 0],
          [0, 0],
        ]),
        x,
      ),
  ],
  [
    'l1Loss',
    (x) =>
      losses.l1Loss(
        x,
        tensor([
          [0, 0],
          [0, 0],
        ]),
      ),
  ],
  [
    'huberLoss',
    (x) =>
      losses.huberLoss(
        x,
        tensor([
          [0, 0],
          [0, 0],
        ]),
      ),
  ],
  [
    'smoothL1Loss',
    (x) =>
      losses.smoothL1Loss(
        x,
        tensor([
          [0, 0],
          [0, 0],
        ]),
      ),
  ],
  ['crossEntropy', (x) => losses.crossEntropy(x, [0, 1])],
  ['nllLoss', (x) => losses.nllLoss(x, [0, 1])],
  [
    'binaryCrossEntropy',
    (x) =>
      losses.binaryCrossEntropy(
        x,
        tensor([
          [0, 1],
          [1, 0],
        ]),
      ),
  ],
  [
    'binaryCrossEntropyWithLogits',
    (x) =>
      losses.binaryCrossEntropyWithLogits(
        x,
        tensor([
          [0, 1],
          [1, 0],
        ]),
      ),
  ],
  [
    'klDiv',
    (x) =>
      losses.klDiv(
        x,
        tensor([
          [0.5, 0.5],
          [0.5, 0.5],
        ]),
      ),
  ],
  [
    'categoricalCrossentropy',
    (x) =>
      losses.categoricalCrossentropy(
        tensor([
          [0, 1],
          [1, 0],
        ]),
        x,
      ),
  ],
  ['sparseCategoricalCrossentropy', (x) => losses.sparseCategoricalCrossentropy(x, tensor([0, 1]))],
  [
    'crossEntropy (probability target)',
    (x) =>
      losses.crossEntropy(
        tensor([
          [0, 1],
          [1, 0],
        ]),
        x,
      ),
  ],
  [
    'crossEntropy (class weights)',
    (x) =>
      losses.crossEntropy(
        tensor([
          [0, 1],
          [1, 0],
        ]),
        [0, 1],
        { weight: x },
      ),
  ],
  [
    'binaryCrossentropy (keras)',
    (x) =>
      losses.binaryCrossentropy(
        tensor([
          [0, 1],
          [1, 0],
        ]),
        x,
      ),
  ],
];

describe.each([
  ['detached', detached, /detached ArrayBuffer/],
  ['shrunk', shrunk, /buffer now holds 1/],
] as const)('a %s tensor', (_kind, make, message) => {
  it.each(cases)('%s throws the TypeError', (_name, f) => {
    expect(() => f(make([2, 2]))).toThrow(TypeError);
    expect(() => f(make([2, 2]))).toThrow(message);
  });
});
