import type { RnnGeometry } from '../rnn-geometry.js';

/**
 * Recurrent layers, one layer in one direction (see rnn-geometry.ts for the shapes and
 * native/kernels/rnn/rnn.h for the equations). Masks are float arrays of 0 or 1/(1-p), one per
 * sample for the whole sequence; zoneout arrays give, per step, sample and unit, the weight of
 * the previous value. Arrays a geometry does not use are null. Outputs are overwritten.
 */
export interface RnnKernels {
  /** y, hN, cN and the workspace backward needs. */
  rnnForward(
    y: Float32Array,
    hN: Float32Array,
    cN: Float32Array | null,
    workspace: Float32Array,
    x: Float32Array,
    wIh: Float32Array,
    wHh: Float32Array,
    bIh: Float32Array | null,
    bHh: Float32Array | null,
    wHr: Float32Array | null,
    h0: Float32Array,
    c0: Float32Array | null,
    inputMask: Float32Array | null,
    recurrentMask: Float32Array | null,
    zoneoutH: Float32Array | null,
    zoneoutC: Float32Array | null,
    geometry: RnnGeometry,
  ): void;
  /** Gradients of x, h0, c0 and every parameter from those of y, hN and cN. */
  rnnBackward(
    dx: Float32Array,
    dh0: Float32Array,
    dc0: Float32Array | null,
    dwIh: Float32Array,
    dwHh: Float32Array,
    dbIh: Float32Array | null,
    dbHh: Float32Array | null,
    dwHr: Float32Array | null,
    dy: Float32Array,
    dhN: Float32Array,
    dcN: Float32Array | null,
    x: Float32Array,
    wIh: Float32Array,
    wHh: Float32Array,
    wHr: Float32Array | null,
    h0: Float32Array,
    c0: Float32Array | null,
    y: Float32Array,
    workspace: Float32Array,
    inputMask: Float32Array | null,
    recurrentMask: Float32Array | null,
    zoneoutH: Float32Array | null,
    zoneoutC: Float32Array | null,
    geometry: RnnGeometry,
  ): void;
}
