/**
 * Malformed arguments to the public API are the library's clear errors (TypeError, RangeError or
 * ShapeError naming the argument), never a V8 error from deep inside or a silently wrong tensor.
 */
import { describe, expect, it } from 'vitest';
import { Generator, nn, ops, optim, rand, randn, ShapeError, tensor, Tensor, zeros, full } from '../../lib/index.js';

describe('tensor() input validation', () => {
  it.each([
    ['a number beside an array', [1, [2]], ShapeError, /ragged: data\[1\] is an array/],
    ['an array beside a number', [[1], 2], ShapeError, /ragged: data\[1\] is a number/],
    ['rows of different lengths', [[1, 2], [3]], ShapeError, /ragged: data\[1\] has 1 elements/],
    [
      'uneven depth further down',
      [
        [[1], [2]],
        [[3], 4],
      ],
      ShapeError,
      /ragged: data\[1\]\[1\] is a number/,
    ],
    ['a string leaf (nested)', [[1, 'a']], TypeError, /Expected number for data\[0\]\[1\] but received "a"/],
    ['a string leaf (flat)', [1, 'a'], TypeError, /Expected number for data\[1\]/],
    ['an object leaf', [1, {}], TypeError, /data\[1\]/],
    ['a hole', [1, , 3], TypeError, /data\[1\] but received undefined/], // eslint-disable-line no-sparse-arrays
    ['a negative length', { length: -1 }, RangeError, /data\.length/],
    ['a fractional length', { length: 1.5 }, RangeError, /data\.length/],
    ['an unsafe length', { length: 2 ** 60 }, RangeError, /data\.length/],
    ['a BigUint64Array', new BigUint64Array(2), TypeError, /not BigInt64Array or BigUint64Array/],
    ['a BigInt64Array', new BigInt64Array(2), TypeError, /not BigInt64Array or BigUint64Array/],
    ['a DataView', new DataView(new ArrayBuffer(8)), TypeError, /Expected Float32Array/],
    ['a string', 'abc', TypeError, /Expected Float32Array/],
    ['null', null, TypeError, /Expected Float32Array/],
  ])('%s is rejected', (_name, data, ctor, message) => {
    expect(() => tensor(data as never)).toThrow(ctor);
    expect(() => tensor(data as never)).toThrow(message);
  });

  it('accepts well-formed input as before', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).shape,
    ).toEqual([2, 2]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([[[1]], [[2]]]).toArray()).toEqual([[[1]], [[2]]]);
    expect(tensor(Int32Array.of(1, 2)).data).toEqual(Float32Array.of(1, 2));
    expect(tensor({ length: 2, 0: 5, 1: 6 }).data).toEqual(Float32Array.of(5, 6));
    expect(tensor([NaN, Infinity]).data).toEqual(Float32Array.of(NaN, Infinity));
    expect(tensor([1, 2, 3, 4], [2, 2]).shape).toEqual([2, 2]);
  });

  it("factories turn a shape too large for one Float32Array into the library's RangeError", () => {
    expect(() => zeros([3, 2 ** 32 + 1])).toThrow(
      /Expected a shape whose 12884901891 elements fit in one Float32Array and in memory but received \[3, 4294967297\]/,
    );
    expect(() => full([2 ** 33], 1)).toThrow(RangeError);
  });

  it('factories reject options that are not objects', () => {
    expect(() => tensor([1], 5 as never)).toThrow(/Expected object for options but received 5/);
    expect(() => zeros([2], null as never)).toThrow(TypeError);
    expect(() => full([2], 1, 'x' as never)).toThrow(TypeError);
    expect(() => randn([2], null as never)).toThrow(/Expected object for options but received null/);
    expect(() => rand([2], { generator: {} as never })).toThrow(/Expected Generator for generator/);
  });
});

