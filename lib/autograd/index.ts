/** The tape: grad mode, nodes and the backward pass (Tensor.backward() is the entry point). */
export { enableGrad, isGradEnabled, noGrad } from './grad-mode.js';
export { Node, type BackwardFn } from './node.js';
export { needsGrad, record } from './record.js';
export { traceOps, type OpAttrs, type OpTracer } from './trace.js';
