/**
 * Keras's channels-last layout over dropnet's channels-first layers, in one place: a Keras layer
 * with dataFormat 'channelsLast' takes and returns (N, H, W, C); the nn layer under it sees
 * (N, C, H, W). Its input is transposed to channels first before the nn layer runs and the
 * output transposed back, so every layer returns Keras's layout and Flatten's order equals
 * Keras's. 'channelsFirst' passes through untouched.
 */
import { transpose } from '../ops/layout.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';

export type DataFormat = 'channelsLast' | 'channelsFirst';

/** NHWC -> NCHW */
export function toChannelsFirst(x: Tensor): Tensor {
  return transpose(transpose(x, 1, 3), 2, 3);
}

/** NCHW -> NHWC */
export function toChannelsLast(x: Tensor): Tensor {
  return transpose(transpose(x, 1, 3), 1, 2);
}

const firstShape = (s: Shape): Shape => [s[0]!, s[3]!, s[1]!, s[2]!];
const lastShape = (s: Shape): Shape => [s[0]!, s[2]!, s[3]!, s[1]!];

/** Runs a channels-first layer (`run`) on `x` laid out as `format`; the result is in `format` too. */
export function inChannelsFirst(format: DataFormat, x: Tensor, run: (nchw: Tensor) => Tensor): Tensor {
  return format === 'channelsLast' ? toChannelsLast(run(toChannelsFirst(x))) : run(x);
}

/** The shape version of inChannelsFirst: a channels-first shape rule applied to a rank-4 shape in `format`. */
export function shapeInChannelsFirst(format: DataFormat, shape: Shape, rule: (nchw: Shape) => Shape): Shape {
  return format === 'channelsLast' ? lastShape(rule(firstShape(shape))) : rule(shape);
}
