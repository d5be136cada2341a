/**
 * A node of the tape: the operation that produced a tensor, the inputs it needs gradients for,
 * and the closure that turns the output's gradient into the inputs' gradients.
 *
 * Gradients travel as Float32Arrays laid out like the tensor they belong to. A backward closure
 * must not modify the gradient it receives; it may return it unchanged (an identity-like op)
 * and may return null for an input whose gradient is not needed.
 */
import type { Tensor } from '../tensor.js';

/**
 * Maps the output gradient to one gradient per input (in the order the inputs were recorded).
 * `needs[i]` says whether input i wants one; closures may skip the work when it does not.
 */
export type BackwardFn = (gradOutput: Float32Array, needs: readonly boolean[]) => readonly (Float32Array | null)[];

export class Node {
  /** The operation's name, as shown in errors ("matmul", "relu", ...). */
  readonly name: string;
  #inputs: readonly (Tensor | null)[] | null;
  #backward: BackwardFn | null;
  /** The output tensor when it asked to keep its gradient (`retainGrad()`). */
  retained: Tensor | null = null;

  /** `inputs[i]` is null when input i does not require grad (its gradient is not computed). */
  constructor(name: string, inputs: readonly (Tensor | null)[], backward: BackwardFn) {
    this.name = name;
    this.#inputs = inputs;
    this.#backward = backward;
  }

  /** True once a backward pass has freed this node's saved values. */
  get released(): boolean {
    return this.#backward === null;
  }

  /** The inputs that require grad (null entries for the others); empty once released. */
  get inputs(): readonly (Tensor | null)[] {
    return this.#inputs ?? [];
  }

  /** Runs the backward closure. */
  apply(gradOutput: Float32Array): readonly (Float32Array | null)[] {
    const backward = this.#backward;
    const inputs = this.#inputs;
    if (backward === null || inputs === null) throw releasedError(this);
    return backward(
      gradOutput,
      inputs.map((t) => t !== null),
    );
  }

  /** Drops the closure and the inputs so the values they hold can be collected. */
  release(): void {
    this.#backward = null;
    this.#inputs = null;
  }
}

export function releasedError(node: Node): Error {
  return new Error(
    `backward: the graph through ${node.name} was already freed by an earlier backward(); ` +
      'pass { retainGraph: true } to the first backward() to backpropagate through it again',
  );
}
