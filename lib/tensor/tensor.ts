/**
 * Tensor<S>: a dense float32 array with a shape. Tensors are ordinary garbage-collected objects
 * over a Float32Array: there is no dispose() and no tidy().
 *
 * The shape parameter S is a readonly tuple type: `Tensor<readonly [number, 784]>` is a batch of
 * 784-feature rows. Factories infer literal shapes: `zeros([2, 3])` is a `Tensor<readonly [2, 3]>`.
 *
 * Autograd follows PyTorch: a tensor created with `requiresGrad: true` is a leaf; an operation
 * on tensors that require grad records a node on the tape (`gradFn`) and its result requires
 * grad too; `loss.backward()` adds d(loss)/d(leaf) into every such leaf's `grad`.
 */
import { runBackward } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { Node } from '../autograd/node.js';
import { traceOp } from '../autograd/trace.js';
import { activeBackend } from '../backend/index.js';
import { copyData } from '../backend/storage.js';
import { argTypeError, formatShape, ShapeError } from '../errors.js';
import { checkShape, inferShape, type Shape, shapesEqual, shapeSize } from '../shape.js';

export interface TensorOptions {
  /** Record operations on this tensor so `backward()` computes its gradient (default false). */
  requiresGrad?: boolean;
}

export interface BackwardOptions {
  /**
   * Keep the graph after this backward pass so another backward can run through it (default
   * false: the nodes free what they saved, and a second pass through them is an error).
   */
  retainGraph?: boolean;
}

let attach: (t: Tensor, node: Node) => void;

export class Tensor<S extends Shape = Shape> {
  /** The elements, row-major (the last dimension varies fastest). */
  readonly data: Float32Array;
  /** The dimension sizes. */
  readonly shape: S;
  #requiresGrad = false;
  #gradFn: Node | null = null;
  #grad: Tensor<S> | null = null;

  static {
    attach = (t, node) => {
      t.#gradFn = node;
      t.#requiresGrad = true;
    };
  }

