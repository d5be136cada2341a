/**
 * Element-wise arithmetic with broadcasting: add, sub, mul, div, neg, pow. Either operand of a
 * binary op may be a number (a scalar, rounded to float32 as PyTorch does for a float32
 * tensor). Same-shape add and mul, and multiplication by a number, run on the backend's
 * kernels; broadcasting goes through index maps (broadcast.ts). A gradient is summed back over
 * the dimensions its operand was broadcast along.
 */
import { finite } from '../args.js';
import { record } from '../autograd/record.js';
import { activeBackend } from '../backend/index.js';
import { newDataUninit } from '../backend/storage.js';
import { argTypeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { broadcastIndex, broadcastShapes, expandThrough, reduceThrough } from './broadcast.js';
import { expectTensor, expectTensorOrNumber } from './check.js';

type Operand = Tensor | number;

interface Binary {
  shape: number[];
  a: Float32Array;
  b: Float32Array;
  /** Index maps of a and b into the output (null: same layout as the output). */
  ia: Uint32Array | null;
  ib: Uint32Array | null;
}

function operands(a: unknown, b: unknown, op: string): [Operand, Operand] {
  const x = expectTensorOrNumber(a, 'a');
  const y = expectTensorOrNumber(b, 'b');
  if (typeof x === 'number' && typeof y === 'number')
    throw argTypeError('a', `Tensor (${op} needs at least one tensor)`, a);
  return [x, y];
}

/** Both operands laid out like the output (numbers become one-element arrays broadcast everywhere). */
function align(x: Operand, y: Operand, op: string): Binary {
  const sa: Shape = typeof x === 'number' ? [] : x.shape;
  const sb: Shape = typeof y === 'number' ? [] : y.shape;
  const shape = broadcastShapes(sa, sb, op);
  const a = typeof x === 'number' ? Float32Array.of(x) : x.data;
  const b = typeof y === 'number' ? Float32Array.of(y) : y.data;
  return { shape, a, b, ia: broadcastIndex(sa, shape), ib: broadcastIndex(sb, shape) };
}

/** data + s (s rounded to float32) on the backend's fill and add kernels. */
function plusScalar(data: Float32Array, s: number, shape: Shape): Tensor {
  const backend = activeBackend();
  const out = new Float32Array(data.length);
  backend.fill(out, s, out.length);
  backend.add(out, data, out, out.length);
  return new Tensor(out, shape);
}

function sizeOf(t: Operand): number {
  return typeof t === 'number' ? 1 : t.size;
}

/** a + b, broadcasting. */
export function add<S extends Shape>(a: Tensor<S>, b: Tensor<S> | number): Tensor<S>;
export function add(a: Operand, b: Operand): Tensor;
export function add(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b, 'add');
  if (typeof x === 'number' || typeof y === 'number') {
    const [t, s] = typeof y === 'number' ? [x as Tensor, y] : [y, x as number];
    return record(plusScalar(t.data, s, t.shape), 'add', [x, y], (g) => [g, g]);
  }
  const k = align(x, y, 'add');
  const A = expandThrough(k.a, k.ia);
  const B = expandThrough(k.b, k.ib);
  const out = newDataUninit(A.length);
  activeBackend().add(out, A, B, out.length);
  return record(new Tensor(out, k.shape), 'add', [x, y], (g, needs) => [
    needs[0] ? reduceThrough(g, k.ia, sizeOf(x)) : null,
    needs[1] ? reduceThrough(g, k.ib, sizeOf(y)) : null,
  ]);
}

/** a - b, broadcasting. */
export function sub<S extends Shape>(a: Tensor<S>, b: Tensor<S> | number): Tensor<S>;
export function sub(a: Operand, b: Operand): Tensor;
export function sub(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b, 'sub');
  // x - s is x + (-s) and s - x is (-x) + s, exactly, in IEEE arithmetic.
  if (typeof y === 'number')
    return record(plusScalar((x as Tensor).data, -y, (x as Tensor).shape), 'sub', [x, y], (g) => [g, null]);
  if (typeof x === 'number')
    return record(plusScalar(negate(y.data), x, y.shape), 'sub', [x, y], (g) => [null, negate(g)]);
  const k = align(x, y, 'sub');
  const A = expandThrough(k.a, k.ia);
  const B = expandThrough(k.b, k.ib);
  const out = newDataUninit(A.length);
  for (let i = 0; i < out.length; i++) out[i] = A[i]! - B[i]!;
  return record(new Tensor(out, k.shape), 'sub', [x, y], (g, needs) => [
    needs[0] ? reduceThrough(g, k.ia, sizeOf(x)) : null,
    needs[1] ? negate(reduceThrough(g, k.ib, sizeOf(y))) : null,
  ]);
}

