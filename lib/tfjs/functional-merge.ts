/**
 * tfjs's merge layers (tf.layers.concatenate, add, multiply, average, maximum, minimum,
 * subtract, dot): layers of several inputs and no weights. Each is a Layer whose computation
 * lives here, on tfjs tensors (so it is differentiable on dropnet's tape); functional.ts runs it
 * inside a model's graph or eagerly from layer.apply([a, b]).
 */
import { argRangeError, argTypeError, ShapeError } from '../errors.js';
import { LayerSpec } from '../keras/layers.js';
import { Layer } from './layers.js';
import * as o from './ops.js';
import type { Tensor } from './tensor.js';

type SymShape = (number | null)[];

export interface Merge {
  /** The output shape for the inputs' shapes (batch null), or an error naming the layer. */
  shape(shapes: readonly SymShape[]): SymShape;
  /** `training`: the model is training (a custom layer's call() receives it; merges ignore it). */
  compute(xs: readonly Tensor[], training?: boolean): Tensor;
}

/** Each merge layer's computation. */
export const merges = new WeakMap<Layer, Merge>();

const fmt = (shapes: readonly SymShape[]): string => shapes.map((s) => JSON.stringify(s)).join(', ');

function options(fn: string, args: unknown, known: readonly string[]): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) throw argTypeError(`tf.layers.${fn} args`, 'object', args);
  const all = ['name', 'trainable', 'dtype', ...known];
  for (const key of Object.keys(args))
    if (!all.includes(key))
      throw new RangeError(`tf.layers.${fn}: unknown option "${key}"; the options are ${all.join(', ')}`);
  return args as Record<string, unknown>;
}

function mergeLayer(className: string, stem: string, config: Record<string, unknown>, merge: Merge): Layer {
  const layer = new Layer(new LayerSpec(className, config, stem, () => null));
  merges.set(layer, merge);
  return layer;
}

function atLeastTwo(className: string, shapes: readonly SymShape[]): void {
  if (shapes.length < 2)
    throw new Error(
      `A merge layer (${className}) should be called on an Array of at least 2 inputs. Got ${shapes.length} input(s).`,
    );
}

/** Element-wise merges: inputs of one shape. */
function elementwise(
  fn: string,
  className: string,
  stem: string,
  args: unknown,
  combine: (xs: readonly Tensor[]) => Tensor,
  exactly?: number,
): Layer {
  const config = options(fn, args, []);
  return mergeLayer(className, stem, config, {
    shape(shapes) {
      atLeastTwo(className, shapes);
      if (exactly !== undefined && shapes.length !== exactly)
        throw new Error(
          `A \`${className}\` layer should be called on exactly ${exactly} inputs. Received ${shapes.length} input(s).`,
        );
      const first = JSON.stringify(shapes[0]);
      if (!shapes.every((s) => JSON.stringify(s) === first))
        throw new ShapeError(
          `${className}: the inputs must have the same shape (dropnet/tfjs does not broadcast merge inputs); got ${fmt(shapes)}`,
        );
      return [...shapes[0]!];
    },
    compute: combine,
  });
}

const reduce = (xs: readonly Tensor[], f: (a: Tensor, b: Tensor) => Tensor): Tensor =>
  xs.slice(1).reduce((acc, x) => f(acc, x), xs[0]!);

