/**
 * tf.variable: tfjs's mutable tensor. A Variable wraps a dropnet leaf tensor that requires grad
 * when the variable is trainable, so every tf op on it is recorded on dropnet's tape and
 * tf.grads / tf.variableGrads / optimizer.minimize (gradients.ts) can differentiate through it.
 * assign() copies the new values into the same leaf (same shape and dtype, as tfjs requires).
 *
 * Variables are registered by name, as tfjs's engine does: a second variable with a name in use
 * throws; dispose() (or tf.disposeVariables()) removes it.
 */
import { argTypeError } from '../errors.js';
import { Tensor as DnTensor } from '../tensor.js';
import { checkDtype, type DataType, Tensor, toTensor } from './tensor.js';

/** The variables not disposed, by name (tfjs's engine.registeredVariables). */
export const registeredVariables = new Map<string, Variable>();

let nextVariableId = 0;

export class Variable extends Tensor {
  readonly trainable: boolean;
  readonly name: string;

  constructor(initialValue: Tensor, trainable = true, name?: string, dtype?: DataType) {
    if (!(initialValue instanceof Tensor)) throw argTypeError('initialValue', 'tf.Tensor', initialValue);
    if (typeof trainable !== 'boolean') throw argTypeError('trainable', 'boolean', trainable);
    if (name !== undefined && name !== null && typeof name !== 'string') throw argTypeError('name', 'string', name);
    const v = initialValue.checkLive();
    const dt = dtype === undefined ? initialValue.dtype : checkDtype(dtype);
    const leaf = new DnTensor(v.data.slice(), v.shape, { requiresGrad: trainable });
    const id = String(nextVariableId++);
    const key = name ?? id;
    if (registeredVariables.has(key)) throw new Error(`Variable with name ${key} was already registered`);
    super(leaf, dt);
    this.trainable = trainable;
    this.name = key;
    this.kept = true;
    registeredVariables.set(key, this);
  }

  /** Copies `newValue` into the variable; its shape and dtype must equal the variable's. */
  assign(newValue: Tensor): void {
    const t = toTensor(newValue, 'newValue');
    if (t.dtype !== this.dtype)
      throw new Error(`dtype of the new value (${t.dtype}) and previous value (${this.dtype}) must match`);
    if (t.shape.join() !== this.shape.join())
      throw new Error(
        `shape of the new value (${t.shape.join(',')}) and previous value (${this.shape.join(',')}) must match`,
      );
    this.checkLive().data.set(t.checkLive().data);
  }

  override dispose(): void {
    if (registeredVariables.get(this.name) === this) registeredVariables.delete(this.name);
    super.dispose();
  }
}

/** tf.variable(initialValue, trainable = true, name?, dtype?). */
export function variable(initialValue: Tensor, trainable = true, name?: string, dtype?: DataType): Variable {
  return new Variable(initialValue, trainable, name, dtype);
}

/** tf.disposeVariables(): disposes every registered variable. */
export function disposeVariables(): void {
  for (const v of [...registeredVariables.values()]) v.dispose();
}
