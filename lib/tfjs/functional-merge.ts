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
  compute(xs: readonly Tensor[]): Tensor;
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
  /** Dot product of two [batch, d] inputs along their last axis (optionally of the L2-normalized inputs). */
  dot(args: { axes?: number | [number, number]; normalize?: boolean; name?: string } = {}): Layer {
    const config = options('dot', args, ['axes', 'normalize']);
    const axes = config.axes ?? -1;
    const ok = (a: unknown): boolean => a === -1 || a === 1;
    if (!(ok(axes) || (Array.isArray(axes) && axes.length === 2 && axes.every(ok))))
      throw new Error(
        'dropnet/tfjs: tf.layers.dot supports the last axis only (axes -1 or 1, inputs [batch, d]); reshape the inputs first',
      );
    const normalize = config.normalize ?? false;
    if (typeof normalize !== 'boolean') throw argTypeError('normalize', 'boolean', normalize);
    const unit = (x: Tensor): Tensor => o.div(x, o.sqrt(o.maximum(o.sum(o.square(x), -1, true), 1e-12)));
    return mergeLayer('Dot', 'dot', config, {
      shape(shapes) {
        if (shapes.length !== 2) throw new Error(`A \`Dot\` layer should be called on a list of exactly 2 inputs`);
        if (shapes.some((s) => s.length !== 2) || shapes[0]![1] !== shapes[1]![1])
          throw new ShapeError(
            `Dot: dropnet/tfjs takes two inputs of shape [null, d] with the same d; got ${fmt(shapes)}`,
          );
        return [null, 1];
      },
      compute(xs) {
        const [a, b] = normalize ? [unit(xs[0]!), unit(xs[1]!)] : [xs[0]!, xs[1]!];
        return o.sum(o.mul(a, b), -1, true);
      },
    });
  },
};