export const mergeLayers = {
  concatenate(args?: { axis?: number; name?: string }): Layer {
    const config = options('concatenate', args, ['axis']);
    const axis = config.axis ?? -1;
    if (typeof axis !== 'number' || !Number.isInteger(axis)) throw argTypeError('axis', 'integer', axis);
    const resolve = (rank: number): number => {
      const a = axis < 0 ? rank + axis : axis;
      if (a <= 0 || a >= rank) throw argRangeError('axis', `a non-batch axis of inputs of rank ${rank}`, axis);
      return a;
    };
    return mergeLayer('Concatenate', 'concatenate', config, {
      shape(shapes) {
        atLeastTwo('Concatenate', shapes);
        const rank = shapes[0]!.length;
        const a = resolve(rank);
        const same = shapes.every((s) => s.length === rank && s.every((d, i) => i === a || d === shapes[0]![i]));
        if (!same)
          throw new ShapeError(
            `A \`Concatenate\` layer requires inputs with matching shapes except for the concat axis. Got inputs shapes: ${fmt(shapes)}`,
          );
        const out = [...shapes[0]!];
        out[a] = shapes.reduce((n, s) => n + (s[a] as number), 0);
        return out;
      },
      compute: (xs) => o.concat([...xs], resolve(xs[0]!.rank)),
    });
  },
  add: (args?: { name?: string }): Layer => elementwise('add', 'Add', 'add', args, (xs) => reduce(xs, o.add)),
  multiply: (args?: { name?: string }): Layer =>
    elementwise('multiply', 'Multiply', 'multiply', args, (xs) => reduce(xs, o.mul)),
  average: (args?: { name?: string }): Layer =>
    elementwise('average', 'Average', 'average', args, (xs) => o.div(reduce(xs, o.add), xs.length)),
  maximum: (args?: { name?: string }): Layer =>
    elementwise('maximum', 'Maximum', 'maximum', args, (xs) => reduce(xs, o.maximum)),
  minimum: (args?: { name?: string }): Layer =>
    elementwise('minimum', 'Minimum', 'minimum', args, (xs) => reduce(xs, o.minimum)),
  subtract: (args?: { name?: string }): Layer =>
    elementwise('subtract', 'Subtract', 'subtract', args, (xs) => o.sub(xs[0]!, xs[1]!), 2),
  /**
   * Dot product of two [batch, d] inputs along their last axis ([batch, 1]), or tfjs's batch dot of
   * two [batch, n, k] inputs along one non-batch axis of each (axes [2, 2]: [batch, n, m], as
   * attention scores; [2, 1]: [batch, n, u]); `normalize` L2-normalizes along the axes first.
   */
  dot(args: { axes?: number | [number, number]; normalize?: boolean; name?: string } = {}): Layer {
    const config = options('dot', args, ['axes', 'normalize']);
    const given = config.axes ?? -1;
    const list = Array.isArray(given) ? given : [given, given];
    if (list.length !== 2 || !list.every((a) => Number.isInteger(a)))
      throw argTypeError('axes', 'an integer or a pair of integers', given);
    const normalize = config.normalize ?? false;
    if (typeof normalize !== 'boolean') throw argTypeError('normalize', 'boolean', normalize);
    const axesFor = (rank: number): [number, number] => {
      const [a, b] = (list as number[]).map((x) => (x < 0 ? x + rank : x)) as [number, number];
      if (a < 1 || a >= rank || b < 1 || b >= rank)
        throw new Error(`Dot: axes ${JSON.stringify(given)} must name non-batch axes of inputs of rank ${rank}`);
      return [a, b];
    };
    const unit = (x: Tensor, axis: number): Tensor =>
      o.div(x, o.sqrt(o.maximum(o.sum(o.square(x), axis, true), 1e-12)));
    return mergeLayer('Dot', 'dot', config, {
      shape(shapes) {
        if (shapes.length !== 2) throw new Error(`A \`Dot\` layer should be called on a list of exactly 2 inputs`);
        const [x, y] = shapes as [SymShape, SymShape];
        if (x.length !== y.length || (x.length !== 2 && x.length !== 3))
          throw new ShapeError(
            `Dot: dropnet/tfjs takes two inputs of rank 2 ([null, d]) or two of rank 3 ([null, n, k]); got ${fmt(shapes)}`,
          );
        const [a, b] = axesFor(x.length);
        if (x[a] !== y[b])
          throw new ShapeError(
            `Dimension incompatibility: ${String(x[a])} !== ${String(y[b])}; Dot inputs ${fmt(shapes)}`,
          );
        if (x.length === 2) return [null, 1];
        return [null, x[3 - a]!, y[3 - b]!];
      },
      compute(xs) {
        const [a, b] = axesFor(xs[0]!.rank);
        const x = normalize ? unit(xs[0]!, a) : xs[0]!;
        const y = normalize ? unit(xs[1]!, b) : xs[1]!;
        if (x.rank === 2) return o.sum(o.mul(x, y), -1, true);
        return o.matMul(x, y, a === 1, b === 2);
      },
    });
  },
};
