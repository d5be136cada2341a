/**
 * tfjs's gradient functions on dropnet's autograd: tf.grad, tf.grads, tf.valueAndGrad,
 * tf.valueAndGrads, tf.variableGrads, and optimizer.minimize / applyGradients.
 *
 * Each runs f on fresh leaves that require grad (copies of the arguments' values), then one
 * backward pass from f's result seeded with dy (ones by default, as tfjs). The pass collects the
 * gradients of exactly the leaves asked for, so nothing accumulates into `grad` of any other
 * tensor (variables f reads included), as tfjs's gradients leave no trace.
 */
import { runBackward } from '../autograd/engine.js';
import { argTypeError, formatShape, ShapeError } from '../errors.js';
import type { Parameter } from '../nn/parameter.js';
import { Tensor as DnTensor } from '../tensor.js';
import type { Optimizer as DnOptimizer } from '../train/optim/optimizer.js';
import { Tensor } from './tensor.js';
import type { Optimizer } from './train.js';
import { registeredVariables, Variable } from './variables.js';

const NOT_CONNECTED =
  'Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.';

/** d(sum(y * dy))/d(leaf) for each leaf; null for a leaf y does not depend on. */
function backprop(y: Tensor, dy: Tensor | undefined, leaves: readonly DnTensor[]): (Float32Array | null)[] {
  if (!(y instanceof Tensor)) throw argTypeError('f() result', 'tf.Tensor', y);
  const out = y.checkLive();
  let seed: Float32Array;
  if (dy === undefined || dy === null) seed = new Float32Array(out.size).fill(1);
  else {
    if (!(dy instanceof Tensor)) throw argTypeError('dy', 'tf.Tensor', dy);
    if (dy.shape.join() !== out.shape.join())
      throw new ShapeError(
        `The shape of dy (${formatShape(dy.shape)}) must match the shape of y (${formatShape(out.shape)})`,
      );
    seed = dy.checkLive().data;
  }
  const grads = new Map<DnTensor, Float32Array>();
  const wanted = new Set(leaves);
  // y = x itself is no computation from x: tfjs finds no path.
  if (out.requiresGrad && !wanted.has(out)) {
    runBackward(out, seed, false, (leaf, g) => {
      if (!wanted.has(leaf)) return;
      const prev = grads.get(leaf);
      if (prev === undefined) grads.set(leaf, Float32Array.from(g));
      else for (let i = 0; i < g.length; i++) prev[i] = prev[i]! + g[i]!;
    });
  }
  return leaves.map((l) => grads.get(l) ?? null);
}

/** Fresh leaves holding the arguments' values (the arguments themselves are left alone). */
function leavesOf(xs: readonly unknown[], name: string): Tensor[] {
  return xs.map((x, i) => {
    if (!(x instanceof Tensor)) throw argTypeError(`${name}[${i}]`, 'tf.Tensor', x);
    const v = x.checkLive();
    return new Tensor(new DnTensor(v.data, v.shape, { requiresGrad: true }), x.dtype);
  });
}

function gradTensor(g: Float32Array | null, like: Tensor): Tensor {
  if (g === null) throw new Error(NOT_CONNECTED);
  return new Tensor(new DnTensor(g, like.value.shape), 'float32');
}

function checkF(f: unknown, fn: string): void {
  if (typeof f !== 'function') throw argTypeError(`${fn}(f)`, 'function', f);
}

type ValueAndGrads = { value: Tensor; grads: Tensor[] };

function valueAndGradsOf(f: (...args: Tensor[]) => Tensor, args: unknown, dy: Tensor | undefined): ValueAndGrads {
  if (!Array.isArray(args)) throw argTypeError('args', 'array of tf.Tensor', args);
  const leaves = leavesOf(args, 'args');
  const value = f(...leaves);
  const raw = backprop(
    value,
    dy,
    leaves.map((l) => l.value),
  );
  return { value, grads: raw.map((g, i) => gradTensor(g, leaves[i]!)) };
}

/** tf.grad(f): x => df/dx (the gradient of sum(f(x) * dy)). */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  checkF(f, 'grad');
  return (x, dy) => valueAndGradsOf((t) => f(t), [x], dy).grads[0]!;
}

/** tf.grads(f): args => [df/dargs[0], ...]. */
export function grads(f: (...args: Tensor[]) => Tensor): (args: Tensor[], dy?: Tensor) => Tensor[] {
  checkF(f, 'grads');
  return (args, dy) => valueAndGradsOf(f, args, dy).grads;
}

/** tf.valueAndGrad(f): x => { value: f(x), grad }. */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  checkF(f, 'valueAndGrad');
  return (x, dy) => {
    const r = valueAndGradsOf((t) => f(t), [x], dy);
    return { value: r.value, grad: r.grads[0]! };
  };
}

