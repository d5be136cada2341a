/**
 * Sequential: modules applied in order, named "0", "1", ... as in PyTorch (so state-dict keys
 * are "0.weight", "2.bias"). The constructor's parameter type checks the chain: with literal
 * sizes, `new Sequential(new Linear(784, 256), new Linear(128, 10))` does not compile, and
 * `forward` maps `Tensor<readonly [B, 784]>` through every layer to `Tensor<readonly [B, 10]>`.
 */
import { argRangeError, argTypeError } from '../errors.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { asRoot } from './invoke.js';
import { Module, type ModuleCategory } from './module.js';
import { checkBuildShape, locate } from './shape-check.js';
import type { ChainInputCheck, CheckChain, Fold } from './shape-types.js';

type ElementAt<Ms extends readonly Module[], I extends number> = number extends I
  ? Module
  : `${I}` extends `-${string}`
    ? Module
    : I extends keyof Ms
      ? Ms[I]
      : Module;

export class Sequential<const Ms extends readonly Module[] = readonly Module[]> extends Module {
  declare readonly '~shapes': { readonly kind: 'chain'; readonly layers: Ms };
  /** The layers by index, as properties "0", "1", ... (PyTorch's `seq[0]`). */
  readonly [index: number]: Module;

  constructor(...modules: Ms & CheckChain<Ms>) {
    super();
    modules.forEach((m: unknown, i: number) => {
      if (!(m instanceof Module)) throw argTypeError(`modules[${i}]`, 'Module', m);
      (this as unknown as Record<number, Module>)[i] = m;
    });
  }

  /** The number of layers. */
  get length(): number {
    return this.children().length;
  }

  /** The layer at `index` (negative counts from the end); a RangeError outside. */
  at<I extends number>(index: I): ElementAt<Ms, I> {
    const layers = this.children();
    const n = layers.length;
    if (typeof index !== 'number' || !Number.isInteger(index)) throw argTypeError('index', 'integer', index);
    if (index >= n || index < -n) throw argRangeError('index', `integer in [${-n}, ${n - 1}]`, index);
    return layers[index < 0 ? index + n : index] as never;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  override get category(): ModuleCategory {
    return 'container';
  }

  override build(inputShape: Shape): Shape {
    let shape = checkBuildShape(inputShape);
    try {
      for (const m of this.children()) shape = m.build(shape);
    } catch (error) {
      throw locate(error, this);
    }
    this.markBuilt(inputShape);
    return shape;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    let shape = checkBuildShape(inputShape);
    try {
      for (const m of this.children()) shape = m.computeOutputShape(shape);
    } catch (error) {
      throw locate(error, this);
    }
    return shape;
  }

  /** Feeds the input through every layer in order (each through `call`, so each is built and checked). */
  override forward<S extends Shape>(input: Tensor<S> & ChainInputCheck<Ms, S>): Tensor<Fold<Ms, S>> {
    return asRoot(this, () => {
      let h: Tensor = input;
      for (const m of this.children()) h = m.call(h);
      return h as Tensor<Fold<Ms, S>>;
    });
  }

  override getConfig(): Record<string, unknown> {
    return { layers: this.children().map((m) => ({ className: m.constructor.name, config: m.getConfig() })) };
  }
}
