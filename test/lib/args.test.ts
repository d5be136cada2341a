// The constructor-argument parser (lib/args.ts): positional, options and both; every kind of
// argument a constructor does not take is a TypeError naming the class and the argument.
import { describe, expect, it } from 'vitest';
import {
  boolean,
  closest,
  finite,
  integer,
  intInRange,
  is,
  isPlainObject,
  nonNegative,
  nonNegativeFinite,
  nonNegativeInt,
  oneOf,
  orDefault,
  positiveFinite,
  positiveInt,
  positiveNumber,
  probability,
  signature,
  unitInterval,
} from '../../lib/args.js';
import { Generator } from '../../lib/index.js';

const SIG = signature('Thing', ['size'], { stride: is.sizes, bias: is.boolean }, { generator: is.object });

describe('signature().parse', () => {
  it('reads positionals in order, an options object, or both', () => {
    expect(SIG.parse([])).toEqual({});
    expect(SIG.parse([2])).toEqual({ stride: 2 });
    expect(SIG.parse([2, false])).toEqual({ stride: 2, bias: false });
    expect(SIG.parse([{ bias: false }])).toEqual({ bias: false });
    const g = new Generator(1);
    expect(SIG.parse([[2, 1], { bias: true, generator: g }])).toEqual({ stride: [2, 1], bias: true, generator: g });
  });

  it('leaves out undefined values so that defaults apply', () => {
    expect(SIG.parse([undefined, false])).toEqual({ bias: false });
    expect(SIG.parse([{ stride: undefined }])).toEqual({});
  });

  it('rejects one positional too many, naming the class, its arguments and the extra value', () => {
    expect(() => SIG.parse([2, true, 7])).toThrow(
      new TypeError(
        'Thing takes at most 3 arguments (size, stride, bias) and an options object but received 4; argument 4 is 7 of type number',
      ),
    );
    expect(() => signature('Bare', [], {}).parse([1])).toThrow(
      new TypeError('Bare takes no arguments but received 1; argument 1 is 1 of type number'),
    );
  });

  it('rejects unknown option keys, with a did-you-mean for snake_case and typos', () => {
    expect(() => SIG.parse([{ strid: 2 }])).toThrow(
      new TypeError(
        'Thing: unknown option "strid" (did you mean "stride"?); it takes the options stride, bias, generator',
      ),
    );
    expect(() => SIG.parse([{ use_bias: 2 }])).toThrow(
      new TypeError('Thing: unknown option "use_bias"; it takes the options stride, bias, generator'),
    );
    expect(() => SIG.parse([{ device: 'cpu' }])).toThrow(
      new TypeError('Thing: unknown option "device"; it takes the options stride, bias, generator'),
    );
  });

  it('rejects a value of the wrong type, naming the argument and the class', () => {
    expect(() => SIG.parse(['2'])).toThrow(
      new TypeError('Expected number or array of numbers for stride of Thing but received "2" of type string'),
    );
    expect(() => SIG.parse([{ bias: 1 }])).toThrow(
      new TypeError('Expected boolean for bias of Thing but received 1 of type number'),
    );
  });

  it('rejects an argument given both ways', () => {
    expect(() => SIG.parse([2, { stride: 3 }])).toThrow(
      new TypeError('Thing: stride is given twice, as argument 2 and in the options'),
    );
  });

  it('treats only plain objects as options', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(new Generator(1))).toBe(false);
    expect(isPlainObject(null)).toBe(false);
  });
});

describe('closest', () => {
  it('maps snake_case and case to the camelCase name, and small typos to the nearest', () => {
    expect(closest('weight_decay', ['lr', 'weightDecay'])).toBe('weightDecay');
    expect(closest('LR', ['lr', 'momentum'])).toBe('lr');
    expect(closest('momentm', ['lr', 'momentum'])).toBe('momentum');
    expect(closest('zzz', ['lr', 'momentum'])).toBeUndefined();
  });
});

describe('value checks (value, name, owner?)', () => {
  it('return the value when it fits', () => {
    expect(positiveInt(3, 'n')).toBe(3);
    expect(nonNegativeInt(0, 'n')).toBe(0);
    expect(integer(-2, 'dim')).toBe(-2);
    expect(intInRange(5, 'n', 1, 5)).toBe(5);
    expect(finite(-1.5, 'x')).toBe(-1.5);
    expect(positiveFinite(1e-5, 'eps')).toBe(1e-5);
    expect(positiveNumber(Infinity, 'limit')).toBe(Infinity);
    expect(nonNegative(0, 'lr')).toBe(0);
    expect(nonNegativeFinite(0.1, 'lr')).toBe(0.1);
    expect(probability(1, 'p')).toBe(1);
    expect(unitInterval(0, 'momentum')).toBe(0);
    expect(boolean(false, 'bias')).toBe(false);
    expect(oneOf('same', 'padding', ['valid', 'same'])).toBe('same');
  });

  it('throw TypeError for a wrong type and RangeError for a bad value, naming the argument and the owner', () => {
    expect(() => positiveInt('3', 'hiddenSize', 'LSTM')).toThrow(
      new TypeError('Expected positive integer for hiddenSize of LSTM but received "3" of type string'),
    );
    expect(() => positiveInt(0, 'hiddenSize', 'LSTM')).toThrow(
      new RangeError('Expected positive integer for hiddenSize of LSTM but received 0 of type number'),
    );
    expect(() => positiveInt(1.5, 'units')).toThrow(
      new RangeError('Expected positive integer for units but received 1.5 of type number'),
    );
    expect(() => nonNegativeInt(-1, 'projSize')).toThrow(RangeError);
    expect(() => integer(0.5, 'dim')).toThrow(
      new RangeError('Expected integer for dim but received 0.5 of type number'),
    );
    expect(() => intInRange(6, 'n', 1, 5)).toThrow(
      new RangeError('Expected integer in [1, 5] for n but received 6 of type number'),
    );
    expect(() => finite(NaN, 'alpha')).toThrow(
      new RangeError('Expected finite number for alpha but received NaN of type number'),
    );
    expect(() => positiveFinite(Infinity, 'gamma')).toThrow(RangeError);
    expect(() => positiveNumber(0, 'limit')).toThrow(RangeError);
    expect(() => nonNegative(-1, 'learningRate', 'tf.train.sgd')).toThrow(
      new RangeError('Expected non-negative number for learningRate of tf.train.sgd but received -1 of type number'),
    );
    expect(() => nonNegativeFinite(Infinity, 'lr')).toThrow(RangeError);
    expect(() => probability(1.5, 'p', 'Dropout')).toThrow(
      new RangeError('Expected number in [0, 1] for p of Dropout but received 1.5 of type number'),
    );
    expect(() => probability(NaN, 'p')).toThrow(RangeError);
    expect(() => unitInterval(1, 'rate')).toThrow(
      new RangeError('Expected number in [0, 1) for rate but received 1 of type number'),
    );
    expect(() => boolean(1, 'bias', 'Linear')).toThrow(
      new TypeError('Expected boolean for bias of Linear but received 1 of type number'),
    );
    expect(() => oneOf('full', 'padding', ['valid', 'same'])).toThrow(
      new RangeError("Expected 'valid' or 'same' for padding but received \"full\" of type string"),
    );
    expect(() => oneOf(1, 'padding', ['valid', 'same'])).toThrow(TypeError);
  });

  it('orDefault replaces only undefined (null is still checked)', () => {
    expect(boolean(orDefault(undefined, true), 'bias')).toBe(true);
    expect(() => boolean(orDefault(null, true), 'bias')).toThrow(
      new TypeError('Expected boolean for bias but received null'),
    );
  });
});
