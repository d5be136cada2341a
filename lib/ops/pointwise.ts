/**
 * Scalar functions and their derivatives, shared by the element-wise ops and by linear's fused
 * activation. Each is computed in float64 and rounded once to float32 on store. The activations
 * live in the one activation table (lib/backend/activation.ts); exp and log are here.
 */
import type { Pointwise } from '../backend/activation.js';

export {
  eluFn,
  geluFn,
  leakyReluFn,
  type Pointwise,
  SELU_ALPHA,
  SELU_SCALE,
  seluFn,
  sigmoidFn,
  softplusFn,
  tanhFn,
} from '../backend/activation.js';

export const expFn: Pointwise = { f: Math.exp, df: (_x, y) => y };
export const logFn: Pointwise = { f: Math.log, df: (x) => 1 / x };
