/**
 * Run-time shape checks of layers, and the errors they throw: a ShapeError naming the layer
 * ("Linear(784→256) expected input [*, 784] but received [64, 785]"). When the error crosses a
 * container (a Sequential, or the model being called), the container adds where the layer sits
 * in it ("... at layer 3", "... at layer encoder.0"): the outermost container's path wins.
 */
import { argRangeError, argTypeError, ShapeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { Module } from './module.js';

interface Source {
  module: Module;
  name: string;
  expected: readonly number[];
  received: readonly number[];
}

const sources = new WeakMap<ShapeError, Source>();

/** The error for `module` rejecting an input shape; -1 in `expected` means any size. */
export function layerShapeError(module: Module, expected: readonly number[], received: readonly number[]): ShapeError {
  const name = module.layerName;
  const error = ShapeError.forLayer(name, expected, received);
  sources.set(error, { module, name, expected, received });
  return error;
}

/**
 * Checks `input` against `expected` (same rank, equal sizes where expected is not -1). With
 * `anyLeading`, expected[0] = -1 stands for any number of leading dimensions (at least one
 * dimension must remain), as Linear accepts [..., in].
 */
export function expectInputShape(module: Module, input: Shape, expected: readonly number[], anyLeading = false): void {
  const tail = anyLeading ? expected.slice(1) : expected;
  const rankOk = anyLeading ? input.length >= Math.max(tail.length, 1) : input.length === expected.length;
  const offset = input.length - tail.length;
  const dimsOk = rankOk && tail.every((d, i) => d < 0 || input[offset + i]! < 0 || input[offset + i] === d);
  if (!dimsOk) throw layerShapeError(module, expected, input);
}

/** The input of a layer's forward: a Tensor, or a TypeError naming the layer. */
export function expectLayerInput(module: Module, input: unknown): Tensor {
  if (!(input instanceof Tensor)) throw argTypeError(`the input of ${module.layerName}`, 'Tensor', input);
  return input;
}

/** An input shape for build(): integers >= 0, or -1 for a size not known yet (the batch). */
export function checkBuildShape(shape: unknown): Shape {
  const expected = 'array of non-negative integers (or -1 for any size)';
  if (!Array.isArray(shape)) throw argTypeError('inputShape', expected, shape);
  shape.forEach((d: unknown, i) => {
    if (typeof d !== 'number') throw argTypeError(`inputShape[${i}]`, 'integer >= -1', d);
    if (!Number.isInteger(d) || d < -1) throw argRangeError(`inputShape[${i}]`, 'integer >= -1', d);
  });
  return shape as Shape;
}

/** Where `target` sits in `container` ("3", "encoder.0"), '' for the container itself, null if absent. */
function pathOf(container: Module, target: Module): string | null {
  for (const [name, m] of container.namedModules()) if (m === target) return name;
  return null;
}

/**
 * `error` restated with the failing layer's place in `container`, or `error` itself. With
 * `unknownBatch` (a trial run that used batch size 1 for a batch of any size), a received
 * batch size of 1 is shown as `*`.
 */
export function locate(error: unknown, container: Module, unknownBatch = false): unknown {
  if (!(error instanceof ShapeError)) return error;
  const source = sources.get(error);
  if (source === undefined) return error;
  const path = pathOf(container, source.module);
  const received = unknownBatch && source.received[0] === 1 ? [-1, ...source.received.slice(1)] : source.received;
  if ((path === null || path === '') && received === source.received) return error;
  const name = path === null || path === '' ? source.name : `${source.name} at layer ${path}`;
  const located = ShapeError.forLayer(name, source.expected, received);
  sources.set(located, { ...source, received });
  return located;
}
