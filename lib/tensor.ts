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
import { runBackward } from './autograd/engine.js';
import { isGradEnabled } from './autograd/grad-mode.js';
import { Node } from './autograd/node.js';
import { traceOp } from './autograd/trace.js';
import { activeBackend } from './backend/index.js';
import { copyData, newData } from './backend/storage.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from './errors.js';
import { defaultGenerator, Generator } from './random.js';
import { checkShape, inferShape, type Shape, shapesEqual, shapeSize } from './shape.js';

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
    runBackward(this, seed, retainGraph, accumulateGrad);
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

function accumulateGrad(t: Tensor, g: Float32Array): void {
  const current = t.grad;
  if (current === null) {
    // A copy: g may be shared with other gradients or with the caller's gradient argument.
    t.grad = new Tensor(copyData(g), t.shape);
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

/** Nested arrays of numbers, e.g. [[1, 2], [3, 4]]. */
export type NestedArray = number | readonly NestedArray[];

/** The shape nested arrays claim along their first elements: [[1, 2], [3, 4]] -> [2, 2]. */
function nestedShape(data: readonly unknown[]): number[] {
  const shape: number[] = [];
  let v: unknown = data;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

/**
 * Appends the numbers of `value` (at `path`, e.g. "data[1][0]") to `out`, checking that it has
 * `shape` from `depth` on: arrays of the same length at each depth and numbers at the leaves
 * only, all at the same depth. A ShapeError for ragged nesting, a TypeError for a non-number.
 */
function flattenNested(value: unknown, shape: readonly number[], depth: number, out: number[], path: string): void {
  if (depth === shape.length) {
    if (typeof value === 'number') {
      out.push(value);
      return;
    }
    if (Array.isArray(value)) {
      throw new ShapeError(
        `tensor: nested arrays are ragged: ${path} is an array but ${formatShape(shape)} puts numbers at depth ${depth}`,
      );
    }
    throw argTypeError(path, 'number', value);
  }
  if (!Array.isArray(value)) {
    if (typeof value === 'number') {
      throw new ShapeError(
        `tensor: nested arrays are ragged: ${path} is a number but ${formatShape(shape)} puts an array of ${shape[depth]} there`,
      );
    }
    throw argTypeError(path, `array of ${shape[depth]}`, value);
  }
  if (value.length !== shape[depth]) {
    throw new ShapeError(
      `tensor: nested arrays are ragged: ${path} has ${value.length} elements but ${formatShape(shape)} needs ${shape[depth]}`,
    );
  }
  for (let i = 0; i < value.length; i++) flattenNested(value[i], shape, depth + 1, out, `${path}[${i}]`);
}

/** Typed arrays whose elements convert to float32 (BigInt64Array and BigUint64Array do not). */
function isNumericTypedArray(v: unknown): v is ArrayLike<number> {
  return (
    ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array)
  );
}

/** The numbers of a flat array-like: a safe-integer length and a number at every index. */
function flatNumbers(data: unknown): Float32Array {
  if (isNumericTypedArray(data)) return Float32Array.from(data);
  if (ArrayBuffer.isView(data)) {
    throw argTypeError(
      'data',
      'Float32Array, another typed array of numbers (not BigInt64Array or BigUint64Array), array of numbers or nested arrays',
      data,
    );
  }
  if (data === null || typeof data !== 'object') {
    throw argTypeError('data', 'Float32Array, array of numbers or nested arrays', data);
  }
  const length = (data as { length?: unknown }).length;
  if (typeof length !== 'number') throw argTypeError('data', 'Float32Array, array of numbers or nested arrays', data);
  if (!Number.isSafeInteger(length) || length < 0)
    throw argRangeError('data.length', 'non-negative safe integer', length);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const v = (data as ArrayLike<unknown>)[i];
    if (typeof v !== 'number') throw argTypeError(`data[${i}]`, 'number', v);
    out[i] = v;
  }
  return out;
}

/**
 * A tensor from data and a shape.
 * - `data` a Float32Array: used as the storage (not copied); shape defaults to [data.length].
 * - `data` any other typed array or array-like of numbers: copied; shape defaults to [data.length].
 * - `data` nested arrays: copied; the shape is inferred (or checked against `shape` if given).
 *   Every leaf must be a number, all at the same depth, and arrays at a depth of equal length.
 * `options.requiresGrad` makes it a leaf that receives gradients.
 */
export function tensor<const S extends Shape>(
  data: Float32Array | ArrayLike<number> | NestedArray,
  shape: S,
  options?: TensorOptions,
): Tensor<S>;
export function tensor(data: Float32Array | ArrayLike<number> | NestedArray, options?: TensorOptions): Tensor;
export function tensor(
  data: Float32Array | ArrayLike<number> | NestedArray,
  shapeOrOptions?: Shape | TensorOptions,
  maybeOptions?: TensorOptions,
): Tensor {
  const isOptions = shapeOrOptions !== undefined && shapeOrOptions !== null && !Array.isArray(shapeOrOptions);
  const shape = isOptions ? undefined : (shapeOrOptions as Shape | undefined);
  const options = optionsArg((isOptions ? shapeOrOptions : maybeOptions) as TensorOptions | undefined);
  if (data instanceof Float32Array) return new Tensor(data, shape ?? [data.length], options);
  if (typeof data === 'number') return new Tensor(Float32Array.of(data), shape ?? [], options);
  if (Array.isArray(data) && data.some((v) => Array.isArray(v))) {
    const inferred = nestedShape(data);
    const flat: number[] = [];
    flattenNested(data, inferred, 0, flat, 'data');
    if (shape !== undefined && shapeSize(checkShape(shape)) !== flat.length) {
      throw new ShapeError(
        `Expected ${shapeSize(shape)} elements for shape ${formatShape(shape)} but data has ${flat.length}`,
      );
    }
    return new Tensor(Float32Array.from(flat), shape ?? inferred, options);
  }
  const arr = flatNumbers(data);
  return new Tensor(arr, shape ?? [arr.length], options);
}

/** The options argument of a factory: undefined or an object (a TypeError naming it otherwise). */
function optionsArg<T extends object>(options: T | undefined, name = 'options'): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw argTypeError(name, 'object', options);
  return options;
}

