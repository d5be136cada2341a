/**
 * tfjs's ops (`tf.add`, `tf.gather`, `tf.argMax` ...) with tfjs's argument order, defaults and
 * result dtypes, over dropnet's differentiable ops, so a custom loss built from them trains.
 * Ops that select elements (slice, gather, transpose, stack, max, min ...) compute an index map
 * (output position -> input position) and go through one differentiable gather, `byIndex`.
 * Comparisons and argMax/argMin have no gradient, as in tfjs.
 */
export * from './ops-create.js';
export * from './ops-layout.js';
export * from './ops-math.js';
export * from './ops-reduce.js';
export * from './ops-stats.js';
