/**
 * The chained methods of tfjs's Tensor (`x.reshape([2, 2]).sum(1).dataSync()`), each the op of
 * the same name with the tensor as its first argument.
 */
import * as o from './ops.js';
import { Tensor, type TensorLike } from './tensor.js';

type Input = Tensor | TensorLike;

declare module './tensor.js' {
  interface Tensor {
    add(b: Input): Tensor;
    sub(b: Input): Tensor;
    mul(b: Input): Tensor;
    div(b: Input): Tensor;
    floorDiv(b: Input): Tensor;
    divNoNan(b: Input): Tensor;
    matMul(b: Input, transposeA?: boolean, transposeB?: boolean): Tensor;
    pow(e: number | Tensor): Tensor;
    square(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    abs(): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    sign(): Tensor;
    round(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    relu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    elu(): Tensor;
    selu(): Tensor;
    softplus(): Tensor;
    leakyRelu(alpha?: number): Tensor;
    reciprocal(): Tensor;
    softmax(dim?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    clipByValue(min: number, max: number): Tensor;
    equal(b: Input): Tensor;
    notEqual(b: Input): Tensor;
    greater(b: Input): Tensor;
    greaterEqual(b: Input): Tensor;
    less(b: Input): Tensor;
    lessEqual(b: Input): Tensor;
    sum(axis?: number | number[] | null, keepDims?: boolean): Tensor;
    mean(axis?: number | number[] | null, keepDims?: boolean): Tensor;
    max(axis?: number | number[] | null, keepDims?: boolean): Tensor;
    min(axis?: number | number[] | null, keepDims?: boolean): Tensor;
    argMax(axis?: number): Tensor;
    argMin(axis?: number): Tensor;
    reshape(shape: readonly number[]): Tensor;
    as1D(): Tensor;
    as2D(rows: number, columns: number): Tensor;
    as3D(rows: number, columns: number, depth: number): Tensor;
    expandDims(axis?: number): Tensor;
    squeeze(axis?: number[]): Tensor;
    flatten(): Tensor;
    transpose(perm?: number[]): Tensor;
    slice(begin: number | number[], size?: number | number[]): Tensor;
    gather(indices: Input, axis?: number): Tensor;
    concat(x: Input | Input[], axis?: number): Tensor;
    stack(x: Input | Input[], axis?: number): Tensor;
    unstack(axis?: number): Tensor[];
    tile(reps: number[]): Tensor;
    cast(dtype: DataType): Tensor;
    toFloat(): Tensor;
    toInt(): Tensor;
    toBool(): Tensor;
  }
}

const P = Tensor.prototype;
P.add = function (b) {
  return o.add(this, b);
};
P.sub = function (b) {
  return o.sub(this, b);
};
P.mul = function (b) {
  return o.mul(this, b);
};
P.div = function (b) {
  return o.div(this, b);
};
P.floorDiv = function (b) {
  return o.floorDiv(this, b);
};
P.divNoNan = function (b) {
  return o.divNoNan(this, b);
};
P.matMul = function (b, ta, tb) {
  return o.matMul(this, b, ta, tb);
};
P.pow = function (e) {
  return o.pow(this, e);
};
P.square = function () {
  return o.square(this);
};
P.sqrt = function () {
  return o.sqrt(this);
};
P.rsqrt = function () {
  return o.rsqrt(this);
};
P.abs = function () {
  return o.abs(this);
};
P.neg = function () {
  return o.neg(this);
};
P.exp = function () {
  return o.exp(this);
};
P.log = function () {
  return o.log(this);
};
P.log1p = function () {
  return o.log1p(this);
};
P.sign = function () {
  return o.sign(this);
};
P.round = function () {
  return o.round(this);
};
P.floor = function () {
  return o.floor(this);
};
P.ceil = function () {
  return o.ceil(this);
};
P.relu = function () {
  return o.relu(this);
};
P.sigmoid = function () {
  return o.sigmoid(this);
};
P.tanh = function () {
  return o.tanh(this);
};
P.elu = function () {
  return o.elu(this);
};
P.selu = function () {
  return o.selu(this);
};
P.softplus = function () {
  return o.softplus(this);
};
P.leakyRelu = function (alpha) {
  return o.leakyRelu(this, alpha);
};
P.reciprocal = function () {
  return o.reciprocal(this);
};
P.softmax = function (dim) {
  return o.softmax(this, dim);
};
P.logSoftmax = function (axis) {
  return o.logSoftmax(this, axis);
};
P.clipByValue = function (min, max) {
  return o.clipByValue(this, min, max);
};
P.equal = function (b) {
  return o.equal(this, b);
};
P.notEqual = function (b) {
  return o.notEqual(this, b);
};
P.greater = function (b) {
  return o.greater(this, b);
};
P.greaterEqual = function (b) {
  return o.greaterEqual(this, b);
};
P.less = function (b) {
  return o.less(this, b);
};
P.lessEqual = function (b) {
  return o.lessEqual(this, b);
};
P.sum = function (axis, keepDims) {
  return o.sum(this, axis, keepDims);
};
P.mean = function (axis, keepDims) {
  return o.mean(this, axis, keepDims);
};
P.max = function (axis, keepDims) {
  return o.max(this, axis, keepDims);
};
P.min = function (axis, keepDims) {
  return o.min(this, axis, keepDims);
};
P.argMax = function (axis) {
  return o.argMax(this, axis);
};
P.argMin = function (axis) {
  return o.argMin(this, axis);
};
P.reshape = function (shape) {
  return o.reshape(this, shape);
};
P.as1D = function () {
  return o.reshape(this, [-1]);
};
P.as2D = function (rows, columns) {
  return o.reshape(this, [rows, columns]);
};
P.as3D = function (rows, columns, depth) {
  return o.reshape(this, [rows, columns, depth]);
};
P.expandDims = function (axis) {
  return o.expandDims(this, axis);
};
P.squeeze = function (axis) {
  return o.squeeze(this, axis);
};
P.flatten = function () {
  return o.flatten(this);
};
P.transpose = function (perm) {
  return o.transpose(this, perm);
};
P.slice = function (begin, size) {
  return o.slice(this, begin, size);
};
P.gather = function (indices, axis) {
  return o.gather(this, indices, axis);
};
P.concat = function (x, axis) {
  return o.concat([this, ...(Array.isArray(x) && !isNumberArray(x) ? x : [x])] as Input[], axis);
};
P.stack = function (x, axis) {
  return o.stack([this, ...(Array.isArray(x) && !isNumberArray(x) ? x : [x])] as Input[], axis);
};
P.unstack = function (axis) {
  return o.unstack(this, axis);
};
P.tile = function (reps) {
  return o.tile(this, reps);
};
P.cast = function (dtype) {
  return o.cast(this, dtype);
};
P.toFloat = function () {
  return o.cast(this, 'float32');
};
P.toInt = function () {
  return o.cast(this, 'int32');
};
P.toBool = function () {
  return o.cast(this, 'bool');
};

function isNumberArray(x: unknown[]): boolean {
  return x.length > 0 && typeof x[0] === 'number';
}