function alloc<const S extends Shape>(shape: S): Float32Array {
  checkShape(shape);
  const n = shapeSize(shape);
  try {
    return newData(n);
  } catch (e) {
    // The engine's own limit on a typed array's length, or no memory for it.
    if (e instanceof RangeError) {
      throw new RangeError(
        `Expected a shape whose ${n} elements fit in one Float32Array and in memory but received ${formatShape(shape)}`,
        { cause: e },
      );
    }
    throw e;
  }
}

/** A tensor of zeros. */
export function zeros<const S extends Shape>(shape: S, options?: TensorOptions): Tensor<S> {
  return new Tensor(alloc(shape), shape, optionsArg(options));
}

/** A tensor of `value` (rounded to float32). */
export function full<const S extends Shape>(shape: S, value: number, options?: TensorOptions): Tensor<S> {
  if (typeof value !== 'number') throw argTypeError('value', 'number', value);
  const opts = optionsArg(options);
  const data = alloc(shape);
  activeBackend().fill(data, value, data.length);
  return new Tensor(data, shape, opts);
}

/** A tensor of ones. */
export function ones<const S extends Shape>(shape: S, options?: TensorOptions): Tensor<S> {
  return full(shape, 1, options);
}

export interface RandomOptions extends TensorOptions {
  /** The stream to draw from; the default generator (seeded by `manualSeed`) if omitted. */
  generator?: Generator;
}

/** Uniform samples in [0, 1), reproducible under `manualSeed` or a given generator. The sizes may be separate arguments, as in PyTorch: `rand(64, 10)`. */
export function rand<const S extends Shape>(shape: S, options?: RandomOptions): Tensor<S>;
export function rand(...sizes: [...number[], RandomOptions] | number[]): Tensor;
export function rand(...args: unknown[]): Tensor {
  const [shape, options] = shapeAndOptions<RandomOptions>(args, 'rand');
  const opts = optionsArg(options);
  const generator = generatorOption(opts);
  const data = alloc(shape);
  generator.uniform(data);
  return new Tensor(data, shape, gradOption(opts));
}

/** Standard normal samples N(0, 1), reproducible under `manualSeed` or a given generator. The sizes may be separate arguments, as in PyTorch: `randn(64, 10)`. */
export function randn<const S extends Shape>(shape: S, options?: RandomOptions): Tensor<S>;
export function randn(...sizes: [...number[], RandomOptions] | number[]): Tensor;
export function randn(...args: unknown[]): Tensor {
  const [shape, options] = shapeAndOptions<RandomOptions>(args, 'randn');
  const opts = optionsArg(options);
  const generator = generatorOption(opts);
  const data = alloc(shape);
  generator.normal(data);
  return new Tensor(data, shape, gradOption(opts));
}

function generatorOption(options: RandomOptions): Generator {
  const g = options.generator ?? defaultGenerator;
  if (!(g instanceof Generator)) throw argTypeError('generator', 'Generator', g);
  return g;
}

/** A factory's arguments: (shape array, options?) or (size, size, ..., options?). */
function shapeAndOptions<O extends object>(args: readonly unknown[], fn: string): [number[], O | undefined] {
  const last = args[args.length - 1];
  const hasOptions = args.length > 1 && typeof last === 'object' && last !== null && !Array.isArray(last);
  const options = (hasOptions ? last : typeof args[0] === 'number' ? undefined : args[1]) as O | undefined;
  if (typeof args[0] === 'number') {
    const sizes = hasOptions ? args.slice(0, -1) : args;
    sizes.forEach((d, i) => {
      if (typeof d !== 'number') throw argTypeError(`${fn}'s size ${i}`, 'integer', d);
    });
    return [sizes as number[], options];
  }
  if (args.length > 2) throw argTypeError(`${fn}'s arguments`, 'a shape array and options, or sizes', args);
  return [args[0] as number[], options];
}

function gradOption(options: RandomOptions): TensorOptions {
  return options.requiresGrad === undefined ? {} : { requiresGrad: options.requiresGrad };
}
