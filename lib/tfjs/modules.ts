/**
 * nn modules for tfjs layers the Keras facade does not have, in tfjs's channels-last layout:
 * Conv1D and the 1-D poolings take (N, steps, channels); AveragePooling2D takes (N, H, W, C);
 * the global poolings reduce the spatial axes; Reshape reshapes every sample. Each transposes to
 * dropnet's channels-first kernels and back, so outputs and Flatten's order equal tfjs's.
 */
import { ShapeError, formatShape } from '../errors.js';
import { activationModule, type ActivationName } from '../keras/activations.js';
import { toChannelsFirst, toChannelsLast } from '../keras/modules.js';
import { Conv1d } from '../nn/conv.js';
import { Module, type ModuleCategory } from '../nn/module.js';
import { expectLayerInput, layerShapeError } from '../nn/shape-check.js';
import { conv1d } from '../ops/conv.js';
import { reshape, transpose } from '../ops/layout.js';
import { avgPool1d, avgPool2d, maxPool1d } from '../ops/pool.js';
import { mean } from '../ops/reduce.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { maxOver } from './ops.js';

const outSize = (n: number, k: number, s: number): number => (n < 0 ? -1 : Math.floor((n - k) / s) + 1);

/** A 1-D convolution over (N, steps, channels), its activation applied after. */
export class Conv1D extends Conv1d {
  readonly activation: ActivationName;
  readonly #act: Module;

  constructor(
    inChannels: number,
    filters: number,
    kernelSize: number,
    strides: number,
    padding: 'valid' | 'same',
    activation: ActivationName,
    useBias: boolean,
  ) {
    super(inChannels, filters, kernelSize, { stride: strides, padding, bias: useBias });
    this.activation = activation;
    this.#act = activationModule(activation);
  }

  override get layerName(): string {
    return `Conv1D(${this.inChannels}→${this.outChannels}, ${this.kernelSize}${this.activation === 'linear' ? '' : `, ${this.activation}`})`;
  }

  override computeOutputShape(s: Shape): Shape {
    if (s.length !== 3) throw layerShapeError(this, [-1, -1, this.inChannels], s);
    const out = super.computeOutputShape([s[0]!, s[2]!, s[1]!]);
    return [out[0]!, out[2]!, out[1]!];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    const y = conv1d(transpose(x, 1, 2), this.weight, this.bias, { stride: this.stride, padding: this.padding });
    return this.#act.forward(transpose(y, 1, 2));
  }
}

abstract class Simple extends Module {
  constructor(readonly kind: string) {
    super();
  }

  override get layerName(): string {
    return this.kind;
  }
}

/** Max or average pooling over the steps of (N, steps, channels), 'valid' padding. */
export class Pooling1D extends Simple {
  constructor(
    readonly mode: 'max' | 'avg',
    readonly poolSize: number,
    readonly strides: number,
  ) {
    super(mode === 'max' ? 'MaxPooling1D' : 'AveragePooling1D');
  }

  override get category(): ModuleCategory {
    return 'pool';
  }

  override computeOutputShape(s: Shape): Shape {
    if (s.length !== 3) throw layerShapeError(this, [-1, -1, -1], s);
    const n = outSize(s[1]!, this.poolSize, this.strides);
    if (n === 0 || n < -1) throw new ShapeError(`${this.kind}: ${s[1]} steps are fewer than poolSize ${this.poolSize}`);
    return [s[0]!, n, s[2]!];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    const opts = { kernelSize: this.poolSize, stride: this.strides };
    const xt = transpose(x, 1, 2);
    return transpose(this.mode === 'max' ? maxPool1d(xt, opts) : avgPool1d(xt, opts), 1, 2);
  }
}

/** Average pooling over (N, H, W, C), 'valid' padding. */
export class AveragePooling2D extends Simple {
  constructor(
    readonly poolSize: [number, number],
    readonly strides: [number, number],
  ) {
    super('AveragePooling2D');
  }

  override get category(): ModuleCategory {
    return 'pool';
  }

  override computeOutputShape(s: Shape): Shape {
    if (s.length !== 4) throw layerShapeError(this, [-1, -1, -1, -1], s);
    const h = outSize(s[1]!, this.poolSize[0], this.strides[0]);
    const w = outSize(s[2]!, this.poolSize[1], this.strides[1]);
    if (h === 0 || w === 0 || h < -1 || w < -1)
      throw new ShapeError(
        `AveragePooling2D: input ${formatShape(s)} is smaller than poolSize ${formatShape(this.poolSize)}`,
      );
    return [s[0]!, h, w, s[3]!];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    return toChannelsLast(avgPool2d(toChannelsFirst(x), { kernelSize: this.poolSize, stride: this.strides }));
  }
}

/** Mean or max over the spatial axes of (N, steps, C) or (N, H, W, C): (N, C). */
export class GlobalPooling extends Simple {
  constructor(
    readonly mode: 'max' | 'avg',
    readonly rank: 1 | 2,
  ) {
    super(`Global${mode === 'max' ? 'Max' : 'Average'}Pooling${rank}D`);
  }

  override get category(): ModuleCategory {
    return 'pool';
  }

  override computeOutputShape(s: Shape): Shape {
    if (s.length !== this.rank + 2) throw layerShapeError(this, new Array<number>(this.rank + 2).fill(-1), s);
    return [s[0]!, s[s.length - 1]!];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    this.computeOutputShape(x.shape);
    const axes = this.rank === 1 ? [1] : [1, 2];
    return this.mode === 'max' ? maxOver(x, axes) : mean(x, axes);
  }
}

/** Reshapes each sample to targetShape (one entry may be -1). */
export class Reshape extends Simple {
  constructor(readonly targetShape: readonly number[]) {
    super('Reshape');
  }

  override get category(): ModuleCategory {
    return 'reshape';
  }

  override computeOutputShape(s: Shape): Shape {
    const size = s.slice(1).reduce((p, d) => p * d, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    const out = this.targetShape.map((d) => (d === -1 ? size / known : d));
    if (out.reduce((p, d) => p * d, 1) !== size || out.some((d) => !Number.isInteger(d))) {
      throw new ShapeError(
        `Reshape: samples of shape ${formatShape(s.slice(1))} (${size} values) cannot be reshaped to ${formatShape(this.targetShape)}`,
      );
    }
    return [s[0]!, ...out];
  }

  override forward(input: Tensor): Tensor {
    const x = expectLayerInput(this, input);
    return reshape(x, this.computeOutputShape(x.shape));
  }

  override getConfig(): Record<string, unknown> {
    return { targetShape: [...this.targetShape] };
  }
}
