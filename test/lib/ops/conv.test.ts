// conv2d / conv1d and pooling ops: gradients by finite differences on odd shapes, the 1-D forms
// against their 2-D definitions, unbatched inputs, and argument errors.
import { describe, expect, it } from 'vitest';
import { ops, ShapeError, Tensor, tensor } from '../../../lib/index.js';
import { gradcheck } from '../../helpers/gradcheck.js';
import { randomFloats } from '../../helpers/rng.js';

const t = (shape: number[], seed: number, requiresGrad = true) =>
  new Tensor(
    randomFloats(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
    { requiresGrad },
  );

describe('conv2d gradients', () => {
  it.each([
    [[2, 3, 5, 6], [4, 3, 3, 2], { stride: [2, 1], padding: [1, 0] }],
    [[1, 4, 6, 5], [4, 2, 3, 3], { padding: 'same', dilation: 2, groups: 2 }],
    [[1, 2, 4, 4], [2, 1, 2, 2], { padding: 'same', groups: 2 }],
    [[3, 2, 3, 3], [5, 2, 1, 1], {}],
    [[1, 1, 2, 3], [2, 1, 3, 3], { padding: 2 }],
  ] as const)('x %j, weight %j, %j', (xs, ws, options) => {
    const x = t([...xs], 1);
    const w = t([...ws], 2);
    const b = t([ws[0]], 3);
    const n = gradcheck((a, ww, bb) => ops.conv2d(a!, ww!, bb!, options as never), [x, w, b]);
    expect(n).toBeGreaterThan(0);
  });

  it('takes unbatched input (C, H, W)', () => {
    const x = t([3, 5, 5], 4, false);
    const w = t([2, 3, 3, 3], 5, false);
    const batched = ops.conv2d(x.reshape([1, 3, 5, 5]), w, null, { padding: 1 });
    const single = ops.conv2d(x, w, null, { padding: 1 });
    expect(single.shape).toEqual([2, 5, 5]);
    expect(single.data).toEqual(batched.data);
  });

  it('rejects mismatched channels, bad options and bad ranks', () => {
    const x = t([1, 3, 5, 5], 1, false);
    expect(() => ops.conv2d(x, t([2, 2, 3, 3], 2, false))).toThrow(ShapeError);
    expect(() => ops.conv2d(x, t([2, 2, 3, 3], 2, false))).toThrow(
      'conv2d: expected input with 2 channels (weight [2, 2, 3, 3], groups 1) but received [1, 3, 5, 5]',
    );
    expect(() => ops.conv2d(x, t([2, 3, 3, 3], 2, false), null, { stride: 0 })).toThrow(
      new RangeError('Expected integer >= 1 or a pair of them for stride but received 0 of type number'),
    );
    expect(() => ops.conv2d(x, t([2, 3, 3, 3], 2, false), null, { padding: 'same', stride: 2 })).toThrow(
      "padding='same' is not supported for strided convolutions",
    );
    expect(() => ops.conv2d(x, t([2, 3, 7, 7], 2, false))).toThrow(/Expected a non-empty output but an input of 5x5/);
    expect(() => ops.conv2d(t([5, 5], 1, false), t([2, 3, 3, 3], 2, false))).toThrow(ShapeError);
    expect(() => ops.conv2d(x, t([2, 3, 3, 3], 2, false), t([3], 3, false))).toThrow(
      'conv2d: expected bias of shape [2] but received [3]',
    );
    expect(() => ops.conv2d(x, [1, 2] as never)).toThrow(
      new TypeError('Expected Tensor for weight but received Array(2)'),
    );
  });
});

describe('conv1d', () => {
  it('equals conv2d on (N, C, 1, L) and has correct gradients', () => {
    const x = t([2, 3, 9], 6);
    const w = t([4, 3, 3], 7);
    const b = t([4], 8);
    const y = ops.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 });
    const y2 = ops.conv2d(x.reshape([2, 3, 1, 9]), w.reshape([4, 3, 1, 3]), b, {
      stride: [1, 2],
      padding: [0, 1],
      dilation: [1, 2],
    });
    expect(y.shape).toEqual([2, 4, 4]);
    expect(y.data).toEqual(y2.data);
    expect(gradcheck((a, ww, bb) => ops.conv1d(a!, ww!, bb!, { padding: 'same' }), [x, w, b])).toBeGreaterThan(0);
  });
});

describe('pooling gradients', () => {
  it('maxPool2d (values kept apart so the argmax is stable under the perturbation)', () => {
    const data = Float32Array.from({ length: 2 * 2 * 5 * 6 }, (_, i) => ((i * 37) % 61) / 10);
    const x = new Tensor(data, [2, 2, 5, 6], { requiresGrad: true });
    expect(
      gradcheck((a) => ops.maxPool2d(a!, { kernelSize: [2, 3], stride: [2, 2], padding: [1, 1], ceilMode: true }), [x]),
    ).toBeGreaterThan(0);
    expect(gradcheck((a) => ops.maxPool2d(a!, { kernelSize: 2, dilation: 2 }), [x])).toBeGreaterThan(0);
  });

  it('avgPool2d and adaptiveAvgPool2d', () => {
    const x = t([2, 3, 5, 7], 9);
    expect(
      gradcheck(
        (a) => ops.avgPool2d(a!, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
        [x],
      ),
    ).toBeGreaterThan(0);
    expect(gradcheck((a) => ops.avgPool2d(a!, { kernelSize: [2, 3], divisorOverride: 4 }), [x])).toBeGreaterThan(0);
    expect(gradcheck((a) => ops.adaptiveAvgPool2d(a!, [3, null]), [x])).toBeGreaterThan(0);
  });

  it('1-D forms equal the 2-D forms on (N, C, 1, L)', () => {
    const x = t([2, 3, 11], 10, false);
    const x4 = x.reshape([2, 3, 1, 11]);
    expect(ops.maxPool1d(x, { kernelSize: 3, stride: 2, padding: 1 }).data).toEqual(
      ops.maxPool2d(x4, { kernelSize: [1, 3], stride: [1, 2], padding: [0, 1] }).data,
    );
    expect(ops.avgPool1d(x, { kernelSize: 4 }).data).toEqual(ops.avgPool2d(x4, { kernelSize: [1, 4] }).data);
    expect(ops.adaptiveAvgPool1d(x, 4).shape).toEqual([2, 3, 4]);
  });

  it('rejects padding above half the kernel and missing options', () => {
    const x = tensor(new Float32Array(16), [1, 1, 4, 4]);
    expect(() => ops.maxPool2d(x, { kernelSize: 2, padding: 2 })).toThrow(RangeError);
    expect(() => ops.maxPool2d(x, undefined as never)).toThrow(TypeError);
    expect(() => ops.adaptiveAvgPool2d(x, 0)).toThrow(RangeError);
  });
});