/** tf.valueAndGrads(f): args => { value: f(...args), grads }. */
export function valueAndGrads(f: (...args: Tensor[]) => Tensor): (args: Tensor[], dy?: Tensor) => ValueAndGrads {
  checkF(f, 'valueAndGrads');
  return (args, dy) => valueAndGradsOf(f, args, dy);
}

/**
 * tf.variableGrads(f, varList?): the scalar f() and its gradient with respect to each trainable
 * variable (all registered ones by default), by name; variables f does not use get none.
 */
export function variableGrads(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
  checkF(f, 'variableGrads');
  if (varList !== undefined && varList !== null) {
    if (!Array.isArray(varList)) throw argTypeError('varList', 'array of tf.Variable', varList);
    varList.forEach((v, i) => {
      if (!(v instanceof Variable)) throw argTypeError(`varList[${i}]`, 'tf.Variable', v);
    });
  }
  // As tfjs: all trainable variables by default; a varList given is taken as it is.
  const vars = varList ?? [...registeredVariables.values()].filter((v) => v.trainable);
  // A non-trainable variable named in varList is differentiated too (as tfjs): tracked while f runs.
  const frozen = vars.filter((v) => !v.value.requiresGrad);
  for (const v of frozen) v.value.requiresGrad = true;
  let value: Tensor;
  try {
    value = f();
  } finally {
    for (const v of frozen) v.value.requiresGrad = false;
  }
  if (!(value instanceof Tensor)) throw argTypeError('f() result', 'tf.Tensor', value);
  if (value.rank !== 0) throw new Error(`The result y returned by f() must be a scalar. y has rank ${value.rank}.`);
  const raw = backprop(
    value,
    undefined,
    vars.map((v) => v.value),
  );
  const out: Record<string, Tensor> = {};
  raw.forEach((g, i) => {
    if (g !== null) out[vars[i]!.name] = new Tensor(new DnTensor(g, vars[i]!.value.shape), 'float32');
  });
  if (Object.keys(out).length === 0)
    throw new Error(
      'Cannot find a connection between any variable and the result of the loss function y=f(x). Please make sure the operations that use variables are inside the function f passed to minimize(). (dropnet/tfjs: the weights of a LayersModel are not tf.Variables, so model.predict inside f is not differentiated; train a model with fit or trainOnBatch)',
    );
  return { value, grads: out };
}

/** Each tfjs optimizer's dropnet optimizer over the variables it has updated so far. */
const stepper = new WeakMap<Optimizer, DnOptimizer<object>>();

/** optimizer.applyGradients({ name: grad }): one step of the optimizer's rule on the named variables. */
export function applyGradients(optimizer: Optimizer, named: Record<string, Tensor>): void {
  if (typeof named !== 'object' || named === null)
    throw argTypeError('variableGradients', 'object { name: tf.Tensor }', named);
  const pairs = Object.entries(named).map(([name, g]): [DnTensor, Tensor] => {
    const v = registeredVariables.get(name);
    if (v === undefined) throw new Error(`applyGradients: no variable is named "${name}"`);
    if (!(g instanceof Tensor)) throw argTypeError(`variableGradients.${name}`, 'tf.Tensor', g);
    if (g.shape.join() !== v.shape.join())
      throw new ShapeError(
        `applyGradients: the gradient of ${name} has shape ${formatShape(g.shape)} but the variable ${formatShape(v.shape)}`,
      );
    return [v.value, g];
  });
  if (pairs.length === 0) return;
  let opt = stepper.get(optimizer);
  const params = pairs.map(([p]) => p as Parameter);
  if (opt === undefined) {
    opt = optimizer.create(params);
    stepper.set(optimizer, opt);
  } else {
    const known = new Set(opt.paramGroups.flatMap((g) => g.params));
    const added = params.filter((p) => !known.has(p));
    if (added.length > 0) opt.addParamGroup({ params: added });
  }
  opt.zeroGrad();
  for (const [p, g] of pairs) p.grad = new DnTensor(g.checkLive().data.slice(), p.shape);
  opt.step();
  opt.zeroGrad();
}

/** optimizer.minimize(f, returnCost = false, varList?): one step down the gradient of the scalar f(). */
export function minimize(
  optimizer: Optimizer,
  f: () => Tensor,
  returnCost = false,
  varList?: Variable[],
): Tensor | null {
  const { value, grads: g } = variableGrads(f, varList);
  applyGradients(optimizer, g);
  for (const t of Object.values(g)) t.dispose();
  if (returnCost) return value;
  value.dispose();
  return null;
}
