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
 * `into[i]`, when given and not null, is input i's existing gradient (a leaf's `grad`): a
 * closure may add its gradient for input i into it in place and return that same array, which
 * tells the engine the gradient is already accumulated. Closures that do not look at `into`
 * return new arrays as before.
 */
export type BackwardFn = (
  gradOutput: Float32Array,
  needs: readonly boolean[],
  into: readonly (Float32Array | null)[],
) => readonly (Float32Array | null)[];

const NO_TARGETS: readonly (Float32Array | null)[] = Object.freeze([]);

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

  /** Runs the backward closure; `into` as in BackwardFn (none by default). */
  apply(
    gradOutput: Float32Array,
    into: readonly (Float32Array | null)[] = NO_TARGETS,
  ): readonly (Float32Array | null)[] {
    const backward = this.#backward;
    const inputs = this.#inputs;
    if (backward === null || inputs === null) throw releasedError(this);
    return backward(
      gradOutput,
      inputs.map((t) => t !== null),
      into,
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
