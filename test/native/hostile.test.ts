/**
 * Bindings against hostile arguments: geometry objects whose getters detach or shrink the
 * arrays the call was given, and allocation failure. A binding reads every plain argument before
 * it takes any typed-array view (native/addon/args.h), so such a getter can only make the call
 * fail cleanly (or succeed on what is left), never free memory the kernel then uses.
 */
import { describe, expect, it } from 'vitest';

/** Node 20's resizable ArrayBuffer (lib ES2023 has no types for it). */
type Resizable = ArrayBuffer & { resize(byteLength: number): void };
const ResizableBuffer = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => Resizable;
import { kernels, nativeAvailable } from '../../lib/backend/index.js';
import type { Conv2dGeometry } from '../../lib/backend/conv-geometry.js';
import type { AdaptivePool2dGeometry, Pool2dGeometry } from '../../lib/backend/backend.js';

const native = describe.runIf(nativeAvailable());

function convGeometry(h: number, w: number, onGroups: () => void): Conv2dGeometry {
  const g: Record<string, number> = {
    n: 1,
    c: 1,
    h,
    w,
    k: 1,
    kh: 1,
    kw: 1,
    sh: 1,
    sw: 1,
    pt: 0,
    pb: 0,
    pl: 0,
    pr: 0,
    dh: 1,
    dw: 1,
  };
  Object.defineProperty(g, 'groups', {
    enumerable: true,
    get() {
      onGroups();
      return 1;
    },
  });
  return g as unknown as Conv2dGeometry;
}

function resizable(floats: number): Float32Array {
  return new Float32Array(new ResizableBuffer(floats * 4, { maxByteLength: floats * 4 }));
}

