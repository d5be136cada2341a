/**
 * The everyday Tensor methods PyTorch users reach for (`x.add(y)`, `x.argmax(1)`, `x.mean()`,
 * `x.relu()` ...), each a one-line call of the op of the same name in ops/, added to Tensor's
 * prototype here: the ops own the math and decorate the class (lib/index.ts imports this file),
 * so tensor.ts does not import ops (which import tensor.ts).
 */
import { Tensor } from '../tensor.js';
import type { Shape } from '../shape.js';
import { add, div, mul, neg, pow, sub } from './arithmetic.js';
import { flatten, transpose } from './layout.js';
import { matmul } from './matmul.js';
import { argmax, argmin, type Dims, max, mean, min, sum, type ValuesIndices } from './reduce.js';
import { logSoftmax, softmax } from './softmax.js';
import { clamp, exp, log, relu, sigmoid, tanh } from './unary.js';

declare module '../tensor.js' {
  interface Tensor<S extends Shape = Shape> {
    /** ops.add(this, other): element-wise, broadcasting. */
    add(other: Tensor | number): Tensor<S>;
    /** ops.sub(this, other) */
    sub(other: Tensor | number): Tensor<S>;
    /** ops.mul(this, other) */
    mul(other: Tensor | number): Tensor<S>;
    /** ops.div(this, other) */
    div(other: Tensor | number): Tensor<S>;
    /** ops.neg(this) */
    neg(): Tensor<S>;
    /** ops.pow(this, exponent) */
    pow(exponent: number): Tensor<S>;
    /** ops.matmul(this, other) */
    matmul(other: Tensor): Tensor;
    /** ops.sum(this, dim?, keepdim?) */
    sum(dim?: Dims, keepdim?: boolean): Tensor;
    /** ops.mean(this, dim?, keepdim?) */
    mean(dim?: Dims, keepdim?: boolean): Tensor;
    /** ops.max(this): the largest element; ops.max(this, dim): `[values, indices]`. */
    max(): Tensor<readonly []>;
    max(dim: number, keepdim?: boolean): ValuesIndices;
    /** ops.min(this), ops.min(this, dim) */
    min(): Tensor<readonly []>;
    min(dim: number, keepdim?: boolean): ValuesIndices;
    /** ops.argmax(this, dim?, keepdim?) */
    argmax(dim?: number, keepdim?: boolean): Tensor;
    /** ops.argmin(this, dim?, keepdim?) */
    argmin(dim?: number, keepdim?: boolean): Tensor;
    /** ops.relu(this) */
    relu(): Tensor<S>;
    /** ops.sigmoid(this) */
    sigmoid(): Tensor<S>;
    /** ops.tanh(this) */
    tanh(): Tensor<S>;
    /** ops.exp(this) */
    exp(): Tensor<S>;
    /** ops.log(this) */
    log(): Tensor<S>;
    /** ops.clamp(this, min, max) */
    clamp(min?: number | null, max?: number | null): Tensor<S>;
    /** ops.softmax(this, dim) */
    softmax(dim: number): Tensor<S>;
    /** ops.logSoftmax(this, dim) */
    logSoftmax(dim: number): Tensor<S>;
    /** ops.flatten(this, startDim?, endDim?) */
    flatten(startDim?: number, endDim?: number): Tensor;
    /** ops.transpose(this, dim0?, dim1?) */
    transpose(dim0?: number, dim1?: number): Tensor;
  }
}

type Methods = Record<string, (this: Tensor, ...args: never[]) => unknown>;

const methods: Methods = {
  add(other: Tensor | number) {
    return add(this, other);
  },
  sub(other: Tensor | number) {
    return sub(this, other);
  },
  mul(other: Tensor | number) {
    return mul(this, other);
  },
  div(other: Tensor | number) {
    return div(this, other);
  },
  neg() {
    return neg(this);
  },
  pow(exponent: number) {
    return pow(this, exponent);
  },
  matmul(other: Tensor) {
    return matmul(this, other);
  },
  sum(dim?: Dims, keepdim?: boolean) {
    return sum(this, dim, keepdim);
  },
  mean(dim?: Dims, keepdim?: boolean) {
    return mean(this, dim, keepdim);
  },
  max(dim?: number, keepdim?: boolean) {
    return dim === undefined ? max(this) : max(this, dim, keepdim);
  },
  min(dim?: number, keepdim?: boolean) {
    return dim === undefined ? min(this) : min(this, dim, keepdim);
  },
  argmax(dim?: number, keepdim?: boolean) {
    return argmax(this, dim, keepdim);
  },
  argmin(dim?: number, keepdim?: boolean) {
    return argmin(this, dim, keepdim);
  },
  relu() {
    return relu(this);
  },
  sigmoid() {
    return sigmoid(this);
  },
  tanh() {
    return tanh(this);
  },
  exp() {
    return exp(this);
  },
  log() {
    return log(this);
  },
  clamp(lo?: number | null, hi?: number | null) {
    return clamp(this, lo, hi);
  },
  softmax(dim: number) {
    return softmax(this, dim);
  },
  logSoftmax(dim: number) {
    return logSoftmax(this, dim);
  },
  flatten(startDim?: number, endDim?: number) {
    return flatten(this, startDim, endDim);
  },
  transpose(dim0?: number, dim1?: number) {
    return transpose(this, dim0, dim1);
  },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
}

/** The names of the methods added here (for tests). */
export const TENSOR_METHODS: readonly string[] = Object.keys(methods);
