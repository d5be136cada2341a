import { describe, expect, it } from 'vitest';
import { describe as describeValue, invalidArg, ShapeError } from '../../lib/errors.js';

describe('describe()', () => {
  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    [1.5, '1.5 of type number'],
    [-0, '0 of type number'],
    [Number.NaN, 'NaN of type number'],
    [1e21, '1e+21 of type number'],
    [true, 'true of type boolean'],
    [3n, '3 of type bigint'],
    ['abc', '"abc" of type string'],
    ['x'.repeat(50), `"${'x'.repeat(40)}..." of type string`],
    [new Float32Array(3), 'Float32Array(3)'],
    [new Uint8Array(0), 'Uint8Array(0)'],
    [new DataView(new ArrayBuffer(2)), 'DataView'],
    [[1, 2], 'Array(2)'],
    [{}, 'object'],
    [new Map(), 'Map'],
    [() => 1, 'function'],
  ])('renders %o as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('invalidArg()', () => {
  it('builds the one message format', () => {
    expect(invalidArg('p', 'number in [0, 1]', 1.5)).toBe(
      'Expected number in [0, 1] for p but received 1.5 of type number',
    );
  });
});

describe('ShapeError', () => {
  it('names the layer, the expected and the received shape', () => {
    const e = ShapeError.forLayer('Linear(784→256) at layer 3', [-1, 784], [64, 785]);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ShapeError');
    expect(e.message).toBe('Linear(784→256) at layer 3 expected input [*, 784] but received [64, 785]');
    expect(e.layer).toBe('Linear(784→256) at layer 3');
    expect(e.expected).toEqual([-1, 784]);
    expect(e.received).toEqual([64, 785]);
  });
});
