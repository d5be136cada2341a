/**
 * The public surface, pinned: every name each package.json "exports" entry point gives (values
 * and types, into namespaces such as `nn` and `io`) must equal the list in public-exports.json.
 * A refactor that drops or adds a public name fails here; a deliberate change edits the list.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { entryPoints, entryTypeNames, entryValueNames } from '../helpers/public-exports.js';

type Pinned = Record<string, { values: string[]; types: string[] }>;
const expected = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'public-exports.json'), 'utf8'),
) as Pinned;
const entries = entryPoints();

describe('public exports', () => {
  it('pins every package.json entry point', () => {
    expect(Object.keys(entries).sort()).toEqual(Object.keys(expected).sort());
  });

  it('the value names of every entry point are the pinned set', async () => {
    const values = await entryValueNames(entries);
    for (const name of Object.keys(entries)) expect(values[name], name).toEqual(expected[name]!.values);
  }, 180_000);

  it('the type names of every entry point are the pinned set', () => {
    const types = entryTypeNames(entries);
    for (const name of Object.keys(entries)) expect(types[name], name).toEqual(expected[name]!.types);
  }, 180_000);
});