  /**
   * Wraps `data` (not copied) with `shape`; the element count must match.
   * Prefer the factories (`tensor`, `zeros`, ...), which also accept plain arrays.
   */
  constructor(data: Float32Array, shape: S, options: TensorOptions = {}) {
    if (!(data instanceof Float32Array)) throw argTypeError('data', 'Float32Array', data);
    checkShape(shape);
    const n = shapeSize(shape);
    if (n !== data.length) {
      throw new ShapeError(`Expected ${n} elements for shape ${formatShape(shape)} but data has ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]) as unknown as S;
    const requiresGrad = options.requiresGrad ?? false;
    if (typeof requiresGrad !== 'boolean') throw argTypeError('requiresGrad', 'boolean', requiresGrad);
    this.#requiresGrad = requiresGrad;
  }

  /** The number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  // -- autograd -------------------------------------------------------------------------------

  /** Whether gradients flow to this tensor. Settable on leaves only. */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (typeof value !== 'boolean') throw argTypeError('requiresGrad', 'boolean', value);
    if (this.#gradFn !== null) {
      throw new Error(
        `requiresGrad can only be changed on leaf tensors; this one was computed by ${this.#gradFn.name} (use detach() for a leaf copy)`,
      );
    }
    this.#requiresGrad = value;
  }

  /** The node that computed this tensor, or null for a leaf. */
  get gradFn(): Node | null {
    return this.#gradFn;
  }

  /** True for tensors created by the user (or under noGrad), false for results of recorded ops. */
  get isLeaf(): boolean {
    return this.#gradFn === null;
  }

  /**
   * The gradient accumulated by `backward()` (null until then). Only leaves that require grad
   * (and tensors that called `retainGrad()`) receive one. Assign null to reset it.
   */
  get grad(): Tensor<S> | null {
    return this.#grad;
  }

  set grad(value: Tensor<S> | null) {
    if (value !== null) {
      if (!(value instanceof Tensor)) throw argTypeError('grad', 'Tensor or null', value);
      if (!shapesEqual(value.shape, this.shape)) {
        throw new ShapeError(
          `Expected grad of shape ${formatShape(this.shape)} but received ${formatShape(value.shape)}`,
        );
      }
    }
    this.#grad = value;
  }

  /** Keeps the gradient of this non-leaf tensor in `grad` during backward (leaves always do). */
  retainGrad(): this {
    if (!this.#requiresGrad) throw new Error('retainGrad: this tensor does not require grad');
    if (this.#gradFn !== null) this.#gradFn.retained = this;
    return this;
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad, adding
   * it into the leaves' `grad`. A tensor of one element needs no `gradient` (it is 1); any
   * other takes the gradient of some scalar with respect to it, of the same shape.
   */
  backward(gradient?: Tensor, options: BackwardOptions = {}): void {
    if (!this.#requiresGrad) {
      throw new Error(
        'backward: this tensor does not require grad (no tensor it was computed from has requiresGrad: true, or it was computed inside noGrad)',
      );
    }
    let seed: Float32Array;
    if (gradient === undefined || gradient === null) {
      if (this.size !== 1) {
        throw new ShapeError(
          `backward: a gradient argument is needed for a tensor of shape ${formatShape(this.shape)}; it can only be implied (as 1) for a tensor of one element`,
        );
      }
      seed = Float32Array.of(1);
    } else {
      if (!(gradient instanceof Tensor)) throw argTypeError('gradient', 'Tensor', gradient);
      if (!shapesEqual(gradient.shape, this.shape)) {
        throw new ShapeError(
          `backward: expected gradient of shape ${formatShape(this.shape)} but received ${formatShape(gradient.shape)}`,
        );
      }
      seed = gradient.data;
    }
    const retainGraph = options.retainGraph ?? false;
    if (typeof retainGraph !== 'boolean') throw argTypeError('retainGraph', 'boolean', retainGraph);
    runBackward(this, seed, retainGraph, accumulateGrad, gradTarget);
  }

  /** A tensor on the same data that is cut from the graph: a leaf that does not require grad. */
  detach(): Tensor<S> {
    return new Tensor(this.data, this.shape);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(`item: expected a tensor of one element but received shape ${formatShape(this.shape)}`);
    }
    return this.data[0]!;
  }

  // -- views and copies -------------------------------------------------------------------------

  /**
   * The same data under another shape (no copy). One dimension may be -1 and is inferred.
   * The sizes may be an array or, as in PyTorch, separate arguments: `x.reshape(-1, 5)`.
   */
  reshape<const T extends Shape>(shape: T): Tensor<T>;
  reshape(...sizes: number[]): Tensor;
  reshape(...args: unknown[]): Tensor {
    const shape = sizesOf(args, 'reshape');
    const out = new Tensor(this.data, inferShape(shape, this.size, this.shape));
    return recordOn(out, 'reshape', this, identityBackward);
  }

  /** PyTorch's view: the same as reshape (tensors here are always contiguous). */
  view<const T extends Shape>(shape: T): Tensor<T>;
  view(...sizes: number[]): Tensor;
  view(...args: unknown[]): Tensor {
    return (this.reshape as (...a: unknown[]) => Tensor)(...args);
  }

  /** PyTorch's numel(): the number of elements. */
  numel(): number {
    return this.size;
  }

  /** PyTorch's tolist(): the elements as nested arrays. */
  tolist(): unknown {
    return this.toArray();
  }

  /** A copy with its own storage (differentiable: the gradient passes through). */
  clone(): Tensor<S> {
    return recordOn(new Tensor(copyData(this.data), this.shape), 'clone', this, identityBackward);
  }

  /** The elements as nested arrays (a number for a scalar tensor). */
  toArray(): unknown {
    expectLiveStorage(this, 'tensor');
    const build = (dim: number, at: number): unknown => {
      if (dim === this.shape.length) return this.data[at];
      const n = this.shape[dim]!;
      const stride = shapeSize(this.shape.slice(dim + 1));
      return Array.from({ length: n }, (_, i) => build(dim + 1, at + i * stride));
    };
    return build(0, 0);
  }

  /**
   * The shape, the values (at most 3 at each end of a dimension longer than 6, 4 significant
   * digits) and the autograd state: `Tensor([2, 3], [[1, 2, 3], [4, 5, 6]], gradFn=mul)`.
   */
  toString(): string {
    const grad =
      this.#gradFn !== null ? `, gradFn=${this.#gradFn.name}` : this.#requiresGrad ? ', requiresGrad=true' : '';
    return `Tensor(${formatShape(this.shape)}, ${formatValues(this.data, this.shape)}${grad})`;
  }

  /** console.log(x) shows what toString() does. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function identityBackward(g: Float32Array): readonly Float32Array[] {
  return [g];
}

function recordOn<T extends Tensor>(out: T, name: string, input: Tensor, backward: typeof identityBackward): T {
  traceOp(out, name, [input], undefined);
  if (input.requiresGrad && isGradEnabled()) attach(out, new Node(name, [input], backward));
  return out;
}

/**
 * Makes `node` the gradFn of `out` (which then requires grad); returns `out`. Internal: ops go
 * through `record` in lib/autograd/record.ts, which decides whether to record at all.
 */
export function setGradFn<T extends Tensor>(out: T, node: Node): T {
  attach(out, node);
  return out;
}

/** A leaf's existing gradient, which backward closures may add into in place as accumulateGrad would. */
function gradTarget(t: Tensor): Float32Array | null {
  return t.grad === null ? null : t.grad.data;
}

function accumulateGrad(t: Tensor, g: Float32Array, fresh: boolean): void {
  const current = t.grad;
  if (current === null) {
    // A copy unless g is fresh: it may be shared with other gradients or with the caller's gradient argument.
    t.grad = new Tensor(fresh ? g : copyData(g), t.shape);
  } else {
    activeBackend().add(current.data, current.data, g, g.length);
  }
}

/** The sizes of reshape/view: one array, or the sizes as separate arguments. */
function sizesOf(args: readonly unknown[], fn: string): number[] {
  if (args.length > 0 && args.every((a) => typeof a === 'number')) return args as number[];
  if (args.length !== 1)
    throw argTypeError(`${fn}'s sizes`, 'one array of integers or integers as separate arguments', args);
  checkArrayShape(args[0]);
  return args[0] as number[];
}

/** Nested brackets of values, abbreviated with '...' past 6 entries in a dimension. */
function formatValues(data: Float32Array, shape: Shape): string {
  const edge = 3;
  const num = (v: number): string => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
  const build = (dim: number, at: number): string => {
    if (dim === shape.length) return num(data[at]!);
    const n = shape[dim]!;
    const stride = shapeSize(shape.slice(dim + 1));
    const picks =
      n > 2 * edge
        ? [...Array(edge).keys(), -1, ...Array.from({ length: edge }, (_, i) => n - edge + i)]
        : [...Array(n).keys()];
    return `[${picks.map((i) => (i < 0 ? '...' : build(dim + 1, at + i * stride))).join(', ')}]`;
  };
  return build(0, 0);
}

/**
 * Throws the binding's TypeError unless the tensor's storage still holds its elements: a
 * Float32Array over an ArrayBuffer that was detached (transferred) reads as empty, and one over
 * a resizable ArrayBuffer that shrank as shorter, so ops would read undefined (NaN) silently.
 * One comparison; every op's tensor check calls it.
 */
export function expectLiveStorage(t: Tensor, name: string): void {
  const n = t.data.length;
  if (n === shapeSize(t.shape)) return;
  if (n === 0 && t.data.buffer.byteLength === 0) {
    throw new TypeError(`Expected Float32Array for ${name} but received Float32Array with a detached ArrayBuffer`);
  }
  throw new TypeError(
    `Expected Float32Array of ${shapeSize(t.shape)} elements for ${name} (shape ${formatShape(t.shape)}) but its buffer now holds ${n}`,
  );
}

function checkArrayShape(shape: unknown): void {
  if (!Array.isArray(shape)) throw argTypeError('shape', 'array of integers', shape);
}
