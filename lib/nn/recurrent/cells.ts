/**
 * nn.RNNCell, nn.LSTMCell and nn.GRUCell: one step of the layers in rnn.ts, with PyTorch's
 * arguments (`RNNCell(inputSize, hiddenSize, bias, nonlinearity)`, `LSTMCell(inputSize,
 * hiddenSize, bias)`, `GRUCell(inputSize, hiddenSize, bias)`, or an options object), parameter
 * names (weight_ih, weight_hh, bias_ih, bias_hh), init U(-1/sqrt(H), 1/sqrt(H)) and layouts:
 * input (B, I) or unbatched (I); hx (B, H) or (H), zeros when absent. RNNCell and GRUCell return
 * h', LSTMCell [h', c']. One step runs on the same native op as the layers (a sequence of 1).
 */
import { boolean, isPlainObject, orDefault, positiveInt } from '../../args.js';
import { reshape } from '../../ops/layout.js';
import { recurrentLayer, type RnnCell } from '../../ops/recurrent.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../../errors.js';
import { defaultGenerator, type Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import { Tensor, zeros } from '../../tensor.js';
import { checkGenerator } from '../init.js';
import { Module, type ModuleCategory } from '../module.js';
import { Parameter } from '../parameter.js';
import { expectLayerInput, layerShapeError } from '../shape-check.js';
import { gatherArgs } from './args.js';

export interface RNNCellOptions {
  inputSize?: number;
  hiddenSize?: number;
  /** Learn the two biases (default true). */
  bias?: boolean;
  /** The stream the initial weights are drawn from (default: the manualSeed one). */
  generator?: Generator;
}

export interface ElmanCellOptions extends RNNCellOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

export abstract class RNNCellBase extends Module {
  readonly mode: RnnCell;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  /** (G*H, I) */
  weight_ih: Parameter;
  /** (G*H, H) */
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  protected constructor(
    mode: RnnCell,
    kind: string,
    args: readonly unknown[],
    order: readonly string[],
    extra: readonly string[],
  ) {
    super();
    const o = gatherArgs(kind, args, order, ['inputSize', 'hiddenSize', 'bias', 'generator', ...extra]);
    this.mode = mode;
    this.inputSize = positiveInt(o.inputSize, 'inputSize');
    this.hiddenSize = positiveInt(o.hiddenSize, 'hiddenSize');
    this.bias = boolean(orDefault(o.bias, true), 'bias');
    const generator = checkGenerator(o.generator ?? defaultGenerator);
    const G = mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
    const H = this.hiddenSize;
    const bound = 1 / Math.sqrt(H);
    const param = (shape: number[]): Parameter => {
      const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
      generator.uniform(data, -bound, bound);
      return new Parameter(new Tensor(data, shape));
    };
    this.weight_ih = param([G * H, this.inputSize]);
    this.weight_hh = param([G * H, H]);
    this.bias_ih = this.bias ? param([G * H]) : null;
    this.bias_hh = this.bias ? param([G * H]) : null;
  }

  override get category(): ModuleCategory {
    return 'recurrent';
  }

  override get layerName(): string {
    return `${this.constructor.name}(${this.inputSize}→${this.hiddenSize})`;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const rank = inputShape.length;
    if ((rank !== 1 && rank !== 2) || (inputShape[rank - 1] !== this.inputSize && inputShape[rank - 1] !== -1)) {
      throw layerShapeError(this, rank === 1 ? [this.inputSize] : [-1, this.inputSize], inputShape);
    }
    return [...inputShape.slice(0, -1), this.hiddenSize];
  }

  #state(t: unknown, name: string, expected: number[]): Tensor {
    if (!(t instanceof Tensor)) throw argTypeError(`${name} of ${this.layerName}`, 'Tensor', t);
    if (t.rank !== expected.length || !t.shape.every((s: number, i: number) => s === expected[i])) {
      throw new ShapeError(
        `${this.layerName} expected ${name} of shape ${formatShape(expected)} but received ${formatShape(t.shape)}`,
        {
          layer: this.layerName,
          expected,
          received: t.shape,
        },
      );
    }
    return t;
  }

  /** One step: h' and (LSTM) c', in the input's batchedness. */
  protected step(input: Tensor, hx: unknown): [Tensor, Tensor | null] {
    const x = expectLayerInput(this, input);
    if (
      (x.rank !== 1 && x.rank !== 2) ||
      x.shape[x.rank - 1] !== this.inputSize ||
      (x.rank === 2 && x.shape[0] === 0)
    ) {
      throw layerShapeError(this, x.rank === 1 ? [this.inputSize] : [-1, this.inputSize], x.shape);
    }
    const batched = x.rank === 2;
    const B = batched ? x.shape[0]! : 1;
    const H = this.hiddenSize;
    const shape = batched ? [B, H] : [H];
    const lstm = this.mode === 'lstm';
    let h: Tensor | null = null;
    let c: Tensor | null = null;
    if (hx !== undefined && hx !== null) {
      if (lstm) {
        if (!Array.isArray(hx) || hx.length !== 2)
          throw argTypeError(`hx of ${this.layerName}`, '[h, c] (two Tensors) or null', hx);
        h = this.#state(hx[0], 'hx[0]', shape);
        c = this.#state(hx[1], 'hx[1]', shape);
      } else {
        h = this.#state(hx, 'hx', shape);
      }
    }
    const r = recurrentLayer({
      cell: this.mode,
      reverse: false,
      x: reshape(x, [1, B, this.inputSize]),
      h0: h === null ? zeros([B, H]) : reshape(h, [B, H]),
      c0: lstm ? (c === null ? zeros([B, H]) : reshape(c, [B, H])) : null,
      wIh: this.weight_ih,
      wHh: this.weight_hh,
      bIh: this.bias_ih,
      bHh: this.bias_hh,
      wHr: null,
    });
    return [reshape(r.hN, shape), r.cN === null ? null : reshape(r.cN, shape)];
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias };
    if (this.mode === 'rnn_relu') config.nonlinearity = 'relu';
    return config;
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=false'}${this.mode === 'rnn_relu' ? `, nonlinearity='relu'` : ''}`;
  }
}

