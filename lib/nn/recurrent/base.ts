/**
 * RNNBase: what nn.RNN, nn.LSTM and nn.GRU share (rnn.ts): the options and their checks, the
 * parameters in PyTorch's names, order and initialisation, and the run over every layer and
 * direction, each one native op (ops/recurrent.ts), with the recurrent dropout family's masks
 * drawn per layer and direction (docs/recurrent.md) and an optional step mask (step-mask.ts).
 */
import { boolean, nonNegativeInt, orDefault, positiveInt, probability } from '../../args.js';
import { concat, reshape, transpose } from '../../ops/layout.js';
import { dropout as dropoutOp } from '../../ops/dropout.js';
import {
  dropWeight,
  recurrentLayer,
  type RnnCell,
  type SampleMasks,
  selectFirst,
  variationalMask,
  zoneoutWeights,
} from '../../ops/recurrent.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../../errors.js';
import { defaultGenerator, Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import { Tensor, zeros } from '../../tensor.js';
import { checkGenerator } from '../init.js';
import { Module, type ModuleCategory } from '../module.js';
import { Parameter } from '../parameter.js';
import { expectLayerInput, layerShapeError } from '../shape-check.js';
import { gatherArgs } from './args.js';
import { COMMON, DROPOUT_ONE_LAYER, zoneoutRates } from './options.js';
import { carriedSteps, withCarry } from './step-mask.js';

/** What forwardMasked returns: forward's output, hN and (LSTM) cN. */
export interface MaskedOutputs {
  output: Tensor;
  h: Tensor;
  c: Tensor | null;
}

interface LayerWeights {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
  wHr: Parameter | null;
}

export abstract class RNNBase extends Module {
  readonly mode: RnnCell;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  readonly inputDropout: number;
  readonly recurrentDropout: number;
  readonly maskPerGate: boolean;
  readonly weightDropout: number;
  /** weight_hh is dropped by whole rows (AWD's variational weight drop). */
  readonly weightDropoutRows: boolean;
  /** Zoneout rates of h and (LSTM) c. */
  readonly zoneoutHidden: number;
  readonly zoneoutCell: number;
  /** The seed of the layer's own mask stream, or null. */
  readonly seed: number | bigint | null;
  /** The stream masks are drawn from. */
  readonly maskGenerator: Generator;
  /**
   * The variational masks of the last training call, per layer and direction (index l * D + d):
   * (batch, count, units) floats of 0 or 1/(1-p), count = gates or 1; null where none was drawn.
   */
  lastDropoutMasks: { input: SampleMasks | null; recurrent: SampleMasks | null }[] = [];

  protected constructor(
    mode: RnnCell,
    kind: string,
    args: readonly unknown[],
    order: readonly string[],
    extra: readonly string[],
  ) {
    super();
    const o = gatherArgs(kind, args, order, [...COMMON, ...extra]);
    this.mode = mode;
    this.inputSize = positiveInt(o.inputSize, 'inputSize');
    this.hiddenSize = positiveInt(o.hiddenSize, 'hiddenSize');
    this.numLayers = o.numLayers === undefined ? 1 : positiveInt(o.numLayers, 'numLayers');
    this.bias = boolean(orDefault(o.bias, true), 'bias');
    this.batchFirst = boolean(orDefault(o.batchFirst, false), 'batchFirst');
    this.dropout = probability(orDefault(o.dropout, 0), 'dropout');
    this.bidirectional = boolean(orDefault(o.bidirectional, false), 'bidirectional');
    this.projSize = o.projSize === undefined ? 0 : nonNegativeInt(o.projSize, 'projSize');
    if (this.projSize >= this.hiddenSize) {
      throw argRangeError('projSize', `integer in [0, ${this.hiddenSize - 1}] (below hiddenSize)`, this.projSize);
    }
    this.inputDropout = probability(orDefault(o.inputDropout, 0), 'inputDropout');
    this.recurrentDropout = probability(orDefault(o.recurrentDropout, 0), 'recurrentDropout');
    this.maskPerGate = boolean(orDefault(o.maskPerGate, true), 'maskPerGate');
    this.weightDropout = probability(orDefault(o.weightDropout, 0), 'weightDropout');
    this.weightDropoutRows = boolean(orDefault(o.weightDropoutRows, false), 'weightDropoutRows');
    [this.zoneoutHidden, this.zoneoutCell] = zoneoutRates(kind, mode === 'lstm', o.zoneout);
    const { maskGenerator, seed } = o;
    if (maskGenerator !== undefined) {
      if (!(maskGenerator instanceof Generator)) throw argTypeError('maskGenerator', 'Generator', maskGenerator);
      if (seed !== undefined) throw argTypeError('seed', 'undefined (a maskGenerator is given)', seed);
    }
    if (seed !== undefined && typeof seed !== 'number' && typeof seed !== 'bigint')
      throw argTypeError('seed', 'integer or bigint', seed);
    this.maskGenerator =
      (maskGenerator as Generator | undefined) ??
      (seed === undefined ? defaultGenerator : new Generator(seed as number | bigint));
    this.seed = (seed as number | bigint | undefined) ?? null;
    if (this.dropout > 0 && this.numLayers === 1) {
      process.emitWarning(
        `${kind}: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects ` +
          `numLayers greater than 1, but got dropout=${this.dropout} and numLayers=1`,
        { code: DROPOUT_ONE_LAYER },
      );
    }
    // Parameters in PyTorch's order, all U(-1/sqrt(H), 1/sqrt(H)), drawn in that order.
    const generator = checkGenerator(o.generator ?? defaultGenerator);
    const bound = 1 / Math.sqrt(this.hiddenSize);
    const G = this.gates;
    const H = this.hiddenSize;
    const out = this.outSize;
    const D = this.directions;
    const param = (shape: number[]): Parameter => {
      const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
      generator.uniform(data, -bound, bound);
      return new Parameter(new Tensor(data, shape));
    };
    const self = this as unknown as Record<string, unknown>;
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? this.inputSize : out * D;
      for (let d = 0; d < D; d++) {
        const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
        self[`weight_ih${suffix}`] = param([G * H, inSize]);
        self[`weight_hh${suffix}`] = param([G * H, out]);
        if (this.bias) {
          self[`bias_ih${suffix}`] = param([G * H]);
          self[`bias_hh${suffix}`] = param([G * H]);
        }
        if (this.projSize > 0) self[`weight_hr${suffix}`] = param([this.projSize, H]);
      }
    }
  }

  /** Gates per layer: 4 (LSTM), 3 (GRU), 1 (RNN). */
  get gates(): number {
    return this.mode === 'lstm' ? 4 : this.mode === 'gru' ? 3 : 1;
  }

  /** 2 when bidirectional, else 1. */
  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The size of h: projSize or hiddenSize. */
  get outSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  override get category(): ModuleCategory {
    return 'recurrent';
  }

  override get layerName(): string {
    return `${this.constructor.name}(${this.inputSize}→${this.hiddenSize}${this.numLayers > 1 ? `, ${this.numLayers} layers` : ''}${this.bidirectional ? ', bidirectional' : ''})`;
  }

  /** The parameters of layer l, direction d, read from the properties (so reassigning one is seen). */
  protected weights(l: number, d: number): LayerWeights {
    const self = this as unknown as Record<string, Parameter | undefined>;
    const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
    return {
      wIh: self[`weight_ih${suffix}`]!,
      wHh: self[`weight_hh${suffix}`]!,
      bIh: self[`bias_ih${suffix}`] ?? null,
      bHh: self[`bias_hh${suffix}`] ?? null,
      wHr: self[`weight_hr${suffix}`] ?? null,
    };
  }

  /** The input shape this layer expects, -1 for any size. */
  #expectedInput(rank: number): number[] {
    return rank === 2 ? [-1, this.inputSize] : [-1, -1, this.inputSize];
  }

  #checkInput(x: Tensor): void {
    if (
      (x.rank !== 2 && x.rank !== 3) ||
      x.shape[x.rank - 1] !== this.inputSize ||
      x.shape[0] === 0 ||
      (x.rank === 3 && x.shape[1] === 0)
    ) {
      throw layerShapeError(this, this.#expectedInput(x.rank === 2 ? 2 : 3), x.shape);
    }
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const rank = inputShape.length;
    const last = inputShape[rank - 1];
    if ((rank !== 2 && rank !== 3) || (last !== this.inputSize && last !== -1)) {
      throw layerShapeError(this, this.#expectedInput(rank === 2 ? 2 : 3), inputShape);
    }
    return [...inputShape.slice(0, -1), this.directions * this.outSize];
  }

  /** Checks a given initial state against the expected shape, naming both. */
  #checkState(t: unknown, name: string, expected: number[]): Tensor {
    if (!(t instanceof Tensor)) throw argTypeError(`${name} of ${this.layerName}`, 'Tensor', t);
    const ok = t.rank === expected.length && t.shape.every((s: number, i: number) => s === expected[i]);
    if (!ok) {
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

  /**
   * Runs every layer and direction; x is (T, B, I), states (D*L, B, *) or null; `stepMask` (in
   * the input's layout without features) marks the steps to skip with 0.
   */
  protected run(input: Tensor, hx: unknown, stepMask: unknown = null): [Tensor, Tensor, Tensor | null] {
    const x0 = expectLayerInput(this, input);
    this.#checkInput(x0);
    const batched = x0.rank === 3;
    const lstm = this.mode === 'lstm';
    const D = this.directions;
    const L = this.numLayers;
    const H = this.hiddenSize;
    const O = this.outSize;
    let x = batched ? (this.batchFirst ? transpose(x0, 0, 1) : x0) : reshape(x0, [x0.shape[0]!, 1, this.inputSize]);
    const [T, B] = x.shape as readonly [number, number, number];
    const carry = stepMask === null ? null : carriedSteps(this, stepMask, x0.shape.slice(0, -1), this.batchFirst);
    const hShape = batched ? [D * L, B, O] : [D * L, O];
    const cShape = batched ? [D * L, B, H] : [D * L, H];
    let h0: Tensor | null = null;
    let c0: Tensor | null = null;
    if (hx !== undefined && hx !== null) {
      if (lstm) {
        if (!Array.isArray(hx) || hx.length !== 2)
          throw argTypeError(`hx of ${this.layerName}`, '[h0, c0] (two Tensors) or null', hx);
        h0 = this.#checkState(hx[0], 'hx[0]', hShape);
        c0 = this.#checkState(hx[1], 'hx[1]', cShape);
      } else {
        h0 = this.#checkState(hx, 'hx', hShape);
      }
    }
    const training = this.training;
    const gen = this.maskGenerator;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    if (training) this.lastDropoutMasks = [];
    for (let l = 0; l < L; l++) {
      const inSize = x.shape[2]!;
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const w = this.weights(l, d);
        const k = l * D + d;
        const h0k = h0 === null ? zeros([B, O]) : reshape(selectFirst(h0, k), [B, O]);
        const c0k = !lstm ? null : c0 === null ? zeros([B, H]) : reshape(selectFirst(c0, k), [B, H]);
        const wHh =
          training && this.weightDropout > 0
            ? dropWeight(w.wHh, this.weightDropout, gen, this.weightDropoutRows)
            : w.wHh;
        const count = this.maskPerGate ? this.gates : 1;
        const inputMask: SampleMasks | null =
          training && this.inputDropout > 0 ? variationalMask(this.inputDropout, B, count, inSize, gen) : null;
        const recurrentMask: SampleMasks | null =
          training && this.recurrentDropout > 0 ? variationalMask(this.recurrentDropout, B, count, O, gen) : null;
        if (training) this.lastDropoutMasks.push({ input: inputMask, recurrent: recurrentMask });
        const zoneoutH = withCarry(zoneoutWeights(this.zoneoutHidden, T * B * O, training, gen), carry, O);
        const zoneoutC = lstm ? withCarry(zoneoutWeights(this.zoneoutCell, T * B * H, training, gen), carry, H) : null;
        const r = recurrentLayer({
          cell: this.mode,
          reverse: d === 1,
          x,
          h0: h0k,
          c0: c0k,
          wIh: w.wIh,
          wHh,
          bIh: w.bIh,
          bHh: w.bHh,
          wHr: w.wHr,
          inputMask,
          recurrentMask,
          zoneoutH,
          zoneoutC,
        });
        outs.push(r.y);
        hs.push(reshape(r.hN, [1, B, O]));
        if (r.cN !== null) cs.push(reshape(r.cN, [1, B, H]));
      }
      x = D === 1 ? outs[0]! : concat(outs, 2);
      if (l < L - 1 && training && this.dropout > 0)
        x = dropoutOp(x, { p: this.dropout, training: true, generator: gen });
    }
    let output = x;
    let hN = hs.length === 1 ? hs[0]! : concat(hs, 0);
    let cN = lstm ? (cs.length === 1 ? cs[0]! : concat(cs, 0)) : null;
    if (batched) {
      if (this.batchFirst) output = transpose(output, 0, 1);
    } else {
      output = reshape(output, [T, D * O]);
      hN = reshape(hN, [D * L, O]);
      if (cN !== null) cN = reshape(cN, [D * L, H]);
    }
    return [output, hN, cN];
  }

  /**
   * Runs the layer with a step mask, as Keras's recurrent layers consume masks: `mask` has the
   * input's layout without the features ((T, B), (B, T) with batchFirst, (T) unbatched), 1 for a
   * step to run and 0 for one to skip. A skipped step leaves h (and c) as they were and outputs
   * that h, in every layer and direction. `hx` is forward's.
   */
  forwardMasked(input: Tensor, mask: Tensor, hx?: Tensor | readonly [Tensor, Tensor] | null): MaskedOutputs {
    if (!(mask instanceof Tensor)) throw argTypeError(`mask of ${this.layerName}`, 'Tensor', mask);
    const [output, h, c] = this.run(input, hx, mask);
    return { output, h, c };
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      numLayers: this.numLayers,
      bias: this.bias,
      batchFirst: this.batchFirst,
      dropout: this.dropout,
      bidirectional: this.bidirectional,
    };
    if (this.mode === 'lstm') config.projSize = this.projSize;
    if (this.mode === 'rnn_relu') config.nonlinearity = 'relu';
    if (this.inputDropout > 0) config.inputDropout = this.inputDropout;
    if (this.recurrentDropout > 0) config.recurrentDropout = this.recurrentDropout;
    if (this.inputDropout > 0 || this.recurrentDropout > 0) config.maskPerGate = this.maskPerGate;
    if (this.weightDropout > 0) config.weightDropout = this.weightDropout;
    if (this.weightDropoutRows) config.weightDropoutRows = true;
    if (this.mode === 'lstm' && (this.zoneoutCell > 0 || this.zoneoutHidden > 0))
      config.zoneout = { cell: this.zoneoutCell, hidden: this.zoneoutHidden };
    else if (this.zoneoutHidden > 0) config.zoneout = this.zoneoutHidden;
    if (this.seed !== null) config.seed = this.seed;
    return config;
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}`, `${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (this.mode === 'rnn_relu') parts.push(`nonlinearity='relu'`);
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout !== 0) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    if (this.projSize !== 0) parts.push(`projSize=${this.projSize}`);
    if (this.inputDropout !== 0) parts.push(`inputDropout=${this.inputDropout}`);
    if (this.recurrentDropout !== 0) parts.push(`recurrentDropout=${this.recurrentDropout}`);
    if (this.weightDropout !== 0) parts.push(`weightDropout=${this.weightDropout}`);
    if (this.weightDropoutRows) parts.push('weightDropoutRows=true');
    if (this.zoneoutHidden !== 0 || this.zoneoutCell !== 0) {
      parts.push(
        this.mode === 'lstm'
          ? `zoneout={cell: ${this.zoneoutCell}, hidden: ${this.zoneoutHidden}}`
          : `zoneout=${this.zoneoutHidden}`,
      );
    }
    return parts.join(', ');
  }
}
