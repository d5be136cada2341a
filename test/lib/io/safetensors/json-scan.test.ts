import { describe, expect, it } from 'vitest';
import { scanJson } from '../../../../lib/io/safetensors/json-scan.js';

describe('scanJson', () => {
  it('finds duplicate keys at any depth, with the path of their object', () => {
    expect(scanJson('{"a":1,"b":{"c":1,"c":2}}', 16)).toEqual({ duplicate: { key: 'c', path: '$["b"]' } });
    expect(scanJson('{"a":[{"x":1},{"x":1,"x":2}]}', 16)).toEqual({ duplicate: { key: 'x', path: '$["a"][]' } });
    expect(scanJson('{"a":1,"\\u0061":2}', 16)).toEqual({ duplicate: { key: 'a', path: '$' } });
    expect(scanJson('{"\\"":1,"\\\\":2,"\\"":3}', 16)).toEqual({ duplicate: { key: '"', path: '$' } });
  });

  it('does not mistake values, siblings or array strings for keys', () => {
    expect(scanJson('{"a":"a","b":["a","a"],"c":{"a":1},"d":{"a":2}}', 16)).toEqual({ duplicate: undefined });
    expect(scanJson('{"a":"}{,\\"a\\":"}', 16)).toEqual({ duplicate: undefined });
  });

  it('stops at the first container deeper than the limit', () => {
    expect(scanJson('[[[]]]', 3)).toEqual({ duplicate: undefined });
    expect(scanJson('[[[[]]]]', 3)).toEqual({ depthExceeded: 4 });
    expect(scanJson('"[[[[[["', 3)).toEqual({ duplicate: undefined });
  });

  it('survives malformed input (JSON.parse rejects it afterwards)', () => {
    for (const text of ['}}}]]]', '{"a', '{"a\\', '{"\\u12":1,"\\u12":1}', '{,,,:::}']) {
      expect(() => scanJson(text, 16)).not.toThrow();
    }
  });
});