/** One Elman step: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu). */
export class RNNCell extends RNNCellBase {
  constructor(...args: [inputSize: number, hiddenSize: number, ...rest: unknown[]] | [options: ElmanCellOptions]);
  constructor(...args: unknown[]) {
    const last = args[args.length - 1];
    const positional = args.length > 3 && !isPlainObject(args[3]) ? args[3] : undefined;
    const nl = positional ?? (isPlainObject(last) ? last.nonlinearity : undefined) ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') {
      throw typeof nl === 'string'
        ? argRangeError('nonlinearity', `'tanh' or 'relu'`, nl)
        : argTypeError('nonlinearity', `'tanh' or 'relu'`, nl);
    }
    super(
      nl === 'relu' ? 'rnn_relu' : 'rnn_tanh',
      'RNNCell',
      args,
      ['inputSize', 'hiddenSize', 'bias', 'nonlinearity'],
      ['nonlinearity'],
    );
  }

  get nonlinearity(): 'tanh' | 'relu' {
    return this.mode === 'rnn_relu' ? 'relu' : 'tanh';
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.step(input, hx)[0];
  }
}

/** One LSTM step: [h', c']. */
export class LSTMCell extends RNNCellBase {
  constructor(...args: [inputSize: number, hiddenSize: number, ...rest: unknown[]] | [options: RNNCellOptions]);
  constructor(...args: unknown[]) {
    super('lstm', 'LSTMCell', args, ['inputSize', 'hiddenSize', 'bias'], []);
  }

  // @ts-expect-error -- an LSTM cell returns [h', c'] as PyTorch's does, not one Tensor.
  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const [h, c] = this.step(input, hx);
    return [h, c!];
  }
}

/** One GRU step: h'. */
export class GRUCell extends RNNCellBase {
  constructor(...args: [inputSize: number, hiddenSize: number, ...rest: unknown[]] | [options: RNNCellOptions]);
  constructor(...args: unknown[]) {
    super('gru', 'GRUCell', args, ['inputSize', 'hiddenSize', 'bias'], []);
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.step(input, hx)[0];
  }
}