/** a * b, broadcasting. */
export function mul<S extends Shape>(a: Tensor<S>, b: Tensor<S> | number): Tensor<S>;
export function mul(a: Operand, b: Operand): Tensor;
export function mul(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b, 'mul');
  const backend = activeBackend();
  if (typeof y === 'number' || typeof x === 'number') {
    const [t, s] = typeof y === 'number' ? [x as Tensor, y] : [y, x as number];
    const out = newDataUninit(t.size);
    backend.scale(out, t.data, s, out.length);
    return record(new Tensor(out, t.shape), 'mul', [x, y], (g) => {
      const gt = newDataUninit(g.length);
      backend.scale(gt, g, s, g.length);
      return typeof y === 'number' ? [gt, null] : [null, gt];
    });
  }
  const k = align(x, y, 'mul');
  const A = expandThrough(k.a, k.ia);
  const B = expandThrough(k.b, k.ib);
  const out = newDataUninit(A.length);
  backend.mul(out, A, B, out.length);
  return record(new Tensor(out, k.shape), 'mul', [x, y], (g, needs) => {
    const product = (other: Float32Array): Float32Array => {
      const p = newDataUninit(g.length);
      backend.mul(p, g, other, g.length);
      return p;
    };
    return [
      needs[0] ? reduceThrough(product(B), k.ia, x.size) : null,
      needs[1] ? reduceThrough(product(A), k.ib, y.size) : null,
    ];
  });
}

/** a / b, broadcasting (IEEE division: x / 0 is ±Infinity or NaN). */
export function div<S extends Shape>(a: Tensor<S>, b: Tensor<S> | number): Tensor<S>;
export function div(a: Operand, b: Operand): Tensor;
export function div(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b, 'div');
  const k = align(x, y, 'div');
  const A = expandThrough(k.a, k.ia);
  const B = expandThrough(k.b, k.ib);
  const n = A.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = A[i]! / B[i]!;
  return record(new Tensor(out, k.shape), 'div', [x, y], (g, needs) => {
    let ga: Float32Array | null = null;
    let gb: Float32Array | null = null;
    if (needs[0]) {
      const d = new Float32Array(n);
      for (let i = 0; i < n; i++) d[i] = g[i]! / B[i]!;
      ga = reduceThrough(d, k.ia, sizeOf(x));
    }
    if (needs[1]) {
      // d(a/b)/db = -a / b^2 = -(a/b) / b
      const d = new Float32Array(n);
      for (let i = 0; i < n; i++) d[i] = (-g[i]! * out[i]!) / B[i]!;
      gb = reduceThrough(d, k.ib, sizeOf(y));
    }
    return [ga, gb];
  });
}

function negate(g: Float32Array): Float32Array {
  const out = newDataUninit(g.length);
  activeBackend().scale(out, g, -1, g.length);
  return out;
}

/** -x */
export function neg<S extends Shape>(x: Tensor<S>): Tensor<S> {
  expectTensor(x, 'x');
  return record(new Tensor(negate(x.data), x.shape), 'neg', [x], (g) => [negate(g)]);
}

/** x ** exponent, element-wise, for a number exponent (d/dx = exponent * x^(exponent-1)). */
export function pow<S extends Shape>(x: Tensor<S>, exponent: number): Tensor<S> {
  expectTensor(x, 'x');
  const p = finite(exponent, 'exponent');
  const xd = x.data;
  const out = new Float32Array(xd.length);
  for (let i = 0; i < xd.length; i++) out[i] = xd[i]! ** p;
  return record(
    new Tensor(out, x.shape),
    'pow',
    [x],
    (g) => {
      const gx = new Float32Array(g.length);
      // As PyTorch: exponent 0 has gradient 0 everywhere, 0^(p-1) included.
      if (p !== 0) for (let i = 0; i < g.length; i++) gx[i] = g[i]! * p * xd[i]! ** (p - 1);
      return [gx];
    },
    { exponent: p },
  );
}
