// The constructor-argument parser (lib/args.ts): positional, options and both; every kind of
// argument a constructor does not take is a TypeError naming the class and the argument.
import { describe, expect, it } from 'vitest';
import { closest, is, isPlainObject, signature } from '../../lib/args.js';
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
    expect(() => SIG.parse([2, true, 7])).toThrow(new TypeError(
      'Thing takes at most 3 arguments (size, stride, bias) and an options object but received 4; argument 4 is 7 of type number',
    ));
    expect(() => signature('Bare', [], {}).parse([1])).toThrow(new TypeError('Bare takes no arguments but received 1; argument 1 is 1 of type number'));
  });

  it('rejects unknown option keys, with a did-you-mean for snake_case and typos', () => {
    expect(() => SIG.parse([{ strid: 2 }])).toThrow(new TypeError('Thing: unknown option "strid" (did you mean "stride"?); it takes the options stride, bias, generator'));
    expect(() => SIG.parse([{ use_bias: 2 }])).toThrow(new TypeError('Thing: unknown option "use_bias"; it takes the options stride, bias, generator'));
    expect(() => SIG.parse([{ device: 'cpu' }])).toThrow(new TypeError('Thing: unknown option "device"; it takes the options stride, bias, generator'));
  });

  it('rejects a value of the wrong type, naming the argument and the class', () => {
    expect(() => SIG.parse(['2'])).toThrow(new TypeError('Expected number or array of numbers for stride of Thing but received "2" of type string'));
    expect(() => SIG.parse([{ bias: 1 }])).toThrow(new TypeError('Expected boolean for bias of Thing but received 1 of type number'));
  });

  it('rejects an argument given both ways', () => {
    expect(() => SIG.parse([2, { stride: 3 }])).toThrow(new TypeError('Thing: stride is given twice, as argument 2 and in the options'));
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