describe('arguments that used to reach V8 unchecked', () => {
  it('clipGradNorm: params that are not an iterable of parameters, bad options', () => {
    expect(() => optim.clipGradNorm(null as never, 1)).toThrow(
      /Expected iterable of parameters for params but received null/,
    );
    expect(() => optim.clipGradNorm(5 as never, 1)).toThrow(TypeError);
    expect(() => optim.clipGradNorm([null] as never, 1)).toThrow(/Expected parameter for params\[0\]/);
    expect(() => optim.clipGradNorm([{ data: new Float32Array(1), grad: 3 }] as never, 1)).toThrow(/params\[0\]\.grad/);
    expect(() => optim.clipGradNorm([], 1, null as never)).toThrow(/Expected object for options/);
    expect(() => optim.clipGradNorm([], 1, { normType: 'l2' as never })).toThrow(TypeError);
    expect(() => optim.clipGradNorm([], 1, { errorIfNonfinite: 1 as never })).toThrow(/errorIfNonfinite/);
    const p = { data: new Float32Array(2), grad: { data: Float32Array.of(3, 4) } };
    expect(optim.clipGradNorm([p], 1)).toBeCloseTo(5, 5);
  });

  it('Generator.normal/uniform/draws/reserve check their arguments', () => {
    const g = new Generator(1);
    expect(() => g.normal([1, 2] as never)).toThrow(/Expected Float32Array for out but received Array\(2\)/);
    expect(() => g.normal(null as never)).toThrow(TypeError);
    expect(() => g.normal(new Float32Array(2), NaN)).toThrow(/mean/);
    expect(() => g.normal(new Float32Array(2), 0, -1)).toThrow(/std/);
    expect(() => g.uniform(new Float32Array(2), NaN, Infinity)).toThrow(RangeError);
    expect(() => g.uniform(new Float32Array(2), 0, Infinity)).toThrow(/high/);
    expect(() => g.uniform(new Float32Array(2), 2, 1)).toThrow(/high/);
    expect(() => g.uniform(new Float32Array(2), -1e308, 1e308)).toThrow(/finite high - low/);
    expect(() => g.uniform({ length: 2 } as never)).toThrow(TypeError);
    expect(() => g.draws([] as never, 0)).toThrow(/Uint32Array/);
    expect(() => g.reserve(-1)).toThrow(RangeError);
    expect(() => g.reserve(NaN)).toThrow(RangeError);
    g.offset = Number.MAX_SAFE_INTEGER - 3;
    expect(() => g.reserve(8)).toThrow(/stream's safe offsets/);
    expect(g.offset).toBe(Number.MAX_SAFE_INTEGER - 3);
    const out = new Generator(1).uniform(new Float32Array(4), -1, 1);
    expect(out.every((v) => v >= -1 && v < 1)).toBe(true);
  });

  it('dropConnectLinear: an array bias or a non-Float32Array scratch', () => {
    const x = zeros([2, 3]);
    const w = zeros([4, 3]);
    expect(() => ops.dropConnectLinear(x, w, [0, 0, 0, 0] as never, { p: 0.5, training: true })).toThrow(
      /Expected Tensor for bias but received Array\(4\)/,
    );
    expect(() => ops.dropConnectLinear(x, w, [0, 0, 0, 0] as never, { p: 0, training: false })).toThrow(/bias/);
    expect(() => ops.dropConnectLinear(x, w, null, { p: 0.5, training: true }, [1] as never)).toThrow(/scratch/);
  });

  it('conv1d/conv2d: padding true, a pair of the wrong length, an unknown string', () => {
    const x1 = zeros([1, 1, 5]);
    expect(() => ops.conv1d(x1, zeros([1, 1, 3]), null, { padding: true as never })).toThrow(
      /Expected non-negative integer, pair, 'valid' or 'same' for padding but received true/,
    );
    const x2 = zeros([1, 1, 5, 5]);
    const w2 = zeros([1, 1, 3, 3]);
    expect(() => ops.conv2d(x2, w2, null, { padding: [1, 1, 1] as never })).toThrow(RangeError);
    expect(() => ops.conv2d(x2, w2, null, { padding: 'full' as never })).toThrow(RangeError);
    expect(() => ops.conv2d(x2, w2, null, { padding: {} as never })).toThrow(TypeError);
    expect(ops.conv2d(x2, w2, null, { padding: [1, 0] }).shape).toEqual([1, 1, 5, 3]);
  });

  it('a layer given an array where a tensor goes is a TypeError', () => {
    const layer = new nn.Linear(3, 2);
    expect(() => layer.forward([1, 2, 3] as unknown as Tensor)).toThrow(TypeError);
  });
});
