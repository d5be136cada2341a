// Every code block of docs/recurrent.md runs as written (its `import ... from 'dropnet'` bound to
// the library) and prints what its comments say.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as lib from '../../lib/index.js';

const text = readFileSync(new URL('../../docs/recurrent.md', import.meta.url), 'utf8');
const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

function runBlock(code: string): string[] {
  const lines: string[] = [];
  const body = code.replace(/^import \{([^}]*)\} from 'dropnet';$/m, 'const {$1} = lib;');
  expect(body).not.toMatch(/^import /m);
  new Function('lib', 'console', body)(lib, { log: (...a: unknown[]) => lines.push(a.map((v) => JSON.stringify(v)).join(' ')) });
  return lines;
}

describe('docs/recurrent.md', () => {
  it('has an example for the layers, for each recurrent dropout scheme and for step masks', () => {
    expect(blocks.length).toBe(6);
  });

  it('the examples run and print what they say', () => {
    const out = blocks.map(runBlock);
    expect(out[0]).toEqual(['[5,3,20] [2,3,20] [2,3,20]']);
    expect(out[1]).toEqual(['3 3', '[12,4,16] [12,4,16]']);
    expect(out[2]).toEqual(['["weight_ih_l0","weight_hh_l0","bias_ih_l0","bias_hh_l0"]', '[10,2,16]']);
    expect(out[3]).toEqual(['[20,4,16] [20,4,16] [20,4,16]']);
    expect(out[4]).toEqual(['[10,2,16]']);
    expect(out[5]).toEqual(['[2,5,3] [1,2,3]', 'true']);
  });
});
