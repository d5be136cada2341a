/**
 * The backward pass: orders the nodes reachable from the root so that every node runs after all
 * the nodes that consume its output (a reverse topological order), then pushes gradients
 * through them, summing where a tensor fed several operations, and hands each leaf's total to
 * `accumulate` (which adds it into `leaf.grad`).
 *
 * A leaf's gradient that its backward closure made afresh for it alone (new storage handed out
 * while the closure ran, returned for one input only, not retained) is handed over as `fresh`:
 * nothing else holds it, so accumulate may adopt it as the leaf's new `grad` instead of copying
 * it. That copy was a third of the bytes a small MLP's step allocates, and every byte of
 * ArrayBuffer garbage brings the next collection nearer.
 *
 * A leaf that already has a gradient can be a `target`: closures that know how (linear's and
 * matmul's weight gradients, written by sgemm with beta = 1) add into its `grad` in place, so
 * the step allocates no array for it at all.
 */
import { activeBackend } from '../backend/index.js';
import { captureFresh, newDataUninit } from '../backend/storage.js';
import type { Tensor } from '../tensor.js';
import { type Node, releasedError } from './node.js';

/** fresh: grad is new storage no one else references, which the leaf may keep without a copy. */
export type Accumulate = (leaf: Tensor, grad: Float32Array, fresh: boolean) => void;

/**
 * The array a leaf's gradient is summed into, if the backward closures may add into it in
 * place (see BackwardFn's `into`), else null. Only for an accumulate that sums into that array.
 */
export type GradTarget = (leaf: Tensor) => Float32Array | null;

/**
 * The in-place targets for a node's inputs, or null when there are none. A target is left out
 * when its storage is also an input's data or the gradient flowing in (a closure reads those
 * while it writes), or when the leaf is two of the node's inputs (the closure would write it twice).
 */
function targetsFor(
  inputs: readonly (Tensor | null)[],
  gradOutput: Float32Array,
  target: GradTarget,
): (Float32Array | null)[] | null {
  let into: (Float32Array | null)[] | null = null;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i];
    if (input === null || input === undefined || input.gradFn !== null) continue;
    const t = target(input);
    if (t === null || t.length !== input.size || t.buffer === gradOutput.buffer) continue;
    let clash = false;
    for (let j = 0; j < inputs.length && !clash; j++) {
      const other = inputs[j];
      if (other === null || other === undefined) continue;
      clash = (j !== i && other === input) || other.data.buffer === t.buffer;
    }
    if (clash) continue;
    into ??= new Array<Float32Array | null>(inputs.length).fill(null);
    into[i] = t;
  }
  return into;
}

/** Whether grads[i] is new storage from `fresh` that the closure returned for input i only. */
function onlyHere(grads: readonly (Float32Array | null)[], i: number, fresh: ReadonlySet<Float32Array>): boolean {
  const g = grads[i]!;
  if (!fresh.has(g)) return false;
  for (let j = 0; j < grads.length; j++) if (j !== i && grads[j] === g) return false;
  return true;
}

/** The nodes reachable from `root`, each after every node that uses its output. */
function topologicalOrder(root: Node): Node[] {
  // Iterative depth-first search: deep graphs (long chains of ops) must not overflow the stack.
  const order: Node[] = [];
  const seen = new Set<Node>([root]);
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, next] = top;
    if (node.released) throw releasedError(node);
    const inputs = node.inputs;
    let i = next;
    while (i < inputs.length) {
      const input = inputs[i];
      const child = input ? input.gradFn : null;
      i++;
      if (child !== null && !seen.has(child)) {
        top[1] = i;
        seen.add(child);
        stack.push([child, 0]);
        break;
      }
    }
    if (i >= inputs.length && stack[stack.length - 1] === top) {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

/**
 * Backpropagates `seed` (the gradient of the root, laid out like it) to every leaf that
 * requires grad. Unless `retainGraph`, each node is freed once it has run. With `target`,
 * closures that can may add a leaf's gradient straight into the array it names; such a
 * gradient does not go through `accumulate`.
 */
export function runBackward(
  root: Tensor,
  seed: Float32Array,
  retainGraph: boolean,
  accumulate: Accumulate,
  target: GradTarget | null = null,
): void {
  const rootNode = root.gradFn;
  if (rootNode === null) {
    accumulate(root, seed, false);
    return;
  }
  const order = topologicalOrder(rootNode);
  const pending = new Map<Node, Float32Array>([[rootNode, seed]]);
  // Sums allocated here may be added into in place; gradients returned by closures may be
  // shared (an identity backward passes its input through) and are never written.
  const owned = new Set<Float32Array>();
  const backend = activeBackend();
  for (const node of order) {
    const grad = pending.get(node);
    if (grad === undefined) continue;
    pending.delete(node);
    if (node.retained !== null) accumulate(node.retained, grad, false);
    const inputs = node.inputs;
    const into = target === null ? null : targetsFor(inputs, grad, target);
    const { result: grads, fresh } = captureFresh(() => (into === null ? node.apply(grad) : node.apply(grad, into)));
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      const g = grads[i];
      if (input === null || input === undefined || g === null || g === undefined) continue;
      if (g.length !== input.size) {
        throw new Error(
          `backward of ${node.name} returned ${g.length} gradient elements for an input of ${input.size}`,
        );
      }
      const producer = input.gradFn;
      if (producer === null) {
        if (into !== null && g === into[i]) continue; // added in place by the closure
        accumulate(input, g, onlyHere(grads, i, fresh));
        continue;
      }
      const before = pending.get(producer);
      if (before === undefined) {
        pending.set(producer, g);
      } else if (owned.has(before)) {
        backend.add(before, before, g, g.length);
      } else {
        const sum = newDataUninit(g.length);
        backend.add(sum, before, g, g.length);
        owned.add(sum);
        pending.set(producer, sum);
      }
    }
    if (!retainGraph) node.release();
  }
}