native('bindings read the geometry before taking views', () => {
  const k = () => kernels('native');

  it('conv2dForward: a groups getter that shrinks out to 0 gives a RangeError naming out', () => {
    const out = resizable(1 << 20);
    const g = convGeometry(1024, 1024, () => (out.buffer as Resizable).resize(0));
    expect(() => k().conv2dForward(out, new Float32Array(1 << 20).fill(1), Float32Array.of(1), null, g)).toThrow(
      /Expected Float32Array of at least 1048576 elements for out but received Float32Array\(0\)/,
    );
  });

  it('conv2dForward: a getter that transfers x gives the detached-buffer TypeError', () => {
    const x = new Float32Array(64).fill(1);
    const g = convGeometry(8, 8, () => void structuredClone(x.buffer, { transfer: [x.buffer] }));
    expect(() => k().conv2dForward(new Float32Array(64), x, Float32Array.of(1), null, g)).toThrow(TypeError);
  });

  it('conv2dForward: a getter that shrinks out but leaves enough computes the right result', () => {
    const out = resizable(128);
    const g = convGeometry(8, 8, () => (out.buffer as Resizable).resize(64 * 4));
    k().conv2dForward(out, new Float32Array(64).fill(2), Float32Array.of(3), null, g);
    expect(out.length).toBe(64);
    expect(Array.from(out).every((v) => v === 6)).toBe(true);
  });

  it('conv2dBackwardData: a getter that shrinks dx gives a RangeError', () => {
    const dx = resizable(1 << 16);
    const g = convGeometry(256, 256, () => (dx.buffer as Resizable).resize(4));
    expect(() => k().conv2dBackwardData(dx, new Float32Array(1 << 16), Float32Array.of(1), g)).toThrow(
      /for dx but received Float32Array\(1\)/,
    );
  });

  it('conv2dBackwardWeight: a getter that shrinks dy gives a RangeError', () => {
    const dy = resizable(1 << 16);
    const g = convGeometry(256, 256, () => (dy.buffer as Resizable).resize(0));
    expect(() => k().conv2dBackwardWeight(new Float32Array(1), null, dy, new Float32Array(1 << 16), g)).toThrow(
      /for dy but received Float32Array\(0\)/,
    );
  });

  const poolGeometry = (onRead: () => void): Pool2dGeometry => {
    const g: Record<string, unknown> = {
      n: 1,
      c: 1,
      h: 256,
      w: 256,
      kh: 2,
      kw: 2,
      sh: 2,
      sw: 2,
      ph: 0,
      pw: 0,
      dh: 1,
      dw: 1,
    };
    Object.defineProperty(g, 'ceilMode', {
      get() {
        onRead();
        return false;
      },
    });
    return g as unknown as Pool2dGeometry;
  };

  it('maxPool2dForward: a ceilMode getter that shrinks out gives a RangeError', () => {
    const out = resizable(128 * 128);
    const g = poolGeometry(() => (out.buffer as Resizable).resize(0));
    expect(() => k().maxPool2dForward(out, new Int32Array(128 * 128), new Float32Array(256 * 256), g)).toThrow(
      /for out but received Float32Array\(0\)/,
    );
  });

  it('maxPool2dBackward: a getter that shrinks indices gives a RangeError', () => {
    const idx = new Int32Array(new ResizableBuffer(128 * 128 * 4, { maxByteLength: 128 * 128 * 4 }));
    const g = poolGeometry(() => (idx.buffer as Resizable).resize(0));
    expect(() => k().maxPool2dBackward(new Float32Array(256 * 256), new Float32Array(128 * 128), idx, g)).toThrow(
      /for indices but received Int32Array\(0\)/,
    );
  });

  it('avgPool2dBackward and adaptiveAvgPool2dForward: a getter that shrinks the written array gives a RangeError', () => {
    const dx = resizable(256 * 256);
    const g = poolGeometry(() => (dx.buffer as Resizable).resize(0));
    expect(() => k().avgPool2dBackward(dx, new Float32Array(128 * 128), g)).toThrow(
      /for dx but received Float32Array\(0\)/,
    );
    const out = resizable(16);
    const a = { n: 1, c: 1, h: 64, w: 64, oh: 4 } as AdaptivePool2dGeometry;
    Object.defineProperty(a, 'ow', {
      get() {
        (out.buffer as Resizable).resize(0);
        return 4;
      },
    });
    expect(() => k().adaptiveAvgPool2dForward(out, new Float32Array(64 * 64), a)).toThrow(
      /for out but received Float32Array\(0\)/,
    );
  });

  it('a Proxy geometry whose traps detach every array gives a clean error', () => {
    const x = new Float32Array(64).fill(1);
    const out = new Float32Array(64);
    const base = {
      n: 1,
      c: 1,
      h: 8,
      w: 8,
      k: 1,
      kh: 1,
      kw: 1,
      sh: 1,
      sw: 1,
      pt: 0,
      pb: 0,
      pl: 0,
      pr: 0,
      dh: 1,
      dw: 1,
      groups: 1,
    };
    const g = new Proxy(base, {
      get(t, key) {
        if (key === 'dw') {
          structuredClone(x.buffer, { transfer: [x.buffer] });
          structuredClone(out.buffer, { transfer: [out.buffer] });
        }
        return Reflect.get(t, key);
      },
    });
    expect(() => k().conv2dForward(out, x, Float32Array.of(1), null, g as Conv2dGeometry)).toThrow(
      /detached ArrayBuffer/,
    );
  });

  it('a getter that calls another binding re-entrantly still gets the right result', () => {
    const out = new Float32Array(64);
    const g = convGeometry(8, 8, () => k().fill(out, 7, 64));
    k().conv2dForward(out, new Float32Array(64).fill(1), Float32Array.of(5), null, g);
    expect(Array.from(out).every((v) => v === 5)).toBe(true);
  });

  it('a geometry getter that throws passes its error through', () => {
    const g = convGeometry(8, 8, () => {
      throw new SyntaxError('from the getter');
    });
    expect(() => k().conv2dForward(new Float32Array(64), new Float32Array(64), Float32Array.of(1), null, g)).toThrow(
      /from the getter/,
    );
  });
});
